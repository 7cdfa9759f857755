"""Partner finder wiring: which view shows, and the ranked partners of the state's cluster."""

from dash import Dash, Input, Output, dcc, html, no_update

from analysis.partners import rank_partners, similar_clusters
from analysis.state import Page, PageState, open_page
from analysis.store import DatasetStore
from layouts import ids
from layouts.partners import INTRO, partner_items, partner_subject
from mapping.partner_map import make_partner_map


def register(
    app: Dash, store: DatasetStore, *, features: frozenset[str], map_options: dict
) -> None:
    """Register the view switch and the partner view's callback."""

    @app.callback(
        Output(ids.MAP_VIEW, "hidden"),
        Output(ids.PARTNER_VIEW, "hidden"),
        Output(ids.PARTNER_SUBJECT, "children"),
        Output(ids.PARTNER_LIST, "children"),
        Output(ids.PARTNER_MAP, "figure"),
        Input(ids.URL, "search"),
    )
    def show(search):
        page = open_page(store, search or "", features=features)
        if page.state.tab != "partners":
            return False, True, no_update, no_update, no_update
        return True, False, *render_partners(page, map_options=map_options)


def render_partners(page: Page, *, map_options: dict) -> tuple:
    """Return the partner view's subject, list and map for a page state."""
    state = page.state
    if state.cluster is None:
        return INTRO, [], {}
    records = page.dataset.records
    position = page.dataset.positions[state.cluster]
    partners = rank_partners(page.dataset, position, page.mask)
    query = state.to_query_string()
    subject = partner_subject(records.iloc[position], csv_href=f"/api/partners.csv{query}",
                              count=len(partners))  # fmt: skip
    profile_href = PageState(state.filters, data=state.data).to_query_string()
    profile_href += ("&" if profile_href else "?") + "cluster="
    figure = make_partner_map(
        records.iloc[position], records.iloc[[p.position for p in partners]].assign(
            score=[p.score for p in partners]),
        countries_url=map_options["countries_url"], tiles=map_options.get("tiles"),
    )  # fmt: skip
    return subject, partner_items(records, partners, profile_href="/" + profile_href), figure


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
