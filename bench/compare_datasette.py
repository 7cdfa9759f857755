"""Side by side with Datasette: the same records and the same questions, timed on both servers.

Run: nice -n 10 .venv/bin/python bench/compare_datasette.py [--rows 1000000] [--runs 3]
     [--workdir DIR] [--timeout 900]   (prints a Markdown table; medians of --runs)

bench/make_large.py writes N records as one CSV and both servers get that file. Cluster Atlas
serves it with `app.py --data FILE`: a first start on an empty cache folder ingests it (cold),
a second start loads the prepared records (warm). Datasette (the version pinned in
bench/requirements-datasette.txt, installed in its own venv bench/.venv-datasette) serves a
SQLite database built the way a careful user would with sqlite-utils: the CSV as table
`clusters` (primary key cluster_id, types detected), indexes on the filtered columns, FTS5 over
the fields our `q` searches, then VACUUM and ANALYZE. It is served immutable (`-i`) with
max_csv_mb 0 (else a CSV stops at 100 MB), sql_time_limit_ms at the query timeout (else a count
over many rows times out) and suggest_facets off.

The equivalents: `country=DE,FR,IT` is `country_code__in=DE,FR,IT`; `ecosystem=digital,health`
("any of") is a `_where` matching whole items of the `; `-separated list, `('; ' || ecosystems
|| '; ') like '%; Digital; %' or ...`, since Datasette's own filters cannot OR two values of one
column (an indexed join table `cluster_ecosystems` with `cluster_id in (select ...)` was about
3x slower to export at 1M records: Datasette streams 1,000-row pages and runs the subquery again
for each); `q=hydrogen` is `_search=hydrogen` (ours finds words containing the text, FTS whole
tokens). A count is our /api/count.json and Datasette's table JSON with `_size=0` (its
filtered_table_rows_count); an export is our /api/clusters.csv and Datasette's
`.csv?_size=max&_stream=on`, both streamed and read whole with Accept-Encoding: identity (plain
bytes from both). Each query runs once
untimed (its answer kept to count its rows; this also warms both servers' caches), then
--runs times; both sides must answer 200 and give the same number of rows.

Start-up is the time from starting the process to its first 200 on a tiny count; memory is the
RSS of the server's processes after the queries. The servers run one after the other, never
both at once, on free 127.0.0.1 ports, and are stopped whatever happens.
"""

import argparse
import csv
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.dataset import SEARCH_COLUMNS
from bench.common import markdown_table, median_seconds
from bench.serving import free_port, stop
from data.schema import LIST_SEPARATOR
from data.taxonomies import vocabulary
from ingest.pipeline import PREPARED_FOLDER

ROOT = Path(__file__).resolve().parents[1]
DATASETTE_VENV = ROOT / "bench" / ".venv-datasette"
REQUIREMENTS = ROOT / "bench" / "requirements-datasette.txt"
DB_NAME = "atlas"
TABLE = f"/{DB_NAME}/clusters"
COUNTRIES = ("DE", "FR", "IT")
ECOSYSTEMS = ("digital", "health")
WORD = "hydrogen"
# Single-valued columns the filters select on: a careful user indexes them all.
INDEXED = ("country_code", "region_code", "scope", "label")
# A cold start of a million records, or building their database, takes minutes.
SETUP_SECONDS = 3600
CHUNK = 1 << 20
COUNT_KEYS = {"ours": "count", "datasette": "filtered_table_rows_count"}


@dataclass(frozen=True)
class Query:
    """One question: the URL asking our API and the URL asking Datasette the same."""

    label: str
    ours: str
    datasette: str


@dataclass(frozen=True)
class Side:
    """One server's results: start-up seconds, per query (median seconds, rows), RSS in MB."""

    starts: dict[str, float]
    answers: list[tuple[float, int]]
    rss_mb: float


def _url(path: str, params: dict[str, str]) -> str:
    return f"{path}?{urlencode(params, safe=',')}" if params else path


def any_item(column: str, slugs: Sequence[str]) -> str:
    """Return SQL true when the `; `-separated list in `column` holds any of the terms."""
    # Separators on both ends make '; Health; ' match the item Health, never a longer one.
    listed = f"('{LIST_SEPARATOR}' || {column} || '{LIST_SEPARATOR}')"
    terms = [vocabulary(column).by_slug[slug].replace("'", "''") for slug in slugs]
    alternatives = " or ".join(
        f"{listed} like '%{LIST_SEPARATOR}{t}{LIST_SEPARATOR}%'" for t in terms
    )
    return f"({alternatives})"


def build_queries() -> tuple[Query, ...]:
    """Return the timed questions, each as our API's URL and Datasette's equivalent."""
    ours = {"country": ",".join(COUNTRIES), "ecosystem": ",".join(ECOSYSTEMS)}
    theirs = {"country_code__in": ",".join(COUNTRIES), "_where": any_item("ecosystems", ECOSYSTEMS)}
    count, stream = {"_size": "0"}, {"_size": "max", "_stream": "on"}
    shown = f"`{'&'.join(f'{k}={v}' for k, v in ours.items())}`"
    return (
        Query(f"count {shown}", _url("/api/count.json", ours),
              _url(f"{TABLE}.json", count | theirs)),
        Query(f"count `q={WORD}`", _url("/api/count.json", {"q": WORD}),
              _url(f"{TABLE}.json", count | {"_search": WORD})),
        Query(f"CSV export {shown}", _url("/api/clusters.csv", ours),
              _url(f"{TABLE}.csv", stream | theirs)),
        Query("CSV export, all records", "/api/clusters.csv", _url(f"{TABLE}.csv", stream)),
        Query(f"CSV export `q={WORD}`", _url("/api/clusters.csv", {"q": WORD}),
              _url(f"{TABLE}.csv", stream | {"_search": WORD})),
    )  # fmt: skip


# --- HTTP --------------------------------------------------------------------------------------


def fetch(port: int, url: str, *, timeout: float, into: Path = Path(os.devnull)) -> None:
    """Read the whole answer to GET `url` into a file; fail unless it is 200 within `timeout`."""
    deadline = time.monotonic() + timeout
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", url, headers={"Accept-Encoding": "identity"})
        response = connection.getresponse()
        if response.status != 200:
            raise SystemExit(f"{url}: HTTP {response.status}: {response.read(500)!r}")
        with into.open("wb") as sink:
            while chunk := response.read(CHUNK):
                sink.write(chunk)
                if time.monotonic() > deadline:
                    raise SystemExit(f"{url}: not answered within {timeout:.0f} s")
    finally:
        connection.close()


def rows_in(body: Path, *, url: str, count_key: str) -> int:
    """Return the count a JSON answer gives, or the number of records in a CSV answer."""
    if urlsplit(url).path.endswith(".json"):
        return int(json.loads(body.read_bytes())[count_key])
    # Text cells may hold quoted line breaks: count records, not lines.
    with body.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def time_queries(
    port: int, urls: Sequence[str], *, runs: int, timeout: float, count_key: str, folder: Path
) -> list[tuple[float, int]]:
    """Return (median seconds, rows) per URL: one untimed run keeps the answer, then `runs`."""
    answers = []
    body = folder / "answer"
    for url in urls:
        fetch(port, url, timeout=timeout, into=body)
        rows = rows_in(body, url=url, count_key=count_key)
        body.unlink()
        seconds = median_seconds(lambda u=url: fetch(port, u, timeout=timeout), runs=runs)
        answers.append((seconds, rows))
    return answers


# --- servers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    """A started server: its port, process (group) id and seconds until its first 200."""

    port: int
    pid: int
    start_seconds: float


@contextmanager
def serving(command: list[str], *, port: int, probe: str, log: Path, env: dict) -> Iterator[Server]:
    """Run `command` in its own process group until the block ends; time its first 200."""
    with log.open("wb") as output:
        # Output to a file, not a pipe: a full pipe nobody reads would block the server.
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        wait_until_up(process, port, probe, log)
        yield Server(port, process.pid, time.perf_counter() - start)
    finally:
        stop(process)


def wait_until_up(process: subprocess.Popen, port: int, probe: str, log: Path) -> None:
    """Return once `probe` answers 200; fail if the process ends or SETUP_SECONDS pass."""
    deadline = time.monotonic() + SETUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{process.args[0]} stopped:\n{log.read_text()[-2000:]}")
        try:
            return fetch(port, probe, timeout=60)
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{process.args[0]} did not answer within {SETUP_SECONDS} s")


def group_rss_mb(group: int) -> float:
    """Return the summed RSS, in MB, of the processes of one process group."""
    kb = 0
    for entry in Path("/proc").glob("[0-9]*"):
        with suppress(OSError, IndexError, ValueError):
            # Fields after the command name (which may hold spaces): state, ppid, pgrp, ...
            if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) != group:
                continue
            status = (entry / "status").read_text()
            kb += int(status.split("VmRSS:", 1)[1].split()[0])
    return kb / 1024


# --- the two sides -----------------------------------------------------------------------------


def run_ours(data: Path, queries: Sequence[Query], *, args: argparse.Namespace) -> Side:
    """Start our app cold, then warm, and time the queries on the warm one."""
    cache = args.workdir / "atlas-cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "CLUSTER_ATLAS_CACHE": str(cache),
           "CLUSTER_ATLAS_DATA_DIR": str(args.workdir / "atlas-uploads")}  # fmt: skip
    port = free_port()
    command = [sys.executable, "app.py", "--data", str(data), "--host", "127.0.0.1",
               "--port", str(port)]  # fmt: skip
    start = {"port": port, "probe": "/api/count.json?country=MT", "env": env,
             "log": args.workdir / "atlas.log"}  # fmt: skip
    with serving(command, **start) as cold:
        pass
    prepared = set((cache / PREPARED_FOLDER).iterdir())
    with serving(command, **start) as warm:
        if set((cache / PREPARED_FOLDER).iterdir()) != prepared:
            raise SystemExit("the warm start ingested the file again (ingest code changed?)")
        answers = time_queries(port, [q.ours for q in queries], runs=args.runs,
                               timeout=args.timeout, count_key=COUNT_KEYS["ours"],
                               folder=args.workdir)  # fmt: skip
        rss = group_rss_mb(warm.pid)
    return Side({"cold": cold.start_seconds, "warm": warm.start_seconds}, answers, rss)


def datasette_bin() -> Path:
    """Return the bin folder of Datasette's own venv, made or refreshed from the pins."""
    stamp = DATASETTE_VENV / ".installed"
    if not stamp.exists() or stamp.stat().st_mtime < REQUIREMENTS.stat().st_mtime:
        subprocess.run([sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True)
        pip = [str(DATASETTE_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "-r", str(REQUIREMENTS)], check=True, timeout=SETUP_SECONDS)
        stamp.touch()
    return DATASETTE_VENV / "bin"


def datasette_version() -> str:
    """Return the version of the Datasette in its venv ("0.65.5")."""
    command = [str(DATASETTE_VENV / "bin" / "datasette"), "--version"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()[-1]


def build_database(data: Path, db: Path, *, tools: Path) -> float:
    """Build the SQLite database a careful Datasette user would serve; return the seconds."""
    db.unlink(missing_ok=True)
    utils, target = str(tools / "sqlite-utils"), str(db)
    commands = [
        [utils, "insert", target, "clusters", str(data), "--csv", "--pk", "cluster_id"],
        *([utils, "create-index", target, "clusters", column] for column in INDEXED),
        [utils, "enable-fts", target, "clusters", *SEARCH_COLUMNS, "--fts5"],
        [utils, "vacuum", target],
        [utils, "analyze", target],
    ]
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=SETUP_SECONDS)
    return time.perf_counter() - start


def run_datasette(data: Path, queries: Sequence[Query], *, args: argparse.Namespace) -> Side:
    """Build the database, serve it with Datasette and time the queries."""
    tools = datasette_bin()
    db = args.workdir / f"{DB_NAME}.db"
    build = build_database(data, db, tools=tools)
    port = free_port()
    settings = {"max_csv_mb": 0, "sql_time_limit_ms": int(args.timeout * 1000),
                "suggest_facets": "off"}  # fmt: skip
    command = [str(tools / "datasette"), "serve", "-i", str(db), "-h", "127.0.0.1",
               "-p", str(port)]  # fmt: skip
    command += [part for k, v in settings.items() for part in ("--setting", k, str(v))]
    probe = f"{TABLE}.json?_size=0&country_code=MT"
    with serving(command, port=port, probe=probe, log=args.workdir / "datasette.log",
                 env=dict(os.environ)) as server:  # fmt: skip
        answers = time_queries(port, [q.datasette for q in queries], runs=args.runs,
                               timeout=args.timeout, count_key=COUNT_KEYS["datasette"],
                               folder=args.workdir)  # fmt: skip
        rss = group_rss_mb(server.pid)
    return Side({"build": build, "start": server.start_seconds}, answers, rss)


# --- the report --------------------------------------------------------------------------------


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}" if theirs else "-"


def _rows(ours: int, theirs: int) -> str:
    return f"{ours:,}" if ours == theirs else f"ours {ours:,} != Datasette {theirs:,}"


def report_rows(queries: Sequence[Query], ours: Side, theirs: Side) -> list[list[str]]:
    """Return the table's rows: one per query, then start-up and memory."""
    pairs = zip(queries, ours.answers, theirs.answers, strict=True)
    rows = [[q.label, f"{a:.3f}", f"{b:.3f}", _ratio(a, b), _rows(n, m)]
            for q, (a, n), (b, m) in pairs]  # fmt: skip
    warm, cold = ours.starts["warm"], ours.starts["cold"]
    start, first = theirs.starts["start"], theirs.starts["build"] + theirs.starts["start"]
    rows += [
        ["start-up (ours warm: prepared records cached)", f"{warm:.1f}", f"{start:.1f}",
         _ratio(warm, start), ""],
        ["file to first answer (ours cold start; Datasette sqlite-utils build + start)",
         f"{cold:.1f}", f"{first:.1f}", _ratio(cold, first), ""],
        ["memory after the queries (RSS MB)", f"{ours.rss_mb:,.0f}", f"{theirs.rss_mb:,.0f}",
         _ratio(ours.rss_mb, theirs.rss_mb), ""],
    ]  # fmt: skip
    return rows


def make_data(rows: int, folder: Path) -> Path:
    """Return the CSV of `rows` records (bench/make_large.py), written unless already there."""
    path = folder / f"clusters-{rows}.csv"
    if not path.exists():
        command = [sys.executable, "bench/make_large.py", "--rows", str(rows), "-o", str(path)]
        subprocess.run(command, cwd=ROOT, check=True, timeout=SETUP_SECONDS)
    return path


@contextmanager
def workdir(given: Path | None) -> Iterator[Path]:
    """Yield `given` (made if missing, kept) or a temporary folder removed afterwards."""
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        yield given.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="cluster-atlas-vs-datasette-") as folder:
        yield Path(folder)


def main() -> None:
    """Time both servers on the same records and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="number of records")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per query (median)")
    parser.add_argument("--workdir", type=Path, help="folder for the files (kept; default: temp)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per query")
    args = parser.parse_args()
    queries = build_queries()
    with workdir(args.workdir) as folder:
        args.workdir = folder
        data = make_data(args.rows, folder)
        ours = run_ours(data, queries, args=args)
        theirs = run_datasette(data, queries, args=args)
    print(f"### Cluster Atlas vs Datasette {datasette_version()}: {args.rows:,} records, "
          f"median of {args.runs} runs\n")  # fmt: skip
    headers = ["query", "ours s", "Datasette s", "ratio (ours/Datasette)", "rows"]
    print(markdown_table(headers, report_rows(queries, ours, theirs)))
    if any(n != m for (_, n), (_, m) in zip(ours.answers, theirs.answers, strict=True)):
        raise SystemExit("the two servers answered different numbers of rows")


if __name__ == "__main__":
    main()
