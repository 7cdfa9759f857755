"""Measure partner ranking: recall on a hand-written table, and speed on 1,300 and N records.

Run: .venv/bin/python bench/partners.py [--rows N]   (prints Markdown tables)
     .venv/bin/python bench/partners.py --data FILE --cache DIR   (the index at scale only)

Quality: bench/partner_eval/pairs.csv holds need -> offer pairs written by hand in paraphrase
(not from the demo generator) and distractors.csv near-miss offers. Every pair becomes two
clusters (one with the need, one with the offer), every distractor one cluster offering it;
the file goes through the real ingest (readers, validation, offline geocoder, placement).
For each need cluster, partners are ranked among all the others: is the offering cluster
first (top-1), in the first three (top-3)?

At scale (--data): the file is ingested once into the cache (its prepared records reused by
later runs); the partner index is built by a fresh process on a folder without it, then
loaded (memory-mapped) by another, as gunicorn workers do.
"""

import argparse
import contextlib
import csv
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis._partner_index import FILES, build_partner_index, kept_partner_index, partner_index
from analysis._textmatch import meaning_vectors
from analysis.dataset import prepare
from analysis.filters import FilterSpec
from analysis.marketplace import market_items
from analysis.partners import rank_partners
from bench.common import markdown_table, median_seconds
from bench.dashboard import repeated
from data import datasets
from ingest.pipeline import load_prepared, load_records
from settings import DEMO_DATA_PATH, Settings

EVAL = Path(__file__).resolve().parent / "partner_eval"
COLUMNS = ["name", "country", "city", "ecosystems", "sectors", "offers", "needs"]


def evaluation_rows() -> tuple[list[dict], list[dict]]:
    """Return the rows of the evaluation file (clusters) and the pairs they come from."""
    with open(EVAL / "pairs.csv", encoding="utf-8") as handle:
        pairs = list(csv.DictReader(handle))
    with open(EVAL / "distractors.csv", encoding="utf-8") as handle:
        distractors = list(csv.DictReader(handle))
    rows = []
    for pair in pairs:
        for side in ("need", "offer"):
            rows.append({"name": f"{pair['pair_id']} {side} cluster",
                         "country": pair[f"{side}_country"], "city": pair[f"{side}_city"],
                         "ecosystems": pair["ecosystem"], "sectors": pair["sector"],
                         "offers": pair["offer_text"] if side == "offer" else "",
                         "needs": pair["need_text"] if side == "need" else ""})  # fmt: skip
    for item in distractors:
        rows.append({"name": f"{item['distractor_id']} distractor", "country": item["country"],
                     "city": item["city"], "ecosystems": item["ecosystem"],
                     "sectors": item["sector"], "offers": item["text"], "needs": ""})  # fmt: skip
    return rows, pairs


def recall() -> tuple[list[list[str]], int]:
    """Return the recall table (overall and per difficulty) and the number of clusters."""
    rows, pairs = evaluation_rows()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "partner_eval.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        records = load_records(path, options=Settings().ingest_options)
    dataset = prepare(records)
    names = dataset.records["name"].astype(str).tolist()
    position = {name: i for i, name in enumerate(names)}
    everyone = np.ones(len(dataset), dtype=bool)
    ranks: dict[str, list[int]] = {}
    for pair in pairs:
        seeker = position[f"{pair['pair_id']} need cluster"]
        partners = rank_partners(dataset, seeker, everyone, limit=len(dataset))
        order = [names[p.position] for p in partners]
        rank = order.index(f"{pair['pair_id']} offer cluster") + 1
        level = pair["note"].split(":")[0].split(",")[0].strip()
        ranks.setdefault("all", []).append(rank)
        ranks.setdefault(level, []).append(rank)
        if rank > 3:
            print(f"miss: {pair['pair_id']} rank {rank}: {pair['need_text']} -> "
                  f"{pair['offer_text']} (first: {order[0]})", file=sys.stderr)  # fmt: skip
    table = [[level, str(len(r)), f"{np.mean(np.array(r) == 1):.0%}",
              f"{np.mean(np.array(r) <= 3):.0%}", f"{np.median(r):.0f}"]
             for level, r in sorted(ranks.items(), key=lambda kv: kv[0] != "all")]  # fmt: skip
    return table, len(dataset)


def speed(rows: int) -> list[list[str]]:
    """Return the partner index's build and load times and server times of ranking one
    cluster's partners (index built beforehand)."""
    demo = prepare(load_records(DEMO_DATA_PATH))
    table = []
    for dataset in (demo, repeated(demo, rows)):
        everyone = np.ones(len(dataset), dtype=bool)
        seekers = np.random.default_rng(7).choice(len(dataset), size=5, replace=False)
        build = median_seconds(lambda d=dataset: build_partner_index(d), runs=1)
        load = load_seconds(dataset)
        rank_partners(dataset, int(seekers[0]), everyone)  # builds and keeps the index
        times = [median_seconds(lambda s=s, d=dataset, e=everyone: rank_partners(d, int(s), e),
                                runs=5) for s in seekers]  # fmt: skip
        table.append([f"{len(dataset):,}", f"{build:.1f}", f"{load:.3f}",
                      f"{np.median(times) * 1000:.0f}", f"{max(times) * 1000:.0f}"])  # fmt: skip
    return table


def load_seconds(dataset) -> float:
    """Return the time to map the partner index kept in a folder (what other workers do)."""
    with tempfile.TemporaryDirectory() as folder:
        kept = replace(dataset, folder=Path(folder))
        kept_partner_index(kept)  # built and saved
        return median_seconds(lambda: kept_partner_index(kept), runs=3)


def at_scale(path: Path, cache: Path) -> list[list[str]]:
    """Return the partner index of the data set of `path` built on an empty folder, then
    loaded by the next process (each a fresh process): times, memory, a ranking, a page."""
    result, folder = load_prepared(path, options=Settings(cache=cache).ingest_options,
                                   cache_dir=cache)  # fmt: skip
    if folder is None:
        raise SystemExit(f"the prepared records of {path} could not be kept in {cache}")
    shutil.rmtree(FILES.folder(folder), ignore_errors=True)
    table = []
    for phase in ("build and keep", "load"):
        command = [sys.executable, __file__, "--measure", str(folder)]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        table.append([f"{len(result.records):,}", phase, *json.loads(done.stdout)])
    return table


def measure(folder: Path) -> list[str]:
    """Return the time and peak memory of `partner_index` in this process, and the median
    times of ranking one cluster's partners and of the marketplace's first page."""
    meaning_vectors(["warm"])  # the text model loads outside the measured time
    dataset = prepare(datasets.load_records(folder.parent, folder.name), folder=folder)
    before = _memory("VmRSS")
    with contextlib.suppress(OSError):  # Linux: the peak (VmHWM) restarts from the RSS
        Path("/proc/self/clear_refs").write_text("5")
    seconds = median_seconds(lambda: partner_index(dataset), runs=1)
    peak = _memory("VmHWM") - before
    everyone = np.ones(len(dataset), dtype=bool)
    rank = median_seconds(lambda: rank_partners(dataset, len(dataset) // 2, everyone), runs=3)
    page = median_seconds(lambda: market_items(dataset, FilterSpec()), runs=3)
    return [f"{seconds:.2f}", f"{peak:,.0f}", f"{rank * 1000:.0f}", f"{page * 1000:.0f}"]


def _memory(key: str) -> float:
    """Return a memory figure of this process (VmRSS, VmHWM) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    """Print the recall and speed tables (or the index at scale, or one measure)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="size of the large data set")
    parser.add_argument("--data", type=Path, help="measure the index at scale on this file")
    parser.add_argument("--cache", type=Path, help="the cache folder of --data's ingest")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    if args.data:
        print("### Partner index at scale\n")
        headers = ["records", "index", "s", "peak MB", "rank ms", "marketplace page ms"]
        print(markdown_table(headers, at_scale(args.data, args.cache or Settings().cache_dir)))
        return
    table, size = recall()
    print(f"### Partner recall on the hand-written table ({size} clusters)\n")
    print(markdown_table(["pairs", "n", "top-1", "top-3", "median rank"], table) + "\n")
    print("### Partners of one cluster: index build (once per data set) and ranking\n")
    headers = ["records", "index build s", "index load s", "rank median ms", "rank max ms"]
    print(markdown_table(headers, speed(args.rows)))


if __name__ == "__main__":
    main()
