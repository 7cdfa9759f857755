"""Take the README screenshots of the real page in Debian's headless Chromium.

Run: .venv/bin/python docs/make_screenshots.py   (writes docs/img/*.png)
"""

import logging
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app
from layouts import ids
from settings import Settings
from tests.browser.conftest import ARGS, CHROMIUM

OUT = Path(__file__).parent / "img"
UPLOAD_EXAMPLE = Path(__file__).parents[1] / "tests" / "fixtures" / "upload" / "messy_export.csv"
# Name -> viewport and link: the overview, a phone, and a shared link with a profile open.
SHOTS = {
    "desktop": ((1280, 800), ""),
    "phone": ((390, 844), ""),
    "profile": ((1280, 800), "?country=DE,AT&ecosystem=health&color=label&cluster=DEMO-0114"),
    "partners": ((1280, 800), "?tab=partners&cluster=DEMO-0114"),
    "marketplace": ((1280, 800), "?ecosystem=health&tab=marketplace&side=need"),
    "insights": ((1280, 1000), "?scope=eu&tab=insights&focus=health"),
    "compare": ((1280, 1000), "?tab=compare&areas=DE,FR,ES-56"),
}


def main() -> None:
    """Serve the demo app and save one screenshot per viewport size."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no request log on stdout
    uploads = Path(tempfile.mkdtemp(prefix="atlas-shots-"))
    app = create_app(Settings(data_dir=uploads))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, ((width, height), query) in SHOTS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url + "/" + query)
            # The map of the view shown (the partner view has its own).
            if "tab=marketplace" in query:
                page.wait_for_selector(f"#{ids.MARKET_LIST} li", timeout=30_000)
            else:
                shown = {"partners": f"#{ids.PARTNER_MAP} canvas",
                         "insights": f"#{ids.INSIGHT_MAP} canvas",
                         "compare": f"#{ids.COMPARE_MIX} .barlayer"}.get(
                    query.partition("tab=")[2].partition("&")[0], f"#{ids.MAP} canvas"
                )  # fmt: skip
                page.wait_for_selector(shown, timeout=30_000)
            page.wait_for_load_state("networkidle")
            page.wait_for_function("() => !document.querySelector('[data-dash-is-loading]')")
            page.wait_for_timeout(2500)  # let MapLibre finish drawing the markers
            page.screenshot(path=OUT / f"{name}.png")
            print(OUT / f"{name}.png")
        upload_shot(browser, url)
        browser.close()
    server.shutdown()
    shutil.rmtree(uploads, ignore_errors=True)


def upload_shot(browser, url: str) -> None:
    """Upload the messy test export in "Your data" and capture its report."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(url + "/?tab=upload")
    page.wait_for_selector(f"#{ids.UPLOAD_VIEW}:not([hidden])", timeout=30_000)
    page.set_input_files(f"#{ids.UPLOAD} input[type=file]", UPLOAD_EXAMPLE)
    page.wait_for_selector(".atlas-rejects", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading]')")
    page.wait_for_timeout(1000)
    page.screenshot(path=OUT / "upload.png")
    print(OUT / "upload.png")


if __name__ == "__main__":
    main()
