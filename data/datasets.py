"""Uploaded data sets kept as files, so that a link to one works anywhere and after a restart.

Each data set is a folder of the data folder (settings: `data_dir`), named by its key: the first
20 hex digits of the SHA-256 of the uploaded bytes, so the same file uploaded twice, by anyone,
on any worker, is one data set. The folder holds

- ``records.arrow``: the accepted canonical records (typed: lists, dates, categories) as an
  uncompressed Arrow IPC file, absent when no row was accepted. It is read memory-mapped: the
  text columns stay in the page cache, one copy shared by every process of the machine
  (a million records read in well under a second; on disk about 14 times their Parquet size);
- ``report.json``: the ingest report (data.ingest.report_facts) plus the file's name, its size and
  when it was uploaded;
- ``rejects.parquet``: every problem of every rejected row (row, name, column, value, reason),
  as read; the CSV download guards it like every CSV the app writes.

A folder appears whole or not at all (written under a temporary name, then renamed), so another
worker never reads half a data set. Keys are checked against `KEY` before any path is built:
nothing that comes from a URL or a file name can name a path outside the data folder.
Housekeeping (`prune`) removes data sets not opened for `max_age_days`, then the least recently
opened ones until the folder holds at most `max_total_mb`.
"""

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq

from data.errors import AtlasError
from data.schema import records_from_arrow, records_to_arrow

KEY = re.compile(r"^[0-9a-f]{20}$")
RECORDS, REPORT, REJECTS = "records.arrow", "report.json", "rejects.parquet"
# Where data sets kept before the records were memory-mapped hold them (still read).
PARQUET_RECORDS = "records.parquet"
# A folder being written; never read, removed by prune when left over from a crash.
PARTIAL_PREFIX = ".partial-"
SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class Limits:
    """How long and how much the data folder keeps (settings: dataset_days, datasets_mb)."""

    max_age_days: int = 30
    max_total_mb: int = 2_048


def content_key(data: bytes) -> str:
    """Return the key of a data set uploaded as `data` (its content, not its name)."""
    return hashlib.sha256(data).hexdigest()[:20]


def is_key(key: object) -> bool:
    """Tell whether `key` has the form of a data set key (and so is safe in a path)."""
    return isinstance(key, str) and KEY.fullmatch(key) is not None


def folder(root: Path, key: str) -> Path:
    """Return the folder of data set `key`; ValueError for anything that is not a key."""
    if not is_key(key):
        raise ValueError(f"not a data set key: {key!r}")
    return Path(root) / key


def exists(root: Path, key: str) -> bool:
    """Tell whether data set `key` is kept in `root`."""
    return is_key(key) and (folder(root, key) / REPORT).is_file()


def save(
    root: Path, key: str, *, records: pd.DataFrame, rejects: pd.DataFrame, report: dict
) -> None:
    """Write a data set's files under `root/key`, atomically; keep an existing one as it is."""
    target = folder(root, key)
    if exists(root, key):
        return
    try:
        Path(root).mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=root))
        if len(records):  # a file of which no row was accepted keeps its report and rejects
            write_records(records, partial / RECORDS)
        rejects.reset_index(drop=True).to_parquet(partial / REJECTS, index=False)
        (partial / REPORT).write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
        try:
            partial.rename(target)
        except OSError:  # another worker saved the same upload first: theirs is kept
            shutil.rmtree(partial, ignore_errors=True)
    except OSError as error:
        raise AtlasError(f"cannot keep the data set in {root}: {error.strerror}") from error


def write_records(records: pd.DataFrame, path: Path) -> None:
    """Write canonical records as the uncompressed Arrow file `load_records` maps.

    Never over a file some process may have mapped (it would crash reading it): write a new
    file and rename it into place, as `save` does with the whole folder.
    """
    feather.write_feather(records_to_arrow(records), path, compression="uncompressed")


def has_records(root: Path, key: str) -> bool:
    """Tell whether data set `key` is kept with records to show (some row was accepted)."""
    return is_key(key) and any((folder(root, key) / name).is_file()
                               for name in (RECORDS, PARQUET_RECORDS))  # fmt: skip


def load_records(root: Path, key: str) -> pd.DataFrame:
    """Return the canonical records of data set `key` (typed as ingest returns them)."""
    path = folder(root, key) / RECORDS
    if path.is_file():
        table = pa.ipc.open_file(pa.memory_map(str(path))).read_all()
    else:
        table = pq.read_table(path.with_name(PARQUET_RECORDS))
    records = records_from_arrow(table)
    touch(root, key)
    return records


def load_report(root: Path, key: str) -> dict:
    """Return the report of data set `key`."""
    return json.loads((folder(root, key) / REPORT).read_text(encoding="utf-8"))


def load_rejects(root: Path, key: str, *, limit: int | None = None) -> pd.DataFrame:
    """Return data set `key`'s problem lines (row, name, column, value, reason); the first
    `limit` only when given (read a batch at a time: a page shows a few of a million)."""
    path = folder(root, key) / REJECTS
    if limit is None:
        return pd.read_parquet(path)
    batches = pq.ParquetFile(path).iter_batches(batch_size=max(limit, 1))
    first = next(batches, None)
    return pd.read_parquet(path).head(0) if first is None else first.to_pandas().head(limit)


def touch(root: Path, key: str) -> None:
    """Mark data set `key` as opened now (its age for housekeeping counts from here)."""
    with contextlib.suppress(OSError):  # removed meanwhile: the next look-up says so
        os.utime(folder(root, key) / REPORT)


def remove(root: Path, key: str) -> bool:
    """Delete data set `key`'s folder; return whether there was one."""
    target = folder(root, key)
    if not target.is_dir():
        return False
    # Renamed first, so that no reader sees a half-deleted folder.
    doomed = target.with_name(f"{PARTIAL_PREFIX}{key}-{time.time_ns()}")
    try:
        target.rename(doomed)
    except OSError:
        return False
    shutil.rmtree(doomed, ignore_errors=True)
    return True


def _remove_left_over(partial: Path, *, now: float) -> None:
    """Remove a data set folder being written for over a day (left over from a crash)."""
    with contextlib.suppress(FileNotFoundError):  # renamed into place meanwhile
        if now - partial.stat().st_mtime > SECONDS_PER_DAY:
            shutil.rmtree(partial, ignore_errors=True)


def _opened_and_size(folder: Path) -> tuple[float, int] | None:
    """Return when a data set was last opened and its size; None if it went meanwhile (another
    upload or worker pruned it)."""
    try:
        opened = (folder / REPORT).stat().st_mtime
        return opened, sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
    except FileNotFoundError:
        return None


def prune(
    root: Path, limits: Limits, *, keep: str | None = None, now: float | None = None
) -> list[str]:
    """Remove data sets past the age limit, then the least recently opened over the size limit.

    `keep` (the data set just uploaded) is never removed. Returns the keys removed.
    """
    root, now = Path(root), time.time() if now is None else now
    if not root.is_dir():
        return []
    kept: list[tuple[float, int, str]] = []
    removed = []
    for entry in root.iterdir():
        if entry.name.startswith(PARTIAL_PREFIX):
            _remove_left_over(entry, now=now)
            continue
        if not exists(root, entry.name) or (found := _opened_and_size(entry)) is None:
            continue
        opened, size = found
        if entry.name != keep and now - opened > limits.max_age_days * SECONDS_PER_DAY:
            removed += [entry.name] if remove(root, entry.name) else []
            continue
        kept.append((opened, size, entry.name))
    total = sum(size for _, size, _ in kept)
    for _, size, key in sorted(kept):  # oldest opened first
        if total <= limits.max_total_mb * 1_000_000:
            break
        if key != keep and remove(root, key):
            removed.append(key)
            total -= size
    return removed
