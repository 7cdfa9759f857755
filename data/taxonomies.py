"""Reference vocabularies (ecosystems, sectors, emerging industries, labels) loaded from data."""

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from data.text import normalise_key, slugify

TAXONOMIES_PATH = Path(__file__).parent / "files" / "taxonomies.json"
# rapidfuzz WRatio score (0-100) from which a typo gets a "did you mean" suggestion.
SUGGESTION_SCORE = 80
# The label term of a cluster without an excellence label (shown as its display name).
NO_LABEL = "none"


@dataclass(frozen=True)
class Vocabulary:
    """One controlled vocabulary: canonical terms plus lookups by key and by slug."""

    name: str
    terms: tuple[str, ...]
    # Term -> the name shown to people ("none" -> "No label"), and term -> map colour.
    display: tuple[tuple[str, str], ...] = ()
    colors: tuple[tuple[str, str], ...] = ()

    def display_name(self, term: str) -> str:
        """Return the name shown for `term` (the term itself unless the data names it)."""
        return dict(self.display).get(term, term)

    @property
    def palette(self) -> dict[str, str]:
        """Map each term that has a colour to it, in the vocabulary's order."""
        return dict(self.colors)

    @property
    def by_key(self) -> dict[str, str]:
        """Map each normalised key to its canonical term."""
        return _keys(self.terms)

    @property
    def by_slug(self) -> dict[str, str]:
        """Map each URL slug to its canonical term."""
        return {slugify(term): term for term in self.terms}

    def match(self, value: str) -> str | None:
        """Return the canonical term for `value` (case/accent/punctuation-insensitive)."""
        return self.by_key.get(normalise_key(value))

    def suggest(self, value: str) -> str | None:
        """Return the closest canonical term for a misspelt `value`, if close enough."""
        best = process.extractOne(normalise_key(value), list(self.by_key), scorer=fuzz.WRatio)
        if best is None or best[1] < SUGGESTION_SCORE:
            return None
        return self.by_key[best[0]]


@lru_cache(maxsize=256)
def _keys(terms: tuple[str, ...]) -> dict[str, str]:
    return {normalise_key(term): term for term in terms}


@lru_cache(maxsize=1)
def load_taxonomies(path: Path = TAXONOMIES_PATH) -> dict[str, Vocabulary]:
    """Load every vocabulary of the taxonomy file, keyed by its name."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {name: _vocabulary(name, spec) for name, spec in raw.items() if not name.startswith("_")}


def _vocabulary(name: str, spec: list | dict) -> Vocabulary:
    """Read a vocabulary given as a list of terms or as {terms, display, colors}."""
    if isinstance(spec, list):
        return Vocabulary(name, tuple(spec))
    terms = tuple(spec["terms"])
    colors = spec.get("colors", {})
    return Vocabulary(
        name,
        terms,
        display=tuple(spec.get("display", {}).items()),
        colors=tuple((term, colors[term]) for term in terms if term in colors),
    )


def vocabulary(name: str) -> Vocabulary:
    """Return the vocabulary called `name` (e.g. "ecosystems", "sectors", "labels")."""
    return load_taxonomies()[name]
