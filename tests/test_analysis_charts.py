"""Statistics charts: valid plotly figures whose click data carry the filter values."""

import numpy as np
import plotly.graph_objects as go
import pytest

from analysis.charts import (
    make_country_bars,
    make_ecosystem_bars,
    make_heatmap,
    make_sme_histogram,
)  # fmt: skip
from analysis.statistics import compute_stats
from tests.filter_oracle import demo


@pytest.fixture(scope="module")
def stats() -> dict:
    """Return the statistics of all demo records."""
    return compute_stats(demo(), np.ones(len(demo().records), dtype=bool))


@pytest.mark.parametrize("make", [make_country_bars, make_ecosystem_bars, make_heatmap,
                                  make_sme_histogram])  # fmt: skip
def test_charts_are_valid_plotly_figures(stats, make):
    go.Figure(make(stats))  # raises on any invalid property


def test_country_bars_carry_iso2_codes_largest_on_top(stats):
    trace = make_country_bars(stats)["data"][0]
    counts = demo().records["country_code"].value_counts()
    assert trace["customdata"][-1] == counts.index[0] and trace["x"][-1] == counts.iloc[0]
    assert len(trace["x"]) == 15 and trace["x"] == sorted(trace["x"])


def test_ecosystem_bars_and_heatmap_carry_slugs(stats):
    bars = make_ecosystem_bars(stats)["data"][0]
    assert "mobility-transport-automotive" in bars["customdata"]
    heat = make_heatmap(stats)["data"][0]
    assert len(heat["customdata"]) == len(heat["y"]) == 14
    assert {row[0] for row in heat["customdata"]} == set(bars["customdata"])


def test_sme_histogram_counts_every_cluster_with_a_known_size(stats):
    trace = make_sme_histogram(stats)["data"][0]
    known = demo().records["sme_members"].notna().sum()
    assert sum(trace["y"]) == known and trace["x"][-1] == "1000+"
