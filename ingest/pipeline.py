"""Ingest a user's file: read and validate (data/), then geocode and place the rows (mapping/).

This package sits above data/ and mapping/: data/ never imports mapping/, so the geocoder and
the country locator are built here and injected into data.ingest.read_records.
"""

import hashlib
import logging
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from data import datasets
from data.datasets import Limits
from data.errors import InputFileError
from data.ingest import STAGES, IngestResult, Progress, read_records, report_facts
from data.places import Geocoder
from data.readers import InputFile
from mapping import placement
from mapping.boundaries import country_at
from mapping.gazetteer import Gazetteer, assign_regions, geocode_frame, load_gazetteer
from mapping.online import OnlineGeocoder

LOG = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
# What the result of an ingest depends on besides its input: its code and the shipped data.
INGEST_SOURCES = (("data", "*.py"), ("mapping", "*.py"), ("ingest", "*.py"), ("data/files", "**/*"))
PREPARED_FOLDER = "prepared"


@dataclass(frozen=True)
class IngestOptions:
    """How records are placed: offline gazetteer (always), online fallback, NUTS file, cache.

    `cache_dir` comes from settings.Settings.cache_dir. Without one (None) the gazetteer index
    is built in memory on first use, and online geocoding is refused: Nominatim's usage policy
    asks for its answers to be cached.
    """

    online: bool = False
    nuts: Path | None = None
    cache_dir: Path | None = None

    def __post_init__(self) -> None:
        if self.online and self.cache_dir is None:
            raise ValueError("online geocoding needs a cache folder (cache_dir)")


def ingest_file(
    source: Path | InputFile,
    *,
    options: IngestOptions = IngestOptions(),
    progress: Progress | None = None,
) -> IngestResult:
    """Read, validate, geocode and place one input file (CSV, XLSX, GeoJSON or Parquet).

    `source` is a path (the command line, the app's --data) or an uploaded file's name and bytes.
    """
    report = progress or (lambda stage: None)
    source = source if isinstance(source, InputFile) else Path(source)
    result = read_records(
        source, locate=locate_countries, geocode=make_geocoder(options), progress=report
    )
    records = place_records(result.records, options=options, progress=report)
    report(STAGES[-1])
    return replace(result, records=records)


def place_records(
    records: pd.DataFrame,
    *,
    options: IngestOptions = IngestOptions(),
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Check points against their country and city, then fill admin-1 and NUTS-2 regions."""
    report = progress or (lambda stage: None)
    report(STAGES[2])
    records = placement.check_in_country(records)
    # Only given points with a city, and rows without a region, need the gazetteer.
    if placement.cities_to_check(records).any():
        records = placement.check_near_city(records, gazetteer=_gazetteer(options))
    records = placement.note_geocoding(records)
    report(STAGES[3])
    if placement.missing_regions(records).any():
        records = placement.fill_regions(records, gazetteer=_gazetteer(options))
    if options.nuts is not None:
        records = placement.fill_nuts2(records, nuts_path=options.nuts)
    return records


def make_geocoder(options: IngestOptions) -> Geocoder:
    """Return the geocoder of rows without coordinates: gazetteer, then online if enabled."""

    def geocode(city: pd.Series, iso: pd.Series) -> pd.DataFrame:
        gazetteer = _gazetteer(options)
        found = geocode_frame(city, iso, gazetteer=gazetteer)
        if not options.online:
            return found
        return _online_fallback(found, city, iso, gazetteer=gazetteer, options=options)

    return geocode


def _gazetteer(options: IngestOptions) -> Gazetteer:
    # Loaded on first use only: files that give every point and region never pay for it.
    return load_gazetteer(cache_dir=options.cache_dir)


def _online_fallback(
    found: pd.DataFrame,
    city: pd.Series,
    iso: pd.Series,
    *,
    gazetteer: Gazetteer,
    options: IngestOptions,
) -> pd.DataFrame:
    todo = found["geocode_quality"] == "unresolved"
    if not todo.any():
        return found
    online = OnlineGeocoder(cache_dir=options.cache_dir)
    located = online.geocode_frame(city[todo], iso[todo])
    hit = located.index[located["geocode_quality"] != "unresolved"]
    regions = assign_regions(
        located.loc[hit, "lat"], located.loc[hit, "lon"], iso[hit], gazetteer=gazetteer
    )
    found = found.copy()
    for column in ("lat", "lon", "geocode_quality", "geocode_note"):
        found.loc[todo, column] = located[column]
    found.loc[hit, ["region_code", "region_name"]] = regions.to_numpy()
    return found


def load_checked(path: Path, *, options: IngestOptions = IngestOptions()) -> IngestResult:
    """Ingest the file the app serves; raise InputFileError when no row was accepted."""
    result = ingest_file(path, options=options)
    if result.accepted == 0:
        raise InputFileError(
            f"cannot load {Path(path).name}: no row was accepted ({result.summary()}; "
            f"run `python -m data.ingest {path} -o OUT.csv --rejects REJECTS.csv` for the reasons)"
        )
    warn_left_out(path, result)
    return replace(result, records=result.records.reset_index(drop=True))


def warn_left_out(path: Path, result: IngestResult) -> None:
    """Log how many rows the app leaves out and how to see why (it shows accepted rows only)."""
    if result.rejected:
        LOG.warning("%s: %s; run `python -m data.ingest %s -o OUT.csv --rejects REJECTS.csv` "
                    "for the reasons", Path(path).name, result.summary(), path)  # fmt: skip


def load_prepared(
    path: Path, *, options: IngestOptions, cache_dir: Path
) -> tuple[IngestResult, Path | None]:
    """Return the ingest of the file the app serves, from the prepared-data cache when it holds
    this input under this code; else ingest it (load_checked) and keep the result there. The
    second value is the cache entry's folder (where analysis keeps the records' indexes too),
    None when the result could not be kept.

    The cache entry's key (data.datasets) is derived from the input's bytes, the placement
    options and a digest of the code and data files that ingest reads (`code_digest`): a
    changed file, option or ingest code is a new entry, never a stale answer. Entries are kept
    as uploads are (records as Parquet, report, rejects) and pruned with the same limits.
    """
    root = Path(cache_dir) / PREPARED_FOLDER
    key = prepared_key(Path(path), options)
    if datasets.has_records(root, key):
        facts = datasets.load_report(root, key)
        result = IngestResult(
            datasets.load_records(root, key),
            datasets.load_rejects(root, key),
            facts["rows_read"],
            warnings=tuple(facts["warnings"]),
            unrecognised=tuple(facts["unrecognised"]),
            recognised=tuple(tuple(pair) for pair in facts["recognised"]),
        )
        warn_left_out(path, result)
        return result, datasets.folder(root, key)
    result = load_checked(path, options=options)
    datasets.save(root, key, records=result.records, rejects=result.rejects,
                  report=report_facts(result))  # fmt: skip
    datasets.prune(root, Limits(), keep=key)
    return result, datasets.folder(root, key) if datasets.has_records(root, key) else None


def prepared_key(path: Path, options: IngestOptions) -> str:
    """Return the cache key of an input: its bytes, the placement options, the ingest code."""
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError as error:
        raise InputFileError(f"cannot read {Path(path).name}: {error.strerror}") from error
    nuts = prepared_key(options.nuts, IngestOptions()) if options.nuts else ""
    digest.update(f"|online={options.online}|nuts={nuts}|code={code_digest()}".encode())
    return datasets.content_key(digest.hexdigest().encode())


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Return a digest of every file ingest reads or runs: data/, mapping/ and ingest/ code and
    the shipped data files (a few MB, hashed once per process)."""
    digest = hashlib.sha256()
    for folder, pattern in INGEST_SOURCES:
        for path in sorted((ROOT / folder).glob(pattern)):
            if path.is_file():
                digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def load_records(path: Path, *, options: IngestOptions = IngestOptions()) -> pd.DataFrame:
    """Return the accepted records of a file (index 0..n-1); raise InputFileError if none."""
    return load_checked(path, options=options).records


def locate_countries(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return the ISO2 code of the country at each point (None outside every country)."""
    # The boundaries load on the first call (lru_cache in mapping.boundaries), so files giving
    # every country never pay for them.
    return country_at(lon, lat)
