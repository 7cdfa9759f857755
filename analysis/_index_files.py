"""A data set's prepared filter indexes kept as files, so a restart or another worker maps them.

`prepare` builds the facets, number columns, coordinates and the word index from the records
(seconds per 100,000 records). They are plain arrays, kept in a folder next to the records:

- ``index.json``: the scalars and strings of every index (facet keys and labels, sizes);
- one ``.npy`` file per NumPy array, read back memory-mapped (read-only), so the processes of
  one machine share a single copy through the page cache;
- ``words.arrow``: the word index's distinct words (Arrow IPC, memory-mapped too).

The folder's name carries a digest of the code that builds the indexes (`index_digest`): a
changed builder finds no folder and builds anew; the stale folders are removed when it saves.
"""

import dataclasses
import hashlib
import json
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa

from analysis._facets import Facet
from analysis._search import SearchIndex

FORMAT = 1
PREFIX = "index-"
META = "index.json"
WORDS = "words.arrow"
ROOT = Path(__file__).resolve().parents[1]
# The code and data the indexes are built from: a change to any of them is a new folder.
SOURCES = (
    "analysis/_facets.py", "analysis/_search.py", "analysis/_index_files.py",
    "analysis/dataset.py", "analysis/params.py", "data/taxonomies.py", "data/text.py",
    "data/countries.py", "data/files/taxonomies.json",
)  # fmt: skip
PARTS = {"facets": Facet, "search": SearchIndex}


@lru_cache(maxsize=1)
def index_digest() -> str:
    """Return a short digest of the index format and of the code that builds the indexes."""
    digest = hashlib.sha256(f"format={FORMAT}".encode())
    for name in SOURCES:
        digest.update(name.encode() + (ROOT / name).read_bytes())
    return digest.hexdigest()[:16]


def index_folder(folder: Path) -> Path:
    """Return where the indexes of the records kept in `folder` live for this code."""
    return Path(folder) / f"{PREFIX}{index_digest()}"


def save_indexes(arrays: dict, folder: Path) -> None:
    """Write a data set's indexes (`prepare`'s fields but the records) under `folder`.

    Written to a temporary folder renamed into place, so a reader never sees half of it; a
    concurrent writer's copy (same code, same records) is as good, and stale folders of older
    code are removed. A failure to write (disk full, read-only) only costs the next start time.
    """
    target = index_folder(folder)
    if target.is_dir():
        return
    try:
        partial = Path(tempfile.mkdtemp(prefix=".partial-index-", dir=folder))
        meta = {name: _write(value, partial, name) for name, value in arrays.items()}
        (partial / META).write_text(json.dumps(meta), encoding="utf-8")
        try:
            partial.rename(target)
        except OSError:  # another process saved the same indexes first
            shutil.rmtree(partial, ignore_errors=True)
        for stale in Path(folder).glob(f"{PREFIX}*"):
            if stale != target:
                shutil.rmtree(stale, ignore_errors=True)
    except OSError:
        return


def load_indexes(folder: Path, *, size: int) -> dict | None:
    """Return the indexes kept under `folder` for `size` records, memory-mapped; None if absent
    or unreadable (then the caller builds them)."""
    source = index_folder(folder)
    try:
        meta = json.loads((source / META).read_text(encoding="utf-8"))
        arrays = {name: _read(value, source) for name, value in meta.items()}
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
        return None
    return arrays if len(arrays["lat"]) == size else None


def _write(value: object, folder: Path, name: str) -> object:
    """Write `value` (array, Arrow array, index dataclass or dict of them); return its entry."""
    if isinstance(value, np.ndarray):
        np.save(folder / f"{name}.npy", np.ascontiguousarray(value), allow_pickle=False)
        return {"npy": f"{name}.npy"}
    if isinstance(value, pa.Array):
        table = pa.table({"words": value})
        with (
            pa.OSFile(str(folder / f"{name}.arrow"), "wb") as sink,
            pa.ipc.new_file(sink, table.schema) as writer,
        ):
            writer.write_table(table)
        return {"arrow": f"{name}.arrow"}
    if isinstance(value, dict):
        return {"dict": {key: _write(item, folder, f"{name}.{key}") for key, item in value.items()}}
    if dataclasses.is_dataclass(value):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        kind = next(k for k, cls in PARTS.items() if isinstance(value, cls))
        return {kind: {key: _write(item, folder, f"{name}.{key}") for key, item in fields.items()}}
    return {"value": list(value) if isinstance(value, tuple) else value}


def _read(entry: dict, folder: Path) -> object:
    """Return what `_write` wrote for `entry`."""
    ((kind, value),) = entry.items()
    if kind == "npy":
        return np.load(folder / value, mmap_mode="r", allow_pickle=False)
    if kind == "arrow":
        table = pa.ipc.open_file(pa.memory_map(str(folder / value))).read_all()
        return table.column(0).combine_chunks()
    if kind == "value":
        return tuple(value) if isinstance(value, list) else value
    if kind == "dict":
        return {key: _read(item, folder) for key, item in value.items()}
    fields = {key: _read(item, folder) for key, item in value.items()}
    return PARTS[kind](**fields)
