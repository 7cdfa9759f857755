"""Column aliases: map the headers of an input file to canonical column names.

The accepted headers are data (`data/files/column_aliases.json`); matching ignores case,
accents, spaces and punctuation. Unknown headers are kept as extra fields under their original
name (and listed, so that the ingest report can name them); when two headers mean the same
canonical column the first wins and the second stays an extra field (with a warning).
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from data.schema import CANONICAL_COLUMNS
from data.text import normalise_key

ALIASES_PATH = Path(__file__).parent / "files" / "column_aliases.json"


@dataclass(frozen=True)
class ColumnMatch:
    """New, unique column names (same order as the headers) and what went wrong matching.

    `unrecognised` holds the headers, as written and each once, that are no alias at all (a
    blank one as "column N"); a header that repeats a column already taken is warned about.
    """

    names: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    unrecognised: tuple[str, ...] = ()


@lru_cache(maxsize=4)
def load_alias_lists(path: Path = ALIASES_PATH) -> dict[str, tuple[str, ...]]:
    """Load the alias file as {canonical column: accepted headers, the column itself first}."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {column: (column, *aliases) for column, aliases in raw.items() if column[0] != "_"}


@lru_cache(maxsize=1)
def alias_languages() -> tuple[str, ...]:
    """Return the languages whose headers the alias file lists (its "_languages" entry)."""
    return tuple(json.loads(ALIASES_PATH.read_text(encoding="utf-8"))["_languages"])


@lru_cache(maxsize=4)
def load_aliases(path: Path = ALIASES_PATH) -> dict[str, str]:
    """Load the alias file as a map from normalised header key to canonical column."""
    index: dict[str, str] = {}
    for column, aliases in load_alias_lists(path).items():
        if column not in CANONICAL_COLUMNS:
            raise ValueError(f"{path.name}: {column!r} is not a canonical column")
        for alias in aliases:
            key = normalise_key(alias)
            if index.setdefault(key, column) != column:
                raise ValueError(f"{path.name}: {alias!r} is an alias of two columns")
    return index


def canonical_column(header: object) -> str | None:
    """Return the canonical column a header means, or None when it is not an alias."""
    if header is None:
        return None
    return load_aliases().get(normalise_key(str(header)))


def match_columns(headers: Sequence[object]) -> ColumnMatch:
    """Name each header: its canonical column, or (if unknown or taken) a unique extra name."""
    names: list[str] = []
    warnings: list[str] = []
    unrecognised: list[str] = []
    owner: dict[str, str] = {}
    for position, header in enumerate(headers, start=1):
        text = "" if header is None else str(header).strip()
        column = canonical_column(text)
        if column is not None and column not in owner:
            owner[column] = text
            names.append(column)
            continue
        if column is None:
            unrecognised.append(text or f"column {position}")
        else:
            warnings.append(
                f'columns "{owner[column]}" and "{text}" both mean {column}; '
                f'using "{owner[column]}" and keeping "{text}" as an extra field'
            )
        names.append(_extra_name(text or f"column {position}", taken=names))
    return ColumnMatch(tuple(names), tuple(warnings), tuple(dict.fromkeys(unrecognised)))


def _extra_name(header: str, *, taken: Sequence[str]) -> str:
    # An extra field must not shadow a canonical column a later header may still claim.
    name, count = header, 1
    while name in taken or name in CANONICAL_COLUMNS:
        count += 1
        name = f"{header} ({count})"
    return name
