"""Start-up at scale: the first (cold) start that ingests, a warm restart, and gunicorn workers.

Run: .venv/bin/python bench/startup.py [--rows 100000 1000000] [--workers 4]
     (prints a Markdown table; run it on a quiet machine, it times whole processes)
For each size it writes the records with bench/make_large.py (Parquet: demo rows resampled, a
million distinct points) into a temporary folder, then, with a cache folder of its own (the
gazetteer index copied in from the user's cache when there, so only the records are ingested):

1. cold: `python app.py --data FILE` until `/api/count.json` answers (imports, reading,
   validation, placement checks, indexes, page), with its resident memory then and its peak;
2. warm: the same command again: the prepared records and filter indexes are memory-mapped
   from the cache;
3. `make serve` with `--workers` gunicorn workers on that cache: seconds until every worker
   runs, the resident memory of the largest worker, and the PSS of master and workers together
   (PSS divides each shared page between the processes that map it: the honest total).
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import markdown_table
from bench.make_large import write_large
from bench.serving import START_SECONDS, free_port, gunicorn_pids, served, snapshot
from settings import load_settings

ROOT = Path(__file__).resolve().parents[1]


def status_mb(pid: int, field: str) -> float:
    """Return a /proc/<pid>/status memory field (VmRSS, VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_app(data: Path, cache: Path) -> dict:
    """Start `python app.py` on `data`; return seconds to the first answer and memory."""
    port = free_port()
    command = [sys.executable, "app.py", "--data", str(data), "--cache", str(cache),
               "--port", str(port)]  # fmt: skip
    start = time.monotonic()
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        with httpx.Client(timeout=30) as client:
            while time.monotonic() - start < START_SECONDS:
                if server.poll() is not None:
                    raise SystemExit(f"app.py stopped ({server.returncode}): {' '.join(command)}")
                try:
                    answer = client.get(f"http://127.0.0.1:{port}/api/count.json")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            else:
                raise SystemExit(f"app.py did not answer within {START_SECONDS} s")
        seconds = time.monotonic() - start
        assert answer.status_code == 200, answer.text
        rss, peak = status_mb(server.pid, "VmRSS"), status_mb(server.pid, "VmHWM")
        return {"seconds": seconds, "rss": rss, "peak": peak, "records": answer.json()["total"]}
    finally:
        server.terminate()
        server.wait(timeout=30)


def serve_workers(data: Path, cache: Path, *, workers: int) -> dict:
    """Start `make serve` with `workers` workers on a warm cache; return time and memory."""
    env = {"CLUSTER_ATLAS_CACHE": str(cache)}
    with served(workers=workers, threads=4, data=data, env=env) as server:
        pids = gunicorn_pids(server.pid)
        workers_pids = [pid for pid in pids if not gunicorn_pids(pid)]  # the master has children
        biggest = max(status_mb(pid, "VmRSS") for pid in workers_pids)
        total = snapshot(server.pid)
        return {"seconds": server.start_seconds, "worker_rss": biggest, "pss": total.pss,
                "processes": len(pids)}  # fmt: skip


def measure(rows: int, folder: Path, *, workers: int) -> list[object]:
    """Return one table row: file size, cold and warm starts, gunicorn's workers."""
    data = write_large(rows, folder / f"clusters_{rows}.parquet")
    cache = folder / f"cache_{rows}"
    cache.mkdir()
    for index in load_settings([]).cache_dir.glob("gazetteer-*.parquet"):
        shutil.copy(index, cache)
    cold = start_app(data, cache)
    warm = start_app(data, cache)
    many = serve_workers(data, cache, workers=workers)
    return [
        f"{rows:,}", f"{data.stat().st_size / 1e6:.0f}",
        f"{cold['seconds']:.1f}", f"{cold['peak']:,.0f}",
        f"{warm['seconds']:.1f}", f"{warm['rss']:,.0f}", f"{warm['peak']:,.0f}",
        f"{many['seconds']:.1f}", f"{many['worker_rss']:,.0f}", f"{many['pss']:,.0f}",
    ]  # fmt: skip


def main() -> None:
    """Print the start-up table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    headers = ["records", "Parquet MB", "cold start s", "cold peak MB", "warm start s",
               "warm RSS MB", "warm peak MB", f"{args.workers} workers up s",
               "largest worker RSS MB", f"master + {args.workers} workers PSS MB"]  # fmt: skip
    rows = []
    with tempfile.TemporaryDirectory(prefix="cluster-atlas-startup-") as folder:
        for size in args.rows:
            rows.append(measure(size, Path(folder), workers=args.workers))
            print(markdown_table(headers, rows[-1:]), flush=True)
    print()
    print(markdown_table(headers, rows))


if __name__ == "__main__":
    main()
