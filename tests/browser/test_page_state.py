"""Every view is a link, in a real Chromium: filters, map mode and colour, sort and profile."""

import json

import numpy as np
import pytest

from analysis.filters import FilterSpec
from analysis.table import sort_positions, table_rows
from layouts import ids
from tests.browser.conftest import BYPASS_CSP
from tests.browser.test_dashboard import (
    GRAPH,
    IDLE,
    open_and_settle,
    settle,
    show_table,
    table_cell,
)
from tests.filter_oracle import demo, naive_filter

pytestmark = pytest.mark.browser
# The figure the page was given (before any pan or zoom), reduced to what must match the API.
PAGE_FIGURE = f"""() => {{
  // plotly keeps numpy arrays as {{dtype, bdata}} (plus its own cache of the decoded values).
  const coordinates = v => v && v.bdata !== undefined ? v.dtype + ':' + v.bdata : JSON.stringify(v);
  const gd = {GRAPH.format(ids.MAP)};
  if (!gd || !gd.layout || !gd.layout.map || !gd.data) return {{traces: null}};
  return {{center: gd.layout.map.center, zoom: gd.layout.map.zoom,
           uirevision: gd.layout.uirevision,
           traces: gd.data.map(t => [t.type, t.name || null, t.meta || null,
                                     coordinates(t.lat || t.locations || null)])}};
}}"""
PROFILE_ID = f"document.querySelector('#{ids.PROFILE_BODY} [data-cluster-id]')?.dataset.clusterId"


def api_figure(page, base: str, query: str) -> dict:
    """Return /api/map.json's figure for `query`, reduced like PAGE_FIGURE."""
    figure = page.request.get(f"{base}/api/map.json{query}").json()["figure"]
    return {
        "center": figure["layout"]["map"]["center"],
        "zoom": figure["layout"]["map"]["zoom"],
        "uirevision": figure["layout"]["uirevision"],
        "traces": [
            [t["type"], t.get("name"), t.get("meta"), _values(t.get("lat", t.get("locations")))]
            for t in figure["data"]
        ],
    }


def _values(values) -> str:
    """Return coordinates or locations as PAGE_FIGURE reads them (equal: the same values).

    plotly sends numpy arrays as typed-array objects ({"dtype", "bdata"}).
    """
    if isinstance(values, dict) and "bdata" in values:
        return f"{values['dtype']}:{values['bdata']}"
    return json.dumps(values, separators=(",", ":"))


def wait_for_figure(page, expected: dict) -> dict:
    """Wait until the page's map shows the traces of `expected`; return the page's figure."""
    page.wait_for_function(
        f"expected => JSON.stringify(({PAGE_FIGURE})().traces) === JSON.stringify(expected)",
        arg=expected["traces"],
        timeout=30_000,
    )
    return page.evaluate(PAGE_FIGURE)


def test_a_link_opens_exactly_that_view_with_the_profile(watched_page, live_server):
    page, watch = watched_page
    spec = FilterSpec(country=("DE", "FR"), ecosystem=("digital",))
    kept = naive_filter(demo().records, spec)
    cluster = kept[len(kept) // 2]
    query = f"{spec.to_query_string()}&color=label&sort=-sme_members&cluster={cluster}"
    state = open_and_settle(page, live_server + "/" + query, len(kept))
    assert state["search"] == query
    page.locator(f"#{ids.PROFILE}").wait_for(state="visible", timeout=10_000)
    page.wait_for_function(f"() => {PROFILE_ID} === '{cluster}'", timeout=10_000)
    assert page.get_by_role("radio", name="Label").is_checked()
    # The table is sorted as the link says: its first row is the largest cluster.
    positions = np.array(sorted(demo().positions[c] for c in kept))
    first = table_rows(demo(), sort_positions(demo(), positions, "-sme_members"))
    page.wait_for_function(
        f"() => document.querySelector(\"#{ids.TABLE} .ag-row[row-index='0'] .ag-cell\")"
        f"?.textContent === {first[0]['name']!r}",
        timeout=10_000,
    )
    figure = wait_for_figure(page, api_figure(page, live_server, query))
    assert figure == api_figure(page, live_server, query)
    assert watch.external_requests() == [] and watch.errors == []


@pytest.mark.parametrize(
    "query",
    ["", "?scope=third-country", "?country=DE&color=ecosystem&ecosystem=health",
     "?label=gold&mode=country_per_million", "?q=zzzzzz"],
)  # fmt: skip
def test_the_map_api_returns_the_figure_the_page_draws(watched_page, live_server, query):
    page, watch = watched_page
    page.goto(live_server + "/" + query)
    expected = api_figure(page, live_server, query)
    figure = wait_for_figure(page, expected)
    assert figure == expected
    if query == "?scope=third-country":
        # Third countries span the world: the view frames them rather than Europe.
        assert figure["zoom"] < 1.5
    assert watch.errors == []


def test_back_to_earlier_filters_the_map_is_framed_anew(watched_page, live_server):
    # The first page's map reports its view; after other filters and a reset (the first
    # page's filters again), that old view is not the user's: the map is framed as the API's.
    page, watch = watched_page
    page.goto(live_server + "/")
    wait_for_figure(page, api_figure(page, live_server, ""))
    page.wait_for_timeout(1_000)  # the framing's moves end and are reported
    page.locator("input[value='third-country']").check()
    wait_for_figure(page, api_figure(page, live_server, "?scope=third-country"))
    page.locator(f"#{ids.RESET}").click()
    expected = api_figure(page, live_server, "")
    page.wait_for_function(
        f"expected => ({PAGE_FIGURE})().uirevision === expected",
        arg=expected["uirevision"],
        timeout=30_000,
    )
    assert wait_for_figure(page, expected) == expected
    assert watch.errors == []


def test_mode_colour_and_profile_live_in_the_url_and_history(watched_page, live_server):
    page, watch = watched_page
    everything = len(demo().records)
    open_and_settle(page, live_server, everything)
    page.get_by_role("radio", name="Ecosystem").check()
    page.wait_for_function("() => location.search === '?color=ecosystem'", timeout=10_000)
    table_cell(page, 0).click()
    page.wait_for_function("() => location.search.includes('cluster=')", timeout=10_000)
    page.locator(f"#{ids.PROFILE}").wait_for(state="visible", timeout=10_000)
    # Closing the profile takes it out of the link; back opens it again.
    page.locator(f"#{ids.PROFILE} .btn-close").click()
    page.wait_for_function("() => location.search === '?color=ecosystem'", timeout=10_000)
    page.go_back()
    page.locator(f"#{ids.PROFILE}").wait_for(state="visible", timeout=10_000)
    page.go_back()
    page.wait_for_function("() => location.search === '?color=ecosystem'", timeout=10_000)
    page.go_back()
    page.wait_for_function("() => location.search === ''", timeout=10_000)
    page.wait_for_function("() => document.querySelector('input[value=scope]').checked")
    assert watch.errors == []


def test_sorting_a_column_goes_into_the_link_and_the_download(watched_page, live_server):
    page, watch = watched_page
    spec = FilterSpec(country=("ES",))
    open_and_settle(page, live_server + spec.to_query_string(),
                    len(naive_filter(demo().records, spec)))  # fmt: skip
    show_table(page)
    header = page.locator(
        f"#{ids.TABLE} .ag-header-cell[col-id='sme_members'] .ag-header-cell-label"
    )
    header.click()
    page.wait_for_function("() => location.search === '?country=ES&sort=sme_members'")
    header.click()
    page.wait_for_function("() => location.search === '?country=ES&sort=-sme_members'")
    href = "/api/clusters.csv?country=ES&sort=-sme_members"
    page.wait_for_function(
        f"() => document.getElementById('{ids.DOWNLOAD_CSV}').getAttribute('href') === '{href}'"
    )
    smes = page.request.get(live_server + href).text().splitlines()
    column = smes[0].lstrip("\ufeff").split(",").index("sme_members")
    values = [int(line.split(",")[column]) for line in smes[1:3]]
    assert values == sorted(values, reverse=True)
    assert watch.errors == []


def test_enter_on_a_table_row_opens_the_profile(watched_page, live_server):
    page, watch = watched_page
    open_and_settle(page, live_server, len(demo().records))
    table_cell(page, 1).click()
    page.locator(f"#{ids.PROFILE} .btn-close").click()
    page.wait_for_function("() => !location.search.includes('cluster=')")
    table_cell(page, 1).focus()
    page.keyboard.press("Enter")
    page.locator(f"#{ids.PROFILE}").wait_for(state="visible", timeout=10_000)
    assert "cluster=" in page.evaluate("location.search")
    assert watch.errors == []


def test_filter_options_show_their_counts_under_the_other_filters(watched_page, live_server):
    page, watch = watched_page
    spec = FilterSpec(label=("gold",))
    open_and_settle(page, live_server + spec.to_query_string(),
                    len(naive_filter(demo().records, spec)))  # fmt: skip
    records = demo().records
    german_gold = int(((records["country_code"] == "DE") & (records["label"] == "Gold")).sum())
    page.locator(f"[id='{ids.dom_id(ids.facet('country'))}']").click()
    page.get_by_text(f"Germany ({german_gold})", exact=True).wait_for(timeout=10_000)
    # A checklist counts without its own selection: every label shows its own total.
    silver = int((records["label"] == "Silver").sum())
    assert page.get_by_label(f"Silver ({silver})", exact=True).is_visible()
    assert watch.errors == []


def test_an_empty_result_says_so_and_offers_a_reset(watched_page, live_server):
    page, watch = watched_page
    open_and_settle(page, live_server + "/?q=zzzzzz", 0)
    alert = page.locator(f"#{ids.NO_MATCH}")
    assert "No clusters match" in alert.inner_text()
    shares = page.locator("[data-kpi$=_share] .atlas-kpi-value").all_inner_texts()
    assert shares == ["–", "–"]
    page.locator(f"#{ids.NO_MATCH_RESET}").click()
    settle(page, len(demo().records))
    assert page.evaluate("location.search") == ""
    assert watch.errors == []


def test_colour_choice_is_disabled_where_it_does_nothing(watched_page, live_server):
    page, watch = watched_page
    page.goto(live_server + "/?mode=country_count")
    page.wait_for_function(IDLE, timeout=30_000)
    page.wait_for_function("() => document.querySelector('input[value=label]')?.disabled")
    page.goto(live_server + "/")
    page.wait_for_function("() => !document.querySelector('input[value=label]')?.disabled")
    assert watch.errors == []


def test_the_profile_copies_its_own_link(browser, live_server):
    context = browser.new_context(**BYPASS_CSP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    cluster = demo().records["cluster_id"].iloc[3]
    page.goto(f"{live_server}/?country=DE&cluster={cluster}")
    page.locator(f"#{ids.PROFILE}").wait_for(state="visible", timeout=30_000)
    page.locator(f"#{ids.PROFILE_COPY}").click()
    page.wait_for_function(
        "async () => (await navigator.clipboard.readText()) === location.href", timeout=10_000
    )
    assert page.evaluate("navigator.clipboard.readText()").endswith(
        f"?country=DE&cluster={cluster}"
    )
    assert errors == []
    context.close()
