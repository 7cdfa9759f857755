"""Input files -> text tables: CSV/TSV/TXT, XLSX, GeoJSON and Parquet readers.

Every reader returns a `RawTable` whose cells are all text ("string" dtype, missing as NA) and
whose index is the source row number of each record:

- CSV and XLSX: the row as a spreadsheet shows it (the header is row 1 and the first data row
  row 2 in the usual layout; a quoted cell spanning several lines is still one row; blank rows
  are skipped but keep their number, so later rows are not renumbered);
- GeoJSON: the feature number, starting at 1;
- Parquet: the record number, starting at 1 (the format has no header row).

Cells stay text as typed: decimal commas ("48,8566") and thousands separators are interpreted
by validation, which knows each column's type. Library exceptions become `InputFileError` with a
one-line message "cannot read NAME: ...".
"""

import codecs
import csv
import io
import json
import re
import stat
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path

import charset_normalizer
import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc
import pyarrow.parquet as pq

from data.columns import canonical_column
from data.errors import InputFileError
from data.text import utf8_bytes

CSV_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
GEOJSON_SUFFIXES = (".geojson", ".json")
PARQUET_SUFFIXES = (".parquet", ".pq")
DELIMITERS = (",", ";", "\t", "|")
PROBLEM_COLUMNS = ("row", "column", "value", "reason")
CLEANED_COLUMNS = ("row", "column")
# Control characters a cell may hold by accident (NUL, escape, bell, DEL, C1 codes): removed from
# the cell, the row flagged. Tabs and line breaks are text; a file full of controls is binary.
CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
# The same characters as UTF-8 bytes: C0 controls and DEL are single bytes (never part of a
# longer sequence); U+0080-U+009F are 0xC2 followed by 0x80-0x9F. Bytes below 0x20 that are
# text: tab, line feed, carriage return.
_TEXT_C0_BYTES = (0x09, 0x0A, 0x0D)
# Bytes a scan compares at a time: a column's text can be hundreds of MB, its masks need not be.
SCAN_BYTES = 1 << 24
# Encodings charset-normalizer may choose between once a file is not UTF-8: the Windows and ISO
# code pages European spreadsheets are saved in (left open, it prefers exotic Mac code pages).
LEGACY_ENCODINGS = (
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257", "latin_1", "iso8859_2",
    "iso8859_15",
)  # fmt: skip
# How far down a sheet to look for the header row (title lines often sit above it).
HEADER_SEARCH_ROWS = 10
SAMPLE_CHARS = 64 * 1024
# Bounds that keep a hostile file from taking unbounded time or memory (each refusal is one
# clear line): the file's size, its rows and columns, and a workbook's unpacked size.
MAX_INPUT_BYTES = 1024 * 1024 * 1024
MAX_ROWS = 5_000_000
MAX_COLUMNS = 2_000
# A workbook unpacks to a few times its size; a zip bomb to thousands of times.
UNPACK_RATIO, UNPACK_FLOOR = 50, 64 * 1024 * 1024
# A spreadsheet's trailing formatted-but-empty rows end the table after this many in a row.
EMPTY_ROWS_END = 10_000
# Share of NUL bytes (or of control characters in the first 64 KB) from which a file is binary,
# not text with a few stray ones; a small file may hold this many stray ones whatever its size.
BINARY_NULS = 0.01
STRAY_NULS, STRAY_CONTROLS = 1, 4


@dataclass(frozen=True)
class RawTable:
    """Text cells indexed by source row number, plus problems and warnings found reading."""

    frame: pd.DataFrame
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))
    warnings: tuple[str, ...] = ()
    # (row, column) of each cell whose control characters were removed.
    cleaned: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CLEANED_COLUMNS))


@dataclass(frozen=True)
class InputFile:
    """A file's name (it chooses the reader, and names the file in messages) and its bytes.

    The command line reads a path (`from_path`); the page's upload hands over the bytes it
    received. Both are checked the same way: within the size limit and not empty.
    """

    name: str
    data: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.data) > MAX_INPUT_BYTES:
            raise InputFileError(
                f"cannot read {self.name}: {len(self.data) / 1e6:,.0f} MB is over the limit of "
                f"{MAX_INPUT_BYTES / 1e6:,.0f} MB"
            )
        if not self.data.removeprefix(codecs.BOM_UTF8).strip():
            raise InputFileError(f"cannot read {self.name}: file is empty")

    @classmethod
    def from_path(cls, path: Path) -> "InputFile":
        """Read a regular file, refusing pipes, devices, folders and oversized files."""
        path = Path(path)
        return cls(path.name, _read_bytes(path))

    @property
    def suffix(self) -> str:
        """Return the name's extension, lower case ("" when there is none)."""
        return Path(self.name).suffix.lower()


READERS: dict[str, Callable[[InputFile], RawTable]] = {}


def read_table(source: Path | InputFile) -> RawTable:
    """Read a CSV, XLSX, GeoJSON or Parquet file (a path or bytes) into a text table.

    The reader is chosen by the file name's extension.
    """
    file = source if isinstance(source, InputFile) else None
    name = file.name if file else Path(source).name
    suffix = Path(name).suffix.lower()
    if suffix not in READERS:
        known = ", ".join(sorted(READERS))
        raise InputFileError(
            f"cannot read {name}: unsupported file type {suffix or '(none)'} "
            f"(expected one of {known})"
        )
    return _without_controls(READERS[suffix](file or InputFile.from_path(Path(source))))


def _without_controls(table: RawTable) -> RawTable:
    """Remove control characters from every cell and header, noting each cleaned cell."""
    frame, cleaned = table.frame.copy(), []
    headers = [re.sub(CONTROL_CHARACTERS, "", str(h)).strip() for h in frame.columns]
    if headers != [str(h) for h in frame.columns]:
        frame.columns = headers
        table = replace(table, frame=frame)
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        if not _may_have_controls(values):
            continue
        hit = values.str.contains(CONTROL_CHARACTERS, regex=True).fillna(False).astype(bool)
        if not hit.any():
            continue
        text = values.str.replace(CONTROL_CHARACTERS, "", regex=True).str.strip()
        frame.isetitem(position, text.mask(text == ""))
        rows = hit.index[hit.to_numpy()]
        cleaned.append(pd.DataFrame({"row": rows, "column": str(frame.columns[position])}))
    if not cleaned:
        return table
    return replace(table, frame=frame, cleaned=pd.concat(cleaned, ignore_index=True))


def _may_have_controls(values: pd.Series) -> bool:
    """Return False when no cell of a text column can hold a control character: one scan of
    the column's UTF-8 bytes. The regex costs ~0.1 s per million cells however short they are;
    the scan a few vectorised comparisons of the bytes, in place (a million descriptions,
    240 MB: 0.2 s). True means the cells must be looked at."""
    try:
        array = pyarrow.array(values, from_pandas=True)
    except (pyarrow.ArrowException, TypeError):
        return True
    if not (pyarrow.types.is_string(array.type) or pyarrow.types.is_large_string(array.type)):
        return True
    chunks = array.chunks if isinstance(array, pyarrow.ChunkedArray) else [array]
    # The chunks of a column read from a file are often slices of one buffer: scan it once.
    buffers = {b.address: b for b in (chunk.buffers()[2] for chunk in chunks) if b is not None}
    return any(_has_control_bytes(np.frombuffer(b, dtype=np.uint8)) for b in buffers.values())


def _has_control_bytes(raw: np.ndarray) -> bool:
    """Return whether UTF-8 bytes hold a control character (CONTROL_CHARACTERS), a block of
    SCAN_BYTES at a time: bytes below 0x20 other than tab and line breaks, DEL, or C1 codes."""
    for start in range(0, len(raw), SCAN_BYTES):
        block = raw[start : start + SCAN_BYTES]
        low = np.count_nonzero(block < 0x20)
        if low and low != sum(np.count_nonzero(block == byte) for byte in _TEXT_C0_BYTES):
            return True
        # One byte more: the one after a 0xC2 at the block's end.
        if np.count_nonzero(block == 0x7F) or _has_c1_control(raw[start : start + SCAN_BYTES + 1]):
            return True
    return False


def _has_c1_control(raw: np.ndarray) -> bool:
    """Return whether UTF-8 bytes hold a character U+0080-U+009F (0xC2, then 0x80-0x9F)."""
    after = raw[np.flatnonzero(raw[:-1] == 0xC2) + 1]
    return bool(((after >= 0x80) & (after <= 0x9F)).any())


def read_csv(file: InputFile) -> RawTable:
    """Read delimited text: encoding detected, delimiter sniffed, any line ending."""
    text = decode_text(file.data, name=file.name)
    grid = _csv_grid(text, sniff_delimiter(text), name=file.name)
    return _table_from_grid(_as_text(grid, typed=False), name=file.name)


def read_xlsx(file: InputFile) -> RawTable:
    """Read the first sheet of a workbook that has a recognisable header (else the first)."""
    # Imported on use: only workbooks need openpyxl, and it slows every other ingest's start.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_unpacked(file)
    try:
        book = load_workbook(io.BytesIO(file.data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as error:
        raise InputFileError(f"cannot read {file.name}: not a valid Excel workbook") from error
    try:
        sheet = _pick_sheet(book.worksheets)
        # The stored dimension may claim a million rows of 16,384 columns: read the real cells.
        sheet.reset_dimensions()
        rows = _sheet_rows(sheet, name=file.name)
        grid = pd.DataFrame(_padded(rows), index=pd.RangeIndex(1, len(rows) + 1), dtype=object)
        return _table_from_grid(_as_text(grid), name=file.name)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise InputFileError(f"cannot read {file.name}: broken Excel workbook") from error
    finally:
        book.close()


def read_geojson(file: InputFile) -> RawTable:
    """Read a FeatureCollection: Point coordinates become lon/lat, properties become columns."""
    name = file.name
    try:
        document = json.loads(decode_text(file.data, name=name))
    except json.JSONDecodeError as error:
        raise InputFileError(f"cannot read {name}: invalid JSON ({error})") from error
    except RecursionError as error:
        raise InputFileError(f"cannot read {name}: JSON nested too deeply") from error
    features = _features(document, name=name)
    _check_rows(len(features), name=name)
    rows = pd.RangeIndex(1, len(features) + 1, name="row")
    lon, lat, problems = [], [], []
    for number, feature in zip(rows, features, strict=True):
        point, problem = _point(feature)
        lon.append(point[0])
        lat.append(point[1])
        if problem:
            problems.append((number, "geometry", *problem))
    properties = [f.get("properties") if isinstance(f, dict) else None for f in features]
    props = pd.DataFrame([p if isinstance(p, dict) else {} for p in properties], index=rows)
    frame = pd.concat([pd.DataFrame({"lon": lon, "lat": lat}, index=rows), props], axis=1)
    return RawTable(_as_text(frame), pd.DataFrame(problems, columns=PROBLEM_COLUMNS))


def read_parquet(file: InputFile) -> RawTable:
    """Read a Parquet file; typed cells are turned into text."""
    try:
        parquet = pq.ParquetFile(pyarrow.BufferReader(file.data))
        _check_rows(parquet.metadata.num_rows, name=file.name)
        table = parquet.read()
        index = pd.RangeIndex(1, table.num_rows + 1, name="row")
        columns = {i: _arrow_text(table.column(i), index) for i in range(table.num_columns)}
    except (pyarrow.ArrowException, OSError, ValueError, TypeError) as error:
        raise InputFileError(f"cannot read {file.name}: not a valid Parquet file") from error
    frame = pd.DataFrame(columns, index=index)
    frame.columns = list(table.column_names)
    return RawTable(_as_text(frame, typed=False))


READERS.update({
    **dict.fromkeys(CSV_SUFFIXES, read_csv),
    **dict.fromkeys(XLSX_SUFFIXES, read_xlsx),
    **dict.fromkeys(GEOJSON_SUFFIXES, read_geojson),
    **dict.fromkeys(PARQUET_SUFFIXES, read_parquet),
})  # fmt: skip


def decode_text(data: bytes, *, name: str) -> str:
    """Decode file bytes: UTF-8 (BOM or not) first, then a detected legacy code page.

    A few stray NUL bytes are kept, for the cells that hold them to be cleaned and their rows
    flagged (a file full of them is binary); a file that is UTF-8 except for some lines is
    decoded line by line (those lines as cp1252).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if data.count(b"\x00") > max(STRAY_NULS, BINARY_NULS * len(data)):
        raise InputFileError(f"cannot read {name}: binary data, not a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _decode_mixed(data) if _mostly_utf8(data) else _decode_legacy(data)
    controls = len(re.findall(CONTROL_CHARACTERS, text[:SAMPLE_CHARS]))
    if controls > max(STRAY_CONTROLS, BINARY_NULS * min(len(text), SAMPLE_CHARS)):
        raise InputFileError(f"cannot read {name}: binary data, not a text file")
    return text


def _mostly_utf8(data: bytes) -> bool:
    """Tell whether the file's non-ASCII lines are mostly valid UTF-8 (a mixed file)."""
    lines = [line for line in data.split(b"\n") if not line.isascii()]
    good = sum(_is_utf8(line) for line in lines)
    return good > 0 and good >= len(lines) / 2


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_mixed(data: bytes) -> str:
    """Decode line by line: UTF-8 where it is valid, cp1252 (else Latin-1) elsewhere."""
    lines = []
    for line in data.removeprefix(codecs.BOM_UTF8).split(b"\n"):
        if _is_utf8(line):
            lines.append(line.decode("utf-8"))
        else:
            lines.append(line.decode("cp1252", errors="replace"))
    return "\n".join(lines)


def sniff_delimiter(text: str) -> str:
    """Return the delimiter among , ; tab | that splits the first lines most consistently."""
    sample = text[:SAMPLE_CHARS]
    if len(text) > SAMPLE_CHARS:
        sample = sample[: max(sample.rfind("\n"), sample.rfind("\r"), 0)]
    return max(DELIMITERS, key=lambda delimiter: _delimiter_score(sample, delimiter))


def _delimiter_score(sample: str, delimiter: str) -> tuple[bool, int, int]:
    try:
        rows = [row for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)]
    except csv.Error:
        return (False, 0, 0)
    widths = [len(row) for row in rows if any(cell.strip() for cell in row)][:50]
    if not widths:
        return (False, 0, 0)
    # Prefer a delimiter that splits rows at all, then one giving most rows the same width (a
    # title line above the header does not count against it), then the widest rows.
    width, count = Counter(widths).most_common(1)[0]
    return (width > 1, count, width)


def _decode_legacy(data: bytes) -> str:
    results = list(charset_normalizer.from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)))
    if results:
        least_chaos = min(result.chaos for result in results)
        # Small samples often fit several code pages equally well; Western European (cp1252)
        # is by far the most common, so it wins ties.
        if any(r.encoding == "cp1252" and r.chaos == least_chaos for r in results):
            return data.decode("cp1252")
        return str(results[0])
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin_1")


def _read_bytes(path: Path) -> bytes:
    """Return a regular file's bytes, refusing pipes, devices, folders and oversized files."""
    try:
        info = path.stat()
    except FileNotFoundError as error:
        raise InputFileError(f"cannot read {path.name}: no such file") from error
    except OSError as error:
        raise InputFileError(f"cannot read {path.name}: {error.strerror}") from error
    if stat.S_ISDIR(info.st_mode):
        raise InputFileError(f"cannot read {path.name}: is a directory")
    if not stat.S_ISREG(info.st_mode):
        # A named pipe would block forever, /dev/zero never end.
        raise InputFileError(f"cannot read {path.name}: not a regular file")
    if info.st_size > MAX_INPUT_BYTES:
        raise InputFileError(
            f"cannot read {path.name}: {info.st_size / 1e6:,.0f} MB is over the limit of "
            f"{MAX_INPUT_BYTES / 1e6:,.0f} MB"
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise InputFileError(f"cannot read {path.name}: {error.strerror}") from error
    if len(data) > MAX_INPUT_BYTES:
        raise InputFileError(f"cannot read {path.name}: over the size limit")
    return data


def _check_rows(rows: int, *, name: str) -> None:
    if rows > MAX_ROWS:
        raise InputFileError(f"cannot read {name}: {rows:,} rows is over the limit of {MAX_ROWS:,}")


def _check_unpacked(file: InputFile) -> None:
    """Refuse a workbook that unpacks to far more than workbooks do (a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(file.data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise InputFileError(f"cannot read {file.name}: not a valid Excel workbook") from error
    if unpacked > max(UNPACK_FLOOR, UNPACK_RATIO * len(file.data)):
        raise InputFileError(
            f"cannot read {file.name}: it unpacks to {unpacked / 1e6:,.0f} MB, over the limit"
        )


def _sheet_rows(sheet, *, name: str) -> list[tuple]:
    """Return a sheet's rows, trailing empty cells cut, within MAX_ROWS x MAX_COLUMNS."""
    rows, empty_run = [], 0
    for row in sheet.iter_rows(min_row=1, values_only=True):
        end = len(row)
        while end and row[end - 1] is None:
            end -= 1
        if end > MAX_COLUMNS:
            raise InputFileError(f"cannot read {name}: more than {MAX_COLUMNS:,} columns")
        empty_run = 0 if end else empty_run + 1
        if empty_run > EMPTY_ROWS_END:
            break  # formatted-but-empty rows to the sheet's end: the table is over
        rows.append(row[:end])
        _check_rows(len(rows), name=name)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _pick_sheet(sheets: Sequence) -> object:
    # A hidden sheet is not what the user sees in the workbook: visible sheets only.
    sheets = [s for s in sheets if getattr(s, "sheet_state", "visible") == "visible"] or sheets
    for sheet in sheets:
        rows = sheet.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, values_only=True)
        if any(_has_name_column(row) for row in rows):
            return sheet
    return sheets[0]


def _has_name_column(row: Sequence[object]) -> bool:
    return any(canonical_column(cell) == "name" for cell in row if isinstance(cell, str))


def _csv_grid(text: str, delimiter: str, *, name: str) -> pd.DataFrame:
    """Parse every record, blank ones included, numbered from 1 as a spreadsheet shows them."""
    try:
        grid = pd.read_csv(
            io.StringIO(text), sep=delimiter, header=None, dtype=object, na_filter=False,
            skip_blank_lines=False, engine="c",
        )  # fmt: skip
    except pd.errors.EmptyDataError as error:  # only blanks and stray control characters
        raise InputFileError(f"cannot read {name}: file has no rows") from error
    except pd.errors.ParserError as error:
        unclosed = re.search(r"EOF inside string starting at row (\d+)", str(error))
        if unclosed:
            # Everything after the open quote would become one cell: rows lost without a word.
            row = int(unclosed.group(1)) + 1
            raise InputFileError(
                f"cannot read {name}: broken CSV (the quoted cell opened on row {row} is never "
                "closed)"
            ) from error
        # The fast parser refuses rows longer than the first one; the csv module takes them all
        # so that they can be reported rather than lost.
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as error:
            raise InputFileError(f"cannot read {name}: broken CSV ({error})") from error
        grid = pd.DataFrame(_padded(rows), dtype=object)
    if grid.shape[1] > MAX_COLUMNS:
        raise InputFileError(f"cannot read {name}: more than {MAX_COLUMNS:,} columns")
    _check_rows(len(grid), name=name)
    grid.index = pd.RangeIndex(1, len(grid) + 1)
    return grid


def _padded(rows: list[Sequence]) -> list[Sequence]:
    width = max((len(row) for row in rows), default=0)
    if all(len(row) == width for row in rows):
        return rows
    return [[*row, *[None] * (width - len(row))] for row in rows]


def _table_from_grid(grid: pd.DataFrame, *, name: str) -> RawTable:
    """Find the header in a text grid; return the rows under it as a table of named columns."""
    grid = grid[grid.notna().any(axis=1)]  # blank rows are skipped but keep their numbers
    if grid.empty:
        raise InputFileError(f"cannot read {name}: file has no rows")
    start = _header_position(grid)
    warnings = ()
    if start:
        warnings = (f"skipped {start} row(s) above the header on row {grid.index[start]}",)
    cells = grid.iloc[start]
    width = int(np.flatnonzero(cells.notna().to_numpy())[-1]) + 1
    body = grid.iloc[start + 1 :]
    frame = body.iloc[:, :width].rename_axis("row")
    frame.columns = cells.iloc[:width].fillna("").tolist()
    # Trailing delimiters and formatted-but-empty spreadsheet columns give nameless, empty
    # columns that carry nothing.
    keep = [bool(h) or frame.iloc[:, i].notna().any() for i, h in enumerate(frame.columns)]
    return RawTable(frame.loc[:, keep], _overflow(body, width), warnings)


def _header_position(grid: pd.DataFrame) -> int:
    """Return the position of the first row naming a name column (title rows may precede it)."""
    for position in range(min(HEADER_SEARCH_ROWS, len(grid))):
        if _has_name_column(grid.iloc[position].dropna().tolist()):
            return position
    return 0


def _overflow(body: pd.DataFrame, width: int) -> pd.DataFrame:
    """Return a problem for each row with values beyond the header's last column."""
    extra = body.iloc[:, width:]
    problems = []
    for row, values in extra[extra.notna().any(axis=1)].iterrows():
        fields = width + int(np.flatnonzero(values.notna().to_numpy())[-1]) + 1
        reason = f"row has {fields} fields, the header has {width}"
        problems.append((row, "", ", ".join(values.dropna()), reason))
    return pd.DataFrame(problems, columns=PROBLEM_COLUMNS)


def _features(document: object, *, name: str) -> list:
    if isinstance(document, dict) and document.get("type") == "Feature":
        return [document]
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise InputFileError(f"cannot read {name}: not a GeoJSON FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise InputFileError(f"cannot read {name}: the FeatureCollection has no features")
    return features


def _point(feature: object) -> tuple[tuple[object, object], tuple[str, str] | None]:
    """Return ((lon, lat), problem) for one feature; problem is (value, reason) or None."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return (None, None), ("", "not a GeoJSON Feature")
    geometry = feature.get("geometry")
    if geometry is None:
        return (None, None), None
    kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
    if kind != "Point":
        return (None, None), (str(kind), f"geometry is a {kind}; only Point features are accepted")
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) < 2:
        return (None, None), (json.dumps(coordinates), "Point has no [lon, lat] coordinates")
    return (coordinates[0], coordinates[1]), None


def _as_text(frame: pd.DataFrame, *, typed: bool = True) -> pd.DataFrame:
    """Return every column as stripped text ("string" dtype), empty cells as NA."""
    columns = {}
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        if typed:
            values = values.map(cell_text)
        columns[position] = _blank_as_missing(_stripped(values.astype("string")))
    out = pd.DataFrame(columns, index=frame.index)
    out.columns = list(frame.columns)
    return out


def _stripped(text: pd.Series) -> pd.Series:
    """Return text.str.strip(), stripping only the cells whose first or last byte may be
    whitespace (ASCII space or control, or any non-ASCII byte): most columns have none, and
    the strip copied every column (30 columns of a million cells: 0.7 s, and as much again in
    fresh memory)."""
    array = pyarrow.array(text.array)
    if isinstance(array, pyarrow.ChunkedArray):
        array = array.combine_chunks()
    array = array.cast(pyarrow.large_string())
    offsets, raw = utf8_bytes(array)
    starts, ends = offsets[:-1], offsets[1:]
    filled = ends > starts
    first, last = raw[starts[filled]], raw[ends[filled] - 1]
    edges = np.zeros(len(array), dtype=bool)
    edges[filled] = (first <= 0x20) | (first >= 0x80) | (last <= 0x20) | (last >= 0x80)
    if not edges.any():
        return text
    trimmed = pc.utf8_trim_whitespace(array.filter(edges))
    result = pc.replace_with_mask(array, pyarrow.array(edges), trimmed)
    return pd.Series(pd.arrays.ArrowStringArray(result), index=text.index, name=text.name)


def _blank_as_missing(text: pd.Series) -> pd.Series:
    """Return stripped text with empty cells as missing (NA), in Arrow: the same as
    text.mask(text == ""), which took ~50 ms per column of a million cells (30 columns: 1.5 s)."""
    arrow = pyarrow.array(text.array)
    blank = pc.equal(arrow, "")
    if pc.any(blank).as_py():
        arrow = pc.if_else(blank, pyarrow.scalar(None, arrow.type), arrow)
    return pd.Series(pd.arrays.ArrowStringArray(arrow), index=text.index)


def _arrow_text(column: pyarrow.ChunkedArray, index: pd.Index) -> pd.Series:
    """Return a typed Arrow column as the text `cell_text` gives each cell, column at a time.

    Text, integers, booleans, dates and floats are cast by Arrow (whole floats print without
    ".0", as cell_text does), timestamps that are all at midnight become dates; other types
    (lists, structs, times of day) go cell by cell through cell_text.
    """
    kind = column.type
    if pyarrow.types.is_floating(kind):
        text = pc.cast(_float_text(column), pyarrow.large_string())
        return pd.Series(pd.arrays.ArrowStringArray(text), index=index)
    if pyarrow.types.is_timestamp(kind) and kind.tz is None:
        stamps = column.to_pandas()
        if (stamps.isna() | (stamps.dt.normalize() == stamps)).all():
            column = pyarrow.chunked_array([pyarrow.array(stamps.dt.date, type=pyarrow.date32())])
            kind = column.type
    simple = (pyarrow.types.is_string, pyarrow.types.is_large_string, pyarrow.types.is_integer,
              pyarrow.types.is_boolean, pyarrow.types.is_date)  # fmt: skip
    if any(test(kind) for test in simple):
        text = pc.cast(column, pyarrow.large_string())  # pandas' Arrow-backed "string" dtype
        return pd.Series(pd.arrays.ArrowStringArray(text), index=index)
    return pd.Series(column.to_pandas().map(cell_text).to_numpy(), index=index, dtype="string")


def _float_text(column: pyarrow.ChunkedArray) -> pyarrow.Array:
    """Return floats as cell_text writes them: whole numbers without ".0", NaN as missing (in
    Arrow, no Python string per cell)."""
    values = column.to_numpy().astype("float64")
    whole = np.isfinite(values) & (np.abs(values) < 1e15) & (np.floor(values) == values)
    digits = pc.cast(pyarrow.array(np.where(whole, values, 0).astype(np.int64)), pyarrow.string())
    text = pc.if_else(whole, digits, pc.cast(column.combine_chunks(), pyarrow.string()))
    return pc.if_else(np.isnan(values), pyarrow.scalar(None, pyarrow.string()), text)


def cell_text(value: object) -> str | None:
    """Return a typed cell (number, date, list...) as the text a user would type for it."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        whole = float(value).is_integer() and abs(value) < 1e15
        return str(int(value)) if whole else repr(float(value))
    if isinstance(value, datetime | pd.Timestamp):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | np.ndarray):
        return "; ".join(t for item in value if (t := cell_text(item)))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
