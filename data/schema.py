"""The canonical cluster record: column names, dtypes, list fields and their text form."""

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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


def _split_lists(values: pd.Series) -> np.ndarray:
    """Return split_list of every cell, each distinct cell split once (lists repeat a lot)."""
    try:
        codes, distinct = pd.factorize(values)
    except TypeError:  # unhashable cells (arrays read from Parquet): one at a time
        distinct, codes = values.tolist(), np.arange(len(values))
    # An object array filled item by item: Series.map over Arrow-backed text, or np.array of a
    # list, would turn the tuples into arrays. The last item, (), is what missing cells take.
    split = np.empty(len(distinct) + 1, dtype=object)
    for position, value in enumerate(distinct):
        split[position] = split_list(value)
    split[-1] = ()
    return split[codes]


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
        return pd.Series(_split_lists(values), index=values.index, dtype=object)
    if column in INT_COLUMNS:
        return pd.to_numeric(values, errors="coerce").astype("Int64")
    if column in FLOAT_COLUMNS:
        return pd.to_numeric(values, errors="coerce").astype("float64")
    if column in DATE_COLUMNS:  # each distinct date parsed once (0.25 s a million cells)
        codes, distinct = pd.factorize(values)
        dates = pd.to_datetime(pd.Series(distinct, dtype=object), errors="coerce",
                               format="ISO8601").astype("datetime64[s]")  # fmt: skip
        with_missing = np.append(dates.to_numpy(), np.datetime64("NaT", "s"))  # for code -1
        return pd.Series(with_missing[codes], index=values.index, name=values.name)
    if column in FIXED_CATEGORIES:
        categories = vocabulary(FIXED_CATEGORIES[column]).terms
        if isinstance(values.dtype, pd.CategoricalDtype):
            return _recoded(values, pd.Index(categories))
        return pd.Categorical(values.astype("string"), categories=categories)
    if column in CATEGORY_COLUMNS:
        if isinstance(values.dtype, pd.CategoricalDtype):
            return _recoded(values, None)
        return values.astype("string").astype("category")
    return values.astype("string")


def _recoded(values: pd.Series, categories: pd.Index | None) -> pd.Categorical:
    """Return categorical `values` over `categories` (None: the text values present, sorted) as
    the text path makes them, by recoding the codes (no text per record is made)."""
    old = values.cat.categories.astype("string")
    codes = values.cat.codes.to_numpy()
    if categories is None:
        categories = old[np.unique(codes[codes >= 0])].sort_values()
    lookup = np.append(categories.get_indexer(old), -1)  # the last slot: code -1, missing
    return pd.Categorical.from_codes(lookup[codes], dtype=pd.CategoricalDtype(categories))


def records_from_arrow(table: pa.Table) -> pd.DataFrame:
    """Return records kept as Arrow (data.datasets' files) as a canonical frame, lists as tuples.

    List cells are joined and dictionary-encoded by Arrow, so each distinct list becomes one
    tuple shared by the records that have it (a Python object per cell costs seconds and
    hundreds of MB per million records).
    """
    lists = [c for c in LIST_COLUMNS if c in table.column_names
             and pa.types.is_list(table.schema.field(c).type)]  # fmt: skip
    frame = conform(table.drop_columns(lists).to_pandas())
    for column in lists:
        items = table.column(column).cast(pa.list_(pa.string()))
        encoded = pc.dictionary_encode(pc.binary_join(items, LIST_SEPARATOR)).combine_chunks()
        distinct = np.empty(len(encoded.dictionary) + 1, dtype=object)
        for position, text in enumerate(encoded.dictionary.to_pylist()):
            distinct[position] = tuple(text.split(LIST_SEPARATOR)) if text else ()
        distinct[-1] = ()  # missing lists
        codes = encoded.indices.fill_null(-1).to_numpy()
        frame[column] = pd.Series(distinct[codes], index=frame.index, dtype=object)
    return frame


def rows_at(
    records: pd.DataFrame, positions: np.ndarray, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Return `records.iloc[positions][columns]` (any order, repeats allowed), without copying
    whole columns: Arrow's take on a column of several chunks (the memory-mapped records keep
    one per record batch) first joins every chunk, ~8 ms per text column of a million records
    for a block of 100 rows. Such columns are taken chunk by chunk; the others as pandas does.
    """
    positions = np.asarray(positions, dtype=np.int64)
    taken = {}
    for name in records.columns if columns is None else columns:
        column = records[name]
        if isinstance(column.array, pd.arrays.ArrowStringArray):
            chunks = pa.array(column.array)  # as stored: an array, or chunks of one
            if isinstance(chunks, pa.ChunkedArray) and chunks.num_chunks > 1:
                values = _take_by_chunk(chunks, positions)
                taken[name] = pd.Series(pd.arrays.ArrowStringArray(values), dtype=column.dtype)
                continue
        taken[name] = column.iloc[positions].reset_index(drop=True)
    return pd.DataFrame(taken).set_axis(records.index[positions])


def _take_by_chunk(chunks: pa.ChunkedArray, positions: np.ndarray) -> pa.ChunkedArray:
    starts = np.cumsum([0, *(len(chunk) for chunk in chunks.chunks)])
    chunk_of = np.searchsorted(starts, positions, side="right") - 1
    by_chunk = np.argsort(chunk_of, kind="stable")
    parts = [
        chunks.chunk(k).take(pa.array(positions[by_chunk][chunk_of[by_chunk] == k] - starts[k]))
        for k in np.unique(chunk_of)
    ]
    grouped = pa.concat_arrays(parts) if parts else pa.array([], type=chunks.type)
    # Back to the order asked: the inverse of the grouping permutation.
    return pa.chunked_array([grouped.take(pa.array(np.argsort(by_chunk)))])


def records_to_arrow(records: pd.DataFrame) -> pa.Table:
    """Return canonical records as an Arrow table, list cells as Arrow lists of text (what
    `records_from_arrow` reads back). Each distinct list is converted once: a million tuples
    one by one cost seconds."""
    records = records.reset_index(drop=True)
    lists = [c for c in LIST_COLUMNS if c in records and records[c].dtype == object]
    table = pa.Table.from_pandas(records.drop(columns=lists), preserve_index=False)
    for column in lists:
        codes, distinct = pd.factorize(records[column])  # missing (None) is code -1
        values = pa.array([list(items) for items in distinct], pa.list_(pa.string()))
        table = table.append_column(column, values.take(pa.array(codes, mask=codes < 0)))
    return table.select(list(records.columns))


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
