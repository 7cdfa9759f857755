"""The filter side panel: one labelled control per FilterSpec parameter."""

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids

DROPDOWNS = (
    (ids.COUNTRY, "country", "Country"),
    (ids.REGION, "region", "Region"),
    (ids.NUTS2, "nuts2", "NUTS-2 region"),
    (ids.ECOSYSTEM, "ecosystem", "Industrial ecosystem"),
    (ids.SECTOR, "sector", "Sector (cluster category)"),
    (ids.EMERGING, "emerging", "Emerging industry"),
    (ids.PARTNERSHIP, "partnership", "Strategic partnership"),
)
CHECKLISTS = ((ids.SCOPE, "scope", "Where"), (ids.LABEL, "label", "Excellence label"))
RANGES = (
    (ids.SME_MIN, ids.SME_MAX, "Member SMEs", 0, None),
    (ids.FOUNDED_MIN, ids.FOUNDED_MAX, "Founded", 1800, 2100),
)


def build_filters(options: dict[str, list[tuple[str, str]]], *, nuts: bool) -> html.Aside:
    """Return the filter panel; `options` maps each parameter to its (value, label) pairs."""
    search = _field(
        "Search",
        ids.SEARCH,
        dbc.Input(
            id=ids.SEARCH,
            type="search",
            debounce=True,
            placeholder="Name, acronym, city, text",
        ),
    )
    checklists = [_checklist(cid, label, options[param]) for cid, param, label in CHECKLISTS]
    dropdowns = [
        _dropdown(cid, label, options[param])
        for cid, param, label in DROPDOWNS
        if nuts or param != "nuts2"
    ]
    return html.Aside(
        [
            html.H2("Filters", className="h6 text-uppercase text-muted"),
            search,
            checklists[0],
            *dropdowns[:2],
            *dropdowns[2:],
            checklists[1],
            *[_range(*spec) for spec in RANGES],
            _bbox(),
            dbc.Button(
                "Reset all filters",
                id=ids.RESET,
                color="secondary",
                outline=True,
                size="sm",
                className="w-100 mt-2",
            ),
        ],
        id=ids.FILTER_PANEL,
        className="atlas-filters",
        **{"aria-label": "Filters"},
    )


def _field(label: str, control_id: str, control) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=control_id, className="form-label small fw-semibold mb-1"),
            control,
        ],
        className="mb-2",
    )


def _dropdown(control_id: str, label: str, choices: list[tuple[str, str]]) -> html.Div:
    return _field(
        label,
        control_id,
        dcc.Dropdown(
            id=control_id,
            options=[{"label": text, "value": value} for value, text in choices],
            value=[],
            multi=True,
            placeholder="Any",
            className="atlas-dropdown",
        ),
    )


def _checklist(control_id: str, label: str, choices: list[tuple[str, str]]) -> html.Div:
    return html.Fieldset(
        [
            html.Legend(label, className="form-label small fw-semibold mb-1"),
            dcc.Checklist(
                id=control_id,
                value=[],
                inline=True,
                inputClassName="me-1",
                labelClassName="me-3 small",
                options=[{"label": text, "value": value} for value, text in choices],
            ),
        ],
        className="mb-2",
    )


def _range(min_id: str, max_id: str, label: str, low: int, high: int | None) -> html.Fieldset:
    def number(control_id: str, placeholder: str) -> list:
        # A visually hidden label names each box for screen readers ("Founded from").
        hidden = html.Label(
            f"{label} {placeholder}", htmlFor=control_id, className="visually-hidden"
        )
        box = dbc.Input(
            id=control_id,
            type="number",
            min=low,
            max=high,
            step=1,
            size="sm",
            debounce=True,
            placeholder=placeholder,
        )
        return [hidden, box]

    return html.Fieldset(
        [
            html.Legend(label, className="form-label small fw-semibold mb-1"),
            html.Div(
                [*number(min_id, "from"), html.Span("–", className="mx-1"), *number(max_id, "to")],
                className="d-flex align-items-center",
            ),
        ],
        className="mb-2",
    )


def _bbox() -> html.Div:
    return html.Div(
        [
            html.Span(
                "Map area: draw a box or lasso on the map",
                id=ids.BBOX,
                className="small text-muted",
            ),
            dbc.Button(
                "clear",
                id=ids.BBOX_CLEAR,
                color="link",
                size="sm",
                className="p-0 ms-1 align-baseline",
            ),
        ],
        className="mb-2",
    )
