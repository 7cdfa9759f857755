"""Measure the policy views' server work at 1,300, 100,000 and 1,000,000 records.

Run: .venv/bin/python bench/insights.py [--rows 100000 1000000] [--runs 3]   (Markdown table)

Each view is rendered as the page renders it (the callbacks' plain functions: figures, tables
and lists included) for all records, and its JSON payload measured; the large data sets are
the demo rows repeated (bench.dashboard.repeated).
"""

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import plotly

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.dataset import prepare
from analysis.state import open_page
from analysis.store import DatasetStore
from bench.common import markdown_table, median_seconds
from bench.dashboard import repeated
from callbacks.compare import render_compare
from callbacks.insights import render_insights, render_network, render_time
from ingest.pipeline import load_records
from settings import DEMO_DATA_PATH

MAP_OPTIONS = {"countries_url": "/geo/countries.geojson", "tiles": None}
VIEWS = {
    "specialisation": ("?tab=insights", lambda page: render_insights(
        page, map_options=MAP_OPTIONS, min_clusters=5, features=frozenset())),
    "partnership network": ("?tab=insights", lambda page: render_network(
        page, map_options=MAP_OPTIONS)),
    "time": ("?tab=insights", lambda page: render_time(page, today=date(2026, 11, 27))),
    "compare 3 areas": ("?tab=compare&areas=DE,FR,ES-56", lambda page: render_compare(
        page, min_clusters=5)),
}  # fmt: skip


def measure(store: DatasetStore, *, runs: int) -> list[list[str]]:
    """Return one row per view: records, view, median ms, payload kB."""
    rows = []
    for name, (query, render) in VIEWS.items():

        def once(q=query, r=render):
            return r(open_page(store, q))

        payload = json.dumps(once(), cls=plotly.utils.PlotlyJSONEncoder)
        seconds = median_seconds(once, runs=runs)
        rows.append([f"{len(store.get(None)):,}", name, f"{seconds * 1000:.0f}",
                     f"{len(payload) / 1000:.0f}"])  # fmt: skip
    return rows


def main() -> None:
    """Print the table of view times and payloads per data set size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    demo = prepare(load_records(DEMO_DATA_PATH))
    rows = measure(DatasetStore(demo, name="demo"), runs=args.runs)
    for size in args.rows:
        rows += measure(DatasetStore(repeated(demo, size), name="bench"), runs=args.runs)
    print(markdown_table(["records", "view", "server ms (median)", "payload kB"], rows))


if __name__ == "__main__":
    main()
