"""Map behaviour from assets/atlas-map.js in real Chromium: cluster bubbles explain themselves
and zoom in on click; a choropleth's hover label does not outlive a switch back to points;
past the point bound the map follows the view (cells, then the points of the area)."""

import re
from collections.abc import Iterator

import pytest

import app as app_module
from app import create_app
from layouts import ids
from settings import Settings
from tests.browser.conftest import serve

pytestmark = pytest.mark.browser
GD = f"document.querySelector('#{ids.MAP} .js-plotly-plot')"
MAP = f"{GD}?._fullLayout?.map?._subplot?.map"
# The features MapLibre drew in plotly's trace layers whose id ends with the given suffix.
DRAWN = f"""suffix => {{
  const map = {MAP};
  if (!map || !map.isStyleLoaded()) return [];
  const layers = map.getLayersOrder()
    .filter(id => id.startsWith('plotly-trace-layer-') && id.endsWith(suffix));
  return layers.length ? map.queryRenderedFeatures({{layers}}) : [];
}}"""
# The page position and count of the largest bubble clear of the legend and the mode bar.
BIGGEST_BUBBLE = f"""() => {{
  const map = {MAP}, box = map.getContainer().getBoundingClientRect();
  const bubbles = ({DRAWN})('-cluster').map(f => {{
    const p = map.project(f.geometry.coordinates);
    return {{x: box.left + p.x, y: box.top + p.y, count: f.properties.point_count,
             clear: p.x > 250 && p.x < box.width - 60 && p.y > 60 && p.y < box.height - 30}};
  }}).filter(b => b.clear);
  bubbles.sort((a, b) => b.count - a.count);
  return bubbles[0] || null;
}}"""
TIP = f"{MAP}.getContainer().querySelector('.atlas-bubble-tip')"
# The counts of every bubble drawn under a page position (bubbles of colours may overlap).
COUNTS_AT = f"""([x, y]) => {{
  const map = {MAP}, box = map.getContainer().getBoundingClientRect();
  const layers = map.getLayersOrder().filter(id => id.endsWith('-cluster'));
  return map.queryRenderedFeatures([x - box.left, y - box.top], {{layers}})
    .map(f => f.properties.point_count);
}}"""
HOVER_TEXT = f"{GD}.querySelector('.hoverlayer').textContent"


def open_map(page, url: str) -> None:
    """Open the dashboard at 1440x900 and wait until MapLibre has drawn cluster bubbles."""
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(url)
    page.wait_for_function(f"({DRAWN})('-cluster').length > 0", timeout=30_000)


def choose_mode(page, label: str, *, choropleth: bool) -> None:
    """Pick a map mode from the dropdown; wait until the figure has (or lacks) a choropleth."""
    page.click(f"#{ids.MAP_MODE}")
    page.locator(".dash-dropdown-option", has_text=label).first.click()
    has = "" if choropleth else "!"
    page.wait_for_function(
        f"() => {has}({GD}._fullData || []).some(t => t.type === 'choroplethmap')",
        timeout=20_000,
    )


def listener_counts(page) -> list[int]:
    """Return how many mousemove and click listeners the MapLibre map has (internal)."""
    return page.evaluate(
        f"() => ['mousemove', 'click'].map(e => ({MAP})._listeners[e]?.length || 0)"
    )


def test_a_bubble_says_what_it_groups_and_a_click_zooms_into_it(watched_page, live_server):
    page, watch = watched_page
    open_map(page, live_server)
    # A figure update (a new colour) must not add a second set of listeners.
    listeners = listener_counts(page)
    page.get_by_label("Ecosystem", exact=True).check()
    page.wait_for_function(f"{GD}._fullData.filter(t => t.meta === 'points').length > 3",
                           timeout=20_000)  # fmt: skip
    page.wait_for_function(f"({DRAWN})('-cluster').length > 0", timeout=20_000)
    assert listener_counts(page) == listeners
    zoom = page.evaluate(f"{GD}._fullLayout.map.zoom")
    bubble = page.evaluate(BIGGEST_BUBBLE)
    assert bubble and bubble["count"] > 1
    page.mouse.move(bubble["x"] - 1, bubble["y"])
    page.mouse.move(bubble["x"], bubble["y"])
    page.wait_for_function(f"{TIP}?.style.display === 'block'", timeout=10_000)
    tip = page.evaluate(f"{TIP}.textContent")
    assert re.fullmatch(r"[\d,]+ clusters — click to zoom in", tip)
    # The tip names the bubble on top where the pointer is (the start view shows the world, so
    # bubbles of different colours overlap).
    counts = page.evaluate(COUNTS_AT, [bubble["x"], bubble["y"]])
    assert int(tip.split()[0].replace(",", "")) in counts
    assert page.evaluate(f"getComputedStyle({MAP}.getCanvas()).cursor") == "pointer"
    page.mouse.click(bubble["x"], bubble["y"])
    # plotly.js records the new view as the user's, so the next figure update keeps it.
    page.wait_for_function(f"{GD}._fullLayout.map.zoom > {zoom}", timeout=20_000)
    assert page.evaluate(f"{MAP}.getZoom()") > zoom
    assert page.evaluate(f"{TIP}.style.display") == "none"
    assert watch.external_requests() == []
    assert watch.errors == []


def test_a_country_hover_label_goes_when_points_come_back(watched_page, live_server):
    page, watch = watched_page
    open_map(page, live_server)
    choose_mode(page, "Clusters per country", choropleth=True)
    page.wait_for_function(f"({DRAWN})('-fill').length > 0", timeout=20_000)
    germany = page.evaluate(
        f"""() => {{ const map = {MAP}, box = map.getContainer().getBoundingClientRect();
                     const p = map.project([10.4, 51.0]);
                     return [box.left + p.x, box.top + p.y]; }}"""
    )
    page.mouse.move(germany[0] - 2, germany[1])
    page.mouse.move(*germany)
    page.wait_for_function(f"{HOVER_TEXT}.includes('Germany')", timeout=10_000)
    choose_mode(page, "Clusters (points)", choropleth=False)
    page.wait_for_function(f"({DRAWN})('-cluster').length > 0", timeout=20_000)
    assert page.evaluate(HOVER_TEXT) == ""
    assert page.locator(f"#{ids.MAP} .hovertext").count() == 0
    assert watch.external_requests() == []
    assert watch.errors == []


# A map drawing at most 200 points (the demo has 1,300): the figure follows the view.
BOUND = 200
# Move the map as a user does (plotly.js records a move as the user's only with an event).
MOVE = f"([lon, lat, zoom]) => {MAP}.jumpTo({{center: [lon, lat], zoom}}, {{originalEvent: {{}}}})"
SHOWN = f"{GD}?.layout?.meta?.shown"
HINT = f"document.getElementById('{ids.COLOR_HINT}').textContent"
# The page position of the largest cell clear of the legend and the mode bar.
BIGGEST_CELL = f"""() => {{
  const map = {MAP}, box = map.getContainer().getBoundingClientRect();
  const traces = {GD}._fullData.filter(t => t.meta === 'cells');
  const cells = traces.flatMap(t => Array.from(t.lat, (lat, i) => {{
    const p = map.project([t.lon[i], lat]);
    const n = Number(t.hovertext[i].match(/[\\d,]+/)[0].replace(/,/g, ''));
    return {{x: box.left + p.x, y: box.top + p.y, n,
             clear: p.x > 250 && p.x < box.width - 80 && p.y > 80 && p.y < box.height - 40}};
  }})).filter(c => c.clear);
  cells.sort((a, b) => b.n - a.n);
  return cells[0] || null;
}}"""


@pytest.fixture(scope="module")
def bounded_server(tmp_path_factory) -> Iterator[str]:
    """Serve the app on the demo data with a map bound of BOUND points."""
    with pytest.MonkeyPatch.context() as patch:
        options = app_module.map_options
        patch.setattr(app_module, "map_options", lambda *a: {**options(*a), "max_points": BOUND})
        app = create_app(Settings(data_dir=tmp_path_factory.mktemp("datasets")))
    yield from serve(app)


def test_past_the_bound_the_map_counts_cells_then_shows_the_points_of_the_view(
    watched_page, bounded_server
):
    page, watch = watched_page
    updates = []
    page.on("request", lambda r: "_dash-update-component" in r.url
            and "cluster-map.figure" in (r.post_data or "") and updates.append(r.url))  # fmt: skip
    page.set_viewport_size({"width": 1100, "height": 760})
    page.goto(bounded_server + "/?color=label")
    page.wait_for_function(f"{SHOWN} === 'cells'", timeout=30_000)
    page.wait_for_function(f"({DRAWN})('cells-0-symbol').length > 0", timeout=30_000)
    assert "per cell: the most common" in page.evaluate(HINT)
    assert "the most common per cell" in page.evaluate(f"{GD}._fullLayout.legend.title.text")
    # A click on a cell zooms in around it: the map asks for its new view, finer cells come.
    level = page.evaluate(f"{GD}.layout.meta.level")
    cell = page.evaluate(BIGGEST_CELL)
    # plotly.js reports a click on what the pointer hovers: hover first.
    page.mouse.move(cell["x"] - 1, cell["y"])
    page.mouse.move(cell["x"], cell["y"])
    page.wait_for_function(f"{HOVER_TEXT}.includes('Click to zoom in')", timeout=10_000)
    page.mouse.click(cell["x"], cell["y"])
    page.wait_for_function(f"{GD}.layout.meta.level >= {level} + 2", timeout=30_000)
    # Into a city: the points of that part of the map, where the user put the map.
    page.evaluate(MOVE, [2.35, 48.86, 7.0])
    page.wait_for_function(f"{SHOWN} === 'view'", timeout=30_000)
    page.wait_for_function(f"{GD}._fullData.some(t => t.meta === 'points')", timeout=30_000)
    assert re.fullmatch(r"\(the \d+ clusters in this part of the map, of 1,300\)",
                        page.evaluate(HINT))  # fmt: skip
    # The update kept the user's view (a whole figure would frame the records again).
    assert page.evaluate(f"{MAP}.getZoom()") == pytest.approx(7.0)
    # A pan within what the figure covers asks nothing; a new colour keeps the view.
    asked = len(updates)
    page.evaluate(MOVE, [2.4, 48.88, 7.2])
    page.get_by_label("Scope", exact=True).check()
    page.wait_for_function(f"{GD}._fullData.some(t => t.name?.startsWith('EU'))", timeout=20_000)
    assert len(updates) == asked + 1
    assert page.evaluate(f"{MAP}.getZoom()") == pytest.approx(7.2)
    assert watch.external_requests() == []
    assert watch.errors == []
