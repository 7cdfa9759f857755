"""Interactive at scale in a real browser: first page, filter changes, Dash bytes, JS heap.

Run: nice -n 10 .venv/bin/python bench/browser.py [--data FILE] [--cache DIR] [--runs 5]
     [--screenshot PNG] [--against DIR]   (prints Markdown tables; without --data: the demo)
Large inputs: .venv/bin/python bench/make_large.py --rows 1000000 -o /tmp/c1m.parquet
It starts `python app.py --data FILE [--cache DIR] --port P` (127.0.0.1, a free port) twice: the
first start ingests the file unless the cache holds it already (cold: minutes for 1M records),
the second memory-maps the prepared records (warm) and serves the browser: Debian's headless
Chromium (software WebGL here) launched as the browser tests launch it. It measures

1. first page: `--runs` fresh browser contexts (empty HTTP cache; the first one is the warm
   server's first visitor), from `goto("/")` until the count and the clusters KPI say every
   record, the map's graph holds the figure `/api/map.json` returns and MapLibre has loaded
   it, and the table (1440x900 window: below the fold) has the record count and has rendered
   its first row, the first record of `/api/clusters.csv`;
2. filter changes: in one loaded page, `--runs` rounds of CHANGES made as a user makes them
   (a checkbox, a dropdown option, a word and Enter, the reset button), each timed from the
   gesture until count, KPI, map and table show the new state, with the moment each part got
   there (checked every POLL_MS, when the page's main thread lets it) and the moments of the
   first Dash request and of the last answer. What the page must show is asked of the API of
   the first start, so the warm server answers nothing before the browser asks;
3. each change's `/_dash-update-component` responses: bytes as sent (compressed: zstd, which
   Chromium asks for) and decoded, the largest, and each callback's time to first byte (its
   server time); the page's JS heap after a garbage collection, before and after the changes.

The times are wall times on a shared machine: the report gives its load average, and the CPU
seconds each page load or change cost the server, Chromium's renderer and GPU process (WebGL
drawn in software) and, by Chromium's own counters, the page's JS and layout work. `--screenshot
PNG` saves the first page's window as drawn. `--against DIR` measures only first pages,
alternating between this checkout's app.py and DIR's (e.g. `git worktree add /tmp/base REV`),
`--runs` each: an A/B of one change. Every wait gives up after WAIT_MS (a SystemExit
saying which parts never showed the state); the server is stopped in any case.
"""

import argparse
import csv
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import httpx
from playwright.sync_api import CDPSession, Page, Request, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.filters import FilterSpec
from analysis.state import PageState
from bench.common import markdown_table
from bench.serving import free_port, stop, wait_until_up
from data import datasets
from ingest.pipeline import PREPARED_FOLDER, prepared_key
from layouts import ids
from settings import load_settings
from tests.browser.conftest import ARGS, BYPASS_CSP, CHROMIUM
from tests.browser.test_dashboard import IDLE
from tests.browser.test_page_state import PAGE_FIGURE, api_figure

ROOT = Path(__file__).resolve().parents[1]
WAIT_MS = 60_000
# The ready check runs every POLL_MS (on a timer: a frame can take seconds in software WebGL).
POLL_MS = 50
VIEWPORT = {"width": 1440, "height": 900}
DASH_UPDATE = "/_dash-update-component"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Which parts of the page show the expected state: recorded in the page (performance.now()) the
# first time each part gets there, so the slowest part is known, not only the total.
READY = f"""expected => {{
  const seen = window.__benchSeen = window.__benchSeen || {{}};
  const now = performance.now();
  const parts = {{
    kpis: () => document.getElementById('{ids.COUNT}')?.innerText === expected.count
      && document.querySelector('[data-kpi=clusters] .atlas-kpi-value')?.innerText === expected.kpi,
    table: () => {{
      let grid = null;
      try {{ grid = window.dash_ag_grid && dash_ag_grid.getApi('{ids.TABLE}'); }} catch (e) {{}}
      if (!grid || grid.getDisplayedRowCount() !== expected.rows) return false;
      const row = document.querySelector("#{ids.TABLE} .ag-row[row-index='0']");
      return expected.first === null || (row?.getAttribute('row-id') === expected.first
                                         && row.innerText.trim() !== '');
    }},
    map: () => {{
      expected.tracesText ??= JSON.stringify(expected.traces);
      if (JSON.stringify(({PAGE_FIGURE})().traces) !== expected.tracesText) return false;
      const gd = document.querySelector('#{ids.MAP} .js-plotly-plot');
      const map = gd._fullData && gd._fullLayout.map && gd._fullLayout.map._subplot?.map;
      return Boolean(map && map.loaded() && !map.isMoving());
    }},
  }};
  for (const [part, ready] of Object.entries(parts)) {{
    if (!(part in seen) && ready()) seen[part] = now;
  }}
  return Object.keys(parts).every(part => part in seen) && seen;
}}"""
PARTS = ("kpis", "map", "table")
# CPU seconds reported: of processes (from /proc) and of the page's main thread (from Chromium).
CPU = ("server", "renderer", "GPU process", "page JS", "page layout")
CHROMIUM_KINDS = {"renderer": b"--type=renderer", "GPU process": b"--type=gpu-process"}
# Bytes the page received as sent (compressed): the document and every resource.
PAGE_BYTES = """() => performance.getEntriesByType('navigation')
  .concat(performance.getEntriesByType('resource')).reduce((n, e) => n + e.transferSize, 0)"""


@dataclass(frozen=True)
class Change:
    """A filter change a user makes: `prepare` gets the page ready and returns the gesture."""

    name: str
    filters: FilterSpec
    prepare: Callable[[Page], Callable[[], object]]


def tick(label: str) -> Callable[[Page], Callable[[], object]]:
    """Return the preparation of a click on the checkbox labelled `label (count)`."""
    return lambda page: page.get_by_label(re.compile(rf"^{re.escape(label)} \(")).click


def pick(param: str, label: str) -> Callable[[Page], Callable[[], object]]:
    """Return the preparation of picking `label (count)` in the dropdown of `param`."""

    def prepare(page: Page) -> Callable[[], object]:
        page.locator(f"[id='{ids.dom_id(ids.facet(param))}']").click(timeout=WAIT_MS)
        option = page.locator(".dash-dropdown-option", has_text=re.compile(rf"^{label} \("))
        option.first.wait_for(timeout=WAIT_MS)
        return option.first.click

    return prepare


def search(word: str) -> Callable[[Page], Callable[[], object]]:
    """Return the preparation of typing `word` in the search box (Enter is the gesture)."""

    def prepare(page: Page) -> Callable[[], object]:
        box = page.locator(f"[id='{ids.dom_id(ids.field('q'))}']")
        box.fill(word, timeout=WAIT_MS)
        return lambda: box.press("Enter")

    return prepare


def reset(page: Page) -> Callable[[], object]:
    """Return the click on the filter panel's reset button."""
    return page.locator(f"#{ids.RESET}").click


# One round, each change keeping the filters before it: from everything down to a few records
# and back. At 1M records Germany and France with the Silver label are 19,063 records, just
# under the map's 20,000-point bound (make_cluster_map's max_points): the largest map answer.
EU = ("eu",)
DE_FR = ("DE", "FR")
CHANGES = (
    Change("Where: EU (checkbox)", FilterSpec(scope=EU), tick("EU")),
    Change("+ country Germany (dropdown)", FilterSpec(scope=EU, country=("DE",)),
           pick("country", "Germany")),
    Change("+ country France (dropdown)", FilterSpec(scope=EU, country=DE_FR),
           pick("country", "France")),
    Change("+ label Silver (checkbox)", FilterSpec(scope=EU, country=DE_FR, label=("silver",)),
           tick("Silver")),
    Change("+ search 'hydrogen' (Enter)",
           FilterSpec(scope=EU, country=DE_FR, label=("silver",), q="hydrogen"),
           search("hydrogen")),
    Change("reset (button)", FilterSpec(), reset),
)  # fmt: skip


# --- the server ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Served:
    """A running app.py: its URL and pid; cold (it ingested the file) or warm, seconds to the
    first answer, records served."""

    base: str
    pid: int
    cold: bool
    seconds: float
    records: int


@contextmanager
def app_server(data: Path | None, cache: Path | None, *, root: Path = ROOT) -> Iterator[Served]:
    """Run `root`'s `python app.py` on a free port in its own session; yield it; stop it."""
    flags = [*(["--data", str(data)] if data else []), *(["--cache", str(cache)] if cache else [])]
    settings = load_settings(flags)
    key = prepared_key(settings.data, settings.ingest_options)
    cold = not datasets.has_records(settings.cache_dir / PREPARED_FOLDER, key)
    port = free_port()
    command = [sys.executable, "app.py", *flags, "--port", str(port)]
    with tempfile.TemporaryDirectory(prefix="cluster-atlas-browser-") as folder:
        log = Path(folder) / "server.log"
        with log.open("wb") as output:  # a file: a pipe nobody reads would block the server
            server = subprocess.Popen(command, cwd=root, stdout=output,
                                      stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        try:
            start = time.monotonic()
            base = f"http://127.0.0.1:{port}"
            records = wait_until_up(base, server, log)
            seconds = time.monotonic() - start
            progress(f"app.py answers after {seconds:.1f} s ({'cold' if cold else 'warm'})")
            yield Served(base, server.pid, cold, seconds, records)
        finally:
            stop(server)


# --- what the page must show -----------------------------------------------------------------


def expected_states(base: str) -> dict[str, dict]:
    """Return what the page shows first and after each change, keyed by its query string."""
    queries = ["", *(query_of(change) for change in CHANGES)]
    with httpx.Client(base_url=base, timeout=WAIT_MS / 1000) as client:
        return {q: expected_state(client, q) for q in queries}


def expected_state(client: httpx.Client, query: str) -> dict:
    """Return what count, KPI, table and map show for `query`, asked of the API."""
    count = client.get("/api/count.json" + query).json()
    # The table lists the records of the CSV export, in its order: its first row is ours.
    with client.stream("GET", "/api/clusters.csv" + query) as answer:
        lines = answer.iter_lines()
        header, first = next(lines).lstrip("\ufeff"), next(lines, None)
    first_id = None
    if first is not None:
        first_id = next(csv.DictReader(io.StringIO(header + "\n" + first + "\n")))["cluster_id"]
    # api_figure asks `page.request.get(url).json()`: an httpx client answers the same calls.
    figure = api_figure(SimpleNamespace(request=client), "", query)
    return {
        "query": query,
        "count": f"{count['count']:,} of {count['total']:,} clusters",
        "kpi": f"{count['count']:,}",
        "rows": count["count"],
        "first": first_id,
        "traces": figure["traces"],
    }


def query_of(change: Change) -> str:
    """Return the page's query string after `change`."""
    return PageState(change.filters).to_query_string()


# --- one page ---------------------------------------------------------------------------------


@dataclass
class Watch:
    """What one measurement watches: the page's Dash requests since `start`, finished or not,
    and the CPU time the server, this run's Chromium processes and the page (Chromium's own
    counters of its JS, layout and style work) used since then."""

    server_pid: int
    pending: set = field(default_factory=set)
    done: list[Request] = field(default_factory=list)
    cpu_at_start: dict = field(default_factory=dict)
    cdp: CDPSession | None = None

    def attach(self, page: Page) -> None:
        """Record the page's Dash updates and its main thread's work."""
        page.on("request", lambda r: DASH_UPDATE in r.url and self.pending.add(r))
        page.on("requestfinished", self._finished)
        page.on("requestfailed", self._finished)
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Performance.enable")

    def _finished(self, request: Request) -> None:
        if request in self.pending:
            self.pending.discard(request)
            self.done.append(request)

    def start(self) -> None:
        """Forget every request recorded so far and start counting CPU time."""
        self.pending.clear()
        self.done.clear()
        self.cpu_at_start = self._cpu()

    def cpu(self) -> dict[str, float]:
        """Return the CPU seconds of each entry of CPU since `start`."""
        now = self._cpu()
        return {name: now[name] - self.cpu_at_start[name] for name in CPU}

    def _cpu(self) -> dict[str, float]:
        metrics = {
            m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]
        }
        return {
            **cpu_seconds(self.server_pid),
            "page JS": metrics["ScriptDuration"],
            "page layout": metrics["LayoutDuration"] + metrics["RecalcStyleDuration"],
        }


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """Return the CPU seconds used so far by the server and by Chromium processes of this run.

    Wall times on a shared machine include waiting for a core; CPU times say how much work the
    browser (renderer, GPU process drawing WebGL in software, ...) and the server did.
    """
    parent, ticks, names = {}, {}, {}
    for entry in Path("/proc").glob("[0-9]*"):
        with suppress(OSError, IndexError, ValueError):
            head, rest = (entry / "stat").read_text().rsplit(")", 1)
            fields, pid = rest.split(), int(entry.name)
            names[pid], parent[pid] = head.partition("(")[2], int(fields[1])
            ticks[pid] = int(fields[11]) + int(fields[12])  # utime + stime
    seconds = {
        "server": ticks.get(server_pid, 0) / CLOCK_TICKS,
        **dict.fromkeys(CHROMIUM_KINDS, 0.0),
    }
    for pid in parent:
        if names[pid].startswith("chromium") and _descends(pid, os.getpid(), parent):
            with suppress(OSError):
                command = (Path("/proc") / str(pid) / "cmdline").read_bytes()
                for kind, flag in CHROMIUM_KINDS.items():
                    if flag in command:
                        seconds[kind] += ticks[pid] / CLOCK_TICKS
    return seconds


def _descends(pid: int, ancestor: int, parent: dict[int, int]) -> bool:
    while pid > 1:
        pid = parent.get(pid, 0)
        if pid == ancestor:
            return True
    return False


def wait_ready(page: Page, expected: dict) -> dict:
    """Wait until the page shows `expected`; return the moments (page ms) each part got there."""
    try:
        handle = page.wait_for_function(READY, arg=expected, timeout=WAIT_MS, polling=POLL_MS)
    except PlaywrightTimeout:
        seen = page.evaluate("window.__benchSeen") or {}
        count = page.evaluate(f"() => document.getElementById('{ids.COUNT}')?.innerText")
        message = (f"{expected['query'] or '/'}: after {WAIT_MS / 1000:.0f} s only {sorted(seen)}"
                   f" show {expected['count']!r} (the count says {count!r})")  # fmt: skip
        raise SystemExit(message) from None
    return handle.json_value()


def settle(page: Page, watch: Watch) -> None:
    """Wait until Dash has nothing loading and every callback request has finished."""
    page.wait_for_function(IDLE, timeout=WAIT_MS)
    deadline = time.monotonic() + WAIT_MS / 1000
    while watch.pending and time.monotonic() < deadline:
        page.wait_for_timeout(50)


def heap_mb(page: Page) -> float:
    """Return the page's used JS heap after a garbage collection, in MB."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("HeapProfiler.collectGarbage")
        cdp.send("Performance.enable")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        return metrics["JSHeapUsedSize"] / 1e6
    finally:
        cdp.detach()


def callback_name(request: Request) -> str:
    """Return a short name of the callback a Dash request runs: its first output (+ others)."""
    outputs = (request.post_data_json or {}).get("outputs", [])
    outputs = outputs if isinstance(outputs, list) else [outputs]
    flat = [
        item for output in outputs for item in (output if isinstance(output, list) else [output])
    ]
    if not flat:
        return "?"
    first = flat[0]
    component = first["id"] if isinstance(first["id"], str) else first["id"].get("type", "?")
    more = f" +{len(flat) - 1}" if len(flat) > 1 else ""
    return f"{component}.{first['property']}{more}"


def traffic(requests: list[Request], *, since: float) -> dict:
    """Return the bytes and server times of Dash requests; `since` is the gesture (epoch s)."""
    calls = []
    for request in requests:
        response = request.response()
        if response is None:
            continue
        timing = request.timing
        calls.append({
            "name": callback_name(request),
            "sent": request.sizes()["responseBodySize"],
            "decoded": len(response.body()),
            "ttfb": (timing["responseStart"] - timing["requestStart"]) / 1000,
            "start": timing["startTime"] / 1000 - since,
            "end": (timing["startTime"] + timing["responseEnd"]) / 1000 - since,
        })  # fmt: skip
    return {
        "calls": calls,
        "sent": sum(c["sent"] for c in calls),
        "decoded": sum(c["decoded"] for c in calls),
        "largest": max((c["sent"] for c in calls), default=0),
        "first_start": min((c["start"] for c in calls), default=0.0),
        "last_end": max((c["end"] for c in calls), default=0.0),
    }


# --- the measurements ------------------------------------------------------------------------


def first_pages(
    browser, served: Served, expected: dict, *, runs: int, screenshot: Path | None
) -> list[dict]:
    """Open the page in `runs` fresh contexts; return seconds, part moments and bytes of each."""
    pages = []
    for run in range(runs):
        context = browser.new_context(viewport=VIEWPORT, **BYPASS_CSP)
        try:
            page = context.new_page()
            watch = Watch(served.pid)
            watch.attach(page)
            watch.start()
            since, start = time.time(), time.perf_counter()
            page.goto(served.base + "/", timeout=WAIT_MS)
            seen = wait_ready(page, expected)
            seconds, cpu = time.perf_counter() - start, watch.cpu()
            settle(page, watch)
            if screenshot is not None and run == 0:
                page.screenshot(path=str(screenshot))
            progress(f"first page {run + 1}/{runs}: {seconds:.2f} s")
            pages.append({"seconds": seconds, "seen": {p: seen[p] / 1000 for p in PARTS},
                          "cpu": cpu, "page_sent": page.evaluate(PAGE_BYTES),
                          **traffic(watch.done, since=since)})  # fmt: skip
        finally:
            context.close()
    return pages


def filter_changes(
    browser, served: Served, expected: dict[str, dict], *, runs: int
) -> tuple[list[dict], dict]:
    """Make `runs` rounds of CHANGES in one page; return each change's record and the heap."""
    context = browser.new_context(viewport=VIEWPORT, **BYPASS_CSP)
    try:
        page = context.new_page()
        watch = Watch(served.pid)
        watch.attach(page)
        page.goto(served.base + "/", timeout=WAIT_MS)
        wait_ready(page, expected[""])
        settle(page, watch)
        heap = {"before": heap_mb(page)}
        changes = [one_change(page, watch, change, expected[query_of(change)])
                   for _ in range(runs) for change in CHANGES]  # fmt: skip
        heap["after"] = heap_mb(page)
        return changes, heap
    finally:
        context.close()


def one_change(page: Page, watch: Watch, change: Change, expected: dict) -> dict:
    """Make `change`; return its seconds, the moment each part showed it, and its traffic."""
    gesture = change.prepare(page)
    page.evaluate("window.__benchSeen = {}")
    origin = page.evaluate("performance.now()")
    watch.start()
    since, start = time.time(), time.perf_counter()
    gesture()
    seen = wait_ready(page, expected)
    seconds, cpu = time.perf_counter() - start, watch.cpu()
    settle(page, watch)
    if page.locator(".dash-dropdown-option").count():
        # Close the dropdown the change left open (never Escape in the search box: it clears it).
        page.keyboard.press("Escape")
    search = page.evaluate("location.search")
    if search != expected["query"]:
        raise SystemExit(f"{change.name}: the page went to {search!r}, not {expected['query']!r}")
    progress(f"{change.name}: {seconds:.2f} s")
    return {"change": change.name, "records": expected["rows"], "seconds": seconds,
            "seen": {p: (seen[p] - origin) / 1000 for p in PARTS}, "cpu": cpu,
            **traffic(watch.done, since=since)}  # fmt: skip


# --- the report ------------------------------------------------------------------------------


def progress(text: str) -> None:
    """Say on stderr how far a long run is."""
    print(f"{time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


def kb(size: float) -> str:
    """Return a byte count as kB."""
    return f"{size / 1000:,.0f}"


def seconds_text(values: list[float]) -> str:
    """Return the median of `values` (seconds) and, when several, their max."""
    median = statistics.median(values)
    return f"{median:.2f}" if len(values) == 1 else f"{median:.2f} (max {max(values):.2f})"


def change_rows(changes: list[dict]) -> list[list[object]]:
    """Return one row per kind of change, and one for all: medians (and max) over the runs."""
    groups = {c.name: [x for x in changes if x["change"] == c.name] for c in CHANGES}
    return [change_row(name, group) for name, group in [*groups.items(), ("all", changes)]]


def change_row(name: str, group: list[dict]) -> list[object]:
    """Return the row of the changes `group`: times, bytes and the callback that took longest."""

    def median(key: str) -> float:
        return statistics.median(g[key] for g in group)

    slowest = [max(g["calls"], key=lambda c: c["ttfb"]) for g in group if g["calls"]]
    name_of_slowest = Counter(s["name"] for s in slowest).most_common(1)[0][0]
    return [
        name, f"{median('records'):,.0f}", seconds_text([g["seconds"] for g in group]),
        *(f"{statistics.median(g['seen'][p] for g in group):.2f}" for p in PARTS),
        f"{median('first_start'):.2f}", f"{median('last_end'):.2f}",
        *(f"{statistics.median(g['cpu'][who] for g in group):.2f}" for who in CPU),
        f"{statistics.median(len(g['calls']) for g in group):.0f}",
        kb(median("sent")), kb(max(g["sent"] for g in group)), kb(median("decoded")),
        kb(max(g["largest"] for g in group)),
        f"{name_of_slowest} {statistics.median(s['ttfb'] for s in slowest):.2f}",
    ]  # fmt: skip


def callback_rows(records: list[dict]) -> list[list[object]]:
    """Return one row per callback: how often it ran, its server time and bytes."""
    calls: dict[str, list[dict]] = {}
    for record in records:
        for call in record["calls"]:
            calls.setdefault(call["name"], []).append(call)
    return [
        [name, len(group), seconds_text([c["ttfb"] for c in group]),
         kb(statistics.median(c["sent"] for c in group)), kb(max(c["sent"] for c in group)),
         kb(statistics.median(c["decoded"] for c in group))]
        for name, group in sorted(calls.items(), key=lambda item: -max(c["ttfb"] for c in item[1]))
    ]  # fmt: skip


def print_report(label: str, starts: list[Served], pages: list[dict], changes: list[dict],
                 heap: dict, load: tuple[float, float]) -> None:  # fmt: skip
    """Print the start-up, first-page, filter-change and callback tables."""
    print(f"## {label}: {starts[-1].records:,} records\n")
    print(
        f"Load average (1 min) of the machine: {load[0]:.1f} before, {load[1]:.1f} after "
        f"the browser runs ({os.cpu_count()} cores).\n"
    )
    print(markdown_table(["start of app.py", "seconds to the first answer"],
                         [["cold (ingest)" if s.cold else "warm", f"{s.seconds:.1f}"]
                          for s in starts]))  # fmt: skip
    print("\nFirst page (fresh context each), seconds from goto:\n")
    print(markdown_table(
        ["pages", "first", "median (max)", *(f"{p} at" for p in PARTS), "last Dash answer",
         *(f"{who} CPU s" for who in CPU), "Dash kB sent", "Dash kB decoded",
         "page kB sent (all)"],
        [[len(pages), f"{pages[0]['seconds']:.2f}", seconds_text([p["seconds"] for p in pages]),
          *(f"{statistics.median(p['seen'][part] for p in pages):.2f}" for part in PARTS),
          f"{statistics.median(p['last_end'] for p in pages):.2f}",
          *(f"{statistics.median(p['cpu'][who] for p in pages):.2f}" for who in CPU),
          kb(statistics.median(p["sent"] for p in pages)),
          kb(statistics.median(p["decoded"] for p in pages)),
          kb(statistics.median(p["page_sent"] for p in pages))]],
    ))  # fmt: skip
    print("\nFilter changes in one page, seconds from the gesture (medians over the runs):\n")
    print(markdown_table(
        ["change", "records", "all shown: median (max)", *(f"{p} at" for p in PARTS),
         "first Dash request", "last Dash answer", *(f"{who} CPU s" for who in CPU),
         "Dash answers", "kB sent", "max kB sent",
         "kB decoded", "largest answer kB", "slowest callback (most often), its server s"],
        change_rows(changes),
    ))  # fmt: skip
    print(
        f"\nJS heap after GC: {heap['before']:.1f} MB after the first page, "
        f"{heap['after']:.1f} MB after {len(changes)} changes.\n"
    )
    print("Callbacks of the filter changes (server s = time to first byte):\n")
    print(markdown_table(["callback", "calls", "server s: median (max)", "kB sent",
                          "max kB sent", "kB decoded"], callback_rows(changes)))  # fmt: skip
    print("\nCallbacks of the first pages:\n")
    print(markdown_table(["callback", "calls", "server s: median (max)", "kB sent",
                          "max kB sent", "kB decoded"], callback_rows(pages)))  # fmt: skip


def compare_first_pages(data: Path | None, cache: Path | None, other: Path, *, runs: int) -> None:
    """Alternate `runs` first pages each between this checkout's app.py and `other`'s; print
    both: on a shared machine, a change's effect shows only against pages taken at once."""
    roots = {"other": other, "this": ROOT}
    with ExitStack() as stack, sync_playwright() as playwright:
        served = {name: stack.enter_context(app_server(data, cache, root=root))
                  for name, root in roots.items()}  # fmt: skip
        # Each checkout's own API says what its page must show (its figure may differ).
        expected = {}
        for name, server in served.items():
            with httpx.Client(base_url=server.base, timeout=WAIT_MS / 1000) as client:
                expected[name] = expected_state(client, "")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        load_before = os.getloadavg()[0]
        pages = {name: [] for name in roots}
        try:
            for _ in range(runs):
                for name in roots:
                    pages[name] += first_pages(browser, served[name], expected[name], runs=1,
                                               screenshot=None)  # fmt: skip
        finally:
            browser.close()
    print(f"## First pages, alternating: {data.name if data else 'demo data'}\n")
    print(f"Load average (1 min): {load_before:.1f} before, {os.getloadavg()[0]:.1f} after.\n")
    rows = [[f"{name} ({root})", len(pages[name]),
             seconds_text([p["seconds"] for p in pages[name]]),
             *(f"{statistics.median(p['seen'][part] for p in pages[name]):.2f}"
               for part in PARTS),
             *(f"{statistics.median(p['cpu'][part] for p in pages[name]):.2f}"
               for part in ("renderer", "GPU process", "page JS"))]
            for name, root in roots.items()]  # fmt: skip
    header = ["checkout", "pages", "median (max) s", *(f"{p} at" for p in PARTS),
              "renderer CPU s", "GPU process CPU s", "page JS CPU s"]  # fmt: skip
    print(markdown_table(header, rows))


def main() -> None:
    """Start the app cold and warm, measure the browser against the warm one, print tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="input file (default: the demo data)")
    parser.add_argument("--cache", type=Path, help="the app's cache folder (default: its own)")
    parser.add_argument("--runs", type=int, default=5, help="fresh pages and rounds of changes")
    parser.add_argument("--screenshot", type=Path, help="save the first page as PNG here")
    parser.add_argument("--against", type=Path, help="another checkout (a git worktree of "
                        "another commit): only first pages, alternating with it")  # fmt: skip
    args = parser.parse_args()
    data = args.data.resolve() if args.data else None
    if args.against:
        compare_first_pages(data, args.cache, args.against.resolve(), runs=args.runs)
        return
    # The first start ingests the file when the cache does not hold it yet; the API tells it
    # what the page must show, so the warm start's first request is the browser's.
    with app_server(data, args.cache) as first_start:
        expected = expected_states(first_start.base)
    with app_server(data, args.cache) as warm, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        load_before = os.getloadavg()[0]  # the timings are wall times: say how busy it was
        try:
            pages = first_pages(browser, warm, expected[""], runs=args.runs,
                                screenshot=args.screenshot)  # fmt: skip
            changes, heap = filter_changes(browser, warm, expected, runs=args.runs)
        finally:
            browser.close()
    label = data.name if data else "demo data"
    load = (load_before, os.getloadavg()[0])
    print_report(label, [first_start, warm], pages, changes, heap, load)


if __name__ == "__main__":
    main()
