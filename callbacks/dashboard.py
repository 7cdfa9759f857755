"""Render everything the page state drives: count, notices, KPIs, charts, facets, links."""

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, ctx, html, no_update

from analysis.charts import (
    country_chart_title,
    heatmap_title,
    make_country_bars,
    make_ecosystem_bars,
    make_heatmap,
    make_sme_histogram,
)
from analysis.filters import facet_counts
from analysis.params import BY_NAME
from analysis.state import Page, PageState, open_page
from analysis.statistics import compute_stats
from analysis.store import DatasetStore
from layouts import ids
from layouts.filters import option_list
from layouts.panels import CHART_IDS, build_kpis


def register(app: Dash, store: DatasetStore, *, features: frozenset[str]) -> None:
    """Register the callback that redraws the statistics, facets and links for a URL."""

    @app.callback(
        output={
            "count": Output(ids.COUNT, "children"),
            "notices": Output(ids.NOTICES, "children"),
            "notices_open": Output(ids.NOTICES, "is_open"),
            "no_match": Output(ids.NO_MATCH, "is_open"),
            "kpis": Output(ids.KPIS, "children"),
            "charts": Output(ids.CHART_FIGURES, "data"),
            "country_title": Output(ids.CHART_COUNTRY_TITLE, "children"),
            "heatmap_title": Output(ids.CHART_HEATMAP_TITLE, "children"),
            "csv": Output(ids.DOWNLOAD_CSV, "href"),
            "geojson": Output(ids.DOWNLOAD_GEOJSON, "href"),
            "options": Output({"type": ids.FACET, "param": ALL}, "options"),
            "table_key": Output(ids.TABLE_KEY, "data"),
            "dataset_name": Output(ids.DATASET_NAME, "children"),
            "demo_hidden": Output(ids.DEMO_NOTICE_WRAP, "hidden"),
            "back_hidden": Output(ids.DATASET_BACK, "hidden"),
        },
        inputs={"search": Input(ids.URL, "search")},
        state={"table_key": State(ids.TABLE_KEY, "data")},
    )
    def render(search, table_key):
        page = open_page(store, search or "", features=features)
        facets = [item["id"]["param"] for item in ctx.outputs_grouping["options"]]
        outputs = dict(store.remembered(
            page.state.data, ("dashboard", search or "", tuple(facets)),
            lambda: render_dashboard(page, facets=facets),
        ))  # fmt: skip
        # The header names the data set; the demo notice shows for the demo data only.
        facts = store.facts(page.state.data)  # one read of an upload's report
        outputs["dataset_name"] = facts["name"]
        outputs["demo_hidden"] = not facts["is_demo"]
        outputs["back_hidden"] = page.state.data is None
        # The grid reloads its rows only when what it shows changed (not for a profile).
        if outputs["table_key"] == table_key:
            outputs["table_key"] = no_update
        return outputs

    # The charts (below the map) get their figures once the map has drawn the same state's
    # figure (Dash calls this after both answers), so on 2 cores their drawing does not hold
    # up the map's: assets/atlas-map.js.
    app.clientside_callback(
        ClientsideFunction(namespace="atlasMap", function_name="afterMap"),
        [Output(chart, "figure") for chart in CHART_IDS],
        Input(ids.CHART_FIGURES, "data"),
        Input(ids.MAP, "figure"),
    )


def render_dashboard(page: Page, *, facets: list[str]) -> dict:
    """Return the outputs of one state update; `facets` are the filters whose options count."""
    stats = compute_stats(page.dataset, page.mask)
    kpis = stats["kpis"]
    downloads = download_query(page.state)
    counts = facet_counts(page.dataset, page.state.filters)
    return {
        "count": f"{kpis['clusters']:,} of {kpis['total_clusters']:,} clusters",
        "notices": _notice_list(page.notices),
        "notices_open": bool(page.notices),
        "no_match": kpis["clusters"] == 0,
        "kpis": build_kpis(kpis).children,
        "charts": {
            ids.CHART_COUNTRY: make_country_bars(stats),
            ids.CHART_ECOSYSTEM: make_ecosystem_bars(stats),
            ids.CHART_SME: make_sme_histogram(stats),
            ids.CHART_HEATMAP: make_heatmap(stats),
        },
        "country_title": country_chart_title(stats),
        "heatmap_title": heatmap_title(stats),
        "csv": f"/api/clusters.csv{downloads}",
        "geojson": f"/api/clusters.geojson{downloads}",
        "options": [
            option_list(
                BY_NAME[param],
                page.dataset.options(param),
                counts[param],
                selected=getattr(page.state.filters, param),
            )
            for param in facets
        ],  # fmt: skip
        "table_key": downloads or "?",
    }


def download_query(state: PageState) -> str:
    """Return the query of the downloads: the records the table shows, in its order."""
    return PageState(state.filters, sort=state.sort, data=state.data).to_query_string()


def _notice_list(notices: tuple[str, ...]):
    if not notices:
        return None
    return [html.Strong("Some parts of this link were ignored: "),
            html.Ul([html.Li(n) for n in notices], className="mb-0")]  # fmt: skip
