"""The canonical schema: dtypes, list fields and their text form."""

import pandas as pd
import pytest

from data.schema import (
    CANONICAL_COLUMNS,
    conform,
    empty_records,
    join_list,
    parse_offer,
    split_list,
    to_text_frame,
)  # fmt: skip


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
