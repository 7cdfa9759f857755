"""The insights view: specialisation (map, heatmap, table with stars), partnerships and time."""

import dash_ag_grid as dag
from dash import dcc, html

from analysis.specialisation import LQ_STAR, TOP_SHARE
from layouts import ids
from layouts.panels import download_config

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
    nav = html.Nav(
        [html.A(title, href=f"#{anchor}", className="me-3") for anchor, title in SECTIONS],
        className="small mb-2 atlas-no-print",
        **{"aria-label": "Sections of the insights"},
    )  # fmt: skip
    return html.Section(
        [nav, _specialisation_section(min_clusters), _network_section(), _time_section()],
        id=ids.INSIGHT_VIEW,
        className="atlas-card atlas-print",
        hidden=True,
        **{"aria-label": "Policy insights"},
    )


# The view's sections: anchor, title (the page's in-view links).
SECTIONS = (
    ("insight-specialisation", "Specialisation"),
    ("insight-partnerships", "Strategic partnerships"),
    ("insight-time", "Founding years and labels"),
)


def _graph(graph_id: str, name: str, class_name: str) -> html.Div:
    return html.Div(dcc.Graph(id=graph_id, config=download_config(name)), className=class_name)


def _specialisation_section(min_clusters: int) -> html.Div:
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
    return html.Div(
        [
            html.Div(id=ids.INSIGHT_HEADER),
            html.H3("Where the ecosystem is concentrated", className="h6 mb-1"),
            html.P(id=ids.INSIGHT_MAP_NOTE, className="small text-muted mb-1"),
            _graph(ids.INSIGHT_MAP, "specialisation-map", "atlas-insight-map mb-3"),
            html.H3("Areas by ecosystem (LQ)", className="h6 mb-1"),
            html.P(
                "The areas with the most clusters; click a cell to see those clusters on the map.",
                className="small text-muted mb-1",
            ),
            _graph(ids.INSIGHT_HEATMAP, "specialisation-heatmap", "atlas-insight-heat"),
            html.H3("Every area and ecosystem", className="h6 mt-3 mb-1"),
            html.P(
                "Click a column header to sort; click a row to see those clusters on the map.",
                className="small text-muted mb-1",
            ),
            html.Div(grid, className="atlas-no-print"),
            explanation(min_clusters),
        ],
        id=SECTIONS[0][0],
        className="atlas-insight-section",
    )


def _network_section() -> html.Div:
    return html.Div(
        [
            html.Div(id=ids.NETWORK_HEADER),
            _graph(ids.NETWORK_MAP, "partnership-map", "atlas-insight-map mb-3"),
            html.H3("Countries linked by partnerships", className="h6 mb-1"),
            html.P(
                "How many strategic partnerships have members in both countries (the most "
                "linked countries).",
                className="small text-muted mb-1",
            ),
            _graph(ids.NETWORK_MATRIX, "partnership-matrix", "atlas-insight-heat"),
            html.Div(id=ids.NETWORK_LIST, className="mt-2"),
        ],
        id=SECTIONS[1][0],
        className="atlas-insight-section",
    )


def _time_section() -> html.Div:
    return html.Div(
        [
            html.Div(id=ids.TIME_HEADER),
            _graph(ids.TIME_FOUNDED, "founding-years", "atlas-insight-chart mb-3"),
            html.H3("Excellence labels by expiry", className="h6 mb-1"),
            html.P(id=ids.TIME_EXPIRY_NOTE, className="small mb-1"),
            _graph(ids.TIME_EXPIRY, "label-expiry", "atlas-insight-chart"),
        ],
        id=SECTIONS[2][0],
        className="atlas-insight-section",
    )


Choices = list[tuple[str, list[tuple[str, str, bool]]]]


def choice_rows(choices: Choices) -> list[html.P]:
    """Return one line of links per choice (title, [(label, href, active)]); active in bold."""
    return [
        html.P([html.Strong(f"{title}: "),
                *[html.Span(dcc.Link([label, html.Span(" (shown)", className="visually-hidden")]
                                     if active else label, href=href,
                                     className="me-2 fw-semibold" if active else "me-2"))
                  for label, href, active in links]],
               className="small mb-1")
        for title, links in choices
    ]  # fmt: skip


def _download(text: str, href: str) -> html.A:
    return html.A(text, href=href, download="", className="atlas-no-print")


def insight_header(choices: Choices, *, csv_href: str, areas: int, unplaced: int,
                   by_name: str) -> list:  # fmt: skip
    """Return the title, the area/weight/ecosystem choices (links) and the CSV download."""
    left_out = f" ({unplaced:,} clusters without a {by_name} are left out)" if unplaced else ""
    return [
        html.H2("Specialisation: what each area is strong in", className="h5 mb-1"),
        *choice_rows(choices),
        html.P(
            [f"{areas:,} areas{left_out}. ", _download("Download the table (CSV)", csv_href)],
            className="small",
        ),  # fmt: skip
    ]


def network_header(network: dict, *, csv_href: str) -> list:
    """Return the partnerships' title and summary: how many, which countries, which targets."""
    targets = ", ".join(f"{t['name']} ({t['partnerships']})" for t in network["targets"][:8])
    count = len(network["partnerships"])
    summary = (
        f"{count:,} strategic partnerships link {len(network['nodes']):,} countries among the "
        f"filtered clusters. They aim at: {targets or 'no third country named'}. "
        if count
        else "No filtered cluster is in a strategic partnership. "
    )
    return [
        html.H2("Strategic partnerships: who works with whom across borders",
                className="h5 mb-1 mt-4"),
        html.P([summary, _download("Download the partnerships (CSV)", csv_href)],
               className="small mb-1"),
        html.P("Lines join countries with members of the same partnership (thicker: more "
               "partnerships); orange countries are the third countries they aim at.",
               className="small text-muted mb-1"),
    ]  # fmt: skip


def partnership_panel(partnership: dict, members: list[tuple[str, str, str]], *,
                      all_href: str, map_href: str) -> list:  # fmt: skip
    """Return one partnership's panel: its name, countries, targets and members (links)."""
    targets = ", ".join(partnership["target_names"]) or "no third country named"
    shown = (
        f"The first {len(members)} of {partnership['members']:,} members; "
        if len(members) < partnership["members"]
        else ""
    )
    return [
        html.H2(f"Partnership: {partnership['name']}", className="h5 mb-1 mt-4"),
        html.P(
            [f"{partnership['members']} member clusters in {len(partnership['countries'])} "
             f"countries; it aims at {targets}. ",
             dcc.Link("Show all partnerships", href=all_href)],
            className="small mb-1",
        ),
        html.H3("Members", className="h6 mb-1"),
        html.P([shown, dcc.Link("see all members on the map", href=map_href)],
               className="small mb-1"),  # fmt: skip
        html.Ul([html.Li([dcc.Link(name, href=href), f" · {place}"])
                 for name, href, place in members], className="small atlas-member-list"),
    ]  # fmt: skip


def partnership_list(items: list[tuple[str, str, str]], *, more: int) -> list:
    """Return the list of partnerships (name linking to its panel, and a short description)."""
    if not items:
        return []
    rest = [html.Li(f"… and {more:,} more: choose one with the Strategic partnership filter.")]
    return [
        html.H3("Partnerships", className="h6 mb-1"),
        html.Ul([html.Li([dcc.Link(name, href=href), f" · {about}"]) for name, href, about in items]
                + (rest if more else []), className="small atlas-member-list"),
    ]  # fmt: skip


def time_header(choices: Choices, *, csv_href: str, unknown: int) -> list:
    """Return the time section's title, the split choice and the CSV download."""
    missing = f" {unknown:,} filtered clusters have no founding year." if unknown else ""
    return [
        html.H2("When clusters were founded, and when their labels expire",
                className="h5 mb-1 mt-4"),
        *choice_rows(choices),
        html.P([f"Clusters founded each year (bars) and all founded so far (line).{missing} ",
                _download("Download the years (CSV)", csv_href)], className="small mb-1"),
    ]  # fmt: skip
