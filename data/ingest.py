"""Ingest a user's file: read -> match column aliases -> validate -> canonical records + rejects.

Command line::

    python -m data.ingest INPUT -o OUT.csv [--rejects REJECTS.csv]

prints `N rows read, A accepted, R rejected` (then the commonest reasons), writes the accepted
rows as canonical CSV and, if asked, one line per problem of every rejected row. It exits 0
when it ran, even with rejected rows, and 1 with a single `error: ...` line when the input
cannot be read at all.
"""

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from data.columns import load_alias_lists, match_columns
from data.errors import AtlasError, InputFileError
from data.readers import read_table
from data.schema import to_text_frame
from data.validation import validate

# How many of the commonest reject reasons the command prints under its summary.
TOP_REASONS = 5


@dataclass(frozen=True)
class IngestResult:
    """Accepted canonical records, the rejects table, rows read and warnings about the file."""

    records: pd.DataFrame
    rejects: pd.DataFrame
    rows_read: int
    warnings: tuple[str, ...] = ()

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


def ingest_file(path: Path) -> IngestResult:
    """Read and validate one input file (CSV, XLSX, GeoJSON or Parquet)."""
    path = Path(path)
    table = read_table(path)
    headers = list(table.frame.columns)
    match = match_columns(headers)
    frame = table.frame.set_axis(list(match.names), axis=1)
    if "name" not in frame.columns:
        raise InputFileError(f"cannot read {path.name}: {_missing_name_column(headers)}")
    checked = validate(frame, locate=locate_countries, problems=table.problems)
    return IngestResult(
        checked.records, checked.rejects, len(frame), (*table.warnings, *match.warnings)
    )


def load_records(path: Path) -> pd.DataFrame:
    """Return the accepted records of a file (index 0..n-1); raise InputFileError if none."""
    result = ingest_file(path)
    if result.accepted == 0:
        raise InputFileError(
            f"cannot load {Path(path).name}: no row was accepted ({result.summary()}; "
            f"run `python -m data.ingest {path} -o OUT.csv --rejects REJECTS.csv` for the reasons)"
        )
    return result.records.reset_index(drop=True)


def locate_countries(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return the ISO2 code of the country at each point (None outside every country)."""
    # Imported here because loading the boundaries costs time that files giving every
    # country never need to pay.
    from mapping.boundaries import country_at

    return country_at(lon, lat)


def reason_counts(rejects: pd.DataFrame, *, top: int = TOP_REASONS) -> pd.Series:
    """Count reject reasons, with quoted values and row numbers blanked so alike ones group."""
    kinds = rejects["reason"].str.replace(r'"[^"]*"', '"…"', regex=True)
    kinds = kinds.str.replace(r"\brow \d+", "row N", regex=True)
    return kinds.value_counts().head(top)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        result = ingest_file(args.input)
        _write_csv(to_text_frame(result.records), args.output)
        if args.rejects is not None:
            _write_csv(result.rejects, args.rejects)
    except AtlasError as error:
        print(f"error: {' '.join(str(error).split())}", file=sys.stderr)
        return 1
    print(result.summary())
    for reason, count in reason_counts(result.rejects).items():
        print(f"  {count:>6} × {reason}")
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m data.ingest",
        description="Validate a file of cluster organisations into the canonical CSV.",
    )
    parser.add_argument("input", type=Path, help="CSV/TSV/TXT, XLSX, GeoJSON or Parquet file")
    parser.add_argument("-o", "--output", type=Path, required=True, help="canonical CSV to write")
    parser.add_argument("--rejects", type=Path, help="CSV of rejected rows with their reasons")
    return parser


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    try:
        frame.to_csv(path, index=False, encoding="utf-8")
    except OSError as error:
        raise AtlasError(f"cannot write {path}: {error.strerror}") from error


def _missing_name_column(headers: Sequence[str]) -> str:
    expected = ", ".join(f'"{alias}"' for alias in load_alias_lists()["name"][:4])
    found = ", ".join(f'"{header}"' for header in headers[:8]) or "none"
    return f"no column for the cluster name (found {found}; expected one such as {expected})"


if __name__ == "__main__":
    sys.exit(main())
