"""Benchmark the server side of one full filter update: map + KPIs + charts + table + links.

Run: .venv/bin/python bench/dashboard.py   (prints a Markdown table; median of several runs)
It calls the same functions the page's two update callbacks call, then serialises their
outputs with plotly's JSON encoder as Dash does, for a set of typical filter links.
"""

import gzip
import json
import sys
from pathlib import Path

from plotly.utils import PlotlyJSONEncoder

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.dataset import prepare
from analysis.filters import apply_filter, parse_query_string
from api.routes import COUNTRIES_URL
from bench.common import markdown_table, median_seconds
from callbacks.dashboard import render_dashboard
from ingest.pipeline import load_records
from layouts.panels import table_rows
from mapping.figures import make_cluster_map
from settings import DEMO_DATA_PATH

LINKS = (
    "",
    "?scope=eu",
    "?country=DE,FR,IT&ecosystem=digital,health",
    "?label=gold,silver&sme_min=100",
    "?q=hydrogen",
    "?bbox=-10,35,30,60&founded_min=2000",
)
RUNS = 15


def full_update(dataset, search: str, rows: list[dict]) -> str:
    """Compute and serialise everything one filter change sends to the browser."""
    outputs = render_dashboard(dataset, search, rows=rows)
    spec, _ = parse_query_string(search, dataset=dataset)
    records = dataset.records[apply_filter(dataset, spec)]
    figure = make_cluster_map(records, countries_url=COUNTRIES_URL)
    return json.dumps([*outputs, figure], cls=PlotlyJSONEncoder)


def main() -> None:
    """Print the table of server times and payload sizes per filter link."""
    dataset = prepare(load_records(DEMO_DATA_PATH))
    table = table_rows(dataset.records)  # built once at start-up, as the app does
    rows = []
    for search in LINKS:
        payload = full_update(dataset, search, table).encode()
        seconds = median_seconds(lambda s=search: full_update(dataset, s, table), runs=RUNS)
        matched = int(apply_filter(dataset, parse_query_string(search, dataset=dataset)[0]).sum())
        sizes = [f"{len(payload) / 1e3:.0f}", f"{len(gzip.compress(payload)) / 1e3:.0f}"]
        rows.append([f"`{search or '(none)'}`", f"{matched:,}", f"{seconds * 1000:.0f}", *sizes])
    print(f"### Full filter update on the demo data ({len(dataset.records):,} records), "
          f"median of {RUNS} runs\n")  # fmt: skip
    print(markdown_table(["filters", "clusters", "server ms", "payload kB", "gzip kB"], rows))


if __name__ == "__main__":
    main()
