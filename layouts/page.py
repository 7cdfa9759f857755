"""The page frame: header with live count and demo notice, filters, main area, footer."""

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from analysis.params import FilterParam
from layouts import ids
from layouts.compare import build_compare_view
from layouts.filters import Options, build_filters
from layouts.insights import build_insight_view
from layouts.marketplace import build_market_view
from layouts.panels import (
    build_charts,
    build_kpis,
    build_map_panel,
    build_no_match,
    build_profile,
    build_table,
)
from layouts.partners import build_partner_view
from layouts.upload import build_upload_view
from mapping.modes import Choice


def build_page(
    *,
    filters: tuple[FilterParam, ...],
    options: dict[str, Options],
    modes: tuple[Choice, ...],
    colors: tuple[Choice, ...],
    tabs: tuple[Choice, ...],
    total: int,
    is_demo: bool,
    nuts: bool,
    dataset_name: str,
    views: dict[str, Component],
) -> html.Div:
    """Return the whole page; what it shows arrives as arguments.

    `views` are the main views but the map's, by tab: whole (`build_views`), or as frames to
    fill when first shown (`unmounted`).
    """
    map_view = html.Div(
        [build_no_match(), build_kpis(None), build_map_panel(modes=modes, colors=colors),
         build_charts(), build_table()],
        id=ids.MAP_VIEW,
        className="atlas-view",
    )  # fmt: skip
    main = html.Main(
        [
            dbc.Alert(
                id=ids.NOTICES,
                is_open=False,
                color="warning",
                dismissable=True,
                className="mb-2 py-2",
            ),
            build_tabs(tabs),
            map_view,
            *views.values(),
        ],
        className="atlas-main",
    )
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.TABLE_SORT),
            dcc.Store(id=ids.TABLE_KEY),
            *(dcc.Store(id=store) for store in ids.VIEW_SEARCH.values()),
            dcc.Store(id=ids.VIEWS_MOUNTED, data=[]),
            build_header(total=total, is_demo=is_demo, dataset_name=dataset_name),
            html.Div([build_filters(filters, options), main], className="atlas-body"),
            build_profile(),
            build_footer(nuts=nuts),
        ],
        className="atlas-page",
    )


def build_views(
    *, min_clusters: int, max_upload_mb: int, dataset_days: int
) -> dict[str, Component]:
    """Return the main views but the map's, whole, by tab (layouts.ids.VIEW_IDS)."""
    return {
        "partners": build_partner_view(),
        "marketplace": build_market_view(),
        "insights": build_insight_view(min_clusters=min_clusters),
        "compare": build_compare_view(),
        "upload": build_upload_view(max_upload_mb=max_upload_mb, dataset_days=dataset_days),
    }


def unmounted(view: Component) -> Component:
    """Return a view's frame without its content, which is put in when the view is first shown.

    A first page then draws the map view only: the other views' graphs and grids would cost
    the browser about half a second while the map loads (docs/performance.md).
    """
    props = {k: v for k, v in view.to_plotly_json()["props"].items() if k != "children"}
    return type(view)(**props)


def build_tabs(tabs: tuple[Choice, ...]) -> html.Fieldset:
    """Return the switch between the main views (the page state's `tab`).

    A radio group styled as buttons: Bootstrap's tabs expect panes the views are not.
    """
    return html.Fieldset(
        [
            html.Legend("View", className="visually-hidden"),
            dbc.RadioItems(
                id=ids.TABS,
                options=[{"label": t.label, "value": t.name} for t in tabs],
                value=tabs[0].name,
                inline=True,
                class_name="btn-group",
                input_class_name="btn-check",
                label_class_name="btn btn-outline-primary btn-sm",
                label_checked_class_name="active",
            ),
        ],
        className="atlas-tabs mb-2",
    )


def build_header(*, total: int, is_demo: bool, dataset_name: str) -> html.Header:
    """Return the title bar: the data set's name, the live count and, for demo data, a notice."""
    notice = html.Span(
        dbc.Badge(
            "Demo data: synthetic, fictional clusters in real towns",
            id=ids.DEMO_NOTICE,
            color="warning",
            text_color="dark",
            className="atlas-demo-notice",
            title="Every cluster shown is synthetic: fictional organisations placed in real towns.",
        ),
        id=ids.DEMO_NOTICE_WRAP,
        hidden=not is_demo,
    )
    return html.Header(
        [
            html.Div(
                [
                    html.H1("Cluster Atlas", className="h4 mb-0"),
                    html.P(
                        [
                            "Data: ",
                            html.Span(
                                dataset_name,
                                id=ids.DATASET_NAME,
                                className="fw-semibold text-break",
                            ),
                            html.A(
                                f"back to {dataset_name}",
                                href="/",
                                id=ids.DATASET_BACK,
                                hidden=True,
                                className="atlas-back ms-2",
                            ),
                        ],
                        className="mb-0 small",
                    ),  # fmt: skip
                ],
                className="atlas-title",
            ),
            html.Div(
                f"{total:,} of {total:,} clusters",
                id=ids.COUNT,
                className="atlas-count",
                role="status",
                **{"aria-live": "polite"},
            ),
            notice,
            # Filled on printing (assets/atlas.js): the page's link, filters included.
            html.P(id=ids.PRINT_LINK, className="atlas-print-only small mb-0"),
            dbc.Button(
                "Filters",
                id=ids.FILTER_TOGGLE,
                color="primary",
                outline=True,
                size="sm",
                className="atlas-filter-toggle",
            ),
        ],
        className="atlas-header",
    )


def build_footer(*, nuts: bool) -> html.Footer:
    """Return the footer crediting the data sources (EuroGeographics when NUTS is on)."""
    credits = [
        "Places: ",
        html.A("GeoNames", href="https://www.geonames.org/"),
        " (CC BY 4.0). ",
        "Country borders: ",
        html.A("Natural Earth", href="https://www.naturalearthdata.com/"),
        " (public domain). ",
    ]
    if nuts:
        credits += ["Administrative boundaries: © EuroGeographics for the NUTS regions. "]
    credits += ["Cluster Atlas is open source; no data leaves this server."]
    return html.Footer(credits, id=ids.FOOTER, className="atlas-footer small")
