"""Faster ingest steps give the answers of the slower code they replaced (kept here as oracles).

Each test draws inputs with the edge cases of its step (ties, NaN, -0.0, missing values, more
distinct values than an int64 key holds) and compares the new function with the old one.
"""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from data.text import normalise_keys
from data.validation import name_keys
from mapping.namesakes import distinct_points, nearest_of

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
