"""The canonical cluster record: column names, dtypes, list fields and their text form."""

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from data.taxonomies import vocabulary

CANONICAL_COLUMNS: tuple[str, ...] = (
    "cluster_id", "name", "acronym", "country_code", "country", "scope", "region_code",
    "region_name", "nuts2", "city", "lat", "lon", "geocode_quality", "ecosystems", "sectors",
    "emerging_industries", "sme_members", "large_company_members", "research_members",
    "employees", "founded", "label", "label_valid_until", "partnerships", "website", "email",
    "description", "offers", "needs", "updated",
)  # fmt: skip
LIST_COLUMNS = ("ecosystems", "sectors", "emerging_industries", "partnerships", "offers", "needs")
INT_COLUMNS = ("sme_members", "large_company_members", "research_members", "employees", "founded")
FLOAT_COLUMNS = ("lat", "lon")
DATE_COLUMNS = ("label_valid_until", "updated")
CATEGORY_COLUMNS = (
    "country_code", "country", "scope", "region_code", "region_name", "nuts2", "geocode_quality",
    "label",
)  # fmt: skip
STRING_COLUMNS = tuple(
    c for c in CANONICAL_COLUMNS
    if c not in (*LIST_COLUMNS, *INT_COLUMNS, *FLOAT_COLUMNS, *DATE_COLUMNS, *CATEGORY_COLUMNS)
)  # fmt: skip
# Columns whose categories are a fixed vocabulary (kept in the vocabulary's order).
FIXED_CATEGORIES = {"scope": "scopes", "label": "labels", "geocode_quality": "geocode_qualities"}
# Which vocabulary each taxonomy list column draws its values from.
TAXONOMY_COLUMNS = {
    "ecosystems": "ecosystems", "sectors": "sectors", "emerging_industries": "emerging_industries",
}  # fmt: skip
LIST_SEPARATOR = "; "
_LIST_SPLIT = re.compile(r"\s*[;|]\s*")
_OFFER = re.compile(r"^\s*(?P<type>[^:]+?)\s*:\s*(?P<text>.+?)\s*$", re.DOTALL)


def split_list(text: object) -> tuple[str, ...]:
    """Split a list cell on ';' or '|' into stripped, non-empty items."""
    if text is None or text is pd.NA or (isinstance(text, float) and text != text):
        return ()
    if isinstance(text, (list, tuple, np.ndarray)):  # np.ndarray: lists read from Parquet
        return tuple(str(item).strip() for item in text if str(item).strip())
    return tuple(item for item in _LIST_SPLIT.split(str(text).strip()) if item)


def join_list(items: Iterable[str]) -> str:
    """Join list items into the CSV form ("a; b; c")."""
    return LIST_SEPARATOR.join(items)


def parse_offer(item: str) -> tuple[str, str] | None:
    """Split an offer/need item "Type: text" into (Type, text); None when not of that form."""
    match = _OFFER.match(item)
    if match is None:
        return None
    offer_type = vocabulary("offer_types").match(match["type"])
    return (offer_type, match["text"]) if offer_type else None


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with every canonical column, in order, with canonical dtypes.

    Columns that are not canonical are kept after the canonical ones (extra fields).
    """
    out = pd.DataFrame(index=frame.index)
    for column in CANONICAL_COLUMNS:
        values = frame[column] if column in frame else pd.Series(pd.NA, index=frame.index)
        out[column] = _as_dtype(column, values)
    extras = [c for c in frame.columns if c not in CANONICAL_COLUMNS]
    return pd.concat([out, frame[extras]], axis=1) if extras else out


def _as_dtype(column: str, values: pd.Series) -> pd.Series:
    if column in LIST_COLUMNS:
        # A list comprehension, not Series.map: map over Arrow-backed text turns tuples into arrays.
        return pd.Series([split_list(v) for v in values.tolist()], index=values.index, dtype=object)
    if column in INT_COLUMNS:
        return pd.to_numeric(values, errors="coerce").astype("Int64")
    if column in FLOAT_COLUMNS:
        return pd.to_numeric(values, errors="coerce").astype("float64")
    if column in DATE_COLUMNS:
        return pd.to_datetime(values, errors="coerce", format="ISO8601").astype("datetime64[s]")
    if column in FIXED_CATEGORIES:
        categories = vocabulary(FIXED_CATEGORIES[column]).terms
        return pd.Categorical(values.astype("string"), categories=categories)
    if column in CATEGORY_COLUMNS:
        return values.astype("string").astype("category")
    return values.astype("string")


def empty_records() -> pd.DataFrame:
    """Return an empty canonical frame."""
    return conform(pd.DataFrame())


def to_text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` as text cells for CSV: lists joined with '; ', dates as YYYY-MM-DD."""
    out = frame.copy()
    for column in out.columns:
        if column in LIST_COLUMNS:
            out[column] = out[column].map(join_list)
        elif column in DATE_COLUMNS:
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    return out
