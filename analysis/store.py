"""The dataset store: prepared data sets by key, shared by every callback and API route.

Callbacks and routes never close over a data set: they ask the store for the one a page's
`data=` names (absent: the data set the app was started with). Uploaded data sets are kept as
files in the data folder (data.datasets), so a `data=<key>` link opens the same records on any
worker process and after a restart; each process keeps the few it served last prepared in
memory. The store holds no module state, so one process serves many users.
"""

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

import pandas as pd

from analysis.dataset import Dataset, prepare
from data import datasets
from data.datasets import Limits
from data.ingest import IngestResult, report_facts
from data.readers import InputFile

# Uploaded data sets a process keeps prepared in memory (the least recently used goes first):
# memory stays bounded however many data sets the folder holds.
KEPT_IN_MEMORY = 4
# Answers a process keeps for repeated questions (the least recently asked goes first): every
# first page asks for the same statistics and map, 0.5-0.6 s each at a million records.
ANSWERS_KEPT = 32
Ingest = Callable[[InputFile], IngestResult]
T = TypeVar("T")


class DatasetStore:
    """Data sets by key: the one the app was started with, and uploads kept in `folder`."""

    def __init__(
        self,
        default: Dataset,
        *,
        name: str,
        key: str = "default",
        version: str | None = None,
        is_demo: bool = False,
        report: dict | None = None,
        rejects: pd.DataFrame | None = None,
        folder: Path | None = None,
        limits: Limits | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._default = default
        self._default_facts = {"name": name, "is_demo": is_demo, "report": report}
        self._default_rejects = rejects
        self._kept: OrderedDict[str, Dataset] = OrderedDict()
        self._answers: OrderedDict[tuple, object] = OrderedDict()
        self.default_key = key
        # What names the default data set's content (its prepared-cache key); unknown, a value
        # of this process only (answers are then tagged per process, still never stale).
        self._default_version = version or uuid.uuid4().hex
        self.folder = folder
        self.limits = limits or Limits()

    def __contains__(self, key: object) -> bool:
        """Tell whether a data set is stored under `key` (with records to show)."""
        if key == self.default_key:
            return True
        return self.folder is not None and datasets.has_records(self.folder, key)

    def get(self, key: str | None = None) -> Dataset:
        """Return the data set stored under `key` (None: the default); KeyError if unknown."""
        if key is None or key == self.default_key:
            return self._default
        if key not in self:
            with self._lock:  # removed, perhaps by another process: forget it here too
                self._kept.pop(key, None)
            raise KeyError(key)
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        records = datasets.load_records(self.folder, key)  # outside the lock: slow
        dataset = prepare(records, folder=datasets.folder(self.folder, key))
        with self._lock:
            dataset = self._kept.setdefault(key, dataset)
            while len(self._kept) > KEPT_IN_MEMORY:
                self._kept.popitem(last=False)
        return dataset

    def version(self, key: str | None = None) -> str:
        """Return a name of the content of data set `key` (None: the default): equal names,
        equal records. An upload's key is already the digest of its bytes."""
        return self._default_version if key is None or key == self.default_key else key

    def remembered(self, key: str | None, question: Hashable, answer: Callable[[], T]) -> T:
        """Return answer() to `question` about data set `key` (None: the default), computed
        again only once it is no longer among the ANSWERS_KEPT last asked. `question` names all
        the answer depends on but the data set; the answer is shared: callers copy before
        changing it."""
        asked = (self.version(key), question)
        with self._lock:
            if asked in self._answers:
                self._answers.move_to_end(asked)
                return self._answers[asked]
        value = answer()  # outside the lock: a slow answer does not hold up the others
        with self._lock:
            self._answers[asked] = value
            while len(self._answers) > ANSWERS_KEPT:
                self._answers.popitem(last=False)
        return value

    def in_memory(self) -> tuple[str, ...]:
        """Return the keys of the uploads this process keeps prepared, least recent first."""
        with self._lock:
            return tuple(self._kept)

    def name(self, key: str | None = None) -> str:
        """Return the display name of a data set (its file name, or "Demo data")."""
        return self.facts(key)["name"]

    def facts(self, key: str | None = None) -> dict:
        """Return a data set's name, whether it is the demo, and its ingest report."""
        if key is None or key == self.default_key:
            return self._default_facts
        if self.folder is None or not datasets.exists(self.folder, key):
            raise KeyError(key)
        report = datasets.load_report(self.folder, key)
        return {"name": report["name"], "is_demo": False, "report": report}

    def rejects(self, key: str | None = None, *, limit: int | None = None) -> pd.DataFrame:
        """Return a data set's problem lines (row, name, column, value, reason); KeyError if
        unknown. `limit`: the first lines only."""
        if key is None or key == self.default_key:
            rejects = self._default_rejects
            if rejects is None:
                raise KeyError(key)
            return rejects if limit is None else rejects.head(limit)
        if self.folder is None or not datasets.exists(self.folder, key):
            raise KeyError(key)
        return datasets.load_rejects(self.folder, key, limit=limit)

    def upload(self, file: InputFile, *, ingest: Ingest, uploaded: str) -> tuple[str, dict]:
        """Ingest an uploaded file and keep it; return its key and its report.

        The key is the content's: the same bytes uploaded again (by anyone) open the data set
        kept the first time, without a second ingest. `uploaded` is the time shown in the report.
        A file with no accepted row is kept too (its report and rejects), but opens no data set.
        """
        if self.folder is None:
            raise RuntimeError("this store keeps no uploads (no data folder)")
        key = datasets.content_key(file.data)
        if not datasets.exists(self.folder, key):
            result = ingest(file)
            facts = {**report_facts(result), "name": file.name, "key": key,
                     "bytes": len(file.data), "uploaded": uploaded}  # fmt: skip
            datasets.save(self.folder, key, records=result.records, rejects=result.rejects,
                          report=facts)  # fmt: skip
            datasets.prune(self.folder, self.limits, keep=key)
        datasets.touch(self.folder, key)
        return key, datasets.load_report(self.folder, key)

    def remove(self, key: str) -> bool:
        """Delete an uploaded data set (the started one cannot be removed)."""
        if key == self.default_key or self.folder is None or not datasets.is_key(key):
            return False
        with self._lock:
            self._kept.pop(key, None)
        return datasets.remove(self.folder, key)
