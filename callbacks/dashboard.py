"""Render everything the filter state drives: count, notices, KPIs, charts, table, links."""

import numpy as np
from dash import Dash, Input, Output, html

from analysis.charts import make_country_bars, make_ecosystem_bars, make_heatmap, make_sme_histogram
from analysis.dataset import Dataset
from analysis.filters import apply_filter, parse_query_string
from analysis.statistics import compute_stats
from layouts import ids
from layouts.panels import build_kpis, table_rows


def register(app: Dash, dataset: Dataset) -> None:
    """Register the callback that redraws the statistics, table and links for a URL."""
    # Every record's table row is built once; an update only picks the filtered ones.
    rows = table_rows(dataset.records)

    @app.callback(
        Output(ids.COUNT, "children"),
        Output(ids.NOTICES, "children"),
        Output(ids.NOTICES, "is_open"),
        Output(ids.KPIS, "children"),
        Output(ids.CHART_COUNTRY, "figure"),
        Output(ids.CHART_ECOSYSTEM, "figure"),
        Output(ids.CHART_HEATMAP, "figure"),
        Output(ids.CHART_SME, "figure"),
        Output(ids.TABLE, "rowData"),
        Output(ids.DOWNLOAD_CSV, "href"),
        Output(ids.DOWNLOAD_GEOJSON, "href"),
        Input(ids.URL, "search"),
    )
    def render(search):
        return render_dashboard(dataset, search or "", rows=rows)


def render_dashboard(dataset: Dataset, search: str, *, rows: list[dict]) -> tuple:
    """Return the outputs of one filter update; `rows` are all records' table rows."""
    spec, notices = parse_query_string(search, dataset=dataset)
    mask = apply_filter(dataset, spec)
    stats = compute_stats(dataset, mask)
    kpis = stats["kpis"]
    query = spec.to_query_string()
    return (
        f"{kpis['clusters']:,} of {kpis['total_clusters']:,} clusters",
        _notice_list(notices),
        bool(notices),
        build_kpis(kpis).children,
        make_country_bars(stats),
        make_ecosystem_bars(stats),
        make_heatmap(stats),
        make_sme_histogram(stats),
        [rows[i] for i in np.flatnonzero(mask)],
        f"/api/clusters.csv{query}",
        f"/api/clusters.geojson{query}",
    )


def _notice_list(notices: list[str]):
    if not notices:
        return None
    return [html.Strong("Some parts of this link were ignored: "),
            html.Ul([html.Li(n) for n in notices], className="mb-0")]  # fmt: skip
