"""The filter side panel: one labelled control per filter of the parameter table."""

import dash_bootstrap_components as dbc
from dash import dcc, html

from analysis.params import FilterParam
from layouts import ids

Options = list[dict]


def build_filters(filters: tuple[FilterParam, ...], options: dict[str, Options]) -> html.Aside:
    """Return the filter panel; `options` maps each `keys` filter to its control's options."""
    controls = [_CONTROLS[param.control](param, options.get(param.name, [])) for param in filters]
    return html.Aside(
        [
            html.H2("Filters", className="h6 text-uppercase text-muted"),
            *controls,
            dbc.Button(
                "Reset all filters",
                id=ids.RESET,
                color="secondary",
                outline=True,
                size="sm",
                className="w-100 mt-2",
            ),
            # On a phone the panel covers the page: this closes it on the results.
            dbc.Button(
                "Show the results",
                id=ids.FILTER_DONE,
                color="primary",
                size="sm",
                className="w-100 mt-2 atlas-filter-done",
            ),
        ],
        id=ids.FILTER_PANEL,
        className="atlas-filters",
        **{"aria-label": "Filters"},
    )


def option_list(
    param: FilterParam, choices: list[tuple[str, str]], counts: dict[str, int], *, selected=()
) -> Options:
    """Return control options "Germany (16)" for (value, label) pairs and their counts.

    A dropdown leaves out values that would keep no record (as Datasette's facets do), except
    the `selected` ones, which must stay visible to be removed; a checklist shows them all.
    """
    shown = [
        (value, label)
        for value, label in choices
        if counts.get(value, 0) or value in selected or param.control == "checklist"
    ]
    return [{"label": f"{label} ({counts.get(value, 0):,})", "value": value}
            for value, label in shown]  # fmt: skip


def _field(label: str, control_id: str, control, *, help_text: str) -> html.Div:
    return html.Div(
        [
            html.Label(
                label, htmlFor=control_id, className="form-label small fw-semibold mb-1",
                title=help_text,
            ),
            control,
        ],
        className="mb-2",
    )  # fmt: skip


def _search(param: FilterParam, options: Options) -> html.Div:
    control_id = ids.field(param.name)
    box = dbc.Input(
        id=control_id,
        type="search",
        debounce=True,
        placeholder="Name, city, offer, need, text",
        value="",
    )
    return _field(param.label, ids.dom_id(control_id), box, help_text=param.help)


def _dropdown(param: FilterParam, options: Options) -> html.Div:
    control_id = ids.facet(param.name)
    dropdown = dcc.Dropdown(
        id=control_id,
        options=options,
        value=[],
        multi=True,
        placeholder="Any",
        className="atlas-dropdown",
        maxHeight=360,
    )
    return _field(param.label, ids.dom_id(control_id), dropdown, help_text=param.help)


def _checklist(param: FilterParam, options: Options) -> html.Fieldset:
    return html.Fieldset(
        [
            html.Legend(param.label, className="form-label small fw-semibold mb-1"),
            # Bootstrap's checklist: dcc.Checklist nests its inputs in role=option labels,
            # which screen readers cannot use (axe: nested-interactive).
            dbc.Checklist(
                id=ids.facet(param.name),
                options=options,
                value=[],
                inline=True,
                label_class_name="small",
            ),
        ],
        className="mb-2",
        title=param.help,
    )


def _range(param: FilterParam, options: Options) -> html.Fieldset:
    low, high = param.bounds

    def number(name: str, placeholder: str) -> list:
        control_id = ids.field(name)
        # A visually hidden label names each box for screen readers ("Founded from").
        hidden = html.Label(
            f"{param.label} {placeholder}",
            htmlFor=ids.dom_id(control_id),
            className="visually-hidden",
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

    first, last = param.params
    return html.Fieldset(
        [
            html.Legend(param.label, className="form-label small fw-semibold mb-1"),
            html.Div(
                [*number(first, "from"), html.Span("–", className="mx-1"), *number(last, "to")],
                className="d-flex align-items-center",
            ),
        ],
        className="mb-2",
        title=param.help,
    )


def _box(param: FilterParam, options: Options) -> html.Div:
    return html.Div(
        [
            html.Span(describe_bbox(None), id=ids.BBOX, className="small text-muted"),
            dbc.Button(
                "clear",
                id=ids.BBOX_CLEAR,
                color="link",
                size="sm",
                className="p-0 ms-1 align-baseline",
                title="Clear the map area filter",
            ),
        ],
        className="mb-2",
    )


def describe_bbox(bbox) -> str:
    """Return the sentence shown under the filters for the map-area filter."""
    if bbox is None:
        return "Map area: draw a box or lasso on the map (box-select tool)"
    return f"Map area: lon {bbox[0]:g} to {bbox[2]:g}, lat {bbox[1]:g} to {bbox[3]:g}"


_CONTROLS = {
    "search": _search,
    "dropdown": _dropdown,
    "checklist": _checklist,
    "range": _range,
    "box": _box,
}
