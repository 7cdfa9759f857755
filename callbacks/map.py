"""Map wiring: redraw the map for the page state and the view it shows; render the profile."""

import json

import plotly.graph_objects as go
from dash import ClientsideFunction, Dash, Input, Output, Patch, State, no_update

from analysis.maps import make_page_map, page_view
from analysis.state import Page, open_page
from analysis.store import DatasetStore
from callbacks.partners import similar_links
from layouts import ids
from layouts.profile import build_profile_body
from mapping.modes import COLOR_CHOICES

# What a figure for the same filters replaces: all but the map's camera (layout.map).
PATCHED_LAYOUT = {"meta": None, "legend": {}, "showlegend": False, "annotations": []}


def register(
    app: Dash, store: DatasetStore, *, features: frozenset[str], map_options: dict
) -> None:
    """Register the map and profile callbacks; the map is the one `/api/map.json` returns."""
    # After a pan or zoom the map's view goes to MAP_VIEWPORT, and to MAP_REDRAW too when the
    # figure shown does not cover it (assets/atlas-map.js): past the point bound the figure
    # depends on the view.
    app.clientside_callback(
        ClientsideFunction(namespace="atlasMap", function_name="viewport"),
        Output(ids.MAP_VIEWPORT, "data"),
        Output(ids.MAP_REDRAW, "data"),
        Input(ids.MAP, "relayoutData"),
        State(ids.MAP, "figure"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.COLOR_BY, "options"),
        Output(ids.COLOR_HINT, "children"),
        Output(ids.MAP_VIEWPORT, "data", allow_duplicate=True),
        Input(ids.URL, "search"),
        Input(ids.MAP_REDRAW, "data"),
        State(ids.MAP_VIEWPORT, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def redraw(search, _redraw, viewport):
        page = open_page(store, search or "", features=features)
        return store.remembered(
            page.state.data,
            ("map", search or "", json.dumps(viewport, sort_keys=True)),
            lambda: update_map(page, viewport=viewport, options=map_options),
        )

    @app.callback(Output(ids.PROFILE_BODY, "children"), Input(ids.URL, "search"))
    def profile(search):
        page = open_page(store, search or "", features=features)
        if page.state.cluster is None:
            return None  # closed: never show the last profile while the next one loads
        position = page.dataset.positions[page.state.cluster]
        record = page.dataset.records.iloc[position]
        return build_profile_body(record, similar=similar_links(page, position))


def update_map(page: Page, *, viewport: dict | None, options: dict) -> tuple:
    """Return the map's update, its colour options, the hint beside them and the view kept.

    `viewport` is the view the user moved the map to, with the uirevision of the figure then
    shown (analysis.maps.page_view). Until the user moves the map, and for new filters, the
    map gets a whole figure, framed; after a move, for the same filters (a new colour, mode
    or view), a Patch of all but the camera: dcc.Graph writes the user's pan and zoom into
    its figure, after which plotly no longer keeps them (uirevision), and a whole figure
    would move the map back to its framing.
    """
    view = page_view(page, viewport)
    figure, colours, hint = draw_map(page, view=view, options=options)
    if view is None:
        # A new framing: a view reported before it is no one's now (back to these filters
        # later, it would keep the camera of the filters shown in between).
        return figure, colours, hint, None
    return all_but_camera(figure), colours, hint, no_update


def draw_map(page: Page, *, view: dict | None, options: dict) -> tuple[go.Figure, list, str]:
    """Return the page's map for `view`, the colour options and the hint beside them."""
    figure = make_page_map(page, options=options, view=view, follow=False)
    # Colour applies to points and cells: the choropleths colour areas by their value.
    points = page.state.mode == "points"
    colours = [{"label": c.label, "value": c.name, "disabled": not points}
               for c in COLOR_CHOICES]  # fmt: skip
    return figure, colours, figure.layout.meta["hint"]


def all_but_camera(figure: go.Figure) -> Patch:
    """Return a Patch giving the figure shown the traces and layout of `figure` but its map."""
    patch = Patch()
    patch["data"] = [trace.to_plotly_json() for trace in figure.data]
    layout = figure.layout.to_plotly_json()
    for key, empty in PATCHED_LAYOUT.items():
        patch["layout"][key] = layout.get(key, empty)
    return patch
