"""Benchmark the map at scale: one figure per view, filter and data-set size.

Run: nice -n 10 .venv/bin/python bench/map_scale.py [--rows 100000 1000000] [--runs 3]
(prints a Markdown table; 1M records take a few minutes to prepare and ~4 GB of memory).
The records are the demo's, resampled as bench/make_large.py does (fixed seed, new ids,
numbered names, points moved by up to ~1 km), prepared in memory without the ingest. For
each view and filter it builds what `/api/map.json` returns (`make_page_map`, the page's
builder; the page sends the same traces) and serialises it with plotly's JSON encoder as Dash
does; gzip at level 6 as Flask-Compress. Times are medians; the first ecosystem colouring of a
data set (listing every record's ecosystems once, kept) is timed apart.
"""

import argparse
import gzip
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.dataset import Dataset, prepare
from analysis.maps import make_page_map
from analysis.state import open_page
from analysis.store import DatasetStore
from api.routes import COUNTRIES_URL
from bench.common import markdown_table, median_seconds
from bench.make_large import JITTER_DEGREES, SEED
from ingest.pipeline import load_records
from settings import DEMO_DATA_PATH

MAP_OPTIONS = {"countries_url": COUNTRIES_URL}
# The views of /api/map.json: none (the framing of the records), Europe, a country, a city.
VIEWS = {
    "framing": {},
    "Europe (z 2.7)": {"lat": 50.0, "lon": 12.0, "zoom": 2.7},
    "Germany (z 5.3)": {"lat": 51.0, "lon": 10.4, "zoom": 5.3},
    "Paris (z 11)": {"lat": 48.86, "lon": 2.35, "zoom": 11.0},
    "Paris (z 14)": {"lat": 48.86, "lon": 2.35, "zoom": 14.0},
}
LINKS = ("", "?country=DE,FR,IT&ecosystem=digital,health&color=ecosystem")


def spread(records: pd.DataFrame, size: int, *, seed: int = SEED) -> Dataset:
    """Return `size` demo records drawn at random, renamed and moved like make_large's."""
    rng = np.random.default_rng(seed)
    frame = records.iloc[rng.integers(0, len(records), size)].reset_index(drop=True)
    number = pd.Series(np.arange(size)).astype(str).str.zfill(7)
    frame["cluster_id"] = "L" + number
    frame["name"] = frame["name"].astype(str) + " " + number
    for column in ("lat", "lon"):
        jitter = rng.uniform(-JITTER_DEGREES, JITTER_DEGREES, size)
        frame[column] = (frame[column] + jitter).round(5)
    return prepare(frame)


def payload(store: DatasetStore, search: str, view: dict) -> tuple[bytes, go.Figure]:
    """Return the map's JSON for the link and view, and the figure."""
    figure = make_page_map(open_page(store, search), options=MAP_OPTIONS, view=view)
    return pio.to_json(figure).encode(), figure


def drawn(figure: go.Figure) -> str:
    """Return what the figure draws: "all", or how many points or cells."""
    shown = figure.layout.meta["shown"]
    count = sum(len(t.lat) for t in figure.data if t.meta in ("points", "cells"))
    return {"all": "all", "view": f"{count:,} points", "cells": f"{count:,} cells"}[shown]


def measure(store: DatasetStore, *, runs: int) -> list[list[str]]:
    """Return one table row per link and view."""
    rows = []
    for search in LINKS:
        matched = int(open_page(store, search).mask.sum())
        for name, view in VIEWS.items():
            data, figure = payload(store, search, view)
            seconds = median_seconds(lambda s=search, v=view: payload(store, s, v), runs=runs)
            rows.append([
                f"{len(store.get(None)):,}", f"`{search or '(none)'}` ({matched:,})", name,
                figure.layout.meta["shown"], drawn(figure), f"{len(data) / 1e3:,.0f}",
                f"{len(gzip.compress(data, 6)) / 1e3:,.0f}", f"{seconds * 1000:,.0f}",
            ])  # fmt: skip
    return rows


def main() -> None:
    """Print the table of map payloads and build times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3, help="runs per median")
    args = parser.parse_args()
    demo = load_records(DEMO_DATA_PATH)
    headers = ["records", "link (clusters)", "view", "shown", "drawn", "JSON kB", "gzip kB",
               "build + JSON ms"]  # fmt: skip
    table = []
    for size in args.rows:
        start = time.perf_counter()
        store = DatasetStore(spread(demo, size), name="bench")
        prepared = time.perf_counter() - start
        start = time.perf_counter()
        payload(store, "?color=ecosystem", {})
        first = time.perf_counter() - start
        print(f"{size:,} records: prepared in {prepared:.0f} s; first ecosystem colouring "
              f"{first:.2f} s", file=sys.stderr)  # fmt: skip
        table += measure(store, runs=args.runs)
    print(markdown_table(headers, table))


if __name__ == "__main__":
    main()
