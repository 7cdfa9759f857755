"""Ingest a user's file: read -> match column aliases -> validate -> canonical records + rejects.

Command line::

    python -m data.ingest INPUT -o OUT.csv [--rejects REJECTS.csv]

prints `N rows read, A accepted, R rejected` (then the commonest reasons), writes the accepted
rows as canonical CSV and, if asked, one line per problem of every rejected row. It exits 0
when it ran, even with rejected rows, and 1 with a single `error: ...` line when the input
cannot be read at all.
"""

import argparse
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from data.columns import load_alias_lists, match_columns
from data.errors import AtlasError, InputFileError
from data.places import Geocoder
from data.readers import read_table
from data.schema import to_text_frame
from data.validation import validate

LOG = logging.getLogger(__name__)
# How many of the commonest reject reasons the command prints under its summary.
TOP_REASONS = 5
# Inputs larger than this (about 10,000 rows) get a progress bar on stderr.
LONG_INPUT_BYTES = 2_000_000


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


@dataclass(frozen=True)
class IngestOptions:
    """How records are placed: offline gazetteer (always), online fallback, NUTS file, cache."""

    online: bool = False
    nuts: Path | None = None
    cache_dir: Path | None = None


STAGES = ("read", "validate and geocode", "check countries", "assign regions", "done")
Progress = Callable[[str], None]


def ingest_file(
    path: Path, *, options: IngestOptions = IngestOptions(), progress: Progress | None = None
) -> IngestResult:
    """Read, validate, geocode and place one input file (CSV, XLSX, GeoJSON or Parquet)."""
    report = progress or (lambda stage: None)
    path = Path(path)
    report(STAGES[0])
    table = read_table(path)
    headers = list(table.frame.columns)
    match = match_columns(headers)
    frame = table.frame.set_axis(list(match.names), axis=1)
    if "name" not in frame.columns:
        raise InputFileError(f"cannot read {path.name}: {_missing_name_column(headers)}")
    report(STAGES[1])
    checked = validate(
        frame, locate=locate_countries, geocode=make_geocoder(options), problems=table.problems
    )
    records = place_records(checked.records, options=options, progress=report)
    report(STAGES[-1])
    return IngestResult(records, checked.rejects, len(frame), (*table.warnings, *match.warnings))


def place_records(
    records: pd.DataFrame,
    *,
    options: IngestOptions = IngestOptions(),
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Check points against their country, then fill admin-1 regions and NUTS-2 codes."""
    # Imported here: the app's shipped data needs none of this unless regions are missing.
    from mapping import placement

    report = progress or (lambda stage: None)
    report(STAGES[2])
    records = placement.note_geocoding(placement.check_in_country(records))
    report(STAGES[3])
    if len(records):
        records = placement.fill_regions(records, gazetteer=_gazetteer(options))
    if options.nuts is not None:
        records = placement.fill_nuts2(records, nuts_path=options.nuts)
    return records


def make_geocoder(options: IngestOptions) -> Geocoder:
    """Return the geocoder of rows without coordinates: gazetteer, then online if enabled."""

    def geocode(city: pd.Series, iso: pd.Series) -> pd.DataFrame:
        from mapping.gazetteer import geocode_frame

        found = geocode_frame(city, iso, gazetteer=_gazetteer(options))
        return _online_fallback(found, city, iso, options) if options.online else found

    return geocode


def _gazetteer(options: IngestOptions):
    from mapping.gazetteer import load_gazetteer

    return load_gazetteer(cache_dir=options.cache_dir)


def _online_fallback(
    found: pd.DataFrame, city: pd.Series, iso: pd.Series, options: IngestOptions
) -> pd.DataFrame:
    from mapping.gazetteer import assign_regions, default_cache_dir
    from mapping.online import OnlineGeocoder

    todo = found["geocode_quality"] == "unresolved"
    if not todo.any():
        return found
    online = OnlineGeocoder(cache_dir=options.cache_dir or default_cache_dir())
    located = online.geocode_frame(city[todo], iso[todo])
    hit = located.index[located["geocode_quality"] != "unresolved"]
    regions = assign_regions(located.loc[hit, "lat"], located.loc[hit, "lon"], iso[hit])
    found = found.copy()
    for column in ("lat", "lon", "geocode_quality", "geocode_note"):
        found.loc[todo, column] = located[column]
    found.loc[hit, ["region_code", "region_name"]] = regions.to_numpy()
    return found


def load_records(path: Path, *, options: IngestOptions = IngestOptions()) -> pd.DataFrame:
    """Return the accepted records of a file (index 0..n-1); raise InputFileError if none."""
    result = ingest_file(path, options=options)
    if result.accepted == 0:
        raise InputFileError(
            f"cannot load {Path(path).name}: no row was accepted ({result.summary()}; "
            f"run `python -m data.ingest {path} -o OUT.csv --rejects REJECTS.csv` for the reasons)"
        )
    if result.rejected:
        # The app shows only accepted rows: say how many were left out and how to see why.
        LOG.warning("%s: %s; run `python -m data.ingest %s -o OUT.csv --rejects REJECTS.csv` "
                    "for the reasons", Path(path).name, result.summary(), path)  # fmt: skip
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
    options = IngestOptions(online=args.online, nuts=args.nuts, cache_dir=args.cache_dir)
    try:
        with _progress_bar(args.input) as progress:
            result = ingest_file(args.input, options=options, progress=progress)
        _write_csv(to_text_frame(result.records), args.output)
        if args.rejects is not None:
            _write_csv(result.rejects, args.rejects)
    except AtlasError as error:
        print(f"error: {' '.join(str(error).split())}", file=sys.stderr)
        return 1
    print(result.summary())
    print(describe(result))
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def describe(result: IngestResult) -> str:
    """Return the report under the summary: placement quality, flags, top reject reasons."""
    records = result.records
    quality = records["geocode_quality"].value_counts().loc[lambda c: c > 0]
    flags = _flag_counts(records)
    lines = ["placed by (geocode_quality):"]
    lines += [f"  {count:>8,}  {name}" for name, count in quality.items()]
    lines += ["flags:"] + ([f"  {n:>8,}  {f}" for f, n in flags.items()] or ["         0  none"])
    reasons = reason_counts(result.rejects)
    if len(reasons):
        lines += ["top reasons for rejection:"]
        lines += [f"  {count:>8,}  {reason}" for reason, count in reasons.items()]
    return "\n".join(lines)


def _flag_counts(records: pd.DataFrame) -> pd.Series:
    if "flags" not in records:
        return pd.Series(dtype=int)
    return records["flags"].dropna().str.split("; ").explode().loc[lambda f: f != ""].value_counts()


@contextmanager
def _progress_bar(path: Path) -> Iterator[Progress]:
    """Yield a progress callback: a tqdm bar over the stages for long inputs, else silent."""
    long_input = Path(path).is_file() and Path(path).stat().st_size > LONG_INPUT_BYTES
    with tqdm(total=len(STAGES) - 1, disable=not long_input, file=sys.stderr,
              bar_format="{desc:<22} {bar:20} {n_fmt}/{total_fmt} [{elapsed}]") as bar:  # fmt: skip

        def advance(stage: str) -> None:
            if stage != STAGES[0]:
                bar.update(1)
            bar.set_description_str(stage)

        yield advance


def _parser() -> argparse.ArgumentParser:
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
