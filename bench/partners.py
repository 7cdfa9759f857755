"""Measure partner ranking: recall on a hand-written table, and speed on 1,300 and N records.

Run: .venv/bin/python bench/partners.py [--rows N]   (prints Markdown tables)

Quality: bench/partner_eval/pairs.csv holds need -> offer pairs written by hand in paraphrase
(not from the demo generator) and distractors.csv near-miss offers. Every pair becomes two
clusters (one with the need, one with the offer), every distractor one cluster offering it;
the file goes through the real ingest (readers, validation, offline geocoder, placement).
For each need cluster, partners are ranked among all the others: is the offering cluster
first (top-1), in the first three (top-3)?
"""

import argparse
import csv
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis._partner_index import build_partner_index
from analysis.dataset import prepare
from analysis.partners import rank_partners
from bench.common import markdown_table, median_seconds
from bench.dashboard import repeated
from ingest.pipeline import load_records
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
    """Return server times of ranking one cluster's partners (index built beforehand)."""
    demo = prepare(load_records(DEMO_DATA_PATH))
    table = []
    for dataset in (demo, repeated(demo, rows)):
        everyone = np.ones(len(dataset), dtype=bool)
        seekers = np.random.default_rng(7).choice(len(dataset), size=5, replace=False)
        build = median_seconds(lambda d=dataset: build_partner_index(d), runs=1)
        rank_partners(dataset, int(seekers[0]), everyone)  # builds and keeps the index
        times = [median_seconds(lambda s=s, d=dataset, e=everyone: rank_partners(d, int(s), e),
                                runs=5) for s in seekers]  # fmt: skip
        table.append([f"{len(dataset):,}", f"{build:.1f}", f"{np.median(times) * 1000:.0f}",
                      f"{max(times) * 1000:.0f}"])  # fmt: skip
    return table


def main() -> None:
    """Print the recall and speed tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="size of the large data set")
    args = parser.parse_args()
    table, size = recall()
    print(f"### Partner recall on the hand-written table ({size} clusters)\n")
    print(markdown_table(["pairs", "n", "top-1", "top-3", "median rank"], table) + "\n")
    print("### Partners of one cluster: index build (once per data set) and ranking\n")
    headers = ["records", "index build s", "rank median ms", "rank max ms"]
    print(markdown_table(headers, speed(args.rows)))


if __name__ == "__main__":
    main()
