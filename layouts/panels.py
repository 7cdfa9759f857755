"""The main area's panels: KPI strip, map, charts, table and the cluster profile."""

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from layouts import ids

KPI_LABELS = (
    ("clusters", "Clusters", "{:,}"),
    ("countries", "Countries", "{:,}"),
    ("sme_members", "Member SMEs", "{:,}"),
    ("third_country_share", "In third countries", "{:.0%}"),
    ("labelled_share", "With an excellence label", "{:.0%}"),
)
COLOR_OPTIONS = [
    {"label": "Scope", "value": "scope"},
    {"label": "Label", "value": "label"},
    {"label": "Ecosystem", "value": "ecosystem"},
]
MODE_OPTIONS = [
    {"label": "Clusters (points)", "value": "points"},
    {"label": "Clusters per country", "value": "country_count"},
    {"label": "Member SMEs per country", "value": "country_smes"},
    {"label": "Clusters per million inhabitants", "value": "country_per_million"},
]
NUTS_MODE = {"label": "Clusters per NUTS-2 region", "value": "nuts2_count"}
TABLE_COLUMNS = (
    ("name", "Name", 260),
    ("acronym", "Acronym", 100),
    ("country", "Country", 130),
    ("city", "City", 130),
    ("region_name", "Region", 150),
    ("ecosystems", "Ecosystems", 240),
    ("sme_members", "Member SMEs", 120),
    ("founded", "Founded", 100),
    ("label", "Label", 100),
)
GRAPH_CONFIG = {"displaylogo": False, "responsive": True}


def build_kpis(kpis: dict | None) -> html.Section:
    """Return the KPI strip (empty values until the first update)."""
    cards = [
        html.Div(
            [
                html.Div(
                    "–" if kpis is None else fmt.format(kpis[key]), className="atlas-kpi-value"
                ),
                html.Div(label, className="atlas-kpi-label"),
            ],
            className="atlas-kpi",
            **{"data-kpi": key},
        )
        for key, label, fmt in KPI_LABELS
    ]
    return html.Section(cards, id=ids.KPIS, className="atlas-kpis", **{"aria-label": "Key figures"})


def build_map_panel(*, nuts: bool) -> html.Section:
    """Return the map card: colour and mode selectors, the map, the download links."""
    modes = MODE_OPTIONS + ([NUTS_MODE] if nuts else [])
    controls = html.Div(
        [
            html.Label("Colour by", htmlFor=ids.COLOR_BY, className="small fw-semibold me-2"),
            dcc.RadioItems(
                COLOR_OPTIONS,
                "scope",
                id=ids.COLOR_BY,
                inline=True,
                inputClassName="me-1",
                labelClassName="me-3 small",
            ),
            html.Label("Show", htmlFor=ids.MAP_MODE, className="small fw-semibold ms-md-3 me-2"),
            dcc.Dropdown(
                modes,
                "points",
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
        dcc.Graph(id=ids.MAP, config={**GRAPH_CONFIG, "scrollZoom": True}), className="atlas-map"
    )
    return html.Section(
        [controls, graph],
        className="atlas-card atlas-map-panel",
        **{"aria-label": "Map of the filtered clusters"},
    )


def build_charts() -> html.Section:
    """Return the four statistics charts (click a bar or cell to filter)."""
    charts = [
        (ids.CHART_COUNTRY, "Clusters by country"),
        (ids.CHART_ECOSYSTEM, "Clusters by ecosystem"),
        (ids.CHART_SME, "Member SMEs per cluster"),
        (ids.CHART_HEATMAP, "Ecosystems × countries (top 15 countries)"),
    ]
    return html.Section(
        [
            html.Div(
                [
                    html.H2(title, className="h6 mb-1"),
                    html.Div(
                        dcc.Graph(id=cid, config={**GRAPH_CONFIG, "displayModeBar": False}),
                        className="atlas-chart",
                    ),
                ],
                className="atlas-card",
            )
            for cid, title in charts
        ],
        className="atlas-charts",
        **{"aria-label": "Statistics; click a bar to filter"},
    )


def build_table() -> html.Section:
    """Return the sortable, filterable, virtualised table of the filtered clusters."""
    columns = [
        {
            "field": field,
            "headerName": header,
            "width": width,
            **(
                {"type": "numericColumn", "filter": "agNumberColumnFilter"}
                if field in ("sme_members", "founded")
                else {}
            ),
        }
        for field, header, width in TABLE_COLUMNS
    ]
    grid = dag.AgGrid(
        id=ids.TABLE,
        columnDefs=columns,
        rowData=[],
        getRowId="params.data.cluster_id",
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={
            "animateRows": False,
            "rowSelection": {
                "mode": "singleRow",
                "checkboxes": False,
                "enableClickSelection": True,
            },
        },
        className="ag-theme-quartz",
        style={"height": "420px", "width": "100%"},
    )
    return html.Section(
        [html.H2("Clusters", className="h6 mb-1"), grid],
        className="atlas-card",
        **{"aria-label": "Table of the filtered clusters"},
    )


def table_rows(records: pd.DataFrame) -> list[dict]:
    """Return the table's rows: display columns, lists joined, missing values empty."""
    frame = records[["cluster_id", *(field for field, _, _ in TABLE_COLUMNS)]].copy()
    frame["ecosystems"] = frame["ecosystems"].map(", ".join)
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict("records")


def build_profile() -> dbc.Offcanvas:
    """Return the (closed) side panel that shows one cluster's profile."""
    return dbc.Offcanvas(
        html.Div(id=ids.PROFILE_BODY),
        id=ids.PROFILE,
        title="Cluster profile",
        placement="end",
        is_open=False,
        scrollable=True,
    )
