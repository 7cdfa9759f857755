"""Partner ranking: sorted, bounded, explained, and only among the filtered clusters."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.dataset import prepare
from analysis.filters import apply_filter
from analysis.partners import COMPONENTS, WEIGHTS, rank_partners
from analysis.state import open_page
from analysis.store import DatasetStore
from callbacks.partners import render_partners
from tests.filter_oracle import EXAMPLES, demo, naive_filter, valid_specs


def test_weights_sum_to_one_and_are_declared_once():
    assert math.isclose(sum(WEIGHTS.values()), 1.0)
    assert len(WEIGHTS) == len(COMPONENTS)


@EXAMPLES
@given(spec=valid_specs(demo()), which=st.integers(0, len(demo()) - 1),
       limit=st.integers(1, 40))  # fmt: skip
def test_partners_are_sorted_bounded_explained_and_filtered(spec, which, limit):
    dataset = demo()
    mask = apply_filter(dataset, spec)
    partners = rank_partners(dataset, which, mask, limit=limit)
    allowed = set(naive_filter(dataset.records, spec)) - {dataset.records["cluster_id"].iat[which]}
    ids = [dataset.records["cluster_id"].iat[p.position] for p in partners]
    assert len(partners) == min(limit, len(allowed))
    assert set(ids) <= allowed
    scores = [p.score for p in partners]
    assert scores == sorted(scores, reverse=True)
    for partner in partners:
        assert 0.0 <= partner.score <= 1.0
        assert math.isclose(sum(partner.components.values()), partner.score, abs_tol=1e-5)
        assert set(partner.components) == set(WEIGHTS)
        assert all(0 <= partner.components[k] <= WEIGHTS[k] + 1e-9 for k in WEIGHTS)
        assert partner.why and "<" not in partner.why


def test_a_cluster_offering_exactly_what_another_needs_scores_full_marks_for_it():
    records = demo().records.copy()
    # The demo words offers and needs differently: give one cluster a need word for word.
    seeker, offerer = 0, 7
    need = records["needs"].iat[seeker][0]
    records.at[records.index[offerer], "offers"] = (need, *records["offers"].iat[offerer][1:])
    dataset = prepare(records)
    partners = rank_partners(dataset, seeker, np.ones(len(dataset), bool), limit=len(dataset))
    top = [p for p in partners if p.position == offerer]
    assert top and top[0].components["needs_answered"] == pytest.approx(WEIGHTS["needs_answered"])
    assert f"which answers your need {need}" in top[0].why


def test_a_need_in_other_words_finds_the_answering_offer():
    dataset = demo()
    records = dataset.records
    need = "Business: certification support for medical software"
    offer = "Business: help with CE marking and certification of medical device software"
    seeker = next(i for i, needs in enumerate(records["needs"]) if need in needs)
    partners = rank_partners(dataset, seeker, np.ones(len(dataset), bool), limit=5)
    answering = [p for p in partners if offer in records["offers"].iat[p.position]]
    assert answering and f"Offers {offer}, which answers your need {need}" in answering[0].why


def test_no_candidate_gives_no_partner():
    dataset = demo()
    assert rank_partners(dataset, 0, np.zeros(len(dataset), bool)) == []
    only_self = np.zeros(len(dataset), bool)
    only_self[0] = True
    assert rank_partners(dataset, 0, only_self) == []


def test_before_a_cluster_is_chosen_the_partner_map_says_so_without_axes():
    # Not an empty chart with axes from -1 to 6 (what plotly draws for an empty figure).
    page = open_page(DatasetStore(demo(), name="Demo data"), "?tab=partners")
    _, items, figure = render_partners(page, map_options={"countries_url": ""})
    layout = figure["layout"]
    assert items == [] and not layout["xaxis"]["visible"] and not layout["yaxis"]["visible"]
    assert "mapped here" in layout["annotations"][0]["text"]
