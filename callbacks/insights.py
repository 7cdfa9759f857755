"""Insights wiring: the specialisation view's header, map, heatmap and table for a page state."""

from dash import Dash, Input, Output, no_update

from analysis.charts import make_lq_heatmap
from analysis.specialisation import specialise
from analysis.state import Page, PageState, open_page
from analysis.store import DatasetStore
from data.taxonomies import vocabulary
from data.text import slugify
from layouts import ids
from layouts.insights import insight_header
from mapping.insight_map import make_lq_map

HEATMAP_AREAS = 20
BY_NAMES = {"country": "Countries", "region": "Regions", "nuts2": "NUTS-2 regions"}
WEIGHT_NAMES = {"clusters": "Clusters", "smes": "Member SMEs"}
AREA_NOUNS = {"country": "country", "region": "region", "nuts2": "NUTS-2 region"}


def register(
    app: Dash, store: DatasetStore, *, features: frozenset[str], map_options: dict,
    min_clusters: int,
) -> None:  # fmt: skip
    """Register the insights view's callback."""

    @app.callback(
        Output(ids.INSIGHT_HEADER, "children"),
        Output(ids.INSIGHT_MAP, "figure"),
        Output(ids.INSIGHT_MAP_NOTE, "children"),
        Output(ids.INSIGHT_HEATMAP, "figure"),
        Output(ids.INSIGHT_TABLE, "rowData"),
        Input(ids.URL, "search"),
    )
    def insights(search):
        page = open_page(store, search or "", features=features)
        if page.state.tab != "insights":
            return (no_update,) * 5
        return render_insights(page, map_options=map_options, min_clusters=min_clusters,
                               features=features)  # fmt: skip


def render_insights(
    page: Page, *, map_options: dict, min_clusters: int, features: frozenset[str]
) -> tuple:
    """Return the header, LQ map, map note, LQ heatmap and table rows of a page state."""
    state = page.state
    records = page.dataset.records
    result = specialise(records, page.mask, by=state.by, weight=state.weight,
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
            records, page.mask, by="country", weight=state.weight, min_clusters=min_clusters
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
