"""The main area's panels: KPI strip, map, charts, table and the cluster profile."""

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from analysis.table import COLUMNS as TABLE_COLUMNS
from layouts import ids
from mapping.modes import Choice

KPI_LABELS = (
    ("clusters", "Clusters", "{:,}"),
    ("countries", "Countries", "{:,}"),
    ("sme_members", "Member SMEs", "{:,}"),
    ("third_country_share", "In third countries", "{:.0%}"),
    ("labelled_share", "With an excellence label", "{:.0%}"),
)
# plotly.js 3 offers "Share chart..." (sendChartToCloud): it uploads the chart to Plotly Cloud.
# No data leaves this server, so the button is never shown.
GRAPH_CONFIG = {"displaylogo": False, "responsive": True,
                "modeBarButtonsToRemove": ["sendChartToCloud"]}  # fmt: skip


def download_config(name: str) -> dict:
    """Return a chart's config with its modebar shown and a PNG download named `name`."""
    return {**GRAPH_CONFIG, "displayModeBar": True,
            "toImageButtonOptions": {"format": "png", "filename": f"cluster-atlas-{name}",
                                     "scale": 2}}  # fmt: skip


# Rows the table asks the server for at a time (AG Grid's infinite row model).
TABLE_BLOCK = 100


def build_kpis(kpis: dict | None) -> html.Section:
    """Return the KPI strip ("–" until the first update, and for shares of no cluster)."""
    cards = [
        html.Div(
            [
                html.Div(kpi_text(kpis, key, fmt), className="atlas-kpi-value"),
                html.Div(label, className="atlas-kpi-label"),
            ],
            className="atlas-kpi",
            **{"data-kpi": key},
        )
        for key, label, fmt in KPI_LABELS
    ]
    return html.Section(cards, id=ids.KPIS, className="atlas-kpis", **{"aria-label": "Key figures"})


def kpi_text(kpis: dict | None, key: str, fmt: str) -> str:
    """Return one KPI as shown ("–" before the first update and for shares of no cluster)."""
    # A share of no cluster at all is not 0 %: it is undefined.
    if kpis is None or (kpis["clusters"] == 0 and key.endswith("_share")):
        return "–"
    return fmt.format(kpis[key])


def build_map_panel(*, modes: tuple[Choice, ...], colors: tuple[Choice, ...]) -> html.Section:
    """Return the map card: colour and mode selectors, the map, the download links."""
    controls = html.Div(
        [
            html.Fieldset(
                [
                    html.Legend("Colour by", className="small fw-semibold me-2 mb-0"),
                    dbc.RadioItems(
                        id=ids.COLOR_BY,
                        options=[{"label": c.label, "value": c.name} for c in colors],
                        value=colors[0].name,
                        inline=True,
                        label_class_name="small",
                    ),
                    html.Span(id=ids.COLOR_HINT, className="small text-muted"),
                ],
                className="atlas-color-by",
            ),
            html.Label("Show", htmlFor=ids.MAP_MODE, className="small fw-semibold ms-md-3 me-2"),
            dcc.Dropdown(
                [{"label": m.label, "value": m.name} for m in modes],
                modes[0].name,
                id=ids.MAP_MODE,
                clearable=False,
                searchable=False,
                className="atlas-mode",
            ),
            html.Div(
                [
                    html.A(
                        "Download CSV",
                        id=ids.DOWNLOAD_CSV,
                        href="/api/clusters.csv",
                        className="btn btn-sm btn-primary me-2",
                    ),
                    html.A(
                        "GeoJSON",
                        id=ids.DOWNLOAD_GEOJSON,
                        href="/api/clusters.geojson",
                        className="btn btn-sm btn-outline-primary",
                    ),
                ],
                className="ms-auto",
            ),
        ],
        className="atlas-map-controls",
    )
    # A responsive dcc.Graph fills its parent (inline height: 100%): the box sets the size.
    graph = html.Div(
        [dcc.Graph(id=ids.MAP, config={**GRAPH_CONFIG, "scrollZoom": True}),
         dcc.Store(id=ids.MAP_VIEWPORT), dcc.Store(id=ids.MAP_REDRAW)],
        className="atlas-map",
    )  # fmt: skip
    return html.Section(
        [controls, graph],
        className="atlas-card atlas-map-panel",
        **{"aria-label": "Map of the filtered clusters"},
    )


def build_no_match() -> dbc.Alert:
    """Return the (hidden) message shown when no cluster matches, with a reset button."""
    reset = dbc.Button(
        "Reset all filters", id=ids.NO_MATCH_RESET, color="dark", outline=True, size="sm",
        className="ms-2",
    )  # fmt: skip
    return dbc.Alert(
        [html.Strong("No clusters match these filters."), " Remove a filter, or", reset],
        id=ids.NO_MATCH,
        is_open=False,
        color="info",
        className="mb-0 py-2",
    )


# The four statistics charts: graph id, heading, and the id of a heading the data renames.
CHARTS = (
    (ids.CHART_COUNTRY, "Clusters by country", ids.CHART_COUNTRY_TITLE),
    (ids.CHART_ECOSYSTEM, "Clusters by ecosystem", None),
    (ids.CHART_SME, "Member SMEs per cluster", None),
    (ids.CHART_HEATMAP, "Ecosystems × countries", ids.CHART_HEATMAP_TITLE),
)
CHART_IDS = tuple(chart_id for chart_id, _, _ in CHARTS)
# What a chart shows until its figure comes (after the map's): nothing, not an empty pair of
# axes, which plotly.js would lay out (measuring its tick labels) while the map loads.
CHART_PENDING = {"layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}


def build_charts() -> html.Section:
    """Return the four statistics charts (click a bar or cell to filter) and the store their
    figures come in (the graphs get them after the map has drawn: assets/atlas-map.js)."""
    return html.Section(
        [
            *(
                html.Div(
                    [
                        html.H2(
                            title, className="h6 mb-1", **({"id": title_id} if title_id else {})
                        ),
                        html.Div(
                            dcc.Graph(
                                id=cid,
                                config={**GRAPH_CONFIG, "displayModeBar": False},
                                figure=CHART_PENDING,
                            ),
                            className="atlas-chart",
                        ),
                    ],
                    className="atlas-card",
                )
                for cid, title, title_id in CHARTS
            ),
            dcc.Store(id=ids.CHART_FIGURES),
        ],
        className="atlas-charts",
        **{"aria-label": "Statistics; click a bar to filter"},
    )


def build_table() -> html.Section:
    """Return the sortable table of the filtered clusters, fed a block of rows at a time."""
    columns = [
        {
            "field": column.field,
            "headerName": column.header,
            # Fixed widths, not flex: AG Grid hides flex columns (visibility: hidden, so also from
            # screen readers) until the grid has been on screen and measured.
            "width": column.width,
            **({"type": "numericColumn"} if column.numeric else {}),
        }
        for column in TABLE_COLUMNS
    ]
    grid = dag.AgGrid(
        id=ids.TABLE,
        columnDefs=columns,
        rowModelType="infinite",
        getRowId="params.data.cluster_id",
        # Sorting happens on the server (the page state's `sort`); the filter panel filters.
        defaultColDef={"sortable": True, "filter": False, "resizable": True},
        dashGridOptions={
            "animateRows": False,
            "cacheBlockSize": TABLE_BLOCK,
            "maxBlocksInCache": 20,
            "rowSelection": {
                "mode": "singleRow",
                "checkboxes": False,
                "enableClickSelection": True,
            },
            "suppressMultiSort": True,
            # Nine columns: draw them all, so every header is in the page (and for tests).
            "suppressColumnVirtualisation": True,
        },
        className="ag-theme-quartz",
        style={"height": "420px", "width": "100%"},
    )
    return html.Section(
        [
            html.H2("Clusters", className="h6 mb-1"),
            html.P(
                "Click a row, or press Enter on it, to open the cluster's profile; "
                "click a column header to sort.",
                className="small text-muted mb-1",
            ),
            grid,
        ],
        className="atlas-card",
        **{"aria-label": "Table of the filtered clusters"},
    )


def build_profile() -> dbc.Offcanvas:
    """Return the (closed) side panel that shows one cluster's profile, with a copy-link."""
    copy = html.Div(
        [
            dbc.Button("Find partners", id=ids.PROFILE_FIND, color="primary", size="sm",
                       className="me-3"),
            dcc.Clipboard(
                id=ids.PROFILE_COPY,
                title="Copy the link to this profile",
                className="btn btn-sm btn-outline-primary",
            ),
            html.Span("Copy the link", className="small ms-2"),
        ],
        className="d-flex align-items-center mb-2",
    )  # fmt: skip
    return dbc.Offcanvas(
        [copy, html.Div(id=ids.PROFILE_BODY)],
        id=ids.PROFILE,
        title=html.Span("Cluster profile", id=ids.PROFILE_TITLE),
        labelledby=ids.PROFILE_TITLE,
        placement="end",
        is_open=False,
        scrollable=True,
    )
