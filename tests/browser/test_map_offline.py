"""The map figure alone in real Chromium: clustered points with count labels drawn from local
glyphs, a choropleth, and figure switches, all without a request off the machine."""

from collections.abc import Callable, Iterator

import geopandas as gpd
import plotly.graph_objects as go
import pytest
from dash import Dash, Input, Output, ctx, dcc, html

import api.routes
from ingest.pipeline import load_records
from mapping.figures import make_cluster_map
from settings import DEMO_DATA_PATH
from tests.browser.conftest import serve

pytestmark = pytest.mark.browser
# Each view is a button on the test page; clicking it swaps the figure (a Plotly.react).
VIEWS = {
    "scope": {"color_by": "scope"}, "label": {"color_by": "label"},
    "ecosystem": {"color_by": "ecosystem"}, "cells": {"max_points": 500},
    "scope_one_hidden": {"color_by": "scope", "hidden": 0},
    "country_count": {"mode": "country_count"}, "country_smes": {"mode": "country_smes"},
    "country_per_million": {"mode": "country_per_million"},
    "nuts2_count": {"mode": "nuts2_count", "nuts_url": api.routes.NUTS2_URL},
}  # fmt: skip
GLYPHS = "/geo/glyphs/Noto%20Sans%20Regular/0-255.pbf"
MAP = "document.querySelector('#map .js-plotly-plot')?._fullLayout?.map?._subplot?.map"
# Features MapLibre actually drew in plotly's trace layers whose id ends with `suffix`.
RENDERED = f"""suffix => {{
  const map = {MAP};
  if (!map || !map.isStyleLoaded()) return 0;
  const ids = map.getStyle().layers.map(l => l.id)
    .filter(id => id.startsWith('plotly-trace-layer-') && id.endsWith(suffix));
  return ids.length ? map.queryRenderedFeatures({{layers: ids}}).length : 0;
}}"""
SHOWN = "(document.querySelector('#map .js-plotly-plot')?._fullData || [])"
# plotly.js applies a single legend click once no second click came in this time: long here, so
# a figure surely comes before it (vendor/plotly/mends.js).
CLICK_DELAY_MS = 1500


def build_map_app(
    figure_for: Callable[[str], go.Figure], *, nuts: gpd.GeoDataFrame | None = None
) -> Dash:
    """Return a Dash page with only the map, the geodata routes and one button per view."""
    app = Dash(__name__, assets_ignore=".*")
    api.routes.register(app.server, nuts=nuts)
    buttons = [
        html.Button(name, id=f"show-{name}")
        for name in VIEWS
        if nuts is not None or "nuts" not in name
    ]
    app.layout = html.Div([
        html.Div(buttons, style={"position": "absolute", "zIndex": 5, "right": 0}),
        dcc.Graph(id="map", figure=figure_for("scope"), style={"height": "800px"},
                  config={"doubleClickDelay": CLICK_DELAY_MS}),
    ], style={"margin": 0})  # fmt: skip

    @app.callback(Output("map", "figure"), [Input(b.id, "n_clicks") for b in buttons],
                  prevent_initial_call=True)  # fmt: skip
    def switch(*_clicks):
        return figure_for(ctx.triggered_id.removeprefix("show-"))

    return app


def figure_maker(*, nuts: gpd.GeoDataFrame | None = None) -> Callable[[str], go.Figure]:
    """Return view name -> map figure of the demo records."""
    records = load_records(DEMO_DATA_PATH)

    def figure_for(view: str) -> go.Figure:
        options = dict(VIEWS[view])
        hidden = options.pop("hidden", None)
        figure = make_cluster_map(records, countries_url=api.routes.COUNTRIES_URL, nuts=nuts,
                                  **options)  # fmt: skip
        if hidden is not None:
            figure.data[hidden].visible = "legendonly"
        return figure

    return figure_for


@pytest.fixture(scope="module")
def map_server() -> Iterator[str]:
    """Serve the map-only page of the demo records."""
    yield from serve(build_map_app(figure_maker()))


def show(page, view: str, *, meta: str, layer_suffix: str) -> int:
    """Click a view's button; wait until MapLibre has drawn its features; return their count."""
    page.click(f"#show-{view}")
    page.wait_for_function(f"{SHOWN}.length && {SHOWN}.every(t => t.meta === '{meta}')",
                           timeout=30_000)  # fmt: skip
    return page.wait_for_function(f"({RENDERED})('{layer_suffix}')", timeout=60_000).json_value()


def test_cluster_counts_render_from_local_glyphs_and_views_switch(watched_page, map_server):
    page, watch = watched_page
    glyph_status = []
    page.on("response", lambda r: GLYPHS in r.url and glyph_status.append(r.status))
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(map_server)
    # Count labels are symbols: MapLibre places them only once their glyphs have loaded.
    assert page.wait_for_function(f"({RENDERED})('-cluster-count')", timeout=60_000)
    assert page.evaluate(f"({RENDERED})('-cluster')") > 0
    assert page.evaluate(f"{SHOWN}.length") == 3
    # Hide a colour from the legend first: hidden clustered traces must survive the switches.
    page.locator(".legendtoggle").first.click()
    page.wait_for_function(f"{SHOWN}[0].visible === 'legendonly'", timeout=10_000)
    assert show(page, "country_count", meta="areas", layer_suffix="-fill") > 0
    # A legend click that a new figure overtakes is dropped: it hid the choropleth once.
    assert show(page, "scope", meta="points", layer_suffix="-cluster-count") > 0
    page.locator(".legendtoggle").first.click()
    assert show(page, "country_count", meta="areas", layer_suffix="-fill") > 0
    page.wait_for_timeout(CLICK_DELAY_MS + 500)
    assert page.evaluate(f"{SHOWN}.map(t => t.visible)") == [True]
    assert page.evaluate(f"({RENDERED})('-fill')") > 0
    # Back to points: the style dict must survive later updates (the "sources": {} pitfall).
    assert show(page, "ecosystem", meta="points", layer_suffix="-cluster-count") > 0
    assert page.evaluate(f"{SHOWN}.length") == 14
    # A figure may bring a colour hidden (its legend state): plotly.js then created the trace
    # with layers lacking options ("reading 'type' of undefined") and the map froze. Shown
    # from the legend, it draws its bubbles.
    assert show(page, "country_count", meta="areas", layer_suffix="-fill") > 0
    page.click("#show-scope_one_hidden")
    page.wait_for_function(f"{SHOWN}.length === 3 && {SHOWN}[0].visible === 'legendonly'",
                           timeout=30_000)  # fmt: skip
    bubbles = page.wait_for_function(f"({RENDERED})('-cluster-count')", timeout=60_000)
    page.locator(".legendtoggle").first.click()
    page.wait_for_function(f"{SHOWN}[0].visible === true", timeout=10_000)
    page.wait_for_function(f"({RENDERED})('-cluster-count') > {bubbles.json_value()}",
                           timeout=60_000)  # fmt: skip
    assert watch.errors == []
    # Past max_points the framed view holds too many points: counts per cell, written in.
    assert show(page, "cells", meta="cells", layer_suffix="cells-0-symbol") > 0
    assert show(page, "label", meta="points", layer_suffix="-cluster-count") > 0
    # Rendered count labels prove the glyphs loaded; a worker's fetch may go unreported, so
    # check every reported glyph response and that our route serves the file.
    assert set(glyph_status) <= {200}
    assert page.request.get(map_server + GLYPHS).ok
    assert watch.external_requests() == []
    assert watch.errors == []


# The trace layers and the countries' layer in the map when MapLibre first reports it loaded.
LAYERS_AT_LOAD = """(() => {
  const hook = setInterval(() => {
    const map = document.querySelector('#map .js-plotly-plot')?._fullLayout?.map?._subplot?.map;
    if (!map) return;
    clearInterval(hook);
    map.once('load', () => { window.__layersAtLoad = map.getLayersOrder(); });
  }, 1);
})()"""


def test_a_new_map_gets_its_traces_before_its_first_frame(watched_page, map_server):
    # plotly.js added a new map's traces and layout layers on its 'load' event (after its first
    # frame): their sources then loaded a frame late, and a first page drew twice the frames in
    # software WebGL. Our build adds them once the style is in (vendor/plotly/mends.js).
    page, watch = watched_page
    page.add_init_script(LAYERS_AT_LOAD)
    page.goto(map_server)
    layers = page.wait_for_function("window.__layersAtLoad", timeout=60_000).json_value()
    assert any(layer.endswith("-cluster-count") for layer in layers)
    assert any(layer.startswith("plotly-layout-layer-") for layer in layers)
    assert page.wait_for_function(f"({RENDERED})('-cluster-count')", timeout=60_000)
    assert watch.errors == []
