"""The insights and compare views in a real Chromium: specialisation, network, time, print."""

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
    # The header is drawn anew for the new link: click its new "Member SMEs", not the old one.
    page.wait_for_function(
        f"() => [...document.querySelectorAll('#{ids.INSIGHT_HEADER} a')]"
        ".some(a => a.search === '?tab=insights&by=region&weight=smes')",
        timeout=30_000,
    )
    page.get_by_role("link", name="Member SMEs").click()
    page.wait_for_function("() => location.search === '?tab=insights&by=region&weight=smes'")
    note = page.locator(f"#{ids.INSIGHT_MAP_NOTE}")
    note.wait_for(timeout=30_000)
    page.wait_for_function(
        f"() => document.querySelector('#{ids.INSIGHT_MAP_NOTE}').innerText.includes('by region')"
    )
    assert watch.errors == []


def test_partnership_network_and_one_partnership_panel(watched_page, live_server):
    page, watch = watched_page
    page.goto(f"{live_server}/?tab=insights")
    page.locator(f"#{ids.NETWORK_MAP} canvas").first.wait_for(timeout=30_000)
    page.locator(f"#{ids.NETWORK_MATRIX} .heatmaplayer").wait_for(timeout=30_000)
    page.wait_for_function(IDLE, timeout=30_000)
    api = page.request.get(f"{live_server}/api/partnerships.json").json()
    header = page.inner_text(f"#{ids.NETWORK_HEADER}")
    assert f"{len(api['partnerships'])} strategic partnerships" in header
    assert f"{api['targets'][0]['name']} ({api['targets'][0]['partnerships']})" in header
    # The network map's figure shades exactly the API's target countries.
    shaded = page.evaluate(
        f"() => document.querySelector('#{ids.NETWORK_MAP} .js-plotly-plot').data[0].locations"
    )
    assert sorted(shaded) == sorted(t["code"] for t in api["targets"])
    assert blocking_violations(page) == []
    # A partnership's link opens its panel: members on the map and listed, targets named.
    biggest = api["partnerships"][0]
    page.get_by_role("link", name=biggest["name"]).click()
    page.wait_for_function("() => location.search.includes('partnership=')", timeout=30_000)
    panel = page.locator(f"#{ids.NETWORK_HEADER}")
    panel.get_by_text(f"Partnership: {biggest['name']}").wait_for(timeout=30_000)
    members = panel.locator("li")
    assert members.count() == biggest["members"]
    page.wait_for_function(IDLE, timeout=30_000)
    points = page.evaluate(
        f"() => document.querySelector('#{ids.NETWORK_MAP} .js-plotly-plot').data"
        ".map(t => t.customdata ? t.customdata.length : 0)"
    )
    assert biggest["members"] in points
    # A member's link opens its profile on the map.
    members.first.get_by_role("link").click()
    page.locator(f"#{ids.PROFILE}").wait_for(state="visible", timeout=30_000)
    assert watch.external_requests() == [] and watch.errors == []


def test_founding_years_and_label_expiry_follow_the_filters(watched_page, live_server):
    page, watch = watched_page
    page.goto(f"{live_server}/?tab=insights&scope=third-country&split=ecosystem")
    page.locator(f"#{ids.TIME_FOUNDED} .barlayer").wait_for(timeout=30_000)
    page.wait_for_function(IDLE, timeout=30_000)
    api = page.request.get(
        f"{live_server}/api/timeline.json?scope=third-country&split=ecosystem"
    ).json()
    labels = api["labels"]
    note = page.inner_text(f"#{ids.TIME_EXPIRY_NOTE}")
    assert f"Of {labels['labelled']:,} labelled clusters, {labels['expiring']:,} labels" in note
    # The chart's bars are the API's: one trace per ecosystem plus the running total.
    traces = page.evaluate(
        f"() => document.querySelector('#{ids.TIME_FOUNDED} .js-plotly-plot').data"
        ".map(t => [t.name, t.y.reduce((a, b) => a + b, 0)])"
    )
    bars = {name: total for name, total in traces if not name.startswith("All founded")}
    expected: dict[str, int] = {}
    for row in api["years"]:
        expected[row["group"]] = expected.get(row["group"], 0) + row["count"]
    assert bars == expected
    page.get_by_role("link", name="Scope").click()
    page.wait_for_function("() => !location.search.includes('split=')", timeout=30_000)
    assert watch.external_requests() == [] and watch.errors == []


def test_compare_view_from_a_link_and_the_area_choice(watched_page, live_server):
    page, watch = watched_page
    page.goto(f"{live_server}/?tab=compare&areas=DE,FR,XX-99")
    table = page.locator(f"#{ids.COMPARE_BODY} table")
    table.wait_for(timeout=30_000)
    page.locator(f"#{ids.COMPARE_MIX} .barlayer").wait_for(timeout=30_000)
    page.wait_for_function(IDLE, timeout=30_000)
    # The unknown area is named, not silently dropped; the link is not rewritten.
    assert "ignored area XX-99" in page.inner_text(f"#{ids.COMPARE_NOTE}")
    assert page.evaluate("location.search") == "?tab=compare&areas=DE,FR,XX-99"
    api = page.request.get(f"{live_server}/api/compare.json?areas=DE,FR").json()
    header = table.locator("thead th").all_inner_texts()
    assert header[1:] == [a["name"] for a in api["areas"]]
    clusters_row = table.locator("tbody tr").first.locator("td").all_inner_texts()
    assert clusters_row == [f"{a['kpis']['clusters']:,}" for a in api["areas"]]
    assert blocking_violations(page) == []
    # Adding an area in the dropdown is a new link, and a third column.
    page.get_by_role("button", name="Areas to compare").click()
    page.keyboard.type("Spain")
    page.locator(".dash-dropdown-option", has_text="Spain (ES)").first.click()
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('areas') === 'DE,FR,ES'", timeout=30_000
    )
    page.keyboard.press("Escape")
    table.locator("thead th", has_text="Spain").wait_for(timeout=30_000)
    csv = page.request.get(f"{live_server}/api/compare.csv?areas=DE,FR,ES")
    assert csv.ok and csv.body().startswith(b"\xef\xbb\xbfarea,area_name,section,item,value")
    assert watch.external_requests() == [] and watch.errors == []


def test_printed_views_leave_the_controls_out_and_fit_a4(watched_page, live_server):
    page, watch = watched_page
    # A4 at 96 dpi less the 12 mm margins: 718 px of width.
    page.set_viewport_size({"width": 718, "height": 1000})
    page.emulate_media(media="print")
    for query, graph in (("tab=compare&areas=DE,FR", ids.COMPARE_MIX),
                         ("tab=insights", ids.NETWORK_MATRIX)):  # fmt: skip
        page.goto(f"{live_server}/?{query}")
        page.locator(f"#{graph} .main-svg").first.wait_for(timeout=30_000)
        page.wait_for_function(IDLE, timeout=30_000)
        assert not page.locator(f"#{ids.FILTER_PANEL}").is_visible()
        assert not page.locator(f"#{ids.TABS}").is_visible()
        assert page.locator(f"#{ids.FOOTER}").is_visible()
        widest = page.evaluate("() => document.documentElement.scrollWidth")
        assert widest <= 718
        pdf = page.pdf(format="A4", margin={side: "12mm" for side in
                                            ("top", "right", "bottom", "left")})  # fmt: skip
        assert pdf.startswith(b"%PDF")
    assert watch.errors == []


def test_charts_download_as_png_and_offer_no_cloud_upload(watched_page, live_server):
    page, watch = watched_page
    page.goto(f"{live_server}/?tab=insights&focus=health")
    for graph, name in ((ids.INSIGHT_MAP, "specialisation-map"),
                        (ids.TIME_FOUNDED, "founding-years")):  # fmt: skip
        page.locator(f"#{graph} .main-svg").first.wait_for(timeout=30_000)
        page.wait_for_function(IDLE, timeout=30_000)
        page.locator(f"#{graph}").hover()
        # plotly.js 3's "Share chart..." would upload the chart to Plotly Cloud: never shown.
        titles = page.locator(f"#{graph} .modebar-btn").evaluate_all(
            "buttons => buttons.map(b => b.getAttribute('data-title'))"
        )
        assert "Share chart..." not in titles
        with page.expect_download(timeout=60_000) as download:
            page.locator(f"#{graph} .modebar-btn[data-title='Download plot as a PNG']").click()
        assert download.value.suggested_filename == f"cluster-atlas-{name}.png"
        assert download.value.path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert watch.external_requests() == [] and watch.errors == []
