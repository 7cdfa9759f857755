"""The records prepared once for fast filtering: facet codes, item lists, a word index."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

import numpy as np
import pandas as pd

from analysis._facets import Facet, list_facet, single_facet
from analysis._search import SearchIndex, build_search_index
from analysis.params import KEY_FILTERS, RANGE_FILTERS, FilterParam
from data.countries import country_name
from data.taxonomies import vocabulary
from data.text import normalise_key

T = TypeVar("T")
NUMBER_COLUMNS = tuple(f.column for f in RANGE_FILTERS)
# The fields `q` searches; offers and needs too, so that a need finds who offers it.
SEARCH_COLUMNS = ("name", "acronym", "city", "description", "offers", "needs")


@dataclass(frozen=True, eq=False)
class Dataset:
    """Canonical records (index 0..n-1) with the arrays that filters and statistics read."""

    records: pd.DataFrame
    facets: Mapping[str, Facet]
    numbers: Mapping[str, np.ndarray]
    lat: np.ndarray
    lon: np.ndarray
    search: SearchIndex

    def __len__(self) -> int:
        """Return the number of records."""
        return len(self.records)

    def derived(self, name: str, build: Callable[["Dataset"], T]) -> T:
        """Return what `build(self)` makes, built once and kept with this data set.

        For indexes that only some views need (the table's sort ranks, the partner index):
        built on first use, not at start-up; built whole before it is kept, so a concurrent
        request never sees it half-made (two may build it at once; one copy is kept).
        """
        kept = self.__dict__.setdefault("_derived", {})
        if name not in kept:
            kept.setdefault(name, build(self))
        return kept[name]

    @cached_property
    def positions(self) -> dict[str, int]:
        """Map each cluster_id to its row position."""
        return {str(cid): i for i, cid in enumerate(self.records["cluster_id"])}

    def options(self, param: str) -> list[tuple[str, str]]:
        """Return the (slug or code, display label) pairs of `param` present in the records."""
        facet = self.facets[param]
        return list(zip(facet.keys, facet.labels, strict=True))

    def option_counts(self, param: str, mask: np.ndarray | None = None) -> dict[str, int]:
        """Return how many records (of `mask`, default all) have each value of `param`."""
        facet = self.facets[param]
        return dict(zip(facet.keys, facet.counts(mask).tolist(), strict=True))


def prepare(records: pd.DataFrame) -> Dataset:
    """Return the dataset of canonical `records`, with every filter index built once.

    Parameters
    ----------
    records:
        A canonical frame (as `ingest.pipeline.load_records` returns); its index is reset.

    Returns
    -------
    The `Dataset` that `analysis.filters.apply_filter` and the statistics read.
    """
    records = records.reset_index(drop=True)
    facets = {param.name: _facet(records, param) for param in KEY_FILTERS}
    numbers = {c: records[c].astype("Float64").to_numpy(np.float64, na_value=np.nan)
               for c in NUMBER_COLUMNS}  # fmt: skip
    # float64, not float32: inclusive bbox edges must agree with the records' own values.
    lat, lon = (records[c].to_numpy(np.float64, na_value=np.nan) for c in ("lat", "lon"))
    search = build_search_index(search_texts(records))
    return Dataset(records, facets, numbers, lat, lon, search)


def search_texts(records: pd.DataFrame) -> pd.Series:
    """Return each record's searched fields (SEARCH_COLUMNS) in one text."""
    parts = [_as_text(records[c]) for c in SEARCH_COLUMNS]
    # Joined by a space: a query word has no whitespace, so it never matches across two fields.
    return parts[0].str.cat(parts[1:], sep=" ")


def _as_text(column: pd.Series) -> pd.Series:
    if column.dtype == object:  # list fields: their items, space-separated
        column = pd.Series([" ".join(items) for items in column], index=column.index)
    return column.astype("string").fillna("")


def _facet(records: pd.DataFrame, param: FilterParam) -> Facet:
    """Return the facet of a `keys` filter: keys read as the filter reads them, labelled."""
    label, order = _LABELS[param.labels](records, param)
    build = list_facet if param.is_list else single_facet
    return build(param.name, records[param.column], key=param.rule.canonical, label=label,
                 order=order)  # fmt: skip


Labels = tuple[Callable[[str], str], Callable[[str, str], object] | None]


def _by_label(key: str, label: str) -> object:
    return normalise_key(label)


def _vocabulary_labels(records: pd.DataFrame, param: FilterParam) -> Labels:
    # Taxonomy values keep their vocabulary's order and display names ("No label").
    terms = vocabulary(param.vocabulary)
    rank = {term: i for i, term in enumerate(terms.terms)}
    by_slug = terms.by_slug
    return terms.display_name, lambda key, label: (
        rank.get(by_slug.get(key, ""), len(rank)),
        normalise_key(label),
    )


def _country_labels(records: pd.DataFrame, param: FilterParam) -> Labels:
    pairs = records[["country_code", "country"]].dropna().drop_duplicates("country_code")
    names = dict(zip(pairs["country_code"].astype(str), pairs["country"].astype(str), strict=True))

    def label(code: str) -> str:
        try:
            return country_name(code)
        except KeyError:  # a code pycountry lacks: fall back on the record's own name
            return names.get(code, code)

    return label, _by_label


def _region_labels(records: pd.DataFrame, param: FilterParam) -> Labels:
    pairs = records[["region_code", "region_name"]].dropna().drop_duplicates("region_code")
    names = dict(
        zip(pairs["region_code"].astype(str), pairs["region_name"].astype(str), strict=True)
    )
    return lambda code: f"{names.get(code, code)} ({code})", _by_label


_LABELS: dict[str, Callable[[pd.DataFrame, FilterParam], Labels]] = {
    "vocabulary": _vocabulary_labels,
    "country": _country_labels,
    "region": _region_labels,
    "name": lambda records, param: (str, _by_label),
}
