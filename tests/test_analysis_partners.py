"""Partner ranking: sorted, bounded, explained, and only among the filtered clusters."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.filters import apply_filter
from analysis.partners import COMPONENTS, WEIGHTS, rank_partners
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
    dataset = demo()
    records = dataset.records
    # A need that another cluster offers word for word: that cluster must rank near the top.
    offers = {o: i for i, items in enumerate(records["offers"]) for o in items}
    seeker = next(i for i, needs in enumerate(records["needs"]) if any(n in offers for n in needs))
    need = next(n for n in records["needs"].iat[seeker] if n in offers)
    partners = rank_partners(dataset, seeker, np.ones(len(dataset), bool), limit=10)
    top = [p for p in partners if need in records["offers"].iat[p.position]]
    assert top and top[0].components["needs_answered"] == pytest.approx(WEIGHTS["needs_answered"])
    assert f"which answers your need {need}" in top[0].why


def test_no_candidate_gives_no_partner():
    dataset = demo()
    assert rank_partners(dataset, 0, np.zeros(len(dataset), bool)) == []
    only_self = np.zeros(len(dataset), bool)
    only_self[0] = True
    assert rank_partners(dataset, 0, only_self) == []
