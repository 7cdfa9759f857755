"""The compare view: 2-5 areas side by side (KPIs, ecosystem mix, specialisations, labels)."""

from dash import dcc, html

from analysis.compare import LEVELS, MAX_AREAS
from analysis.dataset import Dataset
from analysis.specialisation import AREA_NOUNS
from layouts import ids
from layouts.panels import KPI_LABELS, download_config, kpi_text

LQ_NOTE = (
    "LQ: how many times more common the ecosystem is among the area's clusters than among all "
    "the filtered clusters of its kind of area (countries, or regions); stars as explained "
    "under Policy insights. "
)


def build_compare_view() -> html.Section:
    """Return the (hidden) compare view; the areas and their figures follow the page state."""
    return html.Section(
        [
            html.H2("Compare areas side by side", className="h5 mb-1"),
            html.Label(
                f"Areas to compare (2 to {MAX_AREAS} countries or regions)",
                htmlFor=ids.COMPARE_AREAS,
                className="small fw-semibold",
            ),
            dcc.Dropdown(
                id=ids.COMPARE_AREAS,
                multi=True,
                placeholder="Type a country or region",
                className="atlas-no-print mb-1",
            ),  # fmt: skip
            html.P(id=ids.COMPARE_NOTE, className="small mb-2"),
            html.Div(id=ids.COMPARE_BODY),
            html.H3("Ecosystem mix", className="h6 mt-3 mb-1"),
            html.P(
                "Share of each area's clusters in each ecosystem (a cluster counts in each of its "
                "ecosystems).",
                className="small text-muted mb-1",
            ),
            html.Div(
                dcc.Graph(id=ids.COMPARE_MIX, config=download_config("compare-ecosystems")),
                className="atlas-compare-mix",
            ),
            html.H3("Excellence labels", className="h6 mt-3 mb-1"),
            html.Div(
                dcc.Graph(id=ids.COMPARE_LABELS, config=download_config("compare-labels")),
                className="atlas-compare-labels",
            ),
        ],
        id=ids.COMPARE_VIEW,
        className="atlas-card atlas-print",
        hidden=True,
        **{"aria-label": "Compare areas"},
    )


def area_options(dataset: Dataset, *, features: frozenset[str]) -> list[dict]:
    """Return the countries, regions (and NUTS-2 regions) of a data set to choose from."""
    levels = [level for level in LEVELS if level != "nuts2" or "nuts" in features]
    # Region labels already end with their code ("Catalonia (ES-CT)").
    return [
        {"label": f"{label} ({key})" if level == "country" else f"{label}, {AREA_NOUNS[level]}",
         "value": key}
        for level in levels
        for key, label in dataset.options(level)
    ]  # fmt: skip


def compare_tables(areas: list[dict], *, csv_href: str) -> list:
    """Return the side-by-side tables: KPIs, top specialisations, partnerships and targets."""
    if not areas:
        return []
    head = html.Thead(html.Tr([html.Th("", scope="col"),
                               *[html.Th(a["name"], scope="col") for a in areas]]))  # fmt: skip
    kpis = [
        html.Tr([html.Th(label, scope="row"),
                 *[html.Td(kpi_text(a["kpis"], key, fmt)) for a in areas]])
        for key, label, fmt in KPI_LABELS
    ]  # fmt: skip
    lists = [
        ("Top specialisations (LQ, stars)", [_specialisations(a) for a in areas]),
        ("Strategic partnerships (members here)", [_partnerships(a) for a in areas]),
        ("Partnerships' target countries", [_targets(a) for a in areas]),
    ]
    rows = [html.Tr([html.Th(title, scope="row"), *[html.Td(cell) for cell in cells]])
            for title, cells in lists]  # fmt: skip
    return [
        html.Div(
            html.Table(
                [head, html.Tbody(kpis + rows)], className="table table-sm atlas-compare-table"
            ),
            className="table-responsive",
        ),  # fmt: skip
        html.P(
            [
                LQ_NOTE,
                html.A(
                    "Download the comparison (CSV)",
                    href=csv_href,
                    download="",
                    className="atlas-no-print",
                ),
            ],
            className="small",
        ),  # fmt: skip
    ]


def _specialisations(area: dict) -> html.Ul | str:
    items = [f"{r['ecosystem']}: {r['lq']:.2f} {'★' * r['stars']}".rstrip()
             for r in area["specialisations"]]  # fmt: skip
    return _list(items)


def _partnerships(area: dict) -> html.Ul | str:
    return _list([f"{p['name']} ({p['members']})" for p in area["partnerships"][:5]],
                 more=len(area["partnerships"]) - 5)  # fmt: skip


def _targets(area: dict) -> html.Ul | str:
    return _list([f"{t['name']} ({t['partnerships']})" for t in area["target_countries"][:8]],
                 more=len(area["target_countries"]) - 8)  # fmt: skip


def _list(items: list[str], *, more: int = 0) -> html.Ul | str:
    if not items:
        return "–"
    tail = [html.Li(f"and {more} more", className="text-muted")] if more > 0 else []
    return html.Ul([html.Li(item) for item in items] + tail, className="list-unstyled mb-0")
