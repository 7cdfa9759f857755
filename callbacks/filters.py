"""Filter wiring: the URL query string is the one filter state; controls mirror it."""

from dash import Dash, Input, Output, ctx, no_update

from analysis.dataset import Dataset
from analysis.filters import FilterSpec, parse_query_string
from layouts import ids

# FilterSpec parameter -> the control that edits it (and the property holding the value).
CONTROLS = {
    "q": ids.SEARCH, "scope": ids.SCOPE, "country": ids.COUNTRY, "region": ids.REGION,
    "nuts2": ids.NUTS2, "ecosystem": ids.ECOSYSTEM, "sector": ids.SECTOR,
    "emerging": ids.EMERGING, "label": ids.LABEL, "partnership": ids.PARTNERSHIP,
    "sme_min": ids.SME_MIN, "sme_max": ids.SME_MAX, "founded_min": ids.FOUNDED_MIN,
    "founded_max": ids.FOUNDED_MAX,
}  # fmt: skip
# Chart -> (FilterSpec parameter, where the clicked point keeps the value).
CHART_FILTERS = {
    ids.CHART_COUNTRY: ("country", "customdata"),
    ids.CHART_ECOSYSTEM: ("ecosystem", "customdata"),
}


def register(app: Dash, dataset: Dataset, *, nuts: bool) -> None:
    """Register the URL <-> controls synchronisation and the cross-filtering clicks."""
    params = [p for p in CONTROLS if nuts or p != "nuts2"]
    clicks = [Input(cid, "clickData") for cid in (*CHART_FILTERS, ids.CHART_HEATMAP)]

    @app.callback(
        Output(ids.URL, "search"),
        *[Output(CONTROLS[p], "value") for p in params],
        Output(ids.BBOX, "children"),
        Input(ids.URL, "search"),
        *[Input(CONTROLS[p], "value") for p in params],
        *clicks,
        Input(ids.MAP, "selectedData"),
        Input(ids.BBOX_CLEAR, "n_clicks"),
        Input(ids.RESET, "n_clicks"),
    )
    def synchronise(search, *inputs):
        # Dash passes the grouped inputs flat: the controls' values, then the six events.
        values, events = inputs[: len(params)], inputs[len(params) :]
        current, _ = parse_query_string(search or "", dataset=dataset)
        spec = next_spec(current, ctx.triggered_id, dict(zip(params, values, strict=True)),
                         events=events)  # fmt: skip
        new_search = spec.to_query_string()
        # A link is never rewritten on arrival: its ignored parts must stay visible (notices).
        from_url = ctx.triggered_id in (None, ids.URL)
        url = no_update if from_url or new_search == (search or "") else new_search
        return url, *[control_value(spec, p) for p in params], describe_bbox(spec.bbox)


def next_spec(current: FilterSpec, trigger: str | None, values: dict, *, events) -> FilterSpec:
    """Return the filter state after the event that fired `trigger`."""
    country_click, ecosystem_click, heat_click, selection, _, _ = events
    if trigger in (None, ids.URL):
        return current
    if trigger == ids.RESET:
        return FilterSpec()
    if trigger == ids.BBOX_CLEAR:
        return current.with_value("bbox", None)
    if trigger == ids.MAP:
        return current.with_value("bbox", selection_bbox(selection))
    if trigger in CHART_FILTERS:
        click = country_click if trigger == ids.CHART_COUNTRY else ecosystem_click
        return _toggle_point(current, CHART_FILTERS[trigger][0], click)
    if trigger == ids.CHART_HEATMAP:
        return _heatmap_click(current, heat_click)
    return spec_from_controls(values, bbox=current.bbox)


def spec_from_controls(values: dict, *, bbox) -> FilterSpec:
    """Return the FilterSpec the controls describe (kept as the URL's canonical form)."""
    query = {p: _as_query(v) for p, v in values.items() if _as_query(v) != ""}
    if bbox is not None:
        query["bbox"] = ",".join(f"{x:g}" for x in bbox)
    return FilterSpec.parse(query)[0]


def control_value(spec: FilterSpec, param: str):
    """Return the value a control shows for one parameter of `spec`."""
    value = getattr(spec, param)
    if isinstance(value, tuple):
        return list(value)
    return value if value not in (None, "") else ("" if param == "q" else None)


def selection_bbox(selection: dict | None) -> tuple[float, float, float, float] | None:
    """Return (minlon, minlat, maxlon, maxlat) of a box or lasso drawn on the map."""
    if not selection:
        return None
    if "range" in selection:
        corners = next(iter(selection["range"].values()))
    elif "lassoPoints" in selection:
        corners = next(iter(selection["lassoPoints"].values()))
    else:
        return None
    lons, lats = [c[0] for c in corners], [c[1] for c in corners]
    return (round(min(lons), 4), round(min(lats), 4), round(max(lons), 4), round(max(lats), 4))


def describe_bbox(bbox) -> str:
    """Return the sentence shown under the filters for the map-area filter."""
    if bbox is None:
        return "Map area: draw a box or lasso on the map (box-select tool)"
    return f"Map area: lon {bbox[0]:g} to {bbox[2]:g}, lat {bbox[1]:g} to {bbox[3]:g}"


def _as_query(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value).strip()


def _toggle_point(current: FilterSpec, param: str, click: dict | None) -> FilterSpec:
    if not click or not click.get("points"):
        return current
    return current.toggle(param, str(click["points"][0]["customdata"]))


def _heatmap_click(current: FilterSpec, click: dict | None) -> FilterSpec:
    if not click or not click.get("points"):
        return current
    point = click["points"][0]
    spec = current.toggle("country", str(point["x"]))
    return spec.toggle("ecosystem", str(point["customdata"]))
