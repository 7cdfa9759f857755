"""Founding years and label expiry against a row-by-row oracle, on random filters."""

from collections import Counter
from datetime import date

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.dataset import prepare
from analysis.filters import apply_filter
from analysis.timeline import founding_years, label_expiry
from tests.filter_oracle import demo, filter_specs

TODAY = date(2026, 11, 27)


def naive_years(records, keep, split):
    """Return ({(year, group): count}, {year: clusters founded by then}, unknown) row by row."""
    pairs, founded, unknown = Counter(), Counter(), 0
    for row in records.loc[keep].to_dict("records"):
        if pd.isna(row["founded"]):
            unknown += 1
            continue
        year = int(row["founded"])
        founded[year] += 1
        groups = set(row["ecosystems"]) if split == "ecosystem" else {str(row["scope"])}
        for group in groups:
            pairs[(year, group)] += 1
    running, total = {}, 0
    for year in sorted(founded):
        total += founded[year]
        running[year] = total
    return dict(pairs), running, unknown


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=filter_specs(demo()), split=st.sampled_from(["scope", "ecosystem"]))
def test_founding_years_equal_a_row_by_row_count(spec, split):
    dataset = demo()
    keep = apply_filter(dataset, spec)
    result = founding_years(dataset, keep, split=split)
    pairs, running, unknown = naive_years(dataset.records, keep, split)
    got = {(r["year"], r["group"]): r["count"] for r in result.records()}
    assert got == pairs
    assert {r["year"]: r["cumulative"] for r in result.records()} == running
    assert result.unknown == unknown
    assert set(result.groups) == {group for _, group in pairs}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=filter_specs(demo()), months=st.integers(1, 24))
def test_label_expiry_equals_a_row_by_row_count(spec, months):
    dataset = demo()
    keep = apply_filter(dataset, spec)
    result = label_expiry(dataset.records, keep, today=TODAY, months=months)
    end = pd.Timestamp(TODAY) + pd.DateOffset(months=months)
    counts, per_month = Counter(), Counter()
    for row in dataset.records.loc[keep].to_dict("records"):
        if row["label"] == "none":
            continue
        counts["labelled"] += 1
        valid = row["label_valid_until"]
        if pd.isna(valid):
            counts["undated"] += 1
        elif valid < pd.Timestamp(TODAY):
            counts["expired"] += 1
        elif valid < end:
            counts["expiring"] += 1
            per_month[(f"{valid:%Y-%m}", row["label"])] += 1
        else:
            counts["later"] += 1
    summary = result.summary()
    for key in ("labelled", "expired", "expiring", "later", "undated"):
        assert summary[key] == counts[key], key
    got = {(m["month"], m["label"]): m["count"] for m in summary["months"] if m["count"]}
    assert got == dict(per_month)
    assert summary["labelled"] == sum(summary[k] for k in ("expired", "expiring", "later",
                                                            "undated"))  # fmt: skip


def test_expiry_months_cover_the_window_including_partial_months():
    records = demo().records.iloc[:0]
    result = label_expiry(records, np.zeros(0, dtype=bool), today=TODAY, months=12)
    months = sorted(set(result.months["month"]))
    # 27 Nov 2026 to 26 Nov 2027: November 2026 through November 2027.
    assert months[0] == "2026-11" and months[-1] == "2027-11" and len(months) == 13
    assert result.labelled == 0 and result.until == date(2027, 11, 27)


def test_no_founding_year_is_counted_not_dropped():
    dataset = demo()
    records = dataset.records.copy()
    records.loc[:9, "founded"] = pd.NA
    result = founding_years(prepare(records), np.ones(len(records), dtype=bool))
    assert result.unknown == 10
    assert result.rows.drop_duplicates("year")["cumulative"].max() == len(records) - 10
