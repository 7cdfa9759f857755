"""Page-state wiring: the URL query string is the one state; every control mirrors it.

One callback reads every control and event of the page's frame and map view, works out the
next PageState (`next_state`, a plain function) and writes the URL; when the URL changes (a
link, back/forward), the same callback sets every control from it. A link is never rewritten
on arrival, so its ignored parts stay visible as a notice.

The other views are mounted when first shown (callbacks._views), and Dash calls no callback
whose inputs are not all in the page: their events write the URL through `register_events`,
with the same `next_state`.
"""

from collections.abc import Callable
from dataclasses import replace

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from analysis.compare import MAX_AREAS
from analysis.filters import FILTER_OF, FilterSpec
from analysis.state import Page, PageState, open_page
from analysis.store import DatasetStore
from data.text import slugify
from layouts import ids
from layouts.filters import describe_bbox

# Chart -> the filter its bars toggle (the clicked point's customdata is the value).
CHART_FILTERS = {ids.CHART_COUNTRY: "country", ids.CHART_ECOSYSTEM: "ecosystem"}
RESETS = (ids.RESET, ids.NO_MATCH_RESET)
# Clicks on the insights that show an area's clusters of one ecosystem on the map: the
# component and its click property (callbacks.insights registers them).
INSIGHT_CLICKS = {ids.INSIGHT_HEATMAP: "clickData", ids.INSIGHT_MAP: "clickData",
                  ids.INSIGHT_TABLE: "cellClicked"}  # fmt: skip
# Events that change the view only: the table's sort, "Find partners", the compared areas.
VIEW_EVENTS = (ids.TABLE_SORT, ids.PROFILE_FIND, ids.COMPARE_AREAS)


def register(app: Dash, store: DatasetStore, *, features: frozenset[str]) -> None:
    """Register the URL <-> controls synchronisation, cross-filtering and profile opening."""

    @app.callback(
        output={
            "search": Output(ids.URL, "search"),
            "facets": Output({"type": ids.FACET, "param": ALL}, "value"),
            "fields": Output({"type": ids.FIELD, "param": ALL}, "value"),
            "bbox": Output(ids.BBOX, "children"),
            "mode": Output(ids.MAP_MODE, "value"),
            "color": Output(ids.COLOR_BY, "value"),
            "tab": Output(ids.TABS, "value"),
            "profile": Output(ids.PROFILE, "is_open"),
        },
        inputs={
            "search": Input(ids.URL, "search"),
            "facets": Input({"type": ids.FACET, "param": ALL}, "value"),
            "fields": Input({"type": ids.FIELD, "param": ALL}, "value"),
            "mode": Input(ids.MAP_MODE, "value"),
            "color": Input(ids.COLOR_BY, "value"),
            "tab": Input(ids.TABS, "value"),
            "events": {
                ids.PROFILE_FIND: Input(ids.PROFILE_FIND, "n_clicks"),
                ids.CHART_COUNTRY: Input(ids.CHART_COUNTRY, "clickData"),
                ids.CHART_ECOSYSTEM: Input(ids.CHART_ECOSYSTEM, "clickData"),
                ids.CHART_HEATMAP: Input(ids.CHART_HEATMAP, "clickData"),
                ids.MAP: Input(ids.MAP, "selectedData"),
                "map-click": Input(ids.MAP, "clickData"),
                ids.TABLE: Input(ids.TABLE, "cellClicked"),
                ids.TABLE_SORT: Input(ids.TABLE_SORT, "data"),
                ids.PROFILE: Input(ids.PROFILE, "is_open"),
                ids.BBOX_CLEAR: Input(ids.BBOX_CLEAR, "n_clicks"),
                ids.RESET: Input(ids.RESET, "n_clicks"),
                ids.NO_MATCH_RESET: Input(ids.NO_MATCH_RESET, "n_clicks"),
            },
        },
    )
    def synchronise(search, facets, fields, mode, color, tab, events):
        page = open_page(store, search or "", features=features)
        grouping = ctx.args_grouping
        controls = {
            item["id"]["param"]: item["value"]
            for item in [*grouping["facets"], *grouping["fields"]]
        }
        state = next_state(page.state, _trigger(), controls=controls,
                           view={"mode": mode, "color": color, "tab": tab}, events=events,
                           known=page.dataset.positions)  # fmt: skip
        new_search = state.to_query_string()
        # A link is never rewritten on arrival: its ignored parts must stay visible (notices).
        from_url = ctx.triggered_id in (None, ids.URL)
        return {
            "search": no_update if from_url or new_search == (search or "") else new_search,
            "facets": [
                _changed(item["value"], control_value(state, item["id"]["param"]))
                for item in grouping["facets"]
            ],
            "fields": [
                _changed(item["value"], control_value(state, item["id"]["param"]))
                for item in grouping["fields"]
            ],
            "bbox": describe_bbox(state.filters.bbox),
            "mode": _changed(mode, state.mode),
            "color": _changed(color, state.color),
            "tab": _changed(tab, state.tab),
            # On the map the cluster's profile is open; elsewhere it is the view's subject.
            "profile": state.cluster is not None and state.tab == "map",
        }


def register_events(
    app: Dash, store: DatasetStore, *, features: frozenset[str], events: dict[str, Input],
    shown: Callable[[Page, dict], bool] = lambda page, events: False,
) -> None:  # fmt: skip
    """Register a callback writing to the URL the page state after one of a view's `events`.

    When a view is mounted, Dash calls it as if its events had fired: a state that does not
    change (or, per `shown`, an event that only shows the link's state) leaves the URL alone.
    """

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        inputs={"events": events},
        state={"search": State(ids.URL, "search")},
        prevent_initial_call=True,
    )
    def follow(events, search):
        page = open_page(store, search or "", features=features)
        if shown(page, events):
            return no_update
        state = next_state(page.state, _trigger(), controls={}, view={}, events=events,
                           known=page.dataset.positions)  # fmt: skip
        new_search = state.to_query_string()
        return no_update if new_search == page.state.to_query_string() else new_search


def _changed(shown, value):
    """Return `value`, or no_update when the control shows it already: the browser then
    redraws only the controls that change (on a first page without a query: none of them)."""
    return no_update if shown == value else value


def _trigger() -> str | None:
    """Return what fired: a component id, "map-click", or "controls" for any filter control."""
    triggered = ctx.triggered_id
    if isinstance(triggered, dict):
        return "controls"
    if (
        triggered == ids.MAP
        and ctx.triggered
        and ctx.triggered[0]["prop_id"].endswith(".clickData")
    ):
        return "map-click"
    return triggered


def next_state(
    current: PageState,
    trigger: str | None,
    *,
    controls: dict,
    view: dict,
    events: dict,
    known: dict[str, int],
) -> PageState:
    """Return the page state after the event that fired `trigger`."""
    if trigger in (None, ids.URL):
        return current
    if trigger in (ids.MAP_MODE, ids.COLOR_BY, ids.TABS):
        return current.with_view(**{k: v for k, v in view.items() if v})
    if trigger in RESETS:
        return replace(current, filters=FilterSpec())
    if trigger == "controls":
        return replace(current, filters=spec_from_controls(controls, bbox=current.filters.bbox))
    if trigger in VIEW_EVENTS:
        return _view_event(current, trigger, events[trigger])
    return _event_state(current, trigger, events=events, known=known)


def _view_event(current: PageState, trigger: str, value) -> PageState:
    """Return the state after an event that changes the view, not the filters."""
    if trigger == ids.TABLE_SORT:
        return current.with_view(sort=value or None)
    if trigger == ids.PROFILE_FIND:
        return current.with_view(tab="partners")
    # The compare areas: the first MAX_AREAS chosen (a sixth is not taken).
    chosen = [str(code) for code in value or []][:MAX_AREAS]
    return current.with_view(areas=",".join(chosen) or None)


def _event_state(current: PageState, trigger: str, *, events: dict, known: dict) -> PageState:
    """Return the state after a click, a selection or a closed profile."""
    filters = current.filters
    if trigger == ids.BBOX_CLEAR:
        return replace(current, filters=filters.with_value("bbox", None))
    if trigger == ids.MAP:
        return replace(current, filters=filters.with_value("bbox", selection_bbox(events[ids.MAP])))
    if trigger in CHART_FILTERS:
        return replace(current, filters=_toggle_point(filters, CHART_FILTERS[trigger],
                                                      events[trigger]))  # fmt: skip
    if trigger == ids.CHART_HEATMAP:
        return replace(current, filters=_heatmap_click(filters, events[trigger]))
    if trigger in INSIGHT_CLICKS:
        picked = insight_cell(trigger, events[trigger])
        if picked is None:
            return current
        area, slug = picked
        spec = replace(filters, **{current.by: (area,), "ecosystem": (slug,)})
        return replace(current, filters=spec, tab="map")
    if trigger == ids.PROFILE:
        # Closing the profile on the map closes the cluster; another view keeps its subject.
        closed = not events[trigger] and current.tab == "map"
        return current.with_view(cluster=None) if closed else current
    cluster = clicked_cluster(trigger, events)
    return current.with_view(cluster=cluster) if cluster in known else current


def insight_cell(trigger: str, event: dict | None) -> tuple[str, str] | None:
    """Return (area code, ecosystem slug) of a click on the insights heatmap, map or table."""
    if trigger == ids.INSIGHT_TABLE:
        row = (event or {}).get("rowId") or ""
        return tuple(row.split("|", 1)) if "|" in row else None
    points = (event or {}).get("points") or []
    if not points:
        return None
    if trigger == ids.INSIGHT_HEATMAP:
        # plotly.js leaves a heatmap cell's customdata out of its click: read the axes.
        return str(points[0]["x"]), slugify(str(points[0]["y"]))
    data = points[0].get("customdata")
    if not data:
        return None
    return str(data[0]), str(data[5])


def clicked_cluster(trigger: str, events: dict) -> str | None:
    """Return the cluster id of a click on a map point or a table row."""
    if trigger == ids.TABLE:
        return (events[ids.TABLE] or {}).get("rowId")
    points = (events.get("map-click") or {}).get("points") or []
    if points and points[0].get("customdata") is not None:
        data = points[0]["customdata"]
        return str(data[0] if isinstance(data, list) else data)
    return None


def spec_from_controls(values: dict, *, bbox) -> FilterSpec:
    """Return the FilterSpec the controls describe (kept as the URL's canonical form)."""
    query = {p: _as_query(v) for p, v in values.items() if _as_query(v) != ""}
    spec, _ = FilterSpec.parse(query)
    return replace(spec, bbox=bbox)


def control_value(state: PageState, param: str):
    """Return the value a control shows for one query parameter of the state's filters."""
    value = getattr(state.filters, param)
    if isinstance(value, tuple):
        return list(value)
    if value in (None, ""):
        return "" if FILTER_OF[param].kind == "text" else None
    return value


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
    # plotly.js leaves a heatmap cell's customdata out of its click: the row is the ecosystem.
    return spec.toggle("ecosystem", slugify(str(point["y"])))
