"""Ingest a user's file: read -> match column aliases -> validate -> canonical records + rejects.

This module holds the data/ side of ingesting: reading and validating (with the geocoder and
country locator injected), the result and its report, and the command's arguments and output.
Geocoding and placement need mapping/, so ingest.pipeline puts the steps together and
ingest.cli runs the command. Command line::

    python -m data.ingest INPUT -o OUT.csv [--rejects REJECTS.csv]

prints `N rows read, A accepted, R rejected` (then the columns it did not recognise, how rows
were placed and the commonest reasons), writes the accepted rows as canonical CSV and, if asked,
one line per problem of every rejected row. Both files get the formula guard of the app's CSV
downloads (data.exports): their cells come from the user's file. It exits 0 when it ran, even
with rejected rows, and 1 with a single `error: ...` line when the input cannot be read at all.
"""

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from data.checks import add_finding
from data.columns import load_alias_lists, match_columns
from data.errors import AtlasError, InputFileError
from data.exports import CHUNK_ROWS, neutralise_table
from data.places import Geocoder
from data.readers import InputFile, read_table
from data.schema import CANONICAL_COLUMNS, to_text_frame
from data.validation import Locator, validate

# How many of the commonest reject reasons the command prints under its summary.
TOP_REASONS = 5
# Inputs larger than this (about 10,000 rows) get a progress bar on stderr.
LONG_INPUT_BYTES = 2_000_000
# The report names at most this many unrecognised columns, each cut to this many characters:
# a file of hundreds of unknown columns, or one with a whole paragraph as a header, still gives
# one readable line.
LISTED_COLUMNS = 20
LISTED_CHARS = 60


@dataclass(frozen=True)
class IngestResult:
    """Accepted canonical records, the rejects table, rows read and warnings about the file.

    `recognised` pairs each header that names a canonical column with that column;
    `unrecognised` lists the headers that name none (kept as extra fields).
    """

    records: pd.DataFrame
    rejects: pd.DataFrame
    rows_read: int
    warnings: tuple[str, ...] = ()
    unrecognised: tuple[str, ...] = ()
    recognised: tuple[tuple[str, str], ...] = ()

    @property
    def accepted(self) -> int:
        """Return how many rows were accepted."""
        return len(self.records)

    @property
    def rejected(self) -> int:
        """Return how many rows were rejected (a row with several problems counts once)."""
        return int(self.rejects["row"].nunique())

    def summary(self) -> str:
        """Return the one-line summary `N rows read, A accepted, R rejected`."""
        return f"{self.rows_read} rows read, {self.accepted} accepted, {self.rejected} rejected"


STAGES = ("read", "validate and geocode", "check countries", "assign regions", "done")
Progress = Callable[[str], None]


def read_records(
    source: Path | InputFile,
    *,
    locate: Locator | None = None,
    geocode: Geocoder | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Read a file (a path or an uploaded file's bytes), match its column aliases and validate
    its rows (not yet placed).

    Parameters: `locate` and `geocode` are handed to data.validation.validate (the country of
    points given without one; coordinates of rows given a city and a country); `progress` is
    told each stage. Returns accepted records before the placement checks of ingest.pipeline.
    """
    report = progress or (lambda stage: None)
    report(STAGES[0])
    table = read_table(source)
    headers = list(table.frame.columns)
    match = match_columns(headers)
    frame = table.frame.set_axis(list(match.names), axis=1)
    if "name" not in frame.columns:
        name = source.name if isinstance(source, InputFile) else Path(source).name
        raise InputFileError(f"cannot read {name}: {_missing_name_column(headers)}")
    report(STAGES[1])
    checked = validate(frame, locate=locate, geocode=geocode, problems=table.problems)
    records = flag_cleaned(
        checked.records, table.cleaned, names=dict(zip(headers, match.names, strict=True))
    )
    return IngestResult(
        records,
        checked.rejects,
        len(frame),
        warnings=(*table.warnings, *match.warnings),
        unrecognised=match.unrecognised,
        recognised=tuple(
            (str(header), column)
            for header, column in zip(headers, match.names, strict=True)
            if column in CANONICAL_COLUMNS
        ),
    )


CLEANED_FLAG = "control-characters-removed"


def flag_cleaned(
    records: pd.DataFrame, cleaned: pd.DataFrame, *, names: dict[str, str]
) -> pd.DataFrame:
    """Flag the accepted rows whose cells lost control characters, naming those columns."""
    if cleaned.empty:
        return records
    columns = cleaned["column"].map(lambda header: names.get(header, header))
    by_row = columns.groupby(cleaned["row"].to_numpy()).agg(lambda c: ", ".join(dict.fromkeys(c)))
    notes = ("control characters removed from " + by_row).reindex(records.index)
    records = records.copy()
    add_finding(records, notes.notna(), CLEANED_FLAG, notes)
    return records


def reason_counts(rejects: pd.DataFrame, *, top: int = TOP_REASONS) -> pd.Series:
    """Count reject reasons, with quoted values and row numbers blanked so alike ones group."""
    kinds = rejects["reason"].str.replace(r'"[^"]*"', '"…"', regex=True)
    kinds = kinds.str.replace(r"\brow \d+", "row N", regex=True)
    return kinds.value_counts().head(top)


ERROR_CHARS = 300


def print_report(result: IngestResult) -> None:
    """Print the summary and the report to stdout, then the file's warnings to stderr."""
    print(result.summary())
    print(describe(result))
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)


def print_error(error: AtlasError) -> None:
    """Print an error as the command's one `error: ...` line on stderr."""
    print(f"error: {one_line(str(error))}", file=sys.stderr)


def one_line(message: str, *, limit: int = ERROR_CHARS) -> str:
    """Return a message on one line, cut to `limit` characters (a value may be megabytes)."""
    text = " ".join(message.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def write_outputs(result: IngestResult, *, output: Path, rejects: Path | None) -> None:
    """Write the accepted records as canonical CSV and, if asked, the rejects CSV (guarded)."""
    _write_csv(to_text_frame(result.records), output)
    if rejects is not None:
        _write_csv(result.rejects, rejects)


def report_facts(result: IngestResult) -> dict:
    """Return what the command and the page report of an ingest, as plain data (JSON-ready).

    Keys: summary, rows_read, accepted, rejected, recognised ([header, column] pairs),
    unrecognised, placed_by and flags ({name: rows}), reasons ({reason: rows}, the commonest
    TOP_REASONS), warnings.
    """
    records = result.records
    quality = records["geocode_quality"].value_counts().loc[lambda c: c > 0]
    return {
        "summary": result.summary(),
        "rows_read": result.rows_read,
        "accepted": result.accepted,
        "rejected": result.rejected,
        "recognised": [list(pair) for pair in result.recognised],
        "unrecognised": list(result.unrecognised),
        "placed_by": {str(name): int(n) for name, n in quality.items()},
        "flags": {str(name): int(n) for name, n in _flag_counts(records).items()},
        "reasons": {str(name): int(n) for name, n in reason_counts(result.rejects).items()},
        "warnings": list(result.warnings),
    }


def describe(result: IngestResult) -> str:
    """Return the report under the summary: unknown columns, placement, flags, reject reasons."""
    facts = report_facts(result)
    # Unknown columns come first: a column that was not recognised explains many rejects.
    lines = [line] if (line := unrecognised_line(facts["unrecognised"])) else []
    lines += ["placed by (geocode_quality):"]
    lines += [f"  {count:>8,}  {name}" for name, count in facts["placed_by"].items()]
    flags = [f"  {n:>8,}  {f}" for f, n in facts["flags"].items()] or ["         0  none"]
    lines += ["flags:", *flags]
    if facts["reasons"]:
        lines += ["top reasons for rejection:"]
        lines += [f"  {count:>8,}  {reason}" for reason, count in facts["reasons"].items()]
    return "\n".join(lines)


def unrecognised_line(headers: Sequence[str]) -> str:
    """Return the report line naming the columns no alias matched ("" when there are none)."""
    if not headers:
        return ""
    shown = ", ".join(f'"{_printable(header)}"' for header in headers[:LISTED_COLUMNS])
    if len(headers) > LISTED_COLUMNS:
        shown += f" and {len(headers) - LISTED_COLUMNS} more"
    return f"columns not recognised (kept as extra fields): {shown}"


def _printable(header: str) -> str:
    # Headers come from the user's file: control characters (line breaks, terminal escapes,
    # right-to-left overrides) would garble the one-line report.
    text = " ".join("".join(c if c.isprintable() else " " for c in header).split())
    return text if len(text) <= LISTED_CHARS else text[: LISTED_CHARS - 1] + "…"


def _flag_counts(records: pd.DataFrame) -> pd.Series:
    if "flags" not in records:
        return pd.Series(dtype=int)
    return records["flags"].dropna().str.split("; ").explode().loc[lambda f: f != ""].value_counts()


@contextmanager
def progress_bar(path: Path) -> Iterator[Progress]:
    """Yield a progress callback: a tqdm bar over the stages for long inputs, else silent."""
    long_input = Path(path).is_file() and Path(path).stat().st_size > LONG_INPUT_BYTES
    with tqdm(total=len(STAGES) - 1, disable=not long_input, file=sys.stderr,
              bar_format="{desc:<22} {bar:20} {n_fmt}/{total_fmt} [{elapsed}]") as bar:  # fmt: skip

        def advance(stage: str) -> None:
            if stage != STAGES[0]:
                bar.update(1)
            bar.set_description_str(stage)

        yield advance


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the ingest command's arguments."""
    parser = argparse.ArgumentParser(
        prog="python -m data.ingest",
        description="Validate, geocode (offline) and place a file of cluster organisations.",
    )
    parser.add_argument("input", type=Path, help="CSV/TSV/TXT, XLSX, GeoJSON or Parquet file")
    parser.add_argument("-o", "--output", type=Path, required=True, help="canonical CSV to write")
    parser.add_argument("--rejects", type=Path, help="CSV of rejected rows with their reasons")
    parser.add_argument("--nuts", type=Path, help="NUTS GeoJSON (Nuts2json) to assign nuts2")
    parser.add_argument(
        "--online", action="store_true",
        help="look up places the offline gazetteer cannot find on OpenStreetMap Nominatim "
        "(1 request/s, cached; sends city and country names over the internet)",
    )  # fmt: skip
    parser.add_argument(
        "--cache-dir", type=Path,
        help="cache folder (default: $CLUSTER_ATLAS_CACHE or ~/.cache/cluster-atlas)",
    )  # fmt: skip
    return parser


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    # Cells and unknown headers come from the user's file, and both files are meant to be
    # opened in a spreadsheet: guard them as the app's downloads are, a chunk at a time so that
    # a big file is never copied whole once more.
    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            for start in range(0, max(len(frame), 1), CHUNK_ROWS):
                chunk = neutralise_table(frame.iloc[start : start + CHUNK_ROWS])
                chunk.to_csv(handle, index=False, header=start == 0)
    except OSError as error:
        raise AtlasError(f"cannot write {path}: {error.strerror}") from error


def _missing_name_column(headers: Sequence[str]) -> str:
    expected = ", ".join(f'"{alias}"' for alias in load_alias_lists()["name"][:4])
    found = ", ".join(f'"{_printable(header)}"' for header in headers[:8]) or "none"
    return f"no column for the cluster name (found {found}; expected one such as {expected})"


if __name__ == "__main__":
    # The command geocodes and places rows, which is mapping/'s work, so it lives in
    # ingest/cli.py above data/ and mapping/; imported only here, so that importing this
    # module never loads mapping/.
    from ingest.cli import main

    sys.exit(main())
