"""Benchmark the gazetteer geocoder: cold and warm speed, and accuracy on the held-out table.

Run from the repository root: ``.venv/bin/python bench/geocode.py`` (or ``make bench``).
Cold = build the index into an empty cache folder + geocode; warm = geocode with the loaded
gazetteer, median of 5 runs. The input is synthetic but made of real GeoNames names (seeded).
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make the project importable
    sys.path.insert(0, str(ROOT))

from mapping import gazetteer as gazetteer_module  # noqa: E402
from mapping._gazetteer_index import great_circle_km  # noqa: E402
from mapping.gazetteer import Gazetteer, geocode_frame, load_gazetteer  # noqa: E402
from settings import load_settings  # noqa: E402

HOLDOUT_PATH = ROOT / "docs" / "geocode_holdout.csv"
ROW_COUNTS = (1_000, 10_000, 100_000)
WARM_RUNS = 5
SEED = 20240611
PLACES_PER_COUNTRY = 400
# Each country as exports write it: ISO2, ISO3, Eurostat codes, English and native names.
COUNTRY_FORMS = {
    "DE": ["DE", "Germany", "Deutschland"],
    "FR": ["FR", "FRA", "France"],
    "IT": ["IT", "Italia"],
    "ES": ["ES", "Spain", "España"],
    "NL": ["NL", "Netherlands"],
    "PL": ["PL", "Polska"],
    "SE": ["SE", "SWE"],
    "GB": ["UK", "GB", "United Kingdom"],
    "GR": ["EL", "Greece"],
    "US": ["US", "USA"],
    "CN": ["CN", "China"],
    "BR": ["BR", "Brazil"],
    "JP": ["JP", "Japan"],
    "IN": ["IN", "India"],
}
SHARE_MISSPELT = 0.04
SHARE_UNKNOWN = 0.02
DISTINCT_MISSPELLINGS = 300
DISTINCT_UNKNOWN = 100


def misspell(name: str, rng: np.random.Generator) -> str:
    """Return name with one letter dropped, doubled or swapped with its neighbour."""
    i = int(rng.integers(1, max(len(name) - 1, 2)))
    kind = int(rng.integers(3))
    if kind == 0:
        return name[:i] + name[i + 1 :]
    if kind == 1:
        return name[:i] + name[i] + name[i:]
    return name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :]


def name_pool(gazetteer: Gazetteer) -> pd.DataFrame:
    """Return the most populous places of the benchmark countries: name, country_code."""
    places = gazetteer.places.loc[gazetteer.places["country_code"].isin(list(COUNTRY_FORMS))]
    places = places.sort_values("population", ascending=False)
    top = places.groupby("country_code", sort=True).head(PLACES_PER_COUNTRY)
    return top[["name", "country_code"]].reset_index(drop=True)


def synthetic_input(gazetteer: Gazetteer, rows: int, *, seed: int = SEED) -> pd.DataFrame:
    """Sample (city, country) rows: real names, some misspelt, some unknown, varied countries."""
    rng = np.random.default_rng(seed)
    pool = name_pool(gazetteer)
    misspelt = pool.sample(DISTINCT_MISSPELLINGS, random_state=seed)
    misspelt = misspelt.assign(name=[misspell(name, rng) for name in misspelt["name"]])
    letters = list("aeiouklmnrst")
    unknown = pd.DataFrame(
        {
            "name": [f"Qz{''.join(rng.choice(letters, size=6))}" for _ in range(DISTINCT_UNKNOWN)],
            "country_code": rng.choice(list(COUNTRY_FORMS), size=DISTINCT_UNKNOWN),
        }
    )
    kind = rng.random(rows)
    parts = [
        pool.iloc[rng.integers(len(pool), size=rows)],
        misspelt.iloc[rng.integers(len(misspelt), size=rows)],
        unknown.iloc[rng.integers(len(unknown), size=rows)],
    ]
    choice = np.select([kind < SHARE_MISSPELT, kind > 1 - SHARE_UNKNOWN], [1, 2], 0)
    picks = pd.concat([part.iloc[np.flatnonzero(choice == i)] for i, part in enumerate(parts)])
    picks = picks.iloc[rng.permutation(len(picks))].reset_index(drop=True)
    forms = picks["country_code"].map(COUNTRY_FORMS)
    country = [options[int(rng.integers(len(options)))] for options in forms]
    return pd.DataFrame({"city": picks["name"].to_numpy(), "country": country})


def timed(function, *args, **kwargs) -> tuple[float, object]:
    """Return (seconds, result) of one call."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def measure(rows: int, sample: pd.DataFrame) -> dict[str, object]:
    """Time a cold build + geocode and the median of warm geocodes of `rows` rows."""
    frame = sample.iloc[:rows]
    with tempfile.TemporaryDirectory() as folder:
        cold_build, gazetteer = timed(load_gazetteer, cache_dir=Path(folder))
        cold_geocode, result = timed(
            geocode_frame, frame["city"], frame["country"], gazetteer=gazetteer
        )
        gazetteer_module._load.cache_clear()  # forget the in-process copy: read the parquet
        cache_load, gazetteer = timed(load_gazetteer, cache_dir=Path(folder))
    warm = statistics.median(
        timed(geocode_frame, frame["city"], frame["country"], gazetteer=gazetteer)[0]
        for _ in range(WARM_RUNS)
    )
    quality = result["geocode_quality"].value_counts(normalize=True)
    return {
        "rows": rows,
        "distinct": len(frame.drop_duplicates()),
        "cold": cold_build + cold_geocode,
        "cache_load": cache_load,
        "warm": warm,
        "quality": quality,
    }


def speed_table(results: list[dict[str, object]]) -> str:
    """Format the speed measurements as a Markdown table."""
    lines = [
        "| rows | distinct (city, country) | cold s (index build + geocode) | load from cache s "
        "| warm s (median of 5) | rows/s warm | gazetteer / fuzzy / unresolved |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        q = r["quality"]
        shares = " / ".join(
            f"{q.get(k, 0):.1%}" for k in ("gazetteer", "gazetteer-fuzzy", "unresolved")
        )
        lines.append(
            f"| {r['rows']:,} | {r['distinct']:,} | {r['cold']:.1f} | {r['cache_load']:.2f} "
            f"| {r['warm']:.3f} | {r['rows'] / r['warm']:,.0f} | {shares} |"
        )
    return "\n".join(lines)


def holdout_report(gazetteer: Gazetteer) -> str:
    """Geocode the held-out table; report the shares within 10 and 20 km and the misses."""
    holdout = pd.read_csv(HOLDOUT_PATH, keep_default_na=False)
    result = geocode_frame(holdout["city"], holdout["country"], gazetteer=gazetteer)
    km = pd.Series(great_circle_km(holdout["lat"], holdout["lon"], result["lat"], result["lon"]))
    lines = [
        f"Held-out accuracy ({len(holdout)} cases, {HOLDOUT_PATH.relative_to(ROOT)}): "
        f"{(km <= 10).mean():.1%} within 10 km, {(km <= 20).mean():.1%} within 20 km.",
    ]
    for i in np.flatnonzero(~(km <= 10).to_numpy()):
        where = "unresolved" if np.isnan(km.iloc[i]) else f"{km.iloc[i]:.0f} km off"
        lines.append(
            f"- miss: {holdout['city'].iloc[i]}, {holdout['country'].iloc[i]}: {where} "
            f"({result['geocode_quality'].iloc[i]}; {result['geocode_note'].iloc[i] or 'no note'})"
        )
    return "\n".join(lines)


def main() -> None:
    """Print the speed table and the held-out accuracy."""
    gazetteer = load_gazetteer(cache_dir=load_settings([]).cache_dir)
    sample = synthetic_input(gazetteer, max(ROW_COUNTS))
    results = [measure(rows, sample) for rows in ROW_COUNTS]
    print(speed_table(results))
    print()
    print(holdout_report(gazetteer))


if __name__ == "__main__":
    main()
