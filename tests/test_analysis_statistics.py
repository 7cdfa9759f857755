"""compute_stats on small hand-checked frames, and cross-checked with pandas on the demo data."""

import json

import numpy as np
import pandas as pd
import pytest

from analysis.dataset import prepare
from analysis.filters import FilterSpec, apply_filter
from analysis.statistics import compute_stats
from data.schema import conform
from ingest.pipeline import load_records
from settings import DEMO_DATA_PATH

ROWS = [
    {"cluster_id": "A", "country_code": "DE", "country": "Germany", "scope": "EU",
     "ecosystems": "Agri-food; Digital", "sme_members": 5, "label": "Gold"},
    {"cluster_id": "B", "country_code": "DE", "country": "Germany", "scope": "EU",
     "ecosystems": "Digital", "sme_members": 10, "label": "none"},
    {"cluster_id": "C", "country_code": "FR", "country": "France", "scope": "EU",
     "ecosystems": "Health", "sme_members": 120, "label": "Silver"},
    {"cluster_id": "D", "country_code": "US", "country": "United States", "scope": "Third country",
     "ecosystems": "Digital; Health", "sme_members": 1000, "label": "Bronze"},
    {"cluster_id": "E", "country_code": "CA", "country": "Canada", "scope": "Third country",
     "ecosystems": None, "sme_members": None, "label": "none"},
]  # fmt: skip


@pytest.fixture(scope="module")
def small():
    return prepare(conform(pd.DataFrame(ROWS)))


def test_kpis_of_all_records(small):
    stats = compute_stats(small, np.ones(5, dtype=bool))
    assert stats["kpis"] == {
        "clusters": 5, "total_clusters": 5, "countries": 4, "sme_members": 1135,
        "third_country_share": 0.4, "labelled_share": 0.6,
    }  # fmt: skip


def test_breakdowns_sort_by_count_then_name(small):
    stats = compute_stats(small, np.ones(5, dtype=bool))
    assert [(c["code"], c["name"], c["count"]) for c in stats["by_country"]] == [
        ("DE", "Germany", 2), ("CA", "Canada", 1), ("FR", "France", 1), ("US", "United States", 1)
    ]  # fmt: skip
    assert stats["by_ecosystem"] == [
        {"slug": "digital", "name": "Digital", "count": 3},
        {"slug": "health", "name": "Health", "count": 2},
        {"slug": "agri-food", "name": "Agri-food", "count": 1},
    ]


def test_heatmap_counts_ecosystem_rows_by_country_columns(small):
    heatmap = compute_stats(small, np.ones(5, dtype=bool))["heatmap"]
    assert heatmap["ecosystems"] == ["Digital", "Health", "Agri-food"]
    assert heatmap["ecosystem_slugs"] == ["digital", "health", "agri-food"]
    assert heatmap["countries"] == ["DE", "CA", "FR", "US"]
    assert heatmap["counts"] == [[2, 0, 0, 1], [0, 0, 1, 1], [1, 0, 0, 0]]


def test_sme_distribution_bins_and_unknown(small):
    sme = compute_stats(small, np.ones(5, dtype=bool))["sme_distribution"]
    assert sme["bins"] == [0, 10, 25, 50, 100, 250, 500, 1000]
    assert sme["labels"][0] == "0–9" and sme["labels"][-1] == "1000+"
    assert sme["counts"] == [1, 1, 0, 0, 1, 0, 0, 1] and sme["unknown"] == 1


def test_stats_follow_the_mask(small):
    stats = compute_stats(small, np.array([False, True, False, True, False]))
    assert stats["kpis"]["clusters"] == 2 and stats["kpis"]["total_clusters"] == 5
    assert stats["kpis"]["sme_members"] == 1010
    assert stats["kpis"]["third_country_share"] == 0.5
    assert stats["kpis"]["labelled_share"] == 0.5
    assert [c["code"] for c in stats["by_country"]] == ["DE", "US"]
    assert stats["heatmap"]["counts"] == [[1, 1], [0, 1]]


def test_empty_selection_gives_zero_shares_and_empty_lists(small):
    stats = compute_stats(small, np.zeros(5, dtype=bool))
    assert stats["kpis"]["clusters"] == 0 and stats["kpis"]["third_country_share"] == 0.0
    assert stats["by_country"] == [] and stats["by_ecosystem"] == []
    assert stats["heatmap"]["counts"] == [] and sum(stats["sme_distribution"]["counts"]) == 0


def test_stats_are_plain_json(small):
    stats = compute_stats(small, np.ones(5, dtype=bool))
    assert json.loads(json.dumps(stats, allow_nan=False)) == stats
    assert _plain(stats)


def _plain(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return type(value) in (int, float, str, bool) or value is None


def test_demo_stats_match_pandas_counts():
    dataset = prepare(load_records(DEMO_DATA_PATH))
    spec = FilterSpec(scope=("eu", "non-eu-europe"), sme_min=50)
    mask = apply_filter(dataset, spec)
    stats = compute_stats(dataset, mask)
    records = dataset.records[mask]
    by_country = records["country_code"].astype(str).value_counts()
    assert {c["code"]: c["count"] for c in stats["by_country"]} == by_country.to_dict()
    ecosystems = records["ecosystems"].explode().dropna().value_counts()
    assert {e["name"]: e["count"] for e in stats["by_ecosystem"]} == ecosystems.to_dict()
    assert stats["kpis"]["sme_members"] == int(records["sme_members"].sum())
    assert len(stats["heatmap"]["countries"]) == 15
    assert sum(stats["sme_distribution"]["counts"]) == len(records)
    assert len(records) == stats["kpis"]["clusters"]
