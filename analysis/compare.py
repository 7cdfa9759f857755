"""Compare 2-5 areas side by side: KPIs, ecosystem mix, specialisations, labels, partnerships.

An area is a country (`DE`), an admin-1 region (`ES-CT`, `DE-02`) or a NUTS-2 region (`ES51`),
whichever of the data set's facets holds the code. Each area's figures are those of the
filtered clusters in it: its `kpis` are exactly `analysis.statistics.compute_stats`'s KPIs of
that restriction (so `/api/stats.json` with the same filters and `country=DE` agrees).
"""

import re
from collections import Counter

import numpy as np
import pandas as pd

from analysis.dataset import Dataset
from analysis.specialisation import MIN_CLUSTERS, specialise
from analysis.statistics import compute_stats
from data.countries import country_name, partnership_targets

# The facets an area code may belong to, tried in this order, and their specialisation `by`.
LEVELS = {"country": "country", "region": "region", "nuts2": "nuts2"}
# One area is accepted (the page shows it while the user adds the next); at most five.
MIN_AREAS, MAX_AREAS = 1, 5
TOP = 5
_CODE = re.compile(r"^[A-Z]{2}(?:-[A-Z0-9]{1,3}|[A-Z0-9]{1,3})?$")


def areas_problem(value: str) -> str | None:
    """Return why an `areas` value is malformed, or None (existence is checked per data set)."""
    codes = value.split(",")
    if not MIN_AREAS <= len(codes) <= MAX_AREAS:
        return f"give {MIN_AREAS} to {MAX_AREAS} comma-separated area codes"
    bad = [code for code in codes if not _CODE.fullmatch(code)]
    if bad:
        return "not area codes (a country DE, a region ES-CT or a NUTS-2 region ES51)"
    return None


def compare_areas(
    dataset: Dataset, mask: np.ndarray, codes: list[str], *, min_clusters: int = MIN_CLUSTERS
) -> tuple[list[dict], list[str]]:
    """Return one summary per known area code, and notices for the unknown ones."""
    summaries, notices = [], []
    specialisations = {}
    for code in dict.fromkeys(codes):  # each once, in the order given
        level = next((lv for lv in LEVELS if code in dataset.facets[lv].position), None)
        if level is None:
            notices.append(f"ignored area {code}: no such country, region or NUTS-2 region")
            continue
        if level not in specialisations:
            specialisations[level] = specialise(dataset, mask, by=LEVELS[level],
                                                min_clusters=min_clusters).rows  # fmt: skip
        facet = dataset.facets[level]
        inside = mask & facet.select([code])
        summaries.append(_summary(dataset, inside, code, level, specialisations[level]))
    return summaries, notices


def _summary(dataset: Dataset, inside: np.ndarray, code: str, level: str, rows) -> dict:
    facet = dataset.facets[level]
    stats = compute_stats(dataset, inside)
    mine = rows[rows["area"] == code].sort_values(["lq", "count"], ascending=False)
    labels = dataset.option_counts("label", inside)
    clusters = int(inside.sum())
    joined = dataset.facets["partnership"]
    partnerships = Counter({joined.labels[i]: int(n) for i, n in
                            enumerate(joined.counts(inside)) if n})  # fmt: skip
    targets = Counter(t for name in partnerships for t in partnership_targets(name))
    return {
        "area": code,
        "level": level,
        "name": facet.labels[facet.position[code]],
        "kpis": stats["kpis"],
        "ecosystems": [
            {
                "slug": e["slug"],
                "name": e["name"],
                "count": e["count"],
                "share": e["count"] / clusters if clusters else 0.0,
            }
            for e in stats["by_ecosystem"]
        ],  # fmt: skip
        "specialisations": [
            {
                "ecosystem": r.ecosystem,
                "count": r.count,
                "lq": round(float(r.lq), 4),
                "stars": int(r.stars),
            }
            for r in mine.head(TOP).itertuples()
        ],  # fmt: skip
        "labels": {
            key: (labels.get(key, 0) / clusters if clusters else 0.0)
            for key, _ in dataset.options("label")
        },  # fmt: skip
        "partnerships": [{"name": n, "members": c} for n, c in partnerships.most_common()],
        "target_countries": [
            {"code": t, "name": country_name(t), "partnerships": c}
            for t, c in targets.most_common()
        ],  # fmt: skip
    }


def compare_rows(summaries: list[dict]) -> pd.DataFrame:
    """Return the summaries as one long table: area, area_name, section, item, value."""
    rows = []
    for s in summaries:
        items = [
            *(("kpi", key, value) for key, value in s["kpis"].items()),
            *(("ecosystem share", e["name"], round(e["share"], 4)) for e in s["ecosystems"]),
            *(("specialisation lq", r["ecosystem"], r["lq"]) for r in s["specialisations"]),
            *(("specialisation stars", r["ecosystem"], r["stars"]) for r in s["specialisations"]),
            *(("label share", key, round(share, 4)) for key, share in s["labels"].items()),
            *(("partnership members", p["name"], p["members"]) for p in s["partnerships"]),
            *(("target country partnerships", t["code"], t["partnerships"])
              for t in s["target_countries"]),
        ]  # fmt: skip
        rows += [{"area": s["area"], "area_name": s["name"], "section": section, "item": item,
                  "value": value} for section, item, value in items]  # fmt: skip
    # object: counts stay integers beside shares in the one value column.
    return pd.DataFrame(
        rows, columns=["area", "area_name", "section", "item", "value"], dtype=object
    )
