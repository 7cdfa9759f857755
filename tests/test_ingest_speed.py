"""Faster ingest steps give the answers of the slower code they replaced (kept here as oracles).

Each test draws inputs with the edge cases of its step (ties, NaN, -0.0, missing values, more
distinct values than an int64 key holds) and compares the new function with the old one.
"""

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis._facets import unique_pairs
from analysis._search import _texts_by_word
from data import readers
from data.schema import conform
from data.text import normalise_keys
from data.validation import _DECIMAL, name_keys, parse_decimal
from mapping.gazetteer import assign_regions
from mapping.namesakes import distinct_points, nearest_of
from mapping.placement import fill_regions

EXAMPLES = settings(max_examples=200, derandomize=True, deadline=None)
DISTANCES = st.sampled_from([0.0, -0.0, 1.0, 2.5, np.inf, np.nan])


def old_nearest_of(point: np.ndarray, distance: np.ndarray) -> np.ndarray:
    order = np.lexsort((np.arange(len(point)), distance, point))
    first = np.r_[True, point[order][1:] != point[order][:-1]] if len(order) else order.astype(bool)
    return order[first]


def old_name_keys(names: pd.Series) -> pd.Series:
    ascii_only = names.str.fullmatch(r"[\x00-\x7f]*").fillna(False).astype(bool)
    keys = names.str.lower().str.replace(r"[^a-z0-9]+", " ", regex=True).str.strip()
    return keys.mask(~ascii_only, normalise_keys(names[~ascii_only]))


def old_distinct_points(rows: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    point_of = rows.groupby(list(rows.columns), sort=False, dropna=False).ngroup().to_numpy()
    points = rows.drop_duplicates().reset_index(drop=True)
    return points.assign(point=np.arange(len(points))), point_of


@EXAMPLES
@given(
    pairs=st.lists(st.tuples(st.integers(0, 5), DISTANCES), max_size=40),
    presorted=st.booleans(),
)
def test_nearest_of_matches_the_sort_by_point_and_distance(pairs, presorted):
    if presorted:
        pairs = sorted(pairs, key=lambda pair: pair[0])
    point = np.array([p for p, _ in pairs], dtype=np.int64)
    distance = np.array([d for _, d in pairs], dtype=float)
    expected, found = old_nearest_of(point, distance), nearest_of(point, distance)
    assert found.dtype == expected.dtype
    np.testing.assert_array_equal(found, expected)


def test_nearest_of_prefers_a_distance_to_nan_and_the_first_of_a_tie():
    point = np.array([3, 3, 3, 1, 1, 7])
    distance = np.array([np.nan, 2.0, 2.0, np.nan, np.nan, 0.0])
    np.testing.assert_array_equal(nearest_of(point, distance), [3, 1, 5])


ROWS = st.lists(
    st.tuples(
        st.sampled_from(["Berlin", "", " Rome", "berlin"]),
        st.sampled_from(["DE", "FR", None, np.nan]),
        st.sampled_from([48.1, 0.0, -0.0, np.nan]),
        st.sampled_from([11.5, np.nan, 2.0]),
    ),
    max_size=30,
)


@EXAMPLES
@given(rows=ROWS, shuffle=st.randoms(use_true_random=False))
def test_distinct_points_match_drop_duplicates(rows, shuffle):
    index = list(range(len(rows)))
    shuffle.shuffle(index)  # rows keep their source numbers, in any order
    frame = pd.DataFrame(rows, columns=["city", "code", "lat", "lon"], index=index)
    frame = frame.astype({"city": "str", "code": object, "lat": float, "lon": float})
    _assert_same_points(frame)


def test_distinct_points_renumber_keys_that_would_overflow():
    # Five columns of 65,535 values (+1 for missing: 2**16 codes each): combined without
    # renumbering, the first column's code would be shifted out of an int64 and the last row
    # taken for row 6, which differs only there.
    values = np.repeat(np.arange(2**16 - 1, dtype=float)[:, None], 5, axis=1)
    values = np.vstack([values, [5.0, 6.0, 6.0, 6.0, 6.0]])
    frame = pd.DataFrame(values, columns=["a", "b", "c", "d", "e"])
    _assert_same_points(frame)
    assert distinct_points(frame)[1][-1] == len(frame) - 1


def _assert_same_points(frame: pd.DataFrame) -> None:
    (expected, expected_of), (found, found_of) = old_distinct_points(frame), distinct_points(frame)
    pd.testing.assert_frame_equal(found, expected)
    assert found_of.dtype == expected_of.dtype
    np.testing.assert_array_equal(found_of, expected_of)


# ASCII letters, digits, punctuation, whitespace and controls, and a few non-ASCII letters and
# spaces (those names go through data.text.normalise_keys).
NAME_ALPHABET = "aZ09 _-.&;'\t\n\x00\x1c\x7fé東\u00a0"


@EXAMPLES
@given(
    names=st.lists(st.one_of(st.none(), st.text(alphabet=NAME_ALPHABET, max_size=12)), max_size=30),
    start=st.integers(0, 3),
)
def test_name_keys_match_the_regex_keys(names, start):
    # A slice too: its Arrow array starts at an offset into the column's buffers.
    values = pd.Series(names, dtype="string", name="name").iloc[start:]
    pd.testing.assert_series_equal(name_keys(values), old_name_keys(values))


def old_fill_regions(records: pd.DataFrame, *, gazetteer) -> pd.DataFrame:
    missing = records["region_code"].isna() | (records["region_code"].astype(str) == "")
    if not missing.any():
        return records
    found = assign_regions(
        records.loc[missing, "lat"], records.loc[missing, "lon"],
        records.loc[missing, "country_code"].astype(object), gazetteer=gazetteer,
    )  # fmt: skip
    records = records.copy()
    for column in ("region_code", "region_name"):
        values, found_text = records[column], found[column].replace("", pd.NA).astype("string")
        current = values.astype("category")
        known = pd.Index(current.cat.categories, dtype="string")
        categories = known.append(pd.Index(found_text.dropna().unique(), dtype="string")).unique()
        codes = np.append(categories.get_indexer(known), -1)[current.cat.codes.to_numpy()]
        codes[missing.to_numpy()] = categories.get_indexer(found_text)
        filled = pd.Series(
            pd.Categorical.from_codes(codes, categories=categories), index=values.index
        )
        filled = filled.cat.remove_unused_categories()
        records[column] = filled.cat.set_categories(
            pd.Index(filled.cat.categories, dtype="string").sort_values()
        )
    return records


# Points near places of several countries, one far out at sea, one missing; countries as codes,
# names, unknown or missing; regions given, empty or missing.
PLACED = st.tuples(
    st.sampled_from(
        [(48.137, 11.575), (45.464, 9.19), (50.85, 4.35), (39.0, -20.0), (np.nan, 1.0)]
    ),
    st.sampled_from(["DE", "IT", "BE", "Germany", "XX", None]),
    st.sampled_from([None, "", "DE-02", "keep"]),
)


@settings(max_examples=60, derandomize=True, deadline=None)
@given(rows=st.lists(PLACED, min_size=1, max_size=12))
def test_fill_regions_matches_the_text_version(gazetteer, rows):
    frame = conform(pd.DataFrame({
        "name": [f"N{i}" for i in range(len(rows))],
        "lat": [point[0] for point, _, _ in rows], "lon": [point[1] for point, _, _ in rows],
        "country_code": [code for _, code, _ in rows],
        "region_code": [region for _, _, region in rows],
        "region_name": [region and region.upper() for _, _, region in rows],
    }, index=np.arange(len(rows)) * 3 + 2))  # fmt: skip
    expected = old_fill_regions(frame, gazetteer=gazetteer)
    pd.testing.assert_frame_equal(fill_regions(frame, gazetteer=gazetteer), expected)


@EXAMPLES
@given(
    text=st.text(alphabet="ab\t\n\r\x00\x1f\x7f\x85\xa0\u0142\u6771", max_size=30),
    block=st.integers(1, 5),
)
def test_the_block_scan_finds_control_characters_across_block_edges(text, block):
    # Blocks of a few bytes: a 0xC2 lead byte and its C1 code often fall in different blocks.
    raw = np.frombuffer(text.encode(), dtype=np.uint8)
    found = re.search(readers.CONTROL_CHARACTERS, text) is not None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readers, "SCAN_BYTES", block)
        assert readers._has_control_bytes(raw) == found


@EXAMPLES
@given(st.lists(st.one_of(st.none(), st.sampled_from(["", " ", " a ", "\u00a0", "é\t", "x"]),
                          st.text(max_size=4)), max_size=30))  # fmt: skip
def test_blank_cells_become_missing_as_the_mask_made_them(cells):
    text = pd.Series(cells, dtype="string", index=pd.RangeIndex(1, len(cells) + 1)).str.strip()
    pd.testing.assert_series_equal(readers._blank_as_missing(text), text.mask(text == ""))


EDGE_TEXT = st.text(alphabet="ab .,\t\n\x1f\x7f\x85\xa0\u2003\u3000\u0142\u6771", max_size=6)


@EXAMPLES
@given(cells=st.lists(st.one_of(st.none(), EDGE_TEXT), max_size=30), cut=st.integers(0, 3))
def test_stripping_only_the_cells_with_edge_bytes_matches_strip(cells, cut):
    # A slice of a longer column (an Arrow offset) and a column of several chunks too.
    whole = pd.Series(["x"] * cut + cells, dtype="string")
    text = whole.iloc[cut:].set_axis(pd.RangeIndex(1, len(cells) + 1))
    pd.testing.assert_series_equal(readers._stripped(text), text.str.strip())
    chunked = pd.concat([text.iloc[: len(cells) // 2], text.iloc[len(cells) // 2 :]])
    pd.testing.assert_series_equal(readers._stripped(chunked), chunked.str.strip())
    python = text.astype("string[python]")  # Python-held text: stripped as Arrow text
    expected = python.str.strip().astype("string")
    pd.testing.assert_series_equal(readers._stripped(python).astype("string"), expected)


def old_parse_decimal(values: pd.Series) -> pd.Series:
    ok = values.str.fullmatch(_DECIMAL).fillna(False).astype(bool)
    numbers = values.where(ok).str.replace(",", ".", regex=False)
    return pd.to_numeric(numbers, errors="coerce").astype("float64")


DECIMAL_TEXT = st.one_of(
    st.none(),
    st.from_regex(_DECIMAL, fullmatch=True),
    st.text(alphabet="0123456789+-.,eE ainf", max_size=8),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@EXAMPLES
@given(st.lists(DECIMAL_TEXT, max_size=30))
def test_decimals_parsed_by_arrow_match_to_numeric(cells):
    text = pd.Series(cells, dtype="string", index=pd.RangeIndex(1, len(cells) + 1))
    found, expected = parse_decimal(text), old_parse_decimal(text)
    assert found.dtype == expected.dtype and found.index.equals(expected.index)
    np.testing.assert_array_equal(found.to_numpy(), expected.to_numpy())


DATE_TEXT = st.one_of(
    st.none(),
    st.dates().map(str),
    st.datetimes().map(lambda moment: moment.isoformat(sep=" ")),
    st.sampled_from(["2020-02-30", "31/12/2020", "", "2020-01-05T10:00:00+02:00", "x"]),
)


@EXAMPLES
@given(st.lists(DATE_TEXT, max_size=30))
def test_dates_parsed_once_per_distinct_text_match_the_whole_column(cells):
    text = pd.Series(cells, dtype="string", index=pd.RangeIndex(1, len(cells) + 1), name="updated")
    try:
        expected = pd.to_datetime(text, errors="coerce", format="ISO8601").astype("datetime64[s]")
    except (TypeError, ValueError) as error:  # mixed offsets: both refuse them alike
        with pytest.raises(type(error)):
            conform(text.to_frame())
        return
    pd.testing.assert_series_equal(conform(text.to_frame())["updated"], expected)


@EXAMPLES
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 4)), max_size=40))
def test_texts_ordered_by_word_match_the_stable_argsort(pairs):
    text_of, codes = unique_pairs(
        np.array([t for t, _ in pairs], np.int64), np.array([c for _, c in pairs], np.int64), 5
    )
    expected = text_of[np.argsort(codes, kind="stable")].astype(np.int32)
    np.testing.assert_array_equal(_texts_by_word(text_of, codes, 7), expected)
