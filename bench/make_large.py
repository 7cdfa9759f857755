"""Write a large synthetic input file: the demo records resampled to N rows.

Run: .venv/bin/python bench/make_large.py --rows 1000000 -o /tmp/clusters_1m.parquet
The format follows the file name (.parquet, .csv). Each row is a demo record drawn at random
(fixed seed) under a new id and a numbered name, its point moved by up to ~1 km so the map has
a million distinct points; numbers stay typed in Parquet (integers, floats), the rest is text.
Like the demo data, the output is synthetic.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from settings import DEMO_DATA_PATH

SEED = 20261127
JITTER_DEGREES = 0.01
INTEGER_COLUMNS = (
    "sme_members", "large_company_members", "research_members", "employees", "founded",
)  # fmt: skip
FLOAT_COLUMNS = ("lat", "lon")


def large_frame(rows: int, *, seed: int = SEED) -> pd.DataFrame:
    """Return `rows` demo records drawn at random under new ids, names and nearby points."""
    demo = pd.read_csv(DEMO_DATA_PATH, dtype=str, keep_default_na=False)
    rng = np.random.default_rng(seed)
    frame = demo.iloc[rng.integers(0, len(demo), rows)].reset_index(drop=True)
    number = pd.Series(np.arange(rows)).astype(str).str.zfill(7)
    frame["cluster_id"] = "L" + number
    frame["name"] = frame["name"] + " " + number
    for column in FLOAT_COLUMNS:
        values = pd.to_numeric(frame[column], errors="coerce")
        frame[column] = (values + rng.uniform(-JITTER_DEGREES, JITTER_DEGREES, rows)).round(5)
    for column in INTEGER_COLUMNS:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    return frame


def write_large(rows: int, path: Path) -> Path:
    """Write `rows` records to `path` (Parquet or CSV, by its suffix) and return the path."""
    frame = large_frame(rows)
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    elif path.suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        raise SystemExit(f"make_large: {path.name}: use a .parquet or .csv file name")
    return path


def main() -> None:
    """Write the file named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="number of records")
    parser.add_argument("-o", "--output", type=Path, required=True, help=".parquet or .csv")
    args = parser.parse_args()
    start = time.perf_counter()
    path = write_large(args.rows, args.output)
    seconds = time.perf_counter() - start
    size = path.stat().st_size / 1e6
    print(f"{args.rows:,} records -> {path} ({size:.1f} MB) in {seconds:.1f} s")


if __name__ == "__main__":
    main()
