"""The insights view: specialisation of areas in ecosystems (map, heatmap, table with stars)."""

import dash_ag_grid as dag
from dash import dcc, html

from analysis.specialisation import LQ_STAR, TOP_SHARE
from layouts import ids
from layouts.panels import GRAPH_CONFIG

# The table's columns: field, header, width hints.
COLUMNS = (
    {"field": "area_name", "headerName": "Area", "minWidth": 150, "flex": 2},
    {"field": "ecosystem", "headerName": "Ecosystem", "minWidth": 170, "flex": 2},
    {"field": "count", "headerName": "Clusters", "minWidth": 100, "flex": 1,
     "type": "numericColumn"},
    {"field": "lq", "headerName": "LQ", "minWidth": 80, "flex": 1, "type": "numericColumn",
     "valueFormatter": {"function": "d3.format('.2f')(params.value)"}},
    {"field": "star_text", "headerName": "Stars", "minWidth": 90, "flex": 1,
     "comparator": {"function": "(a, b, na, nb) => na.data.stars - nb.data.stars"}},
)  # fmt: skip


def explanation(min_clusters: int) -> html.Details:
    """Return what LQ and stars mean, in plain words."""
    return html.Details(
        [
            html.Summary("What the location quotient (LQ) and the stars mean"),
            html.P(
                "LQ compares an area's mix with the whole map's: the share of the area's "
                "clusters in an ecosystem divided by that ecosystem's share of all clusters "
                "shown. LQ 1: as common as everywhere; 2: twice as common (the area is "
                "specialised); ½: half as common. A cluster counts once in each of its "
                "ecosystems. Red areas are above 1, blue below.",
                className="small mb-1",
            ),
            html.P(
                [
                    "Stars, after the European Cluster Observatory's method: one for ",
                    html.Strong("size"),
                    f" (the area's clusters in the ecosystem are in the top {TOP_SHARE:.0%} of "
                    "areas), one for ",
                    html.Strong("specialisation"),
                    f" (LQ of {LQ_STAR:g} or more), one for ",
                    html.Strong("focus"),
                    f" (the ecosystem's share of the area's clusters is in the top "
                    f"{TOP_SHARE:.0%}). Areas with fewer than {min_clusters} clusters get no "
                    "stars: one or two clusters make any share look large.",
                ],
                className="small mb-0",
            ),
        ],
        className="mt-2",
        open=True,
    )


def build_insight_view(*, min_clusters: int) -> html.Section:
    """Return the (hidden) insights view; its content follows the page state."""
    grid = dag.AgGrid(
        id=ids.INSIGHT_TABLE,
        columnDefs=list(COLUMNS),
        rowData=[],
        getRowId="params.data.id",
        defaultColDef={"sortable": True, "filter": False, "resizable": True},
        dashGridOptions={"animateRows": False, "suppressColumnVirtualisation": True},
        className="ag-theme-quartz",
        style={"height": "380px", "width": "100%"},
    )
    return html.Section(
        [
            html.Div(id=ids.INSIGHT_HEADER),
            html.Div(
                [
                    html.H3("Where the ecosystem is concentrated", className="h6 mb-1"),
                    html.P(id=ids.INSIGHT_MAP_NOTE, className="small text-muted mb-1"),
                    html.Div(
                        dcc.Graph(id=ids.INSIGHT_MAP, config=GRAPH_CONFIG),
                        className="atlas-insight-map",
                    ),  # fmt: skip
                ],
                className="mb-3",
            ),
            html.H3("Areas by ecosystem (LQ)", className="h6 mb-1"),
            html.P(
                "The areas with the most clusters; click a cell to see those clusters on the map.",
                className="small text-muted mb-1",
            ),
            html.Div(
                dcc.Graph(id=ids.INSIGHT_HEATMAP, config=GRAPH_CONFIG),
                className="atlas-insight-heat",
            ),  # fmt: skip
            html.H3("Every area and ecosystem", className="h6 mt-3 mb-1"),
            html.P(
                "Click a column header to sort; click a row to see those clusters on the map.",
                className="small text-muted mb-1",
            ),
            grid,
            explanation(min_clusters),
        ],
        id=ids.INSIGHT_VIEW,
        className="atlas-card",
        hidden=True,
        **{"aria-label": "Specialisation"},
    )


def insight_header(choices: list[tuple[str, list[tuple[str, str, bool]]]], *, csv_href: str,
                   areas: int, unplaced: int, by_name: str) -> list:  # fmt: skip
    """Return the title, the area/weight/ecosystem choices (links) and the CSV download."""
    rows = [
        html.P([html.Strong(f"{title}: "),
                *[html.Span(dcc.Link([label, html.Span(" (shown)", className="visually-hidden")]
                                     if active else label, href=href,
                                     className="me-2 fw-semibold" if active else "me-2"))
                  for label, href, active in links]],
               className="small mb-1")
        for title, links in choices
    ]  # fmt: skip
    left_out = f" ({unplaced:,} clusters without a {by_name} are left out)" if unplaced else ""
    return [
        html.H2("Specialisation: what each area is strong in", className="h5 mb-1"),
        *rows,
        html.P(
            [
                f"{areas:,} areas{left_out}. ",
                html.A("Download the table (CSV)", href=csv_href, download=""),
            ],
            className="small",
        ),  # fmt: skip
    ]
