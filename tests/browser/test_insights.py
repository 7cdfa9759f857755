"""The insights (specialisation) view in a real Chromium: map, heatmap, table, a click filters."""

import pytest

from layouts import ids
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_dashboard import IDLE

pytestmark = pytest.mark.browser

# The page position of a heatmap cell: the plot's offset plus the axes' data-to-pixel maps.
CELL_POSITION = """([graphId, x, y]) => {
  const gd = document.querySelector(`#${graphId} .js-plotly-plot`);
  const layout = gd._fullLayout, box = gd.getBoundingClientRect();
  return [box.left + layout._size.l + layout.xaxis.d2p(x),
          box.top + layout._size.t + layout.yaxis.d2p(y)];
}"""


def test_insights_show_lq_and_a_heatmap_click_filters_the_map(watched_page, live_server):
    page, watch = watched_page
    page.goto(f"{live_server}/?scope=eu&tab=insights&focus=health")
    rows = page.locator(f"#{ids.INSIGHT_TABLE} .ag-center-cols-container .ag-row")
    rows.first.wait_for(timeout=30_000)
    page.locator(f"#{ids.INSIGHT_HEATMAP} .heatmaplayer").wait_for(timeout=30_000)
    page.locator(f"#{ids.INSIGHT_MAP} canvas").first.wait_for(timeout=30_000)
    page.wait_for_function(IDLE, timeout=30_000)
    assert "Health: location quotient per country" in page.inner_text(f"#{ids.INSIGHT_MAP_NOTE}")
    # The table's first row (most stars, then highest LQ) is the API's best row.
    api = page.request.get(f"{live_server}/api/specialisation.json?scope=eu").json()
    best = max(api["rows"], key=lambda r: (r["stars"], r["lq"]))
    first = rows.first.inner_text()
    assert best["area_name"] in first and best["ecosystem"] in first
    assert blocking_violations(page) == []
    # The CSV is the same table with the export guard.
    csv = page.request.get(f"{live_server}/api/specialisation.csv?scope=eu")
    assert csv.ok and csv.body().startswith(b"\xef\xbb\xbfarea,area_name,ecosystem")
    # Germany x Digital: the cell's clusters open on the map.
    page.locator(f"#{ids.INSIGHT_HEATMAP}").scroll_into_view_if_needed()
    x, y = page.evaluate(CELL_POSITION, [ids.INSIGHT_HEATMAP, "DE", "Digital"])
    page.mouse.click(x, y)
    page.wait_for_function(
        "() => location.search === '?scope=eu&country=DE&ecosystem=digital&focus=health'",
        timeout=30_000,
    )
    page.locator(f"#{ids.MAP_VIEW}").wait_for(state="visible", timeout=30_000)
    assert watch.external_requests() == [] and watch.errors == []


def test_region_areas_and_smes_weight_are_links(watched_page, live_server):
    page, watch = watched_page
    page.goto(f"{live_server}/?tab=insights")
    page.get_by_role("link", name="Regions").click()
    page.wait_for_function("() => location.search === '?tab=insights&by=region'")
    page.get_by_role("link", name="Member SMEs").click()
    page.wait_for_function("() => location.search === '?tab=insights&by=region&weight=smes'")
    note = page.locator(f"#{ids.INSIGHT_MAP_NOTE}")
    note.wait_for(timeout=30_000)
    page.wait_for_function(
        f"() => document.querySelector('#{ids.INSIGHT_MAP_NOTE}').innerText.includes('by region')"
    )
    assert watch.errors == []
