"""The dashboard in a real headless Chromium: links, filters, cross-filtering, downloads."""

import random
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from analysis.filters import FilterSpec
from layouts import ids
from layouts.panels import CHART_IDS
from tests.filter_oracle import demo, naive_filter

pytestmark = pytest.mark.browser
GRAPH = "document.querySelector('#{} .js-plotly-plot')"
IDLE = "() => !document.querySelector('[data-dash-is-loading]')"
STATE = f"""() => {{
  const map = {GRAPH.format(ids.MAP)};
  let grid = null;
  try {{ grid = window.dash_ag_grid && dash_ag_grid.getApi('{ids.TABLE}'); }} catch (e) {{}}
  return {{
    count: document.getElementById('{ids.COUNT}')?.innerText,
    kpi: document.querySelector('[data-kpi=clusters] .atlas-kpi-value')?.innerText,
    points: map && map._fullData ? map._fullData.reduce(
        (n, t) => n + (t.meta === 'points' && t.lat ? t.lat.length : 0), 0) : -1,
    rows: grid ? grid.getDisplayedRowCount() : -1,
    search: window.location.search,
  }};
}}"""


def random_specs(count: int, *, seed: int) -> list[FilterSpec]:
    """Return filter combinations drawn from the demo data's own values (seeded)."""
    rng, dataset = random.Random(seed), demo()
    params = ["scope", "country", "ecosystem", "sector", "label", "region", "emerging"]
    specs = []
    for _ in range(count):
        query = {}
        for param in rng.sample(params, rng.randint(1, 3)):
            values = [value for value, _ in dataset.options(param)]
            query[param] = ",".join(rng.sample(values, min(len(values), rng.randint(1, 3))))
        if rng.random() < 0.4:
            query["sme_min"] = str(rng.choice([10, 50, 100]))
        specs.append(FilterSpec.parse(query)[0])
    return specs


def show_table(page) -> None:
    """Scroll the table to the middle of the screen and wait until AG Grid has drawn it.

    AG Grid keeps its rows and headers hidden (class ag-delay-render) until it is on screen.
    """
    page.evaluate(f"document.getElementById('{ids.TABLE}').scrollIntoView({{block: 'center'}})")
    page.wait_for_function(
        f"() => !document.querySelector('#{ids.TABLE} .ag-delay-render')", timeout=10_000
    )


def table_cell(page, row: int):
    """Return the first cell of a table row, with the table on screen."""
    show_table(page)
    return page.locator(f"#{ids.TABLE} .ag-row[row-index='{row}'] .ag-cell").first


def open_and_settle(page, url: str, expected_count: int) -> dict:
    """Open `url`, wait until the page shows `expected_count` clusters everywhere; return state."""
    page.goto(url)
    return settle(page, expected_count)


def settle(page, expected: int) -> dict:
    """Wait until count, KPI, map and table all show `expected` clusters; return the state."""
    total = f"{len(demo().records):,}"
    page.wait_for_function(
        f"""() => {{ const s = ({STATE})();
            return s.count === '{expected:,} of {total} clusters' && s.points === {expected}
                   && s.rows === {expected}; }}""",
        timeout=30_000,
    )
    page.wait_for_function(IDLE, timeout=30_000)
    return page.evaluate(STATE)


@pytest.mark.parametrize("spec", random_specs(4, seed=7), ids=lambda s: s.to_query_string())
def test_a_link_reproduces_the_filtered_view(watched_page, live_server, spec):
    page, watch = watched_page
    expected = naive_filter(demo().records, spec)
    state = open_and_settle(page, live_server + spec.to_query_string(), len(expected))
    assert state["kpi"] == f"{len(expected):,}"
    csv = page.request.get(live_server + "/api/clusters.csv" + spec.to_query_string()).text()
    assert len(csv.strip().splitlines()) - 1 == len(expected)
    assert watch.external_requests() == [] and watch.errors == []


def test_changing_a_filter_updates_url_map_kpis_table_and_history(watched_page, live_server):
    page, watch = watched_page
    everything = len(demo().records)
    open_and_settle(page, live_server, everything)
    gold_box = page.get_by_label(re.compile(r"^Gold \("))
    updates = []
    page.on("request", lambda r: "_dash-update-component" in r.url and updates.append(r))
    gold_box.check()
    gold = naive_filter(demo().records, FilterSpec(label=("gold",)))
    state = settle(page, len(gold))
    # The views not shown (partners, marketplace, insights, compare, upload) ask nothing.
    asked = " ".join(r.post_data_json["output"] for r in updates)
    hidden = (ids.PARTNER_LIST, ids.MARKET_LIST, ids.INSIGHT_HEADER, ids.COMPARE_BODY,
              ids.UPLOAD_REPORT)  # fmt: skip
    assert ids.KPIS in asked and not [view for view in hidden if view in asked]
    assert parse_qs(urlsplit(state["search"]).query) == {"label": ["gold"]}
    assert state["kpi"] == f"{len(gold):,}"
    page.go_back()
    assert settle(page, everything)["search"] == ""
    assert not gold_box.is_checked()
    page.go_forward()
    assert settle(page, len(gold))["search"] == "?label=gold"
    assert gold_box.is_checked()
    assert watch.external_requests() == [] and watch.errors == []


def test_downloaded_csv_is_byte_for_byte_the_api_response(watched_page, live_server):
    page, watch = watched_page
    spec = FilterSpec(country=("DE", "FR"), ecosystem=("digital",))
    open_and_settle(page, live_server + spec.to_query_string(),
                    len(naive_filter(demo().records, spec)))  # fmt: skip
    with page.expect_download() as download_info:
        page.click(f"#{ids.DOWNLOAD_CSV}")
    download = download_info.value
    assert download.suggested_filename == f"cluster-atlas-{date.today():%Y-%m-%d}.csv"
    api = page.request.get(live_server + "/api/clusters.csv" + spec.to_query_string()).body()
    with open(download.path(), "rb") as handle:
        assert handle.read() == api
    assert api.startswith(b"\xef\xbb\xbf")
    assert watch.external_requests() == [] and watch.errors == []


def test_malformed_link_parameters_are_ignored_with_a_notice(watched_page, live_server):
    page, watch = watched_page
    spec = FilterSpec(label=("gold",))
    url = live_server + "/?label=gold&sme_min=abc&colour=blue"
    open_and_settle(page, url, len(naive_filter(demo().records, spec)))
    notice = page.inner_text(f"#{ids.NOTICES}")
    assert 'sme_min "abc"' in notice and '"colour"' in notice
    assert watch.errors == []


# Each time a chart or the map is handed a figure with traces (plotly.js's react): the graph,
# how many traces, and whether the map had drawn by then (MapLibre loaded, not moving).
DRAWS = f"""(() => {{
  window.__draws = [];
  let plotly;
  Object.defineProperty(window, 'Plotly', {{configurable: true, get: () => plotly, set(value) {{
    plotly = value;
    const react = value.react;
    value.react = function (gd, figure) {{
      const map = {GRAPH.format(ids.MAP)}?._fullLayout?.map?._subplot?.map;
      const traces = ((figure && figure.data) || []).length;
      if (traces) __draws.push({{graph: gd.closest('[id]').id, traces,
                                  mapDrawn: Boolean(map && map.loaded() && !map.isMoving())}});
      return react.apply(this, arguments);
    }};
  }}}});
}})()"""


def test_the_charts_are_drawn_after_the_map(watched_page, live_server):
    # The four charts (below the map) get their figures once the map has drawn the same state's:
    # on the first page and after a filter change. Their drawing then never holds up the map's.
    page, watch = watched_page
    page.add_init_script(DRAWS)
    open_and_settle(page, live_server, len(demo().records))
    page.get_by_label(re.compile(r"^EU \(")).click()
    settle(page, len(naive_filter(demo().records, FilterSpec(scope=("eu",)))))
    draws = page.evaluate("__draws")
    charts = [d for d in draws if d["graph"] in CHART_IDS]
    assert [d["graph"] for d in charts] == [*CHART_IDS, *CHART_IDS]
    assert all(d["mapDrawn"] for d in charts)
    # The charts show the filtered state: the country bars are the EU's top countries.
    bars = page.evaluate(f"{GRAPH.format(ids.CHART_COUNTRY)}._fullData[0].customdata")
    by_country = page.request.get(f"{live_server}/api/stats.json?scope=eu").json()["by_country"]
    assert bars[::-1] == [c["code"] for c in by_country][: len(bars)]
    assert watch.errors == []


def test_clicking_a_country_bar_filters_by_that_country(watched_page, live_server):
    page, watch = watched_page
    open_and_settle(page, live_server, len(demo().records))
    top = demo().records["country_code"].value_counts().index[0]
    bars = page.locator(f"#{ids.CHART_COUNTRY} .bars .point path")
    # The top country is drawn last (largest at the top). Plotly's drag layer lies over the
    # bars, so click where a user would: at the bar's centre on screen.
    y = bars.last.evaluate("bar => bar.getBoundingClientRect().top + window.scrollY")
    page.evaluate(f"window.scrollTo(0, {y} - 300)")
    box = bars.last.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    state = settle(page, int((demo().records["country_code"] == top).sum()))
    assert state["search"] == f"?country={top}"
    assert watch.errors == []


def test_clicking_a_table_row_opens_the_profile(watched_page, live_server):
    page, watch = watched_page
    open_and_settle(page, live_server, len(demo().records))
    first = table_cell(page, 0)
    name = first.inner_text()
    first.click()
    profile = page.locator(f"#{ids.PROFILE}")
    profile.wait_for(state="visible", timeout=10_000)
    # The panel opens at once; its body follows from the server.
    page.locator(f"#{ids.PROFILE_BODY} h3").wait_for(timeout=10_000)
    assert name in profile.inner_text() and "Member SMEs" in profile.inner_text()
    assert watch.errors == []


def test_phone_layout_hides_filters_behind_a_button(browser, live_server):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(live_server)
    page.wait_for_function(IDLE, timeout=30_000)
    panel = page.locator(f"#{ids.FILTER_PANEL}")
    assert not panel.is_visible()
    page.click(f"#{ids.FILTER_TOGGLE}")
    panel.wait_for(state="visible", timeout=5_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
