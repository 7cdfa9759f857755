"""The records prepared once for fast filtering: facet codes, item lists, a word index."""

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from analysis._facets import Facet, list_facet, single_facet
from analysis._index_files import load_indexes, save_indexes
from analysis._search import SearchIndex, build_search_index
from analysis.params import KEY_FILTERS, RANGE_FILTERS, FilterParam
from data.countries import country_name
from data.taxonomies import vocabulary
from data.text import normalise_key

T = TypeVar("T")
# Guards the creation of the per-index build locks of every data set (held for microseconds).
_DERIVED_LOCK = threading.Lock()
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
    # Where the records are kept as files (their prepared indexes too); None when in memory only.
    folder: Path | None = None

    def __len__(self) -> int:
        """Return the number of records."""
        return len(self.records)

    def derived(self, name: str, build: Callable[["Dataset"], T]) -> T:
        """Return what `build(self)` makes, built once and kept with this data set.

        For indexes that only some views need (the table's sort ranks, the partner index):
        built on first use, not at start-up. Concurrent requests for the same index wait for
        the one build (under many users, parallel builds of a large index multiplied its time
        and memory); a request never sees it half-made.
        """
        kept = self.__dict__.setdefault("_derived", {})
        if name in kept:
            return kept[name]
        with _DERIVED_LOCK:
            lock = self.__dict__.setdefault("_building", {}).setdefault(name, threading.Lock())
        with lock:
            if name not in kept:
                kept[name] = build(self)
        return kept[name]

    @cached_property
    def positions(self) -> "Positions":
        """Map each cluster_id to its row position."""
        return Positions(pd.Index(self.records["cluster_id"].astype("string")))

    def options(self, param: str) -> list[tuple[str, str]]:
        """Return the (slug or code, display label) pairs of `param` present in the records."""
        facet = self.facets[param]
        return list(zip(facet.keys, facet.labels, strict=True))

    def option_counts(self, param: str, mask: np.ndarray | None = None) -> dict[str, int]:
        """Return how many records (of `mask`, default all) have each value of `param`."""
        facet = self.facets[param]
        return dict(zip(facet.keys, facet.counts(mask).tolist(), strict=True))


class Positions(Mapping[str, int]):
    """cluster_id -> row position, on a pandas Index (its hash table is built in C, once):
    a dict of a million ids costs seconds and ~100 MB per process."""

    def __init__(self, ids: pd.Index) -> None:
        self._ids = ids

    def __getitem__(self, cluster_id: str) -> int:
        if not isinstance(cluster_id, str):
            raise KeyError(cluster_id)
        position = self._ids.get_indexer([cluster_id])[0]
        if position < 0:
            raise KeyError(cluster_id)
        return int(position)

    def __contains__(self, cluster_id: object) -> bool:
        return isinstance(cluster_id, str) and cluster_id in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def prepare(records: pd.DataFrame, *, folder: Path | None = None) -> Dataset:
    """Return the dataset of canonical `records`, with every filter index built once.

    Parameters
    ----------
    records:
        A canonical frame (as `ingest.pipeline.load_records` returns); its index is reset.
    folder:
        Where these records are kept as files (a data set's or the prepared-records cache's
        folder): the indexes are read from there, memory-mapped, when an earlier process
        built them with the same code; else built and written there for the next one.

    Returns
    -------
    The `Dataset` that `analysis.filters.apply_filter` and the statistics read.
    """
    records = records.reset_index(drop=True)
    indexes = load_indexes(folder, size=len(records)) if folder is not None else None
    if indexes is None:
        indexes = build_indexes(records)
        if folder is not None:
            save_indexes(indexes, folder)
    return Dataset(records, **indexes, folder=folder)


def build_indexes(records: pd.DataFrame) -> dict:
    """Return the arrays filters read (Dataset's fields but the records), built from records."""
    facets = {param.name: _facet(records, param) for param in KEY_FILTERS}
    numbers = {c: records[c].astype("Float64").to_numpy(np.float64, na_value=np.nan)
               for c in NUMBER_COLUMNS}  # fmt: skip
    # float64, not float32: inclusive bbox edges must agree with the records' own values.
    lat, lon = (records[c].to_numpy(np.float64, na_value=np.nan) for c in ("lat", "lon"))
    search = build_search_index([records[column] for column in SEARCH_COLUMNS])
    return {"facets": facets, "numbers": numbers, "lat": lat, "lon": lon, "search": search}


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
