"""Load-test `make serve` with browser-like users: errors, latency, throughput and memory.

Run: nice -n 10 .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--workers 2]
     [--threads 4] [--data FILE] [--think S] [--timeout 30]   (prints Markdown tables)
It starts `make serve` (gunicorn, WORKERS x THREADS) on a free 127.0.0.1 port with an empty
uploads folder, waits until it answers, and runs `--users` asyncio users for `--seconds`,
each with its own httpx.AsyncClient of at most six connections, as a browser has. A user loops
over a weighted mix of actions on links drawn from a fixed-seed RNG (countries, ecosystem
slugs, labels, words, ranges, a few malformed values), with no pause by default (`--think`:
a mean pause in seconds): a page load (`/`, then `/_dash-layout` and `/_dash-dependencies`),
a filter update (every server callback the URL's search triggers, the views' callbacks only
when the link names their view, as the page's browser-side gates pass them on; the bodies the
renderer sends, built from the served dependencies and layout), `/api/stats.json`,
`/api/count.json` and a CSV export (the whole streamed body). Not sent: the scripts and
styles a browser caches, and the table's block of rows a filter update also asks for.
Every answer is checked: a 2xx status and the expected type, and a callback answers JSON with
a `response` (or 204, nothing to update). With no pause the server is saturated and a
latency is mostly queueing (about users / throughput). Memory is the RSS and PSS
(/proc/<pid>/smaps_rollup) of the gunicorn master and workers: idle before, the peak of
samples during, and after the load. The server keeps its prepared-records cache
(CLUSTER_ATLAS_CACHE): the first start on a new file ingests it (a cold start).
"""

import argparse
import asyncio
import json
import os
import random
import re
import ssl
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import markdown_table
from bench.serving import Server, Snapshot, log_errors, served, snapshot
from data.taxonomies import vocabulary
from layouts.ids import URL, VIEW_SEARCH

BROWSER_CONNECTIONS = 6  # what a browser opens per host (HTTP/1.1); the renderer's callbacks queue
# Below gunicorn's --keep-alive (2 s): an idle connection it closes just as a request goes out
# on it fails (ReadError); a browser sends such a request again, httpx does not.
KEEPALIVE_SECONDS = 1.0
MEMORY_EVERY_SECONDS = 5.0
SEED = 20261127
URL_SEARCH = f"{URL}.search"
# Action -> share of a user's actions.
WEIGHTS = {"page load": 10, "filter update": 50, "stats": 15, "count": 15, "csv export": 10}
COUNTRIES = ("DE", "FR", "IT", "ES", "PL", "SE", "NL", "AT", "BE", "CZ", "PT", "GB", "NO", "US")
WORDS = ("hydrogen", "photonics", "logistics", "biotech", "textile", "solar")
# Parameter -> (share of links that set it, its values, at most how many at once).
LINK_PARAMS = {
    "country": (0.5, COUNTRIES, 3),
    "ecosystem": (0.4, tuple(vocabulary("ecosystems").by_slug), 2),
    "scope": (0.15, tuple(vocabulary("scopes").by_slug), 1),
    "label": (0.15, tuple(vocabulary("labels").by_slug), 2),
    "q": (0.1, WORDS, 1),
    "sme_min": (0.1, ("20", "50", "100", "200"), 1),
    "founded_min": (0.1, tuple(str(year) for year in range(1995, 2016)), 1),
    "bbox": (0.05, ("-10,35,30,60", "5,45,20,55"), 1),
}
# Links people paste carry typos and stale values: ignored and reported, never an error.
MALFORMED = ({"country": "XX"}, {"ecosystem": "helth"}, {"sme_min": "many"}, {"colour": "red"})
MALFORMED_SHARE = 0.03
# The page's view keys (a filter update only); None is the default, left out of the link.
VIEW_PARAMS = {
    "tab": ((None, 80), ("insights", 8), ("partners", 4), ("marketplace", 4), ("compare", 4)),
    "mode": ((None, 70), ("country_count", 15), ("country_smes", 10), ("country_per_million", 5)),
    "color": ((None, 60), ("label", 20), ("ecosystem", 20)),
}
# A process read while it ends: its /proc files vanish or come back empty.
DASH_CONFIG = re.compile(r'<script id="_dash-config" type="application/json">(.*?)</script>', re.S)


class AnswerError(Exception):
    """An answer with the wrong status, type or content."""


# --- what the browser sends ------------------------------------------------------------------


@dataclass(frozen=True)
class Callback:
    """A callback run when the URL's search changes: a name and the body, less the input."""

    name: str
    body: dict
    # A view's callback (its input the view's copy of the search): sent only when the link
    # names that view, as the page's browser-side gate passes it on (callbacks/_views.py).
    tab: str | None = None

    def request(self, search: str) -> dict:
        """Return the body the renderer sends when the URL's search becomes `search`."""
        searched = {(URL, "search"), *((store, "data") for store in VIEW_SEARCH.values())}
        inputs = [{**item, "value": search} if (item["id"], item["property"]) in searched
                  else item for item in self.body["inputs"]]  # fmt: skip
        return {**self.body, "inputs": inputs}

    def runs_for(self, search: str) -> bool:
        """Tell whether the page asks for this callback when its search becomes `search`."""
        asked = parse_qs(search.lstrip("?")).get("tab", [])
        return self.tab is None or any(v.strip().lower() == self.tab for v in asked)


def components(layout: object) -> list[tuple[str | dict, dict]]:
    """Return (id, props) of every component of a served layout, in the page's order."""
    found = []
    if isinstance(layout, list):
        for item in layout:
            found += components(item)
    elif isinstance(layout, dict):
        props = layout.get("props") if "namespace" in layout else None
        if isinstance(props, dict) and "id" in props:
            found.append((props["id"], props))
        for value in (props if isinstance(props, dict) else layout).values():
            found += components(value)
    return found


def _output(part: str, parts: list[tuple[str | dict, dict]]) -> dict | list[dict]:
    # A pattern id ({"param": ["ALL"], ...}) stands for every matching component, listed.
    target, prop = part.rsplit(".", 1)
    if not target.startswith("{"):
        return {"id": target, "property": prop}
    pattern = json.loads(target)
    return [{"id": cid, "property": prop} for cid, _ in parts
            if isinstance(cid, dict) and cid.keys() == pattern.keys()
            and all(isinstance(v, list) or cid[k] == v for k, v in pattern.items())]  # fmt: skip


def _state(spec: dict, parts: list[tuple[str | dict, dict]]) -> dict:
    props = next((p for cid, p in parts if cid == spec["id"]), {})
    value = {"value": props[spec["property"]]} if spec["property"] in props else {}
    return {"id": spec["id"], "property": spec["property"], **value}


def url_callbacks(dependencies: list[dict], layout: dict) -> list[Callback]:
    """Return the callbacks the URL's search triggers, as the renderer calls them."""
    parts = components(layout)
    callbacks = []
    tab_of = {(store, "data"): tab for tab, store in VIEW_SEARCH.items()}
    for spec in dependencies:
        # The URL's search among the inputs (the map also listens to its view store: sent as
        # the layout holds it, as on a page that was not panned), or a view's copy of it. Not
        # the callback that writes the URL from the controls: it answers a control's change,
        # not a link's; not those the browser runs itself (the views' gates).
        inputs = [(i["id"], i["property"]) for i in spec["inputs"]]
        view = next((tab_of[i] for i in inputs if i in tab_of), None)
        if spec.get("clientside_function") or f"{URL}.search" in spec["output"]:
            continue
        if (URL, "search") not in inputs and view is None:
            continue
        names = spec["output"].strip(".").split("...")  # "..a.x...b.y.." when several
        outputs = [_output(name, parts) for name in names]
        body = {"output": spec["output"],
                "outputs": outputs if spec["output"].startswith("..") else outputs[0],
                "changedPropIds": [URL_SEARCH], "parsedChangedPropsIds": [URL_SEARCH]}  # fmt: skip
        body["inputs"] = [_state(i, parts) for i in spec["inputs"]]
        if spec["state"]:
            body["state"] = [_state(s, parts) for s in spec["state"]]
        callbacks.append(Callback(names[0].rsplit(".", 1)[0], body, tab=view))
    return callbacks


def read_plan(base: str) -> list[Callback]:
    """Return the URL-search callbacks of the served page."""
    with httpx.Client(base_url=base, timeout=60) as client:
        dependencies = client.get("/_dash-dependencies").raise_for_status().json()
        layout = client.get("/_dash-layout").raise_for_status().json()
    callbacks = url_callbacks(dependencies, layout)
    if not callbacks:
        raise SystemExit("no callback has the URL's search as an input")
    return callbacks


def random_link(rng: random.Random, *, views: bool = False) -> str:
    """Return a link's query string: a few filters (and view keys), sometimes malformed."""
    params = {}
    for name, (share, values, most) in LINK_PARAMS.items():
        if rng.random() < share:
            params[name] = ",".join(rng.sample(values, rng.randint(1, most)))
    if rng.random() < MALFORMED_SHARE:
        params.update(rng.choice(MALFORMED))
    for name, choices in VIEW_PARAMS.items() if views else ():
        value = rng.choices([c for c, _ in choices], [w for _, w in choices])[0]
        if value is not None:
            params[name] = value
    return "?" + urlencode(params, safe=",") if params else ""


# --- the users -------------------------------------------------------------------------------


@dataclass
class Results:
    """Every request (kind, seconds, error, bytes) and action (name, seconds, ok); totals."""

    requests: list[tuple[str, float, str | None, int]] = field(default_factory=list)
    actions: list[tuple[str, float, bool]] = field(default_factory=list)
    peak: Snapshot | None = None  # the server's, sampled during the load
    wall: float = 0.0  # seconds from the start until every user stopped
    client_cpu: float = 0.0  # seconds of CPU this load client used
    machine_load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average, before and after


@dataclass
class User:
    """One browser: its client and connections, its random links and its page's token."""

    client: httpx.AsyncClient
    plan: list[Callback]
    results: Results
    rng: random.Random
    timeout: float
    connections: asyncio.Semaphore = field(
        default_factory=lambda: asyncio.Semaphore(BROWSER_CONNECTIONS)
    )
    end_id: str | None = None  # the page's token, echoed by the renderer's callback requests


async def _check(response: httpx.Response, kind: str) -> None:
    if response.status_code // 100 == 2 and kind in response.headers.get("content-type", ""):
        return
    body = (await response.aread())[:100]
    raise AnswerError(f"{response.status_code} {response.headers.get('content-type')}: {body!r}")


async def read_page(response: httpx.Response) -> str | None:
    """Check the page and return its token for callback requests."""
    await _check(response, "text/html")
    await response.aread()
    config = DASH_CONFIG.search(response.text)
    return json.loads(config.group(1)).get("end_id") if config else None


async def read_json(response: httpx.Response) -> None:
    """Check and read a JSON answer."""
    await _check(response, "application/json")
    await response.aread()


async def read_update(response: httpx.Response) -> None:
    """Check a callback's answer: JSON with a `response`, or 204 (nothing to update)."""
    if response.status_code == 204:
        return
    await _check(response, "application/json")
    answer = json.loads(await response.aread())
    if not isinstance(answer, dict) or "response" not in answer:
        raise AnswerError(f"not a callback answer: {str(answer)[:100]}")


async def read_csv(response: httpx.Response) -> None:
    """Check a CSV export and read its whole body as sent (compressed)."""
    await _check(response, "text/csv")
    async for _ in response.aiter_raw():
        pass


async def fetch(
    user: User, kind: str, url: str, read: Callable[[httpx.Response], Awaitable], **kwargs
) -> tuple[bool, object]:
    """Send one request and `read` its answer; record its time and any error; return both."""
    async with user.connections:  # timed from here: waiting for a connection is the browser's
        method = "POST" if "json" in kwargs else "GET"  # a callback posts its JSON body
        start, error, value, size = time.perf_counter(), None, None, 0
        try:
            async with asyncio.timeout(user.timeout):
                async with user.client.stream(method, url, **kwargs) as response:
                    value = await read(response)
                    size = response.num_bytes_downloaded
        except TimeoutError:
            error = f"no answer within {user.timeout:g} s"
        except (httpx.HTTPError, AnswerError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc or repr(exc.__context__)}"[:200]
        user.results.requests.append((kind, time.perf_counter() - start, error, size))
    return error is None, value


async def load_page(user: User) -> bool:
    """Open a link: the page, then its layout and callbacks (fetched together)."""
    ok, user.end_id = await fetch(user, "GET /", "/" + random_link(user.rng), read_page)
    if not ok:
        return False  # without the page a browser asks for nothing more
    parts = [fetch(user, f"GET {path}", path, read_json)
             for path in ("/_dash-layout", "/_dash-dependencies")]  # fmt: skip
    return all(done for done, _ in await asyncio.gather(*parts))


async def update_filters(user: User) -> bool:
    """Change the link's search: every callback of the URL runs, as many at once as allowed."""
    search = random_link(user.rng, views=True)
    params = {"endId": user.end_id} if user.end_id else {}
    headers = {"Accept": "application/json"}
    sends = [fetch(user, f"callback {cb.name}", "/_dash-update-component", read_update,
                   json=cb.request(search), params=params, headers=headers)
             for cb in user.plan if cb.runs_for(search)]  # fmt: skip
    return all(done for done, _ in await asyncio.gather(*sends))


async def call_api(user: User, *, path: str, read: Callable) -> bool:
    """Ask an API route about a random link."""
    ok, _ = await fetch(user, f"GET {path}", path + random_link(user.rng), read)
    return ok


ACTIONS = {
    "page load": load_page,
    "filter update": update_filters,
    "stats": partial(call_api, path="/api/stats.json", read=read_json),
    "count": partial(call_api, path="/api/count.json", read=read_json),
    "csv export": partial(call_api, path="/api/clusters.csv", read=read_csv),
}


async def browse(user: User, *, until: float, think: float) -> None:
    """Open the page, then act until `until` (perf_counter), pausing `think` s on average."""
    action = "page load"  # a visit starts with the page
    while time.perf_counter() < until:
        start = time.perf_counter()
        ok = await ACTIONS[action](user)
        user.results.actions.append((action, time.perf_counter() - start, ok))
        action = user.rng.choices(list(WEIGHTS), list(WEIGHTS.values()))[0]
        if think > 0:
            pause = user.rng.expovariate(1 / think)
            await asyncio.sleep(min(pause, max(0.0, until - time.perf_counter())))


async def watch_memory(server: Server, results: Results) -> None:
    """Keep the largest PSS snapshot of the server, sampled every few seconds."""
    while True:
        now = await asyncio.to_thread(snapshot, server.pid)
        if results.peak is None or now.pss > results.peak.pss:
            results.peak = now
        await asyncio.sleep(MEMORY_EVERY_SECONDS)


async def run_load(
    server: Server, plan: list[Callback], *, users: int, seconds: float, think: float,
    timeout: float,
) -> Results:  # fmt: skip
    """Run `users` users for `seconds`; return what they saw."""
    results = Results()
    limits = httpx.Limits(max_connections=BROWSER_CONNECTIONS,
                          max_keepalive_connections=BROWSER_CONNECTIONS,
                          keepalive_expiry=KEEPALIVE_SECONDS)  # fmt: skip
    tls = ssl.create_default_context()  # loaded once, not per client (unused on http)
    options = {"base_url": server.base, "limits": limits, "timeout": timeout, "verify": tls}
    async with AsyncExitStack() as stack:
        # One client per user, like a browser's own connections: one pool of hundreds costs
        # httpcore time quadratic in its size (twice the client CPU per request at 50 users),
        # CPU the server shares. httpx's default Accept-Encoding is a browser's less what it
        # cannot decode (zstd without the zstandard package): gzip, deflate, br.
        clients = [await stack.enter_async_context(httpx.AsyncClient(**options))
                   for _ in range(users)]  # fmt: skip
        crowd = [User(client, plan, results, random.Random(SEED + n), timeout)
                 for n, client in enumerate(clients)]  # fmt: skip
        start, cpu, machine_load = time.perf_counter(), time.process_time(), os.getloadavg()[0]
        watcher = asyncio.create_task(watch_memory(server, results))
        # Bounded: no action starts after `seconds`, and a filter update (the longest action)
        # waits at most two rounds of timeouts.
        bound = seconds + 2 * timeout + 10
        visits = [browse(u, until=start + seconds, think=think) for u in crowd]
        try:
            await asyncio.wait_for(asyncio.gather(*visits), bound)
        except TimeoutError:
            print(f"load: stopped at the {bound:g} s bound", file=sys.stderr)
        finally:
            watcher.cancel()
    results.wall, results.client_cpu = time.perf_counter() - start, time.process_time() - cpu
    results.machine_load = (machine_load, os.getloadavg()[0])
    return results


# --- the report ------------------------------------------------------------------------------


def _percentiles(seconds: list[float]) -> list[str]:
    if not seconds:
        return ["—", "—"]
    return [f"{ms:.0f}" for ms in np.percentile(seconds, [50, 99]) * 1000]


def request_rows(results: Results) -> list[list[object]]:
    """Return per request kind: count, errors, and of the answered p50, p99 ms and mean kB."""
    kinds = sorted({kind for kind, *_ in results.requests})
    rows = []
    for kind in [*kinds, None]:
        mine = [r for r in results.requests if kind in (None, r[0])]
        ok = [(seconds, size) for _, seconds, error, size in mine if error is None]
        size = f"{np.mean([b for _, b in ok]) / 1e3:.1f}" if kind and ok else "—"
        rows.append([kind or "**all**", len(mine), len(mine) - len(ok),
                     *_percentiles([s for s, _ in ok]), size])  # fmt: skip
    return rows


def action_rows(results: Results) -> list[list[object]]:
    """Return per action: count, failed, p50 and p99 ms until all its requests answered."""
    rows = []
    for action in WEIGHTS:
        mine = [(seconds, ok) for name, seconds, ok in results.actions if name == action]
        failed = sum(not ok for _, ok in mine)
        rows.append([action, len(mine), failed, *_percentiles([s for s, ok in mine if ok])])
    return rows


def error_lines(results: Results, *, first: int = 3) -> list[str]:
    """Return the most frequent error reasons of each request kind, with their counts."""
    counts = Counter((kind, error) for kind, _, error, _ in results.requests if error)
    lines = []
    for kind in sorted({kind for kind, _ in counts}):
        reasons = sorted(((n, e) for (k, e), n in counts.items() if k == kind), reverse=True)
        lines += [f"- {kind}: {error} ({n})" for n, error in reasons[:first]]
    return lines


def memory_rows(moments: dict[str, Snapshot]) -> list[list[object]]:
    """Return per moment: processes, summed RSS and PSS in MB."""
    return [[moment, len(s.pids), f"{s.rss:.0f}", f"{s.pss:.0f}"]
            for moment, s in moments.items()]  # fmt: skip


def print_report(
    args: argparse.Namespace, server: Server, results: Results, moments: dict[str, Snapshot],
    errors: list[str],
) -> None:  # fmt: skip
    """Print the run's settings, throughput and tables."""
    data = args.data.name if args.data else "demo data"
    before, after = moments["idle, before"], moments["after"]
    server_cpu, wall = after.cpu - before.cpu, results.wall
    think = f"{args.think:g} s think time" if args.think else "no think time"
    print(f"### {args.users} users ({think}) for {args.seconds:g} s, {args.workers} workers x "
          f"{args.threads} threads, {data} ({server.records:,} records)\n")  # fmt: skip
    print(f"Started in {server.start_seconds:.1f} s. {len(results.requests):,} requests and "
          f"{len(results.actions):,} actions in {wall:.1f} s: "
          f"**{len(results.requests) / wall:.1f} requests/s**, "
          f"{len(results.actions) / wall:.1f} actions/s. CPU: server {server_cpu:.0f} s "
          f"({server_cpu / wall:.2f} cores), load client {results.client_cpu:.0f} s; "
          f"machine load average {results.machine_load[0]:.1f} -> "
          f"{results.machine_load[1]:.1f} on {os.cpu_count()} cores.\n")  # fmt: skip
    print(markdown_table(["action", "done", "failed", "p50 ms", "p99 ms"], action_rows(results)))
    headers = ["request", "count", "errors", "p50 ms", "p99 ms", "kB each"]
    print("\n" + markdown_table(headers, request_rows(results)) + "\n")
    print(markdown_table(["memory", "processes", "RSS MB", "PSS MB"], memory_rows(moments)))
    if set(before.pids) != set(after.pids):
        print(f"\nThe gunicorn processes changed: {before.pids} -> {after.pids}")
    print("\nErrors:\n" + "\n".join(error_lines(results) or ["- none"]))
    print("\nServer log errors:\n" + "\n".join(f"- {line}" for line in errors[:10] or ["none"]))


def main() -> None:
    """Serve, load, measure and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent users")
    parser.add_argument("--seconds", type=float, default=60, help="how long users act")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--data", type=Path, help="records to serve (default: the demo)")
    parser.add_argument("--think", type=float, default=0, help="mean s between actions")
    parser.add_argument("--timeout", type=float, default=30, help="seconds per request")
    args = parser.parse_args()
    with served(workers=args.workers, threads=args.threads, data=args.data) as server:
        plan = read_plan(server.base)
        moments = {"idle, before": snapshot(server.pid)}
        load = run_load(server, plan, users=args.users, seconds=args.seconds, think=args.think,
                        timeout=args.timeout)  # fmt: skip
        results = asyncio.run(load)
        after = snapshot(server.pid)
        # Samples every few seconds may miss the top: the end counts as a sample too.
        peak = max(results.peak or after, after, key=lambda s: s.pss)
        moments |= {"peak during": peak, "after": after}
        errors = log_errors(server.log)
    print_report(args, server, results, moments, errors)


if __name__ == "__main__":
    main()
