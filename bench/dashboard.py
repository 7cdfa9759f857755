"""Benchmark the server side of one page-state update: map + KPIs + charts + facets + table.

Run: .venv/bin/python bench/dashboard.py [--rows N]   (prints Markdown tables; medians)
It calls the same functions the page's callbacks call — `open_page`, `render_dashboard`
(count, notices, KPIs, four charts, facet counts, links), `make_page_map` and the table's
first block of rows — and serialises their outputs with plotly's JSON encoder as Dash does,
for a set of typical links, on the demo data and on the demo rows repeated to N records.
"""

import argparse
import gzip
import json
import sys
from pathlib import Path

import pandas as pd
from plotly.utils import PlotlyJSONEncoder

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.dataset import Dataset, prepare
from analysis.maps import make_page_map
from analysis.params import KEY_FILTERS
from analysis.state import open_page
from analysis.store import DatasetStore
from api.routes import COUNTRIES_URL
from bench.common import markdown_table, median_seconds
from callbacks.dashboard import render_dashboard
from callbacks.table import table_block
from ingest.pipeline import load_records
from layouts.panels import TABLE_BLOCK
from settings import DEMO_DATA_PATH

LINKS = (
    "",
    "?scope=eu",
    "?country=DE,FR,IT&ecosystem=digital,health",
    "?label=gold,silver&sme_min=100&sort=-sme_members",
    "?q=hydrogen&color=ecosystem",
    "?bbox=-10,35,30,60&founded_min=2000&mode=country_count",
)
MAP_OPTIONS = {"countries_url": COUNTRIES_URL}
FACETS = [f.name for f in KEY_FILTERS if f.needs is None]


def full_update(store: DatasetStore, search: str) -> str:
    """Compute and serialise everything one state change sends to the browser."""
    page = open_page(store, search)
    outputs = render_dashboard(page, facets=FACETS)
    figure = make_page_map(page, options=MAP_OPTIONS)
    rows = table_block(page, start=0, end=TABLE_BLOCK)
    return json.dumps([outputs, figure, rows], cls=PlotlyJSONEncoder)


def repeated(dataset: Dataset, size: int) -> Dataset:
    """Return the demo records repeated under new ids to `size` records, prepared."""
    records = dataset.records
    copies = -(-size // len(records))
    frame = pd.concat([records] * copies, ignore_index=True).iloc[:size].copy()
    frame["cluster_id"] = [f"BENCH-{i:07d}" for i in range(size)]
    return prepare(frame)


def measure(store: DatasetStore, *, runs: int) -> list[list[str]]:
    """Return one table row per link: clusters, server ms, payload and gzip sizes."""
    rows = []
    for search in LINKS:
        payload = full_update(store, search).encode()
        seconds = median_seconds(lambda s=search: full_update(store, s), runs=runs)
        matched = int(open_page(store, search).mask.sum())
        sizes = [f"{len(payload) / 1e3:.0f}", f"{len(gzip.compress(payload)) / 1e3:.0f}"]
        rows.append([f"`{search or '(none)'}`", f"{matched:,}", f"{seconds * 1000:.0f}", *sizes])
    return rows


def main() -> None:
    """Print the tables of server times and payload sizes per link."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="size of the large data set")
    args = parser.parse_args()
    demo = prepare(load_records(DEMO_DATA_PATH))
    for dataset, runs in ((demo, 15), (repeated(demo, args.rows), 5)):
        store = DatasetStore(dataset, name="bench")
        print(f"### One state update on {len(dataset):,} records, median of {runs} runs\n")
        headers = ["link", "clusters", "server ms", "payload kB", "gzip kB"]
        print(markdown_table(headers, measure(store, runs=runs)) + "\n")


if __name__ == "__main__":
    main()
