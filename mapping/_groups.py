"""Rows grouped by an integer code (a country, a place), found with one sort."""

from collections.abc import Iterator

import numpy as np


def row_groups(codes: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """Yield (code, rows) for each code >= 0 present, rows ascending.

    One stable sort of the codes, not a comparison of every row per code (a million rows of
    sixty countries took seconds that way).
    """
    codes = np.asarray(codes)
    valid = np.flatnonzero(codes >= 0)
    order = valid[np.argsort(codes[valid], kind="stable")]
    if not len(order):
        return
    ordered = codes[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    for start, end in zip(starts, np.r_[starts[1:], len(order)], strict=True):
        yield int(ordered[start]), order[start:end]
