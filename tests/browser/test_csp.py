"""Every view works under the app's real Content-Security-Policy (no bypass, no eval of ours)."""

from pathlib import Path

import pytest

from layouts import ids

pytestmark = pytest.mark.browser
UPLOAD = Path(__file__).resolve().parent.parent / "fixtures" / "upload" / "messy_export.csv"
# Each view's link and an element that is only drawn when its callbacks and scripts ran.
VIEWS = (
    ("/?color=ecosystem", f"#{ids.MAP} canvas"),
    ("/?tab=insights&focus=health", f"#{ids.NETWORK_MATRIX} .heatmaplayer"),
    ("/?tab=compare&areas=DE,FR", f"#{ids.COMPARE_MIX} .barlayer"),
    ("/?tab=marketplace&side=need", f"#{ids.MARKET_LIST} li"),
)


def test_every_view_draws_under_the_content_security_policy(browser, live_server):
    context = browser.new_context()  # no bypass_csp: the policy as users get it
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        for link, drawn in VIEWS:
            response = page.goto(live_server + link)
            assert "default-src 'self'" in response.headers["content-security-policy"]
            page.locator(drawn).first.wait_for(timeout=60_000)
        # An upload (the file read in the page, sent to a callback) and its report.
        page.goto(live_server + "/?tab=upload")
        page.locator(f"#{ids.UPLOAD_VIEW}").wait_for(state="visible", timeout=60_000)
        page.set_input_files(f"#{ids.UPLOAD} input[type=file]", UPLOAD)
        page.locator(".atlas-rejects").wait_for(timeout=60_000)
        # The map's clustered points are drawn by MapLibre in blob: workers with local glyphs.
        page.goto(live_server + "/")
        page.locator(f"#{ids.MAP} canvas").first.wait_for(timeout=60_000)
        page.wait_for_timeout(2000)
    finally:
        context.close()
    assert errors == []
