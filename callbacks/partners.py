"""Partner finder and marketplace wiring: their content for a page state."""

from functools import partial

from dash import Dash, Output, dcc, html

from analysis.marketplace import market_items
from analysis.partners import rank_partners, similar_clusters
from analysis.state import Page, PageState
from analysis.store import DatasetStore
from callbacks._views import register_view
from data.taxonomies import vocabulary
from layouts import ids
from layouts.marketplace import market_header
from layouts.marketplace import market_items as market_list
from layouts.partners import INTRO, NO_SUBJECT_MAP, partner_items, partner_subject
from mapping.partner_map import make_partner_map


def register(
    app: Dash, store: DatasetStore, *, features: frozenset[str], map_options: dict
) -> None:
    """Register the partner view's and the marketplace's callbacks."""
    view = {"store": store, "features": features}
    register_view(
        app,
        **view,
        tab="partners",
        outputs=[
            Output(ids.PARTNER_SUBJECT, "children"),
            Output(ids.PARTNER_LIST, "children"),
            Output(ids.PARTNER_MAP, "figure"),
        ],
        render=partial(render_partners, map_options=map_options),
    )
    register_view(app, **view, tab="marketplace",
                  outputs=[Output(ids.MARKET_HEADER, "children"),
                           Output(ids.MARKET_LIST, "children")],
                  render=render_market)  # fmt: skip


def render_market(page: Page) -> tuple:
    """Return the marketplace's header (side and kind choices) and its items."""
    state = page.state
    market = market_items(page.dataset, state.filters, side=state.side, kind=state.kind)
    choices = [
        ("Show", [(label, _href(state.with_view(side=value)), state.side == value)
                  for label, value in (("All", None), ("Offers", "offer"), ("Needs", "need"))]),
        ("Type", [(label, _href(state.with_view(kind=value)), state.kind == value)
                  for label, value in (("All", None),
                                       *((term, slug) for slug, term in
                                         vocabulary("offer_types").by_slug.items()))]),
    ]  # fmt: skip
    header = market_header(choices, shown=len(market.items), total=market.total)
    return header, market_list(market.items, profile_href=_profile_href(state))


def _href(state: PageState) -> str:
    return "/" + state.to_query_string()


def _profile_href(state: PageState) -> str:
    """Return the start of a link to a profile on the map (append a cluster_id)."""
    query = PageState(state.filters, data=state.data).to_query_string()
    return "/" + query + ("&" if query else "?") + "cluster="


def render_partners(page: Page, *, map_options: dict) -> tuple:
    """Return the partner view's subject, list and map for a page state."""
    state = page.state
    if state.cluster is None:
        return INTRO, [], NO_SUBJECT_MAP
    records = page.dataset.records
    position = page.dataset.positions[state.cluster]
    partners = rank_partners(page.dataset, position, page.mask)
    query = state.to_query_string()
    subject = partner_subject(records.iloc[position], csv_href=f"/api/partners.csv{query}",
                              count=len(partners))  # fmt: skip
    figure = make_partner_map(
        records.iloc[position], records.iloc[[p.position for p in partners]].assign(
            score=[p.score for p in partners]),
        countries_url=map_options["countries_url"], tiles=map_options.get("tiles"),
    )  # fmt: skip
    return subject, partner_items(records, partners, profile_href=_profile_href(state)), figure


def similar_links(page: Page, position: int) -> list:
    """Return links to the profiles of the clusters most alike (under the same filters)."""
    records = page.dataset.records
    state = page.state
    return [
        html.Li(dcc.Link(str(records["name"].iat[j]),
                         href="/" + state.with_view(cluster=str(records["cluster_id"].iat[j]))
                         .to_query_string()))
        for j in similar_clusters(page.dataset, position, page.mask)
    ]  # fmt: skip
