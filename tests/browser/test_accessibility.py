"""Accessibility in a real Chromium: axe-core finds no serious or critical violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from layouts import ids
from tests.browser.test_dashboard import IDLE, open_and_settle
from tests.filter_oracle import demo

pytestmark = pytest.mark.browser
BLOCKING = ("serious", "critical")


def blocking_violations(page) -> list[str]:
    """Return axe-core's serious and critical violations of the page, one line each."""
    results = Axe().run(page)
    return [
        f"{v['impact']} {v['id']}: {v['help']} {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def test_main_page_has_no_serious_violations(watched_page, live_server):
    page, watch = watched_page
    open_and_settle(page, live_server, len(demo().records))
    assert page.get_attribute("html", "lang") == "en"
    assert blocking_violations(page) == []
    assert watch.errors == []


def test_open_profile_has_no_serious_violations(watched_page, live_server):
    page, watch = watched_page
    cluster = demo().records["cluster_id"].iloc[0]
    page.goto(f"{live_server}/?cluster={cluster}")
    page.locator(f"#{ids.PROFILE}").wait_for(state="visible", timeout=30_000)
    page.wait_for_function(IDLE, timeout=30_000)
    dialog = page.get_by_role("dialog", name="Cluster profile")
    assert dialog.is_visible()
    assert blocking_violations(page) == []
    assert watch.errors == []


def test_empty_result_and_choropleth_have_no_serious_violations(watched_page, live_server):
    page, watch = watched_page
    open_and_settle(page, f"{live_server}/?q=zzzzzz&mode=country_count", 0)
    assert blocking_violations(page) == []
    assert watch.errors == []


def test_dropdowns_are_named_by_their_labels_and_reached_by_keyboard(watched_page, live_server):
    page, watch = watched_page
    open_and_settle(page, live_server, len(demo().records))
    country = page.get_by_role("button", name="Country")
    country.focus()
    page.keyboard.press("Enter")
    page.locator(".dash-dropdown-option").first.wait_for(timeout=10_000)
    assert watch.errors == []
