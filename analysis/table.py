"""The table of the filtered clusters: its columns, its sort, and one block of its rows.

The page's grid asks for rows a block at a time (AG Grid's infinite row model), so no response
grows with the data; the CSV and GeoJSON downloads use the same sort.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.dataset import Dataset
from data.schema import rows_at
from data.taxonomies import vocabulary


@dataclass(frozen=True)
class Column:
    """One table column: the record field, its header, and its width in pixels."""

    field: str
    header: str
    width: int
    numeric: bool = False


COLUMNS = (
    Column("name", "Name", 220),
    Column("acronym", "Acronym", 90),
    Column("country", "Country", 110),
    Column("city", "City", 110),
    Column("region_name", "Region", 120),
    Column("ecosystems", "Ecosystems", 180),
    Column("sme_members", "Member SMEs", 110, numeric=True),
    Column("founded", "Founded", 90, numeric=True),
    Column("label", "Label", 90),
)
SORTABLE = tuple(c.field for c in COLUMNS)


def sort_positions(dataset: Dataset, positions: np.ndarray, sort: str | None) -> np.ndarray:
    """Return `positions` ordered by `sort` ("column" or "-column"); unknown values last."""
    if not sort:
        return positions
    rank = dataset.derived("table_ranks", _ranks)[sort.removeprefix("-")][positions]
    if sort.startswith("-"):
        # Descending, but records without a value still come last; ties keep record order.
        rank = np.where(rank < 0, np.iinfo(np.int64).max, -rank)
    else:
        rank = np.where(rank < 0, np.iinfo(np.int64).max, rank)
    return positions[np.argsort(rank, kind="stable")]


def table_rows(dataset: Dataset, positions: np.ndarray) -> list[dict]:
    """Return the table rows of the records at `positions`: lists joined, names displayed."""
    frame = rows_at(dataset.records, positions, ["cluster_id", *SORTABLE])
    frame["ecosystems"] = frame["ecosystems"].map(", ".join)
    frame["label"] = (
        frame["label"]
        .astype(object)
        .map(lambda term: None if pd.isna(term) else vocabulary("labels").display_name(term))
    )
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict("records")


def _ranks(dataset: Dataset) -> dict[str, np.ndarray]:
    """Return per sortable column each record's rank (-1: no value)."""
    return {column: _rank(dataset.records[column]) for column in SORTABLE}


def _rank(values: pd.Series) -> np.ndarray:
    if values.dtype == object:  # list fields: sort by their text
        values = values.map(", ".join).replace("", None)
    if pd.api.types.is_numeric_dtype(values) and not isinstance(values.dtype, pd.CategoricalDtype):
        numbers = values.astype("Float64").to_numpy(np.float64, na_value=np.nan)
        rank = pd.Series(numbers).rank(method="dense").to_numpy()
        return np.where(np.isnan(rank), -1, rank).astype(np.int64)
    text = values.astype("string").str.casefold()
    codes, _ = pd.factorize(text, sort=True)
    return codes.astype(np.int64)
