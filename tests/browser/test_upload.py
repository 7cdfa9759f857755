"""Your own data in a real Chromium: file chooser -> report -> map -> a link a colleague opens."""

import re
from pathlib import Path

import pandas as pd
import pytest

from layouts import ids
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_dashboard import IDLE

pytestmark = pytest.mark.browser
UPLOADS = Path(__file__).resolve().parent.parent / "fixtures" / "upload"
MESSY = UPLOADS / "messy_export.csv"
KEY = re.compile(r"data=([0-9a-f]{20})")
# The ingest of the 10-row export (the CLI prints the same first line).
SUMMARY = "10 rows read, 5 accepted, 5 rejected"


def upload(page, base: str, path: Path) -> None:
    """Open the "Your data" view and choose `path` in its file chooser."""
    page.goto(f"{base}/?tab=upload")
    page.locator(f"#{ids.UPLOAD_VIEW}").wait_for(state="visible", timeout=30_000)
    page.wait_for_function(IDLE, timeout=30_000)
    page.set_input_files(f"#{ids.UPLOAD} input[type=file]", path)


def test_an_upload_reports_every_row_and_its_link_opens_the_same_data_elsewhere(
    watched_page, live_server, browser
):
    page, watch = watched_page
    upload(page, live_server, MESSY)
    page.wait_for_url(KEY, timeout=60_000)
    key = KEY.search(page.url).group(1)
    summary = page.locator(".atlas-upload-summary")
    summary.wait_for(timeout=30_000)
    assert summary.inner_text() == SUMMARY
    assert SUMMARY in page.inner_text(f"#{ids.UPLOAD_MESSAGE}")
    # What was not understood and what was rejected, with row, column, value and reason.
    assert "Ansprechpartner" in page.inner_text(".atlas-upload-unknown")
    assert "Land → country" in page.inner_text(f"#{ids.UPLOAD_REPORT}")
    cells = page.locator(".atlas-rejects tbody tr")
    assert cells.count() == 5
    first = cells.first.inner_text()
    assert "7" in first and "Atlantis" in first and 'unknown country "Atlantis"' in first
    assert "control-characters-removed" in page.inner_text(f"#{ids.UPLOAD_REPORT}")
    # The header names the data set; the demo notice is for the demo data only.
    page.wait_for_function(
        f"() => document.getElementById('{ids.DATASET_NAME}').innerText === 'messy_export.csv'"
    )
    assert page.locator(f"#{ids.DEMO_NOTICE_WRAP}").is_hidden()
    page.wait_for_function(IDLE, timeout=30_000)
    assert blocking_violations(page) == []
    # The rejected rows download as the API's guarded CSV.
    with page.expect_download() as download:
        page.locator(f"#{ids.UPLOAD_REJECTS_CSV}").click()
    rejects = Path(download.value.path()).read_bytes()
    assert rejects == page.request.get(f"{live_server}/api/rejects.csv?data={key}").body()
    assert "'-5" in rejects.decode("utf-8-sig") and b"Riesen Cluster" in rejects
    # The map of the new data: its five clusters, names shown as text (no markup).
    page.locator(f"#{ids.UPLOAD_OPEN}").click()
    page.wait_for_function(f"() => location.search === '?data={key}'")
    page.wait_for_function(
        f"() => document.getElementById('{ids.COUNT}')?.innerText === '5 of 5 clusters'"
    )
    page.wait_for_function(IDLE, timeout=30_000)
    grid = page.locator(f"#{ids.TABLE}")
    grid.get_by_text("<b>Markup</b>", exact=False).first.wait_for(timeout=30_000)
    assert grid.locator("b").count() == 0
    # A colleague opens the link in another browser context: the same records and name.
    other = browser.new_context(bypass_csp=True)
    try:
        colleague = other.new_page()
        colleague.goto(f"{live_server}/?data={key}")
        colleague.wait_for_function(
            f"() => document.getElementById('{ids.COUNT}')?.innerText === '5 of 5 clusters'",
            timeout=30_000,
        )
        assert colleague.inner_text(f"#{ids.DATASET_NAME}") == "messy_export.csv"
        csv = colleague.request.get(f"{live_server}/api/clusters.csv?data={key}").text()
        assert "Bayern Innovativ Cluster Test" in csv and "Atlantis" not in csv
    finally:
        other.close()
    assert watch.external_requests() == [] and watch.errors == []


def test_a_data_set_can_be_removed_and_its_link_then_says_so(watched_page, live_server, tmp_path):
    page, watch = watched_page
    own = tmp_path / "to_remove.csv"
    own.write_text("name,city,country\nRemovable Cluster,Graz,AT\n", encoding="utf-8")
    upload(page, live_server, own)
    page.wait_for_url(KEY, timeout=60_000)
    key = KEY.search(page.url).group(1)
    page.locator(f"#{ids.UPLOAD_REMOVE}").click()
    page.wait_for_function("() => location.search === '?tab=upload'", timeout=30_000)
    assert "Removed to_remove.csv" in page.inner_text(f"#{ids.UPLOAD_MESSAGE}")
    page.wait_for_function(
        f"() => document.getElementById('{ids.DATASET_NAME}').innerText === 'Demo data (synthetic)'"
    )
    page.goto(f"{live_server}/?data={key}")
    page.locator(f"#{ids.NOTICES}").wait_for(state="visible", timeout=30_000)
    assert "no data set with this key" in page.inner_text(f"#{ids.NOTICES}")
    assert watch.errors == []


def test_an_unreadable_file_gets_one_clear_line(watched_page, live_server):
    page, watch = watched_page
    upload(page, live_server, UPLOADS / "not_a_table.csv")
    message = page.locator(f"#{ids.UPLOAD_MESSAGE}")
    page.wait_for_function(
        f"() => document.getElementById('{ids.UPLOAD_MESSAGE}').innerText.length > 0",
        timeout=30_000,
    )
    assert message.inner_text() == "cannot read not_a_table.csv: file is empty"
    assert "?tab=upload" in page.url and "data=" not in page.url
    assert watch.errors == []


# Records, from inside the page, every label the progress bar shows while the busy note is visible.
WATCH_PROGRESS = f"""() => {{
  window.progressSeen = [];
  const busy = document.getElementById('{ids.UPLOAD_BUSY}');
  new MutationObserver(() => {{
    if (!busy.hidden) window.progressSeen.push(busy.innerText);
  }}).observe(busy, {{ attributes: true, childList: true, subtree: true, characterData: true }});
}}"""


def test_a_long_upload_shows_its_progress(watched_page, live_server, tmp_path):
    page, watch = watched_page
    demo = pd.read_csv(Path("data/files/demo_clusters.csv"), dtype=str, keep_default_na=False)
    big = pd.concat([demo] * 12, ignore_index=True)  # 15,600 rows, placed by the gazetteer
    big["cluster_id"] = [f"B{i}" for i in range(len(big))]
    big = big.drop(columns=["lat", "lon", "region_code", "region_name"])
    path = tmp_path / "long_export.csv"
    big.to_csv(path, index=False)
    page.goto(f"{live_server}/?tab=upload")
    page.locator(f"#{ids.UPLOAD_VIEW}").wait_for(state="visible", timeout=30_000)
    page.wait_for_function(IDLE, timeout=30_000)
    page.evaluate(WATCH_PROGRESS)
    page.set_input_files(f"#{ids.UPLOAD} input[type=file]", path)
    page.wait_for_url(KEY, timeout=120_000)
    page.locator(".atlas-upload-summary").wait_for(timeout=30_000)
    assert page.inner_text(".atlas-upload-summary").startswith(f"{len(big)} rows read")
    seen = page.evaluate("() => window.progressSeen")
    assert any("Reading, checking and placing your file" in text for text in seen)
    # The bar names the stages as the server reaches them ("validate and geocode (3/7)").
    assert any(re.search(r"\(\d/\d\)", text) for text in seen), seen
    assert page.locator(f"#{ids.UPLOAD_BUSY}").is_hidden()
    assert watch.errors == []
