"""One filter facet: the values a parameter takes in the records and which records have each."""

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain

import numpy as np
import pandas as pd

KeyOf = Callable[[str], str]
SortKey = Callable[[str, str], object]


@dataclass(frozen=True, eq=False)
class Facet:
    """Keys (slugs or codes) with display labels, and integer codes locating them in records.

    A single-valued facet has one code per record (-1: no value). A list facet stores its
    (record, key) pairs as two parallel arrays, `item_rows` and `codes`: a dense record-by-key
    matrix would grow with the number of partnerships.
    """

    param: str
    keys: tuple[str, ...]
    labels: tuple[str, ...]
    codes: np.ndarray
    item_rows: np.ndarray | None
    size: int

    @cached_property
    def position(self) -> dict[str, int]:
        """Map each key to its position in `keys`."""
        return {key: i for i, key in enumerate(self.keys)}

    def select(self, keys: Iterable[str]) -> np.ndarray:
        """Return the mask of records having any of `keys` (keys not in the data match none)."""
        # One slot more than there are keys, always False, for the -1 "no value" code.
        wanted = np.zeros(len(self.keys) + 1, dtype=bool)
        wanted[[self.position[key] for key in keys if key in self.position]] = True
        hit = wanted[self.codes]
        if self.item_rows is None:
            return hit
        mask = np.zeros(self.size, dtype=bool)
        mask[self.item_rows[hit]] = True
        return mask

    def counts(self, mask: np.ndarray | None = None) -> np.ndarray:
        """Return how many records (of `mask`, default all) have each key."""
        codes = self.codes
        if mask is not None:
            codes = codes[mask if self.item_rows is None else mask[self.item_rows]]
        return np.bincount(codes[codes >= 0], minlength=len(self.keys))


def single_facet(
    param: str, column: pd.Series, *, key: KeyOf, label: KeyOf, order: SortKey | None
) -> Facet:
    """Return the facet of a one-value-per-record column (categories keep their order)."""
    column = column.astype("category")
    raw = column.cat.codes.to_numpy().astype(np.int32)
    present = np.flatnonzero(np.bincount(raw[raw >= 0], minlength=len(column.cat.categories)))
    values = [str(column.cat.categories[i]) for i in present]
    keys, labels, positions = _ordered(values, key=key, label=label, order=order)
    # Extra last slot maps the -1 "missing" category code to -1.
    lookup = np.full(len(column.cat.categories) + 1, -1, dtype=np.int32)
    lookup[present] = positions
    return Facet(param, keys, labels, lookup[raw], None, len(column))


def list_facet(
    param: str, column: pd.Series, *, key: KeyOf, label: KeyOf, order: SortKey | None
) -> Facet:
    """Return the facet of a list column; a value listed twice in one record counts once."""
    lists = column.tolist()
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    rows = np.repeat(np.arange(len(lists), dtype=np.int64), lengths)
    value_codes, values = pd.factorize(pd.Series(list(chain.from_iterable(lists)), dtype=object))
    keys, labels, positions = _ordered([str(v) for v in values], key=key, label=label, order=order)
    codes = positions[value_codes].astype(np.int64)
    rows, codes = unique_pairs(rows, codes, len(keys))
    return Facet(param, keys, labels, codes.astype(np.int32), rows, len(lists))


def unique_pairs(rows: np.ndarray, codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct (row, code) pairs, codes below `size`, sorted by row then code."""
    # Sort-based: numpy 2.4's hash-based np.unique is several times slower on integers.
    keys = np.sort(rows * max(size, 1) + codes)
    keys = keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys
    return keys // max(size, 1), keys % max(size, 1)


def _ordered(
    values: Sequence[str], *, key: KeyOf, label: KeyOf, order: SortKey | None
) -> tuple[tuple[str, ...], tuple[str, ...], np.ndarray]:
    """Return distinct keys and labels (sorted by `order`) and each value's key position."""
    value_keys = [key(value) for value in values]
    first: dict[str, str] = {}
    for value, value_key in zip(values, value_keys, strict=True):
        first.setdefault(value_key, label(value))
    keys: Collection[str] = first
    if order is not None:
        keys = sorted(first, key=lambda k: order(k, first[k]))
    position = {k: i for i, k in enumerate(keys)}
    positions = np.array([position[k] for k in value_keys], dtype=np.int32)
    return tuple(keys), tuple(first[k] for k in keys), positions
