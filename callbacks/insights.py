"""Insights wiring: specialisation, partnership network and time sections of a page state."""

from dataclasses import replace
from datetime import date
from functools import partial

from dash import Dash, Input, Output

from analysis.charts import make_lq_heatmap
from analysis.insight_charts import make_expiry_chart, make_founding_chart, make_partnership_matrix
from analysis.network import country_points, partnership_network
from analysis.specialisation import AREA_NOUNS, specialise
from analysis.state import Page, PageState
from analysis.store import DatasetStore
from analysis.timeline import SPLITS, founding_years, label_expiry
from callbacks._views import register_view
from callbacks.state import INSIGHT_CLICKS, register_events
from data.taxonomies import vocabulary
from data.text import slugify
from layouts import ids
from layouts.insights import (
    insight_header,
    network_header,
    partnership_list,
    partnership_panel,
    time_header,
)
from mapping.insight_map import make_lq_map
from mapping.network_map import make_network_map

HEATMAP_AREAS = 20
BY_NAMES = {"country": "Countries", "region": "Regions", "nuts2": "NUTS-2 regions"}
WEIGHT_NAMES = {"clusters": "Clusters", "smes": "Member SMEs"}
SPLIT_NAMES = {"scope": "Scope", "ecosystem": "Ecosystem"}
LISTED_PARTNERSHIPS = 40


def register(
    app: Dash, store: DatasetStore, *, features: frozenset[str], map_options: dict,
    min_clusters: int,
) -> None:  # fmt: skip
    """Register the insights view's callbacks: its three sections, and its clicks."""

    view = {"store": store, "features": features, "tab": "insights"}
    # A click on an area's cell shows that area's clusters of the ecosystem on the map.
    register_events(
        app,
        store,
        features=features,
        events={name: Input(name, prop) for name, prop in INSIGHT_CLICKS.items()},
    )
    register_view(
        app,
        **view,
        outputs=[
            Output(ids.INSIGHT_HEADER, "children"),
            Output(ids.INSIGHT_MAP, "figure"),
            Output(ids.INSIGHT_MAP_NOTE, "children"),
            Output(ids.INSIGHT_HEATMAP, "figure"),
            Output(ids.INSIGHT_TABLE, "rowData"),
        ],
        render=partial(
            render_insights, map_options=map_options, min_clusters=min_clusters, features=features
        ),
    )
    register_view(
        app,
        **view,
        outputs=[
            Output(ids.NETWORK_HEADER, "children"),
            Output(ids.NETWORK_MAP, "figure"),
            Output(ids.NETWORK_MATRIX, "figure"),
            Output(ids.NETWORK_LIST, "children"),
        ],
        render=partial(render_network, map_options=map_options),
    )
    register_view(app, **view,
                  outputs=[Output(ids.TIME_HEADER, "children"),
                           Output(ids.TIME_FOUNDED, "figure"),
                           Output(ids.TIME_EXPIRY_NOTE, "children"),
                           Output(ids.TIME_EXPIRY, "figure")],
                  render=lambda page: render_time(page, today=date.today()))  # fmt: skip


def render_insights(
    page: Page, *, map_options: dict, min_clusters: int, features: frozenset[str]
) -> tuple:
    """Return the header, LQ map, map note, LQ heatmap and table rows of a page state."""
    state = page.state
    result = specialise(page.dataset, page.mask, by=state.by, weight=state.weight,
                        min_clusters=min_clusters)  # fmt: skip
    rows = result.rows
    ecosystems = vocabulary("ecosystems").terms
    present = rows.groupby("ecosystem")["count"].sum() if not rows.empty else None
    focus = vocabulary("ecosystems").by_slug.get(state.focus or "")
    if focus is None and present is not None:
        focus = present.idxmax()
    by_choices = [b for b in BY_NAMES if b != "nuts2" or "nuts" in features]
    choices = [
        ("Areas", [(BY_NAMES[b], _href(state.with_view(by=b)), state.by == b)
                   for b in by_choices]),
        ("Count", [(WEIGHT_NAMES[w], _href(state.with_view(weight=w)), state.weight == w)
                   for w in WEIGHT_NAMES]),
        ("Map of", [(e, _href(state.with_view(focus=slugify(e))), e == focus)
                    for e in ecosystems]),
    ]  # fmt: skip
    csv_href = "/api/specialisation.csv" + state.to_query_string()
    header = insight_header(choices, csv_href=csv_href, areas=result.areas,
                            unplaced=result.unplaced, by_name=AREA_NOUNS[state.by])  # fmt: skip
    # The map is drawn by country (the shipped boundaries), whatever the table's areas.
    countries = (
        rows
        if state.by == "country"
        else specialise(
            page.dataset, page.mask, by="country", weight=state.weight, min_clusters=min_clusters
        ).rows
    )
    focused = countries[countries["ecosystem"] == focus] if focus else countries.iloc[:0]
    figure = make_lq_map(focused, ecosystem=focus or "", countries_url=map_options["countries_url"],
                         tiles=map_options.get("tiles"))  # fmt: skip
    note = _map_note(focus, state.by)
    areas = result.sizes.index[:HEATMAP_AREAS].tolist()
    heatmap = make_lq_heatmap(rows, areas, [e for e in ecosystems if present is not None
                                            and e in present.index])  # fmt: skip
    table = [
        {**row, "id": f"{row['area']}|{slugify(row['ecosystem'])}",
         "star_text": "★" * row["stars"] or "–", "slug": slugify(row["ecosystem"])}
        for row in sorted(result.records(), key=lambda r: (-r["stars"], -r["lq"]))
    ]  # fmt: skip
    return header, figure, note, heatmap, table


def render_network(page: Page, *, map_options: dict) -> tuple:
    """Return the partnerships' header, map, country matrix and list (or one's panel)."""
    state = page.state
    network = partnership_network(page.dataset, page.mask)
    chosen = state.filters.partnership
    one = next((p for p in network["partnerships"] if (slugify(p["name"]),) == chosen), None)
    options = {
        "countries_url": map_options["countries_url"],
        "tiles": map_options.get("tiles"),
        "places": page.dataset.derived("country_points", country_points),
    }
    if one is None:
        figure = make_network_map(network, **options)
        header = network_header(network, csv_href="/api/partnerships.csv" + state.to_query_string())
        shown = network["partnerships"][:LISTED_PARTNERSHIPS]
        items = [
            (
                p["name"],
                _href(_with_partnership(state, (slugify(p["name"]),))),
                f"{p['members']} members in {', '.join(p['countries'])}",
            )
            for p in shown
        ]
        listing = partnership_list(items, more=len(network["partnerships"]) - len(shown))
        return header, figure, make_partnership_matrix(network), listing
    records = page.dataset.records
    members = records.iloc[[page.dataset.positions[c] for c in one["cluster_ids"]]]
    figure = make_network_map({**network, "targets": [t for t in network["targets"]
                                                      if t["code"] in one["targets"]]},
                              members=members, **options)  # fmt: skip
    names = {t["code"]: t["name"] for t in network["targets"]}
    people = [(str(r.name), _href(state.with_view(tab="map", cluster=str(r.cluster_id))),
               f"{r.city}, {r.country}") for r in members.itertuples()]  # fmt: skip
    panel = partnership_panel({**one, "target_names": [names[t] for t in one["targets"]]},
                              people, all_href=_href(_with_partnership(state, ())),
                              map_href=_href(state.with_view(tab="map")))  # fmt: skip
    return panel, figure, make_partnership_matrix(network), []


def render_time(page: Page, *, today: date) -> tuple:
    """Return the time section's header, founding chart, expiry sentence and expiry chart."""
    state = page.state
    years = founding_years(page.dataset, page.mask, split=state.split)
    expiry = label_expiry(page.dataset.records, page.mask, today=today)
    choices = [("Split by", [(SPLIT_NAMES[s], _href(state.with_view(split=s)), state.split == s)
                             for s in SPLITS])]  # fmt: skip
    header = time_header(choices, csv_href="/api/timeline.csv" + state.to_query_string(),
                         unknown=years.unknown)  # fmt: skip
    note = (
        f"Of {expiry.labelled:,} labelled clusters, {expiry.expiring:,} labels expire in the next "
        f"12 months (before {expiry.until:%d %b %Y}); {expiry.expired:,} have expired already, "
        f"{expiry.later:,} run longer"
        + (f" and {expiry.undated:,} have no date." if expiry.undated else ".")
    )
    return header, make_founding_chart(years, split=state.split), note, make_expiry_chart(expiry)


def _with_partnership(state: PageState, slugs: tuple[str, ...]) -> PageState:
    return replace(state, filters=state.filters.with_value("partnership", slugs))


def _map_note(focus: str | None, by: str) -> str:
    if focus is None:
        return "No clusters match the filters."
    scope = (
        ""
        if by == "country"
        else f" (the map is by country; the heatmap and table by {AREA_NOUNS[by]})"
    )
    return f"{focus}: location quotient per country{scope}. Click a country to see its clusters."


def _href(state: PageState) -> str:
    return "/" + state.to_query_string()
