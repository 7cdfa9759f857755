"""Benchmark the ingest pipeline (read -> aliases -> validate) and app start-up.

Run: .venv/bin/python bench/ingest.py   (prints Markdown tables; median of several runs)
"""

import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app
from bench.common import markdown_table, median_seconds
from data.ingest import ingest_file
from settings import DEMO_DATA_PATH, Settings

SIZES = (1_300, 10_000, 100_000)


def write_input(rows: int, folder: Path) -> Path:
    """Write a CSV of `rows` records made by repeating the demo data under new ids and names."""
    demo = pd.read_csv(DEMO_DATA_PATH, dtype=str, keep_default_na=False)
    frame = demo.iloc[[i % len(demo) for i in range(rows)]].reset_index(drop=True)
    frame["cluster_id"] = [f"B{i:07d}" for i in range(rows)]
    frame["name"] = frame["name"] + " " + frame.index.astype(str)
    path = folder / f"bench_{rows}.csv"
    frame.to_csv(path, index=False)
    return path


def main() -> None:
    """Print the ingest and start-up tables."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            path = write_input(size, Path(folder))
            runs = 5 if size < 100_000 else 3
            seconds = median_seconds(lambda p=path: ingest_file(p), runs=runs)
            result = ingest_file(path)
            rows.append([f"{size:,}", f"{path.stat().st_size / 1e6:.1f}", result.accepted, runs,
                         f"{seconds:.2f}", f"{size / seconds:,.0f}"])  # fmt: skip
    print("### ingest_file (read + aliases + validation)\n")
    print(markdown_table(["rows", "file MB", "accepted", "runs", "median s", "rows/s"], rows))
    startup = median_seconds(lambda: create_app(Settings()), runs=3)
    print("\n### create_app on the demo data\n")
    print(markdown_table(["records", "runs", "median s"], [["1,300", 3, f"{startup:.2f}"]]))


if __name__ == "__main__":
    main()
