"""Real-Chromium fixtures: Debian's Chromium via Playwright, the app served from a thread."""

import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from dash import Dash
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

from app import create_app
from settings import Settings

CHROMIUM = "/usr/bin/chromium"
# Keep Chromium from phoning home: this machine has no network and every request must be local.
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium instead of a downloaded browser build."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


# Playwright evaluates string predicates (wait_for_function) with eval in the page, which the
# app's Content-Security-Policy rightly forbids: the tests bypass it, and test_csp.py opens
# every view under the real policy without any eval of its own.
BYPASS_CSP = {"bypass_csp": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Let the tests' own scripts run whatever the page's Content-Security-Policy says."""
    return {**browser_context_args, **BYPASS_CSP}


def serve(app: Dash) -> Iterator[str]:
    """Serve a Dash app from a background thread; yield its base URL, then stop it."""
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[str]:
    """Serve the app on the demo data (uploads kept in a temporary folder); yield its URL."""
    yield from serve(create_app(Settings(data_dir=tmp_path_factory.mktemp("datasets"))))


# Traces of a type the page's plotly.js lacks (our build, vendor/plotly/entry.js): plotly.js
# draws such a trace as an invisible scatter, without a word.
UNKNOWN_TRACES = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(gd =>
  (gd._fullData || []).filter(trace => trace._input.type && trace._input.type !== trace.type)
    .map(trace => `${gd.closest('[id]').id}: ${trace._input.type}`))"""


@pytest.fixture
def page(page):
    """pytest-playwright's page; after the test, no graph on it may hold a trace of a type our
    plotly.js build lacks (add its module to vendor/plotly/entry.js and rebuild)."""
    yield page
    try:
        unknown = [] if page.is_closed() else page.evaluate(UNKNOWN_TRACES)
    except PlaywrightError:  # the page was navigating or its context is gone
        return
    assert not unknown, f"trace types missing from vendor/plotly/entry.js: {unknown}"


class PageWatch:
    """Console errors and every requested URL of one page."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []

    def external_requests(self) -> list[str]:
        """Return the requested URLs that went to a non-local address."""
        return [
            url for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob")
            and urlsplit(url).hostname not in LOCAL_HOSTS
        ]  # fmt: skip


@pytest.fixture
def watched_page(page) -> Iterator[tuple]:
    """Yield (page, watch) with console errors, page errors and requests recorded."""
    watch = PageWatch()
    page.on("console", lambda msg: msg.type == "error" and watch.errors.append(msg.text))
    page.on("pageerror", lambda exc: watch.errors.append(str(exc)))
    page.on("request", lambda request: watch.requests.append(request.url))
    yield page, watch
