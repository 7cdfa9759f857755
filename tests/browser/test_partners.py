"""The partner finder in a real Chromium: from a profile to a ranked, explained list."""

import pytest

from layouts import ids
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_dashboard import IDLE
from tests.filter_oracle import demo

pytestmark = pytest.mark.browser


def test_find_partners_from_a_profile_gives_a_ranked_explained_list(watched_page, live_server):
    page, watch = watched_page
    cluster = demo().records["cluster_id"].iat[10]
    page.goto(f"{live_server}/?country=DE&cluster={cluster}")
    page.locator(f"#{ids.PROFILE}").wait_for(state="visible", timeout=30_000)
    page.locator(f"#{ids.PROFILE_FIND}").click()
    page.wait_for_function(
        f"() => location.search === '?country=DE&tab=partners&cluster={cluster}'"
    )
    items = page.locator(f"#{ids.PARTNER_LIST} .atlas-partner")
    items.first.wait_for(timeout=30_000)
    assert items.count() == 20
    assert not page.locator(f"#{ids.PROFILE}").is_visible()
    api = page.request.get(f"{live_server}/api/partners.json?country=DE&cluster={cluster}").json()
    shown = [items.nth(i).get_attribute("data-cluster-id") for i in range(items.count())]
    assert shown == [p["cluster_id"] for p in api["partners"]]
    assert api["partners"][0]["why"].split(";")[0] in items.first.inner_text()
    page.wait_for_function(IDLE, timeout=30_000)
    assert blocking_violations(page) == []
    # The list downloads with the same guard as the other exports.
    href = page.get_attribute(f"#{ids.PARTNER_CSV}", "href")
    csv = page.request.get(live_server + href)
    assert csv.ok and csv.body().startswith(b"\xef\xbb\xbf")
    assert watch.external_requests() == [] and watch.errors == []


def test_a_partner_link_opens_its_profile_on_the_map(watched_page, live_server):
    page, watch = watched_page
    cluster = demo().records["cluster_id"].iat[10]
    page.goto(f"{live_server}/?tab=partners&cluster={cluster}")
    first = page.locator(f"#{ids.PARTNER_LIST} .atlas-partner").first
    first.wait_for(timeout=30_000)
    partner = first.get_attribute("data-cluster-id")
    first.locator("a").first.click()
    page.wait_for_function(f"() => location.search === '?cluster={partner}'")
    page.locator(f"#{ids.PROFILE}").wait_for(state="visible", timeout=30_000)
    page.wait_for_function(
        f"() => document.querySelector('#{ids.PROFILE_BODY} [data-cluster-id]')"
        f"?.dataset.clusterId === '{partner}'",
        timeout=30_000,
    )
    assert watch.errors == []


def test_the_marketplace_lists_needs_with_the_offers_that_answer_them(watched_page, live_server):
    page, watch = watched_page
    page.goto(f"{live_server}/?country=DE&tab=marketplace&side=need")
    items = page.locator(f"#{ids.MARKET_LIST} > li")
    items.first.wait_for(timeout=30_000)
    assert {items.nth(i).get_attribute("data-side") for i in range(items.count())} == {"need"}
    api = page.request.get(f"{live_server}/api/marketplace.json?country=DE&side=need").json()
    assert items.count() == len(api["items"])
    assert api["items"][0]["text"] in items.first.inner_text()
    page.get_by_role("link", name="Offers", exact=True).click()
    page.wait_for_function("() => location.search.includes('side=offer')", timeout=10_000)
    page.wait_for_function(IDLE, timeout=30_000)
    assert blocking_violations(page) == []
    assert watch.external_requests() == [] and watch.errors == []
