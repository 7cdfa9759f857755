"""Statistics charts: valid plotly figures whose click data carry the filter values."""

import numpy as np
import plotly.graph_objects as go
import pytest

from analysis.charts import (
    EMPTY_MESSAGE,
    LABEL_WIDTH,
    TEMPLATE,
    TOP_COUNTRIES,
    country_chart_title,
    heatmap_title,
    make_country_bars,
    make_ecosystem_bars,
    make_heatmap,
    make_sme_histogram,
)  # fmt: skip
from analysis.statistics import HEATMAP_COUNTRIES, compute_stats
from tests.filter_oracle import demo

BUILDERS = [make_country_bars, make_ecosystem_bars, make_heatmap, make_sme_histogram]


def stats_of(mask) -> dict:
    """Return the statistics of the demo records `mask` keeps."""
    return compute_stats(demo(), np.asarray(mask, dtype=bool))


@pytest.fixture(scope="module")
def stats() -> dict:
    """Return the statistics of all demo records."""
    return stats_of(np.ones(len(demo().records)))


@pytest.fixture(scope="module")
def no_stats() -> dict:
    """Return the statistics of an empty result."""
    return stats_of(np.zeros(len(demo().records)))


@pytest.fixture(scope="module")
def two_country_stats() -> dict:
    """Return the statistics of the demo clusters in Germany and France."""
    return stats_of(demo().records["country_code"].isin(["DE", "FR"]))


@pytest.mark.parametrize("make", BUILDERS)
def test_charts_are_valid_plotly_figures(stats, no_stats, make):
    go.Figure(make(stats))  # raises on any invalid property
    go.Figure(make(no_stats))


@pytest.mark.parametrize("make", BUILDERS)
def test_an_empty_result_shows_a_message_instead_of_bare_axes(no_stats, make):
    figure = make(no_stats)
    layout = figure["layout"]
    assert figure["data"] == []
    assert layout["xaxis"]["visible"] is False and layout["yaxis"]["visible"] is False
    [note] = layout["annotations"]
    assert note["text"] == EMPTY_MESSAGE == "No clusters match the filters"
    assert (note["xref"], note["yref"], note["x"], note["y"]) == ("paper", "paper", 0.5, 0.5)


@pytest.mark.parametrize("make", BUILDERS)
def test_a_non_empty_result_keeps_its_axes(two_country_stats, make):
    figure = make(two_country_stats)
    assert figure["data"] and "annotations" not in figure["layout"]
    assert figure["layout"].get("xaxis", {}).get("visible", True)


def test_top_countries_is_the_heatmaps_number():
    assert TOP_COUNTRIES == HEATMAP_COUNTRIES == 15


@pytest.mark.parametrize(
    ("fixture", "country", "heatmap"),
    [
        ("stats", "Clusters by country (top 15 of 58)",
         "Ecosystems × countries (top 15 of 58 countries)"),
        ("two_country_stats", "Clusters by country", "Ecosystems × countries"),
        ("no_stats", "Clusters by country", "Ecosystems × countries"),
    ],
)  # fmt: skip
def test_titles_say_when_only_the_top_countries_are_shown(request, fixture, country, heatmap):
    stats = request.getfixturevalue(fixture)
    assert country_chart_title(stats) == country
    assert heatmap_title(stats) == heatmap


def test_titles_count_the_countries_of_the_result(stats):
    assert len(stats["by_country"]) == 58 == demo().records["country_code"].nunique()
    sixteen = stats_of(demo().records["country_code"].isin(
        [row["code"] for row in stats["by_country"][:16]]))  # fmt: skip
    assert country_chart_title(sixteen) == "Clusters by country (top 15 of 16)"
    assert heatmap_title(sixteen) == "Ecosystems × countries (top 15 of 16 countries)"
    exactly = stats_of(demo().records["country_code"].isin(
        [row["code"] for row in stats["by_country"][:15]]))  # fmt: skip
    assert country_chart_title(exactly) == "Clusters by country"
    assert heatmap_title(exactly) == "Ecosystems × countries"


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


@pytest.mark.parametrize("make", [make_ecosystem_bars, make_heatmap])
def test_long_ecosystem_names_wrap_on_the_axis_only(stats, make):
    figure = make(stats)
    names, axis = figure["data"][0]["y"], figure["layout"]["yaxis"]
    assert axis["tickvals"] == names and "<br>" not in "".join(names)  # hover keeps whole names
    for name, text in zip(names, axis["ticktext"], strict=True):
        assert text.replace("<br>", " ") == name
        assert ("<br>" in text) == (len(name) > LABEL_WIDTH)
    wrapped = dict(zip(names, axis["ticktext"], strict=True))
    assert wrapped["Proximity, social economy & civil society"].count("<br>") == 1


def test_axes_make_room_for_their_labels_and_heatmap_labels_may_rotate(stats):
    # Phones rotate tick labels: automargin keeps them and the axis titles apart and inside.
    for axis in ("xaxis", "yaxis"):
        assert TEMPLATE["layout"][axis]["automargin"] is True
        assert TEMPLATE["layout"][axis]["title"]["standoff"] > 0
    assert "tickangle" not in make_heatmap(stats)["layout"]["xaxis"]
    for make in BUILDERS:
        assert make(stats)["layout"]["template"] is TEMPLATE
