"""The cluster map's colours: each record's colour as a small integer code, shared by points
and cells, computed with numpy so that a million records cost milliseconds."""

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from data.taxonomies import vocabulary
from data.text import slugify
from mapping import theme
from mapping.modes import COLOR_CHOICES

# A cluster of several ecosystems takes the colour of its first listed one, or under an
# ecosystem filter of its first listed one among the filtered; the legend title says which.
ECOSYSTEM_RULE = {False: "first listed", True: "first listed of the filtered"}
NOT_GIVEN = {"scope": "Scope not given", "label": "Label not given", "ecosystem": "No ecosystem"}
PALETTES = {"scope": theme.SCOPE_COLORS, "label": theme.LABEL_COLORS,
            "ecosystem": theme.ECOSYSTEM_COLORS}  # fmt: skip


@dataclass(frozen=True)
class EcosystemItems:
    """Every listed ecosystem of every record, in listing order: record row and palette code.

    Built once per data set (a Python pass over the lists); the colour of any ecosystem
    filter is then a numpy selection (`first_listed`).
    """

    rows: NDArray[np.int64]
    codes: NDArray[np.int16]
    size: int


def display_name(term: str) -> str:
    """Return the name shown for a colour value ("No label" for the label "none")."""
    return vocabulary("labels").display_name(term)


def colour_names(color_by: str) -> list[tuple[str, str]]:
    """Return (legend name, colour) per colour code of `color_by`; the last is "not given"."""
    names = [(display_name(term), colour) for term, colour in PALETTES[color_by].items()]
    return [*names, (NOT_GIVEN[color_by], theme.OTHER_COLOR)]


def legend_title(color_by: str, *, ecosystems: tuple[str, ...] = ()) -> str:
    """Return the legend title of `color_by`, saying which ecosystem colours a cluster."""
    label = next(choice.label for choice in COLOR_CHOICES if choice.name == color_by)
    if color_by == "ecosystem":
        return f"{label} ({ECOSYSTEM_RULE[bool(_preferred_ecosystems(ecosystems))]})"
    return label


def colour_codes(
    records: pd.DataFrame,
    *,
    color_by: str,
    ecosystems: tuple[str, ...] = (),
    items: EcosystemItems | None = None,
) -> NDArray[np.int16]:
    """Return each record's colour code: its position in colour_names(color_by).

    `ecosystems` are the slugs of the ecosystem filter: a cluster listing several ecosystems
    takes the colour of its first listed one in the filter, else of its first listed one.
    `items` are ecosystem_items(records["ecosystems"]) when kept from an earlier call.
    """
    palette = PALETTES[color_by]
    if color_by != "ecosystem":
        codes = pd.Categorical(records[color_by], categories=list(palette)).codes
        return np.where(codes < 0, len(palette), codes).astype(np.int16)
    items = items or ecosystem_items(records["ecosystems"])
    terms = list(palette)
    preferred = np.zeros(len(terms), dtype=bool)
    preferred[[terms.index(t) for t in _preferred_ecosystems(ecosystems)]] = True
    codes = first_listed(items, preferred=preferred)
    return np.where(codes < 0, len(palette), codes).astype(np.int16)


def ecosystem_items(lists: pd.Series | Sequence[Sequence[str]]) -> EcosystemItems:
    """Return the listed ecosystems of each record (a term outside the palette: code -1)."""
    lists = list(lists)
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    code_of = {term: i for i, term in enumerate(theme.ECOSYSTEM_COLORS)}
    flat = chain.from_iterable(lists)
    codes = np.fromiter((code_of.get(item, -1) for item in flat), np.int16, int(lengths.sum()))
    return EcosystemItems(np.repeat(np.arange(len(lists)), lengths), codes, len(lists))


def first_listed(items: EcosystemItems, *, preferred: NDArray[np.bool_]) -> NDArray[np.int16]:
    """Return per record the code of its first listed item among `preferred` codes, else of
    its first listed item (-1: none listed, or a term outside the palette)."""
    result = np.full(items.size, -1, dtype=np.int16)
    for keep in (np.ones(len(items.codes), dtype=bool), _among(items.codes, preferred)):
        rows, codes = items.rows[keep], items.codes[keep]
        # Rows are sorted: a record's first item is where the row number changes.
        first = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else rows
        result[rows[first]] = codes[first]
    return result


def _among(codes: NDArray[np.int16], preferred: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Return which codes are preferred (the extra last slot keeps code -1 out)."""
    return np.r_[preferred, False][codes]


def _preferred_ecosystems(slugs: tuple[str, ...]) -> frozenset[str]:
    """Return the ecosystem terms whose slug is in `slugs` (unknown slugs select none)."""
    wanted = set(slugs)
    return frozenset(term for term in vocabulary("ecosystems").terms if slugify(term) in wanted)
