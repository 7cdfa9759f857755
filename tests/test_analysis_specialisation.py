"""Specialisation: counts, location quotients and stars against a row-by-row oracle."""

import math
from collections import Counter, defaultdict

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.filters import apply_filter
from analysis.specialisation import AREAS, specialise
from tests.filter_oracle import demo, filter_specs


def naive(records, keep, *, by, weight, min_clusters):
    """Return {(area, ecosystem): (count, lq, stars)} computed one record at a time."""
    code_column, _ = AREAS[by]
    size, per_pair, clusters = Counter(), Counter(), Counter()
    for row in records.loc[keep].to_dict("records"):
        code = row[code_column]
        if code is None or (isinstance(code, float) and math.isnan(code)) or str(code) == "":
            continue
        w = 1 if weight == "clusters" else (0 if row["sme_members"] is None
                                            or row["sme_members"] is np.nan
                                            else int(row["sme_members"]))  # fmt: skip
        size[str(code)] += w
        clusters[str(code)] += 1
        for ecosystem in set(row["ecosystems"]):
            per_pair[(str(code), ecosystem)] += w
    total = sum(size.values())
    per_ecosystem = Counter()
    for (_area, ecosystem), count in per_pair.items():
        per_ecosystem[ecosystem] += count
    ranked = [a for a in clusters if clusters[a] >= min_clusters]
    top = math.ceil(0.1 * len(ranked))
    by_ecosystem = defaultdict(dict)
    for (area, ecosystem), count in per_pair.items():
        by_ecosystem[ecosystem][area] = count
    result = {}
    for (area, ecosystem), count in per_pair.items():
        if count <= 0:
            continue
        lq = (count / size[area]) / (per_ecosystem[ecosystem] / total)
        stars = 0
        if clusters[area] >= min_clusters:
            counts = [by_ecosystem[ecosystem].get(a, 0) for a in ranked]
            shares = [by_ecosystem[ecosystem].get(a, 0) / size[a] for a in ranked]
            stars += sum(c > count for c in counts) < top
            stars += sum(s > count / size[area] for s in shares) < top
            stars += lq >= 2
        result[(area, ecosystem)] = (count, lq, stars)
    return result


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    spec=filter_specs(demo()),
    by=st.sampled_from(["country", "region"]),
    weight=st.sampled_from(["clusters", "smes"]),
    min_clusters=st.sampled_from([1, 3, 5]),
)
def test_specialisation_equals_a_row_by_row_computation(spec, by, weight, min_clusters):
    dataset = demo()
    keep = apply_filter(dataset, spec)
    result = specialise(dataset, keep, by=by, weight=weight, min_clusters=min_clusters)
    expected = naive(dataset.records, keep, by=by, weight=weight, min_clusters=min_clusters)
    got = {(r["area"], r["ecosystem"]): r for r in result.records()}
    assert set(got) == set(expected)
    for key, (count, lq, stars) in expected.items():
        row = got[key]
        assert row["count"] == pytest.approx(count)
        assert row["lq"] == pytest.approx(lq, abs=1e-4)
        assert row["stars"] == stars, key


def test_a_small_worked_example():
    dataset = demo()
    germany = dataset.records["country_code"].astype(str).to_numpy() == "DE"
    result = specialise(dataset, germany | (np.arange(len(dataset)) < 50), by="country")
    rows = result.rows
    assert (rows["count"] > 0).all() and rows["stars"].between(0, 3).all()
    assert set(rows.columns) == {"area", "area_name", "ecosystem", "count", "lq", "stars"}
    assert rows.loc[rows["area"] == "DE", "area_name"].iloc[0] == "Germany"


def test_no_clusters_gives_no_rows():
    dataset = demo()
    result = specialise(dataset, np.zeros(len(dataset), dtype=bool))
    assert result.rows.empty and result.areas == 0
