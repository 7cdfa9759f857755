"""The records prepared once for fast filtering: facet codes, item lists, a word index."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis._facets import Facet, list_facet, single_facet
from analysis._search import SearchIndex, build_search_index
from data.countries import country_name
from data.schema import TAXONOMY_COLUMNS
from data.taxonomies import vocabulary
from data.text import normalise_key, slugify

# Filter parameters whose records hold one value per cluster, and their canonical columns.
SINGLE_PARAMS = {
    "scope": "scope", "country": "country_code", "region": "region_code", "nuts2": "nuts2",
    "label": "label",
}  # fmt: skip
# Filter parameters whose records hold a list of values per cluster.
LIST_PARAMS = {
    "ecosystem": "ecosystems", "sector": "sectors", "emerging": "emerging_industries",
    "partnership": "partnerships",
}  # fmt: skip
FACET_PARAMS = (*SINGLE_PARAMS, *LIST_PARAMS)
NUMBER_COLUMNS = ("sme_members", "founded")
SEARCH_COLUMNS = ("name", "acronym", "city", "description")
LABEL_NAMES = {"none": "No label"}


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
        A canonical frame (as `data.ingest.load_records` returns); its index is reset.

    Returns
    -------
    The `Dataset` that `analysis.filters.apply_filter` and the statistics read.
    """
    records = records.reset_index(drop=True)
    facets = {param: _single(records, param) for param in SINGLE_PARAMS}
    facets |= {param: _listed(records, param) for param in LIST_PARAMS}
    numbers = {c: records[c].astype("Float64").to_numpy(np.float64, na_value=np.nan)
               for c in NUMBER_COLUMNS}  # fmt: skip
    # float64, not float32: inclusive bbox edges must agree with the records' own values.
    lat, lon = (records[c].to_numpy(np.float64, na_value=np.nan) for c in ("lat", "lon"))
    search = build_search_index(search_texts(records))
    return Dataset(records, facets, numbers, lat, lon, search)


def search_texts(records: pd.DataFrame) -> pd.Series:
    """Return each record's searched fields (name, acronym, city, description) in one text."""
    parts = [records[c].astype("string").fillna("") for c in SEARCH_COLUMNS]
    # Joined by a space: a query word has no whitespace, so it never matches across two fields.
    return parts[0].str.cat(parts[1:], sep=" ")


def _single(records: pd.DataFrame, param: str) -> Facet:
    column = records[SINGLE_PARAMS[param]]
    key, label, order = _SINGLE_STYLE[param](records)
    return single_facet(param, column, key=key, label=label, order=order)


def _listed(records: pd.DataFrame, param: str) -> Facet:
    column = LIST_PARAMS[param]
    if column not in TAXONOMY_COLUMNS:  # partnerships: sorted by name
        return list_facet(param, records[column], key=slugify, label=str, order=_by_label)
    # Taxonomy values keep their vocabulary's order.
    rank = {term: i for i, term in enumerate(vocabulary(TAXONOMY_COLUMNS[column]).terms)}
    return list_facet(
        param, records[column], key=slugify, label=str,
        order=lambda key, label: (rank.get(label, len(rank)), normalise_key(label)),
    )  # fmt: skip


Style = tuple[Callable[[str], str], Callable[[str], str], Callable[[str, str], object] | None]


def _by_label(key: str, label: str) -> object:
    return normalise_key(label)


def _country_style(records: pd.DataFrame) -> Style:
    pairs = records[["country_code", "country"]].dropna().drop_duplicates("country_code")
    names = dict(zip(pairs["country_code"].astype(str), pairs["country"].astype(str), strict=True))

    def label(code: str) -> str:
        try:
            return country_name(code)
        except KeyError:  # a code pycountry lacks: fall back on the record's own name
            return names.get(code, code)

    return str, label, _by_label


def _region_style(records: pd.DataFrame) -> Style:
    pairs = records[["region_code", "region_name"]].dropna().drop_duplicates("region_code")
    names = dict(
        zip(pairs["region_code"].astype(str), pairs["region_name"].astype(str), strict=True)
    )
    return str, lambda code: f"{names.get(code, code)} ({code})", _by_label


_SINGLE_STYLE: dict[str, Callable[[pd.DataFrame], Style]] = {
    "scope": lambda records: (slugify, str, None),
    "label": lambda records: (slugify, lambda term: LABEL_NAMES.get(term, term), None),
    "country": _country_style,
    "region": _region_style,
    "nuts2": lambda records: (str, str, _by_label),
}
