"""Benchmark an upload: POST /api/datasets, then the same data set opened by another worker.

Run: .venv/bin/python bench/upload.py [--rows 10000 100000]   (prints a Markdown table)

For each size, a CSV made from the demo rows (bench.ingest.write_input, coordinates given) is
posted to a fresh app's /api/datasets (the route the page's drop zone shares: read, validate,
place, keep as files); then a second app on the same data folder (another worker, or a
restart) answers /api/stats.json for it, which loads the kept Parquet and prepares the filter
indexes. Peak RSS is the process's (ru_maxrss) after each size, so it only grows.
"""

import argparse
import io
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app
from bench.common import markdown_table
from bench.ingest import write_input
from settings import Settings


def measure(rows: int, folder: Path) -> list[object]:
    """Return one table row: file size, upload time, kept size, open time on a second app."""
    source = write_input(rows, folder)
    data = source.read_bytes()
    store = folder / f"datasets-{rows}"
    client = create_app(Settings(data_dir=store, max_upload_mb=1024)).server.test_client()
    start = time.perf_counter()
    answer = client.post("/api/datasets", data={"file": (io.BytesIO(data), source.name)},
                         content_type="multipart/form-data")  # fmt: skip
    upload_s = time.perf_counter() - start
    report = answer.get_json()
    kept = sum(f.stat().st_size for f in (store / report["key"]).iterdir())
    other = create_app(Settings(data_dir=store)).server.test_client()
    start = time.perf_counter()
    stats = other.get(f"/api/stats.json?data={report['key']}").get_json()
    open_s = time.perf_counter() - start
    assert stats["kpis"]["clusters"] == report["accepted"], stats["notices"]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [f"{rows:,}", f"{len(data) / 1e6:.1f}", report["summary"], f"{upload_s:.1f}",
            f"{kept / 1e6:.1f}", f"{open_s:.1f}", f"{rss:,.0f}"]  # fmt: skip


def main() -> None:
    """Print the table for the sizes asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        rows = [measure(n, Path(folder)) for n in args.rows]
    print(markdown_table(["rows", "file MB", "report", "upload s", "kept MB",
                          "open on 2nd worker s", "peak RSS MB"], rows))  # fmt: skip


if __name__ == "__main__":
    main()
