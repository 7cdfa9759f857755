"""Exports of canonical records: CSV that spreadsheets open safely (whole or streamed) and GeoJSON.

CSV rules:
- UTF-8 with a byte-order mark (Excel then reads accents right), CRLF line ends (RFC 4180; also
  makes the csv writer quote any cell holding a line break or carriage return), the canonical
  columns in order, list fields joined with "; ", dates as YYYY-MM-DD, missing values empty.
- Formula injection: spreadsheets run a text cell that begins with `=`, `+`, `-`, `@`, a tab or a
  carriage return as a formula. Such a text cell is written with a single quote `'` in front.
  A text cell that already begins with `'` gets one more, so reading back removes exactly one
  leading quote from every text cell that has one (`read_exported_csv`) and loses nothing.
  Numeric columns (member counts, founded, lat, lon) are numbers, never prefixed: a negative
  longitude stays a number. Any other table (`neutralise_table`: API tables, the ingest
  command's OUT.csv and REJECTS.csv) gets the same guard on its text columns and on its header,
  since the ingest command keeps a file's unknown column names.
"""

import io
import json
from collections.abc import Iterator

import numpy as np
import pandas as pd

from data.schema import (
    CANONICAL_COLUMNS,
    DATE_COLUMNS,
    FLOAT_COLUMNS,
    INT_COLUMNS,
    LIST_COLUMNS,
    conform,
    to_text_frame,
)

BOM = "\ufeff"
LINE_END = "\r\n"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# A cell starting with a quote is quoted once more, so that reading back loses nothing.
GUARDED_STARTS = (*FORMULA_STARTS, QUOTE)
NUMERIC_COLUMNS = (*INT_COLUMNS, *FLOAT_COLUMNS)
TEXT_COLUMNS = tuple(c for c in CANONICAL_COLUMNS if c not in NUMERIC_COLUMNS)
CHUNK_ROWS = 5000


def write_csv(records: pd.DataFrame) -> bytes:
    """Return `records` as CSV bytes (UTF-8 with BOM, formula-safe; see the module rules)."""
    return b"".join(iter_csv(records))


def iter_csv(records: pd.DataFrame, *, chunk_rows: int = CHUNK_ROWS) -> Iterator[bytes]:
    """Yield the CSV of `records` in chunks of rows; joined, the bytes equal `write_csv`'s."""
    frame = records.loc[:, list(CANONICAL_COLUMNS)]
    yield (BOM + _csv_text(frame.iloc[:0], header=True)).encode("utf-8")
    for start in range(0, len(frame), chunk_rows):
        chunk = frame.iloc[start : start + chunk_rows]
        yield _csv_text(_neutralised(to_text_frame(chunk)), header=False).encode("utf-8")


def _csv_text(frame: pd.DataFrame, *, header: bool) -> str:
    return frame.to_csv(index=False, header=header, lineterminator=LINE_END)


def table_csv(frame: pd.DataFrame) -> bytes:
    """Return any table (not canonical records) as CSV bytes with the same BOM and guard."""
    body = _csv_text(neutralise_table(frame), header=True)
    return (BOM + body).encode("utf-8")


def neutralise_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Return any table with a quote before every text cell and header a spreadsheet would run.

    Columns of a numeric dtype are left as they are: a negative number stays a number.
    """
    text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    return _neutralised(frame, columns=text).rename(columns=_guarded_label)


def _neutralised(frame: pd.DataFrame, *, columns=TEXT_COLUMNS) -> pd.DataFrame:
    """Return `frame` with a quote before every text cell a spreadsheet would run."""
    out = frame.copy()
    for column in columns:
        text = out[column].astype("string")
        risky = text.str[:1].isin(GUARDED_STARTS).fillna(False)
        out[column] = text.mask(risky, QUOTE + text)
    return out


def _guarded_label(label: object) -> object:
    # Labels that are not text (numbers, years) cannot run as formulas and are kept as they are.
    risky = isinstance(label, str) and label.startswith(GUARDED_STARTS)
    return QUOTE + label if risky else label


def read_exported_csv(data: bytes) -> pd.DataFrame:
    """Return the canonical records of a CSV from `write_csv` (quotes removed, lists split)."""
    frame = pd.read_csv(
        io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False, na_values=[""]
    )
    for column in TEXT_COLUMNS:
        text = frame[column].astype("string")
        frame[column] = text.mask(text.str.startswith(QUOTE).fillna(False), text.str[1:])
    return conform(frame)


def to_geojson(records: pd.DataFrame) -> dict:
    """Return `records` as a GeoJSON FeatureCollection of points (no coordinates: null geometry).

    Properties are the canonical columns except lat/lon: lists as arrays, dates as YYYY-MM-DD,
    missing values as null.
    """
    return {"type": "FeatureCollection", "features": list(_features(records))}


def iter_geojson(records: pd.DataFrame, *, chunk_rows: int = CHUNK_ROWS) -> Iterator[bytes]:
    """Yield the GeoJSON text of `records` in chunks; it parses to `to_geojson(records)`."""
    yield b'{"type": "FeatureCollection", "features": ['
    for start in range(0, len(records), chunk_rows):
        features = _features(records.iloc[start : start + chunk_rows])
        text = ", ".join(json.dumps(f, ensure_ascii=False, allow_nan=False) for f in features)
        yield (", " if start else "").encode() + text.encode("utf-8")
    yield b"]}"


def _features(records: pd.DataFrame) -> Iterator[dict]:
    names = [c for c in CANONICAL_COLUMNS if c not in FLOAT_COLUMNS]
    columns = [_json_values(records[name]) for name in names]
    lon = records["lon"].to_numpy(np.float64, na_value=np.nan).tolist()
    lat = records["lat"].to_numpy(np.float64, na_value=np.nan).tolist()
    # One dict per feature is what GeoJSON is; the columns were converted vectorised above.
    for x, y, *values in zip(lon, lat, *columns, strict=True):
        yield {
            "type": "Feature",
            "geometry": _point(x, y),
            "properties": dict(zip(names, values, strict=True)),
        }


def _point(lon: float, lat: float) -> dict | None:
    if lon != lon or lat != lat:  # NaN: a record without coordinates
        return None
    return {"type": "Point", "coordinates": [lon, lat]}


def _json_values(column: pd.Series) -> list:
    """Return a column as JSON-ready Python values (None for missing)."""
    if column.name in LIST_COLUMNS:
        return [list(items) for items in column.tolist()]
    if column.name in DATE_COLUMNS:
        column = column.dt.strftime("%Y-%m-%d")
    elif column.name not in INT_COLUMNS:
        column = column.astype("string")
    return column.to_numpy(dtype=object, na_value=None).tolist()
