"""The page on a phone (390 x 844) and an empty result, in a real headless Chromium."""

from collections.abc import Iterator

import pytest

from analysis.charts import EMPTY_MESSAGE
from layouts import ids
from layouts.panels import CHART_IDS
from tests.browser.conftest import BYPASS_CSP

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
CHARTS = CHART_IDS
IDLE = "() => !document.querySelector('[data-dash-is-loading]')"
# Bounding boxes (viewport pixels) of the elements `selector` matches inside element `id`.
BOXES = """([id, selector]) => [...document.getElementById(id).querySelectorAll(selector)]
  .map(e => { const r = e.getBoundingClientRect();
              return {text: e.textContent, left: r.left, right: r.right, top: r.top,
                      bottom: r.bottom}; })"""


def open_charts(page, url: str) -> None:
    """Open `url` and wait until every chart is drawn and no callback is running."""
    page.goto(url)
    for chart in CHARTS:
        page.wait_for_selector(f"#{chart} .main-svg", timeout=30_000)
    page.wait_for_function(IDLE, timeout=30_000)
    page.wait_for_load_state("networkidle")


def boxes(page, chart: str, selector: str) -> list[dict]:
    """Return the bounding boxes of `selector` inside `chart`."""
    return page.evaluate(BOXES, [chart, selector])


def overlap(a: dict, b: dict) -> bool:
    """Return whether two boxes share any area."""
    return a["left"] < b["right"] and b["left"] < a["right"] and (
        a["top"] < b["bottom"] and b["top"] < a["bottom"]
    )  # fmt: skip


@pytest.fixture(scope="module")
def phone(browser, live_server) -> Iterator[tuple]:
    """Yield (page, console errors) of a 390 x 844 page with the demo data drawn, opened once."""
    context = browser.new_context(viewport=PHONE, **BYPASS_CSP)
    page, errors = context.new_page(), []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_charts(page, live_server)
    yield page, errors
    context.close()


@pytest.fixture
def phone_page(phone) -> Iterator:
    """Yield the phone page; fail the test on any console error."""
    page, errors = phone
    yield page
    assert errors == []


def test_page_is_no_wider_than_a_phone(phone_page):
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_demo_badge_stays_on_screen(phone_page):
    badge = phone_page.locator(f"#{ids.DEMO_NOTICE}").bounding_box()
    assert badge["x"] >= 0 and badge["x"] + badge["width"] <= PHONE["width"]
    # Its text wraps inside it rather than running past its edge.
    assert phone_page.evaluate(
        f"(e => e.scrollWidth <= e.clientWidth)(document.getElementById('{ids.DEMO_NOTICE}'))"
    )


def test_histogram_axis_title_clears_its_tick_labels(phone_page):
    [title] = boxes(phone_page, ids.CHART_SME, ".xtitle")
    ticks = boxes(phone_page, ids.CHART_SME, ".xtick text")
    assert len(ticks) == 8
    assert not [tick["text"] for tick in ticks if overlap(title, tick)]


def test_longest_ecosystem_label_is_inside_its_chart(phone_page):
    [svg] = boxes(phone_page, ids.CHART_ECOSYSTEM, ":scope .js-plotly-plot svg.main-svg")[:1]
    labels = boxes(phone_page, ids.CHART_ECOSYSTEM, ".ytick text")
    longest = max(labels, key=lambda label: len(label["text"]))
    assert longest["text"].startswith("Proximity")
    assert svg["left"] <= longest["left"] and longest["right"] <= svg["right"]
    assert svg["top"] <= longest["top"] and longest["bottom"] <= svg["bottom"]


def test_heatmap_country_labels_do_not_overlap(phone_page):
    labels = boxes(phone_page, ids.CHART_HEATMAP, ".xtick text")
    assert len(labels) >= 5
    clashes = [(a["text"], b["text"]) for i, a in enumerate(labels) for b in labels[i + 1 :]
               if overlap(a, b)]  # fmt: skip
    assert clashes == []


def test_empty_result_says_so_in_the_charts(watched_page, live_server):
    page, watch = watched_page
    page.set_viewport_size(DESKTOP)
    open_charts(page, f"{live_server}/?q=zzzzzz")
    page.wait_for_function(
        f"() => document.getElementById('{ids.COUNT}').innerText.startsWith('0 of')",
        timeout=30_000,
    )
    for chart in CHARTS:
        notes = [box["text"] for box in boxes(page, chart, ".annotation-text")]
        assert notes == [EMPTY_MESSAGE], chart
        assert boxes(page, chart, ".xtick text") == []
    assert watch.errors == []
