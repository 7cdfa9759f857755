"""The dataset store: prepared data sets by key, shared by every callback and API route.

Callbacks and routes never close over a data set: they ask the store for the one a page's
`data=` names (absent: the data set the app was started with). The store holds no module
state, so one process serves many users and several processes each build their own.
"""

import threading
from collections.abc import Callable

from analysis.dataset import Dataset


class DatasetStore:
    """Data sets by key; the default entry is the one the app was started with."""

    def __init__(self, default: Dataset, *, name: str, key: str = "default") -> None:
        self._lock = threading.Lock()
        self._datasets: dict[str, Dataset] = {key: default}
        self._names: dict[str, str] = {key: name}
        self.default_key = key

    def __contains__(self, key: object) -> bool:
        """Tell whether a data set is stored under `key`."""
        with self._lock:
            return key in self._datasets

    def get(self, key: str | None = None) -> Dataset:
        """Return the data set stored under `key` (None: the default); KeyError if unknown."""
        with self._lock:
            return self._datasets[self.default_key if key is None else key]

    def name(self, key: str | None = None) -> str:
        """Return the display name of a data set (its file name, or "Demo data")."""
        with self._lock:
            return self._names[self.default_key if key is None else key]

    def add(self, key: str, name: str, build: Callable[[], Dataset]) -> Dataset:
        """Store the data set `build()` returns under `key`, unless one is there already."""
        with self._lock:
            if key in self._datasets:
                return self._datasets[key]
        dataset = build()  # outside the lock: preparing a data set takes a while
        with self._lock:
            self._names.setdefault(key, name)
            return self._datasets.setdefault(key, dataset)
