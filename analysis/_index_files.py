"""A data set's prepared indexes kept as files, so a restart or another worker maps them.

`prepare` builds the facets, number columns, coordinates and the word index from the records
(seconds per 100,000 records), the partner finder its text vectors and matrices (more). They
are plain arrays, kept in folders next to the records, one per kind of index (`IndexFiles`):

- ``index.json``: the scalars and strings of every index (facet keys and labels, sizes);
- one ``.npy`` file per NumPy array, read back memory-mapped (read-only), so the processes of
  one machine share a single copy through the page cache; a sparse matrix is its three arrays;
- ``.arrow`` files for Arrow arrays (the distinct words or texts), memory-mapped too.

A folder's name carries a digest of the code and data that build its indexes: a changed
builder finds no folder and builds anew; the stale folders are removed when it saves.
"""

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from functools import cached_property
from pathlib import Path

import numpy as np
import pyarrow as pa
import scipy.sparse as sp

from analysis._facets import Facet
from analysis._search import SearchIndex

FORMAT = 2
META = "index.json"
ROOT = Path(__file__).resolve().parents[1]
# A folder being written; one left over from a crash is removed after this many seconds.
PARTIAL = ".partial-"
LEFT_OVER_SECONDS = 86_400
# What a damaged or foreign folder can raise while it is read.
READ_ERRORS = (OSError, ValueError, KeyError, TypeError, IndexError, pa.ArrowException)


@dataclasses.dataclass(frozen=True, eq=False)
class IndexFiles:
    """One kind of index kept in a data set's folder, under ``<prefix><digest>``.

    `sources` are the files (relative to the repository) that build it and `version` any other
    input (library versions): a change to either is a new folder. `parts` are the dataclasses
    its arrays may be grouped in, by the name they are written under.
    """

    prefix: str
    sources: tuple[str, ...]
    parts: Mapping[str, type]
    version: str = ""

    @cached_property
    def digest(self) -> str:
        """Return a short digest of the file format, the sources and the version."""
        digest = hashlib.sha256(f"format={FORMAT}|{self.version}".encode())
        for name in self.sources:
            digest.update(name.encode() + (ROOT / name).read_bytes())
        return digest.hexdigest()[:16]

    def folder(self, folder: Path) -> Path:
        """Return where these indexes of the records kept in `folder` live for this code."""
        return Path(folder) / f"{self.prefix}{self.digest}"

    def save(self, arrays: dict, folder: Path, *, replace: bool = False) -> None:
        """Write `arrays` (arrays, Arrow arrays, sparse matrices, parts, dicts, values).

        Written to a temporary folder renamed into place, so a reader never sees half of it; a
        concurrent writer's copy (same code, same records) is as good, and stale folders of
        older code are removed. `replace`: the folder there is damaged, swap it for this one.
        A failure to write (disk full, read-only) only costs time.
        """
        target = self.folder(folder)
        if target.is_dir() and not replace:
            return
        try:
            self._remove_left_overs(folder)
            partial = Path(tempfile.mkdtemp(prefix=f"{PARTIAL}{self.prefix}", dir=folder))
            meta = {name: self._write(value, partial, name) for name, value in arrays.items()}
            (partial / META).write_text(json.dumps(meta), encoding="utf-8")
            if replace and target.is_dir():  # renamed away first: no reader sees it half-removed
                doomed = Path(tempfile.mkdtemp(prefix=f"{PARTIAL}{self.prefix}", dir=folder))
                target.rename(doomed / "old")
                shutil.rmtree(doomed, ignore_errors=True)
            try:
                partial.rename(target)
            except OSError:  # another process saved the same indexes first
                shutil.rmtree(partial, ignore_errors=True)
            for stale in Path(folder).glob(f"{self.prefix}*"):
                if stale != target:
                    shutil.rmtree(stale, ignore_errors=True)
        except OSError:
            return

    def load(self, folder: Path) -> dict | None:
        """Return the arrays kept under `folder`, memory-mapped; None if absent or unreadable
        (then the caller builds them)."""
        source = self.folder(folder)
        try:
            meta = json.loads((source / META).read_text(encoding="utf-8"))
            return {name: self._read(value, source) for name, value in meta.items()}
        except READ_ERRORS:
            return None

    @contextlib.contextmanager
    def building(self, folder: Path) -> Iterator[None]:
        """Hold this index's build lock in `folder`: another process waits for the build (and
        then loads it) instead of building it too. Without a writable folder, no lock."""
        try:
            handle = (Path(folder) / f".{self.prefix}lock").open("a")
        except OSError:
            yield
            return
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _remove_left_overs(self, folder: Path) -> None:
        # Folders of a writer killed mid-way (a worker restarted during a long build).
        for partial in Path(folder).glob(f"{PARTIAL}{self.prefix}*"):
            if time.time() - partial.stat().st_mtime > LEFT_OVER_SECONDS:
                shutil.rmtree(partial, ignore_errors=True)

    def _write(self, value: object, folder: Path, name: str) -> object:
        """Write `value`; return its entry in the folder's index.json."""
        if isinstance(value, np.ndarray):
            np.save(folder / f"{name}.npy", np.ascontiguousarray(value), allow_pickle=False)
            return {"npy": f"{name}.npy"}
        if isinstance(value, pa.Array):
            table = pa.table({"values": value})
            with (
                pa.OSFile(str(folder / f"{name}.arrow"), "wb") as sink,
                pa.ipc.new_file(sink, table.schema) as writer,
            ):
                writer.write_table(table)
            return {"arrow": f"{name}.arrow"}
        if sp.issparse(value):
            matrix = value.tocsr()
            parts = {key: self._write(getattr(matrix, key), folder, f"{name}.{key}")
                     for key in ("data", "indices", "indptr")}  # fmt: skip
            return {"csr": {**parts, "shape": list(matrix.shape)}}
        if isinstance(value, dict) or dataclasses.is_dataclass(value):
            kind, members = self._members(value)
            return {kind: {key: self._write(item, folder, f"{name}.{key}")
                           for key, item in members.items()}}  # fmt: skip
        return {"value": list(value) if isinstance(value, tuple) else value}

    def _members(self, value: object) -> tuple[str, dict]:
        """Return the kind of a dict or part, and its members by name."""
        if isinstance(value, dict):
            return "dict", value
        kind = next(k for k, cls in self.parts.items() if type(value) is cls)
        return kind, {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}

    def _read(self, entry: dict, folder: Path) -> object:
        """Return what `_write` wrote for `entry`."""
        ((kind, value),) = entry.items()
        if kind == "npy":
            return np.load(folder / value, mmap_mode="r", allow_pickle=False)
        if kind == "arrow":
            table = pa.ipc.open_file(pa.memory_map(str(folder / value))).read_all()
            return table.column(0).combine_chunks()
        if kind == "value":
            return tuple(value) if isinstance(value, list) else value
        if kind == "csr":
            arrays = [self._read(value[key], folder) for key in ("data", "indices", "indptr")]
            # copy=False: the matrix keeps the mapped arrays (scipy copies none of int32
            # indices, checked by tests/test_partner_index_files.py).
            return sp.csr_matrix(tuple(arrays), shape=tuple(value["shape"]), copy=False)
        fields = {key: self._read(item, folder) for key, item in value.items()}
        return fields if kind == "dict" else self.parts[kind](**fields)


# The filter indexes `prepare` builds (analysis.dataset).
FILTER_INDEXES = IndexFiles(
    prefix="index-",
    sources=(
        "analysis/_facets.py", "analysis/_search.py", "analysis/_index_files.py",
        "analysis/dataset.py", "analysis/params.py", "data/taxonomies.py", "data/text.py",
        "data/countries.py", "data/files/taxonomies.json",
    ),
    parts={"facets": Facet, "search": SearchIndex},
)  # fmt: skip


def index_folder(folder: Path) -> Path:
    """Return where the filter indexes of the records kept in `folder` live for this code."""
    return FILTER_INDEXES.folder(folder)


def save_indexes(arrays: dict, folder: Path) -> None:
    """Write a data set's filter indexes (`prepare`'s fields but the records) under `folder`."""
    FILTER_INDEXES.save(arrays, folder)


def load_indexes(folder: Path, *, size: int) -> dict | None:
    """Return the filter indexes kept under `folder` for `size` records, memory-mapped; None if
    absent, unreadable or of other records (then the caller builds them)."""
    arrays = FILTER_INDEXES.load(folder)
    try:
        return arrays if arrays is not None and len(arrays["lat"]) == size else None
    except (KeyError, TypeError):
        return None
