"""The canonical schema: dtypes, list fields and their text form."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.schema import (
    CANONICAL_COLUMNS,
    conform,
    empty_records,
    join_list,
    parse_offer,
    records_from_arrow,
    records_to_arrow,
    rows_at,
    split_list,
    to_text_frame,
)  # fmt: skip
from ingest.pipeline import load_records
from settings import DEMO_DATA_PATH

# The demo records as the app maps them from the prepared cache: Arrow text columns in
# several chunks (here of 97 records; a million records are kept in batches of 65,536).
DEMO = load_records(DEMO_DATA_PATH)
CHUNKED = records_from_arrow(pa.Table.from_batches(records_to_arrow(DEMO).to_batches(97)))


@pytest.mark.parametrize(
    ("cell", "items"),
    [("Digital; Health", ("Digital", "Health")), ("Digital|Health", ("Digital", "Health")),
     (" a ;; b ; ", ("a", "b")), ("", ()), (None, ()), (float("nan"), ()), (pd.NA, ()),
     (["x", " y "], ("x", "y"))],
)  # fmt: skip
def test_split_list(cell, items):
    assert split_list(cell) == items


@pytest.mark.parametrize(
    ("item", "parsed"),
    [("R&D: clinical validation", ("R&D", "clinical validation")),
     ("technology : sensor fusion", ("Technology", "sensor fusion")),
     ("Business:export to Canada", ("Business", "export to Canada")),
     ("Tech: x", None), ("no type here", None), ("Business:", None)],
)  # fmt: skip
def test_parse_offer(item, parsed):
    assert parse_offer(item) == parsed


def test_conform_gives_canonical_columns_and_dtypes_and_keeps_extras():
    frame = conform(pd.DataFrame({
        "name": ["A"], "lat": ["48.1"], "founded": ["1999"], "label": ["Gold"],
        "ecosystems": ["Digital; Health"], "updated": ["2025-03-01"], "My note": ["keep"],
    }))  # fmt: skip
    assert tuple(frame.columns) == (*CANONICAL_COLUMNS, "My note")
    row = frame.iloc[0]
    assert (
        row["lat"] == 48.1 and row["founded"] == 1999 and row["ecosystems"] == ("Digital", "Health")
    )
    assert frame["label"].dtype == "category" and list(frame["label"].cat.categories)[0] == "Gold"
    assert str(frame["founded"].dtype) == "Int64" and row["My note"] == "keep"
    assert len(empty_records()) == 0 and tuple(empty_records().columns) == CANONICAL_COLUMNS


def test_text_frame_round_trips_lists_and_dates():
    frame = conform(pd.DataFrame({"name": ["A"], "offers": ["R&D: x; Business: y"],
                                  "updated": ["2025-03-01"]}))  # fmt: skip
    text = to_text_frame(frame).iloc[0]
    assert text["offers"] == "R&D: x; Business: y" == join_list(frame.iloc[0]["offers"])
    assert text["updated"] == "2025-03-01"


def test_the_records_of_the_cache_have_text_columns_in_chunks():
    # What rows_at is for: without several chunks the test below would not test it.
    assert pa.array(CHUNKED["name"].array).num_chunks == 14


@settings(max_examples=100, derandomize=True, deadline=None)
@given(
    st.sampled_from([CHUNKED, DEMO]),
    st.lists(st.integers(0, len(DEMO) - 1), max_size=300),
    st.sampled_from([None, ["cluster_id", "name", "country", "ecosystems", "sme_members"]]),
)
def test_rows_at_gives_the_rows_iloc_gives(records, positions, columns):
    # Text in chunks or in one array; any order, repeats, none; every dtype (text, categories,
    # lists, numbers, dates).
    expected = records.iloc[positions]
    if columns is not None:
        expected = expected[columns]
    got = rows_at(records, np.array(positions, dtype=np.int64), columns)
    pd.testing.assert_frame_equal(got, expected)
