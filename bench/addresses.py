"""Measure how city fields as real exports write them are placed by the offline geocoder.

Run: .venv/bin/python bench/addresses.py [--table PATH]   (prints Markdown tables)

bench/address_eval/addresses.csv holds city fields in export forms (postal codes, CEDEX,
province codes, districts, German abbreviations, native spellings) across the EU, with the
coordinates of the place they name typed by hand from an independent source, and negative rows
(expected empty) whose right answer is a rejection. Each row goes through the geocoder that
ingest uses (mapping.gazetteer.geocode_frame). A positive row is right within 15 km; a placed
row farther away, or any placed negative row, is a wrong confident place. holdout.csv holds
other forms and places, written after the geocoder was changed and not used to tune it.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import markdown_table
from mapping._gazetteer_index import great_circle_km
from mapping.gazetteer import Gazetteer, geocode_frame, load_gazetteer
from settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
TABLE_PATH = ROOT / "bench" / "address_eval" / "addresses.csv"
NEAR_KM = 10.0
RIGHT_KM = 15.0


def read_table(path: Path = TABLE_PATH) -> pd.DataFrame:
    """Return the evaluation table; expected coordinates NaN on negative rows."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in ("expected_lat", "expected_lon"):
        table[column] = pd.to_numeric(table[column].replace("", np.nan))
    return table


def evaluate(table: pd.DataFrame, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Geocode the table; add the result, its distance and the outcome of every row.

    outcome: "within 10 km", "within 15 km", "wrong place" (placed > 15 km away, or a negative
    row placed at all), "rejected" (a positive row left unresolved) or "rightly rejected".
    """
    found = geocode_frame(table["city"], table["country"], gazetteer=gazetteer)
    km = great_circle_km(table["expected_lat"], table["expected_lon"], found["lat"], found["lon"])
    negative = table["expected_lat"].isna().to_numpy()
    placed = found["geocode_quality"].ne("unresolved").to_numpy()
    outcome = np.select(
        [negative & placed, negative, ~placed, km <= NEAR_KM, km <= RIGHT_KM],
        ["wrong place", "rightly rejected", "rejected", "within 10 km", "within 15 km"],
        "wrong place",
    )
    return table.assign(
        lat=found["lat"], lon=found["lon"], quality=found["geocode_quality"],
        note=found["geocode_note"], km=km, negative=negative, placed=placed, outcome=outcome,
    )  # fmt: skip


def form_table(result: pd.DataFrame) -> str:
    """Return per form: rows, placed, within 15 km, within 10 km, wrong place, rejected."""
    rows = []
    for form, group in result.groupby("form", sort=True):
        outcome = group["outcome"]
        near = (outcome == "within 10 km").sum()
        right = near + (outcome == "within 15 km").sum()
        rejected = outcome.isin(["rejected", "rightly rejected"]).sum()
        wrong = (outcome == "wrong place").sum()
        rows.append([form, len(group), group["placed"].sum(), right, near, wrong, rejected])
    headers = ["form", "rows", "placed", "within 15 km", "within 10 km", "wrong place", "rejected"]
    return markdown_table(headers, rows)


def summary(result: pd.DataFrame) -> str:
    """Return the overall shares: positives within 15 and 10 km, negatives rejected, wrong."""
    positive = result.loc[~result["negative"], "outcome"]
    negative = result.loc[result["negative"], "outcome"]
    within_15 = positive.isin(["within 10 km", "within 15 km"]).mean()
    return (
        f"{len(positive)} positive rows: {within_15:.1%} within {RIGHT_KM:.0f} km, "
        f"{(positive == 'within 10 km').mean():.1%} within {NEAR_KM:.0f} km, "
        f"{(positive == 'rejected').sum()} rejected, "
        f"{(positive == 'wrong place').sum()} wrong place; "
        f"{len(negative)} negative rows: {(negative == 'rightly rejected').sum()} rejected, "
        f"{(negative == 'wrong place').sum()} placed (wrong)."
    )


def failures(result: pd.DataFrame) -> str:
    """Return one line per row that is not right: field, country, outcome, distance, note."""
    right = ["within 10 km", "within 15 km", "rightly rejected"]
    wrong = result.loc[~result["outcome"].isin(right)]
    lines = []
    for row in wrong.itertuples():
        where = "" if np.isnan(row.km) else f", {row.km:.0f} km off"
        lines.append(f"- {row.city!r}, {row.country} [{row.form}]: {row.outcome}{where} "
                     f"({row.quality}; {row.note or 'no note'})")  # fmt: skip
    return "\n".join(lines) or "(none)"


def main() -> None:
    """Print the per-form table, the overall shares and the failures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", type=Path, default=TABLE_PATH, help="evaluation CSV")
    table = parser.parse_args().table
    gazetteer = load_gazetteer(cache_dir=load_settings([]).cache_dir)
    result = evaluate(read_table(table), gazetteer=gazetteer)
    shown = table.resolve().relative_to(ROOT) if table.resolve().is_relative_to(ROOT) else table
    print(f"### City fields as exports write them ({shown})\n")
    print(form_table(result))
    print("\n" + summary(result) + "\n")
    print("Failures (not within 15 km, or wrongly placed):\n")
    print(failures(result))


if __name__ == "__main__":
    main()
