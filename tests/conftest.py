"""Shared test fixtures: committed input files, text frames, and running `python -m` commands."""

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from mapping.gazetteer import Gazetteer, load_gazetteer
from settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass(frozen=True)
class CommandRun:
    """What a command printed and returned."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """Return the folder of small committed input files (tests/fixtures)."""
    return FIXTURES


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """Load the real gazetteer once, from the settings' cache folder (built there on first use)."""
    return load_gazetteer(cache_dir=Settings().cache_dir)


@pytest.fixture
def run_module() -> Callable[..., CommandRun]:
    """Return a function running `python -m MODULE ARGS...` from the project root."""

    def run(module: str, *args: object, timeout: float = 120) -> CommandRun:
        done = subprocess.run(
            [sys.executable, "-m", module, *map(str, args)],
            cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=timeout,
        )  # fmt: skip
        return CommandRun(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture
def text_rows() -> Callable[..., pd.DataFrame]:
    """Return a builder of text frames as readers produce them (rows numbered from 2)."""

    def build(*rows: dict[str, object], first_row: int = 2) -> pd.DataFrame:
        frame = pd.DataFrame(list(rows), dtype=object)
        frame.index = pd.RangeIndex(first_row, first_row + len(rows), name="row")
        return frame.map(_cell).astype("string")

    return build


def _cell(value: object) -> str | None:
    # Readers strip cells and turn empty ones into NA; do the same here.
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return text.strip() or None
