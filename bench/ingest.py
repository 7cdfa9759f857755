"""Benchmark the ingest pipeline (read -> aliases -> validate) and app start-up.

Run: .venv/bin/python bench/ingest.py   (prints Markdown tables; median of several runs)
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app
from bench.common import markdown_table, median_seconds
from ingest.pipeline import IngestOptions, ingest_file
from settings import DEMO_DATA_PATH, Settings, load_settings

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


def write_cities_input(rows: int, folder: Path) -> Path:
    """Write a CSV of (name, city, country) rows without coordinates, from real GeoNames names."""
    from bench.geocode import synthetic_input
    from mapping.gazetteer import load_gazetteer

    sample = synthetic_input(load_gazetteer(cache_dir=load_settings([]).cache_dir), rows)
    frame = pd.DataFrame({"name": [f"Cluster {i}" for i in range(rows)],
                          "city": sample["city"], "country": sample["country"]})  # fmt: skip
    path = folder / f"cities_{rows}.csv"
    frame.to_csv(path, index=False)
    return path


def geocoding_table(folder: Path) -> str:
    """Time the ingest command on 100,000 (name, city, country) rows, as a user runs it."""
    path = write_cities_input(100_000, folder)
    command = [sys.executable, "-m", "data.ingest", str(path), "-o", str(folder / "out.csv")]
    seconds = median_seconds(lambda: subprocess.run(command, check=True, capture_output=True),
                             runs=3)  # fmt: skip
    summary = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    placed = summary.splitlines()[0]
    row = ["100,000 rows: name, city, country", 3, f"{seconds:.1f}", placed]
    return markdown_table(["input", "runs", "median s (whole command)", "result"], [row])


def main() -> None:
    """Print the ingest and start-up tables."""
    rows = []
    options = IngestOptions(cache_dir=load_settings([]).cache_dir)
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            path = write_input(size, Path(folder))
            runs = 5 if size < 100_000 else 3
            seconds = median_seconds(lambda p=path: ingest_file(p, options=options), runs=runs)
            result = ingest_file(path, options=options)
            rows.append([f"{size:,}", f"{path.stat().st_size / 1e6:.1f}", result.accepted, runs,
                         f"{seconds:.2f}", f"{size / seconds:,.0f}"])  # fmt: skip
        print("### ingest_file (read + aliases + validation + placement checks)\n")
        print(markdown_table(["rows", "file MB", "accepted", "runs", "median s", "rows/s"], rows))
        print("\n### python -m data.ingest on rows without coordinates (offline geocoding)\n")
        print(geocoding_table(Path(folder)))
    startup = median_seconds(lambda: create_app(Settings()), runs=3)
    print("\n### create_app on the demo data\n")
    print(markdown_table(["records", "runs", "median s"], [["1,300", 3, f"{startup:.2f}"]]))


if __name__ == "__main__":
    main()
