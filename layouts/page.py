"""The page: header with the demo notice, count, colour selector, map, footer with credits."""

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids

COLOR_OPTIONS = [{"label": "Scope", "value": "scope"}, {"label": "Label", "value": "label"}]


def build_page(*, count_text: str, figure: dict, is_demo: bool) -> html.Div:
    """Return the whole page; what it shows arrives as arguments."""
    return html.Div(
        [
            build_header(count_text=count_text, is_demo=is_demo),
            html.Main(build_map_panel(figure), className="atlas-main"),
            build_footer(),
        ],
        className="atlas-page",
    )


def build_header(*, count_text: str, is_demo: bool) -> html.Header:
    """Return the title bar with the live count and, for demo data, a visible notice."""
    notice = dbc.Alert(
        [html.Strong("Demo data. "),
         "Every cluster shown here is synthetic: fictional organisations placed in real towns."],
        id=ids.DEMO_NOTICE, color="warning", className="atlas-demo-notice mb-0 py-1 px-2",
    ) if is_demo else None  # fmt: skip
    return html.Header(
        [
            html.Div(
                [
                    html.H1("Cluster Atlas", className="h4 mb-0"),
                    html.P("Cluster organisations in Europe and beyond", className="mb-0 small"),
                ],
                className="atlas-title",
            ),  # fmt: skip
            html.Div(count_text, id=ids.COUNT, className="atlas-count", role="status"),
            notice,
        ],
        className="atlas-header",
    )


def build_map_panel(figure: dict) -> html.Section:
    """Return the map with its colour-by selector."""
    selector = html.Div(
        [html.Label("Colour by", htmlFor=ids.COLOR_BY, className="me-2 small fw-semibold"),
         dcc.RadioItems(COLOR_OPTIONS, "scope", id=ids.COLOR_BY, inline=True,
                        inputClassName="me-1", labelClassName="me-3 small")],
        className="atlas-map-controls",
    )  # fmt: skip
    graph = dcc.Graph(
        id=ids.MAP, figure=figure, className="atlas-map",
        config={"displaylogo": False, "scrollZoom": True, "responsive": True},
    )  # fmt: skip
    return html.Section([selector, graph], className="atlas-map-panel", **{"aria-label": "Map"})


def build_footer() -> html.Footer:
    """Return the footer crediting the data sources."""
    return html.Footer(
        [
            "Places: ",
            html.A("GeoNames", href="https://www.geonames.org/"),
            " (CC BY 4.0). Country borders: ",
            html.A("Natural Earth", href="https://www.naturalearthdata.com/"),
            " (public domain). Cluster Atlas is open source.",
        ],
        id=ids.FOOTER,
        className="atlas-footer small",
    )
