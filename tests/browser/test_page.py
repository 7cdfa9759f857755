"""The first page in a real headless Chromium: map drawn, demo notice, offline, clean console."""

import pytest

from ingest.pipeline import load_records
from layouts import ids
from settings import DEMO_DATA_PATH

pytestmark = pytest.mark.browser
GRAPH = f"document.querySelector('#{ids.MAP} .js-plotly-plot')"
POINTS_ON_MAP = f"""() => {{
  const gd = {GRAPH};
  if (!gd || !gd._fullData) return -1;
  return gd._fullData.reduce((n, t) => n + (t.meta === 'points' && t.lat ? t.lat.length : 0), 0);
}}"""
TRACE_NAMES = f"() => {GRAPH}._fullData.filter(t => t.meta === 'points').map(t => t.name)"


@pytest.fixture(scope="module")
def demo_count() -> int:
    """Return the number of demo records the page must show."""
    return len(load_records(DEMO_DATA_PATH))


def test_page_shows_every_demo_cluster_on_an_offline_map(watched_page, live_server, demo_count):
    page, watch = watched_page
    page.goto(live_server)
    page.wait_for_function(f"({POINTS_ON_MAP})() === {demo_count}", timeout=30_000)
    # MapLibre draws the base layer and markers on a WebGL canvas.
    page.wait_for_selector(f"#{ids.MAP} canvas", timeout=30_000)
    page.wait_for_load_state("networkidle")
    count = page.inner_text(f"#{ids.COUNT}")
    assert count == f"{demo_count:,} of {demo_count:,} clusters"
    assert "synthetic" in page.inner_text(f"#{ids.DEMO_NOTICE}")
    footer = page.inner_text(f"#{ids.FOOTER}")
    assert "GeoNames" in footer and "CC BY 4.0" in footer and "Natural Earth" in footer
    # MapLibre may fetch the base layer from a web worker, whose requests the page does not
    # always report: check the layer the map was given, and that our server serves it.
    layers = page.evaluate(f"() => {GRAPH}._fullLayout.map.layers.map(l => l.source)")
    assert layers and all(source == "/geo/countries.geojson" for source in layers)
    assert page.request.get(live_server + layers[0]).ok
    # Count labels appear without MapLibre's fade (assets/atlas-map.js: a frame less a draw).
    assert page.evaluate(f"() => {GRAPH}._fullLayout.map._subplot.map._fadeDuration") == 0
    assert watch.external_requests() == []
    assert watch.errors == []


def test_colour_selector_recolours_the_markers(watched_page, live_server, demo_count):
    page, watch = watched_page
    page.goto(live_server)
    page.wait_for_function(f"({POINTS_ON_MAP})() === {demo_count}", timeout=30_000)
    assert any(name.startswith("EU (") for name in page.evaluate(TRACE_NAMES))
    page.get_by_role("radio", name="Label").check()
    page.wait_for_function(
        f"({TRACE_NAMES})().some(name => name.startsWith('Gold ('))", timeout=15_000
    )
    assert page.evaluate(POINTS_ON_MAP) == demo_count
    assert watch.external_requests() == []
    assert watch.errors == []
