"""City fields as exports write them: the place name read out of postal codes, CEDEX, province
codes, district numbers and abbreviations, and the parts that may name the city or a district.

``read_city("B-3001 Leuven (Heverlee)")`` gives the name "Leuven (Heverlee)", the parts
("Leuven", "Heverlee") that may name the city, in trust order, and the districts ("Heverlee")
that may only refine a city they lie next to. The vocabulary is data
(data/files/city_forms.json); what has no vocabulary is a rule here:

- a token with a digit is a postal code or a district number ("80331", "D-80331", "T12", "8e");
- a country prefix (D, SE, ...) or a 2-3 capital locality code (Malta's "VLT") before such a
  token, and the two capitals after a 4-digit Dutch code ("5612 AZ"), belong to the code;
- a Roman numeral after the first word is a district number ("Budapest XI. kerület");
- a word of one or two capitals after the first word is a province or postal-district code
  ("Rho MI", "Milano (MI)", "København K"); in an all-capital field only at the end of a part
  ("AIX EN PROVENCE" keeps its "EN");
- brackets, commas, semicolons, slashes and spaced dashes separate parts; an expanded German
  qualifier starts one ("Mülheim a.d. Ruhr" -> "Mülheim" + "an der Ruhr");
- a hyphen inside the first part joins a city and its district when every later piece starts
  with a capital ("Stuttgart-Vaihingen" -> head "Stuttgart", district "Vaihingen"), and a
  compound name otherwise ("Gif-sur-Yvette", "Aix-les-Bains" are never split).
"""

import json
import re
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

FORMS_PATH = Path(__file__).resolve().parent.parent / "data" / "files" / "city_forms.json"
# Parts shorter than this (in letters) are never tried alone: "n/a" must not find a place "A".
MIN_PART_LETTERS = 3
# Marks where an expanded qualifier starts a part: a separator from Unicode's private-use area,
# so no real field contains it (and not whitespace, which str.split would eat).
MARK = "\ue000"
SEPARATORS = frozenset({"(", ")", ",", ";", "/", "|", MARK, "-", "\u2013", "\u2014"})
_SEPARATOR_TOKEN = re.compile(r"\s*([(),;/|\ue000]|\s[-\u2013\u2014]\s)\s*")
_ROMAN = re.compile(r"[IVXLC]+\.?")
_LETTERS = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class CityForm:
    """A city field read: its cleaned name, the parts that may name the city (in trust order),
    the city a "City-District" name starts with, and the parts that may name a district."""

    name: str
    parts: tuple[str, ...]
    head: str
    districts: tuple[str, ...]


# An abbreviation pattern, the expansion of each abbreviation (spaces removed), and what goes
# before the expansion (a part mark for qualifiers).
Expansion = tuple[re.Pattern, dict[str, str], str]


@dataclass(frozen=True)
class Vocabulary:
    """The compiled vocabulary of data/files/city_forms.json."""

    abbreviations: tuple[Expansion, ...]
    postal: re.Pattern
    prefixes: frozenset[str]
    district_words: frozenset[str]
    region: re.Pattern
    city_words: re.Pattern


def _words_pattern(words: list[str]) -> str:
    """Return a regex alternation of whole words, longest first, dots followed by any spaces."""
    escaped = [re.escape(w).replace(r"\.", r"\.\s*") for w in sorted(words, key=len, reverse=True)]
    return r"(?<!\w)(?:" + "|".join(escaped) + r")(?!\w)"


def _expansion(table: dict[str, str], *, marked: bool) -> Expansion:
    # An abbreviation ends with its dot: the next word may follow without a space ("i.d.OPf.").
    order = sorted(table, key=len, reverse=True)
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(a).replace(r"\.", r"\.\s*") for a in order) + ")"
    )
    lookup = {re.sub(r"\s", "", a): e for a, e in table.items()}
    return pattern, lookup, f" {MARK} " if marked else " "


@lru_cache(maxsize=1)
def vocabulary(path: Path = FORMS_PATH) -> Vocabulary:
    """Load and compile the city-form vocabulary once."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Vocabulary(
        abbreviations=(
            _expansion(raw["words"], marked=False),
            _expansion(raw["qualifiers"], marked=True),
        ),
        postal=re.compile(_words_pattern(raw["postal_words"]) + r"(?:\s*\d+)?", re.IGNORECASE),
        prefixes=frozenset(raw["country_prefixes"]),
        district_words=frozenset(w.casefold() for w in raw["district_words"]),
        region=re.compile(_words_pattern(raw["region_words"]), re.IGNORECASE),
        city_words=re.compile(r"^\s*" + _words_pattern(raw["city_words"]) + r"\s*", re.IGNORECASE),
    )


def expand(text: str, vocab: Vocabulary) -> str:
    """Expand abbreviated words, then qualifiers (each starting a part), in place."""
    for pattern, lookup, prefix in vocab.abbreviations:
        text = pattern.sub(partial(_expanded, lookup=lookup, prefix=prefix), text)
    return text


def _expanded(match: re.Match, *, lookup: dict[str, str], prefix: str) -> str:
    return prefix + lookup[re.sub(r"\s", "", match[0])] + " "


def tokens_of(text: str) -> list[str]:
    """Split text into words and separator tokens (SEPARATORS; a spaced dash becomes "-")."""
    spaced = _SEPARATOR_TOKEN.sub(lambda m: f" {m[1].strip() or '-'} ", text)
    return spaced.split()


def is_separator(token: str) -> bool:
    """Tell whether a token separates parts."""
    return token in SEPARATORS


def _is_code(word: str, *, longest: int) -> bool:
    return len(word) <= longest and word.isalpha() and word.isupper()


def drop_codes(tokens: list[str], vocab: Vocabulary) -> list[str]:
    """Drop postal codes, their prefixes, district numbers and words, and province codes."""
    words = [i for i, t in enumerate(tokens) if not is_separator(t)]
    digits = {i for i in words if any(c.isdigit() for c in tokens[i])}
    drop = digits | {i for i in words if tokens[i].casefold() in vocab.district_words}
    for before, after in zip(words, words[1:], strict=False):
        if after in digits and (
            tokens[before] in vocab.prefixes
            or (before != words[0] and _is_code(tokens[before], longest=3))
        ):
            drop.add(before)
        if before in digits and len(tokens[after]) == 2 and tokens[after].isupper():
            drop.add(after)  # the letters of a Dutch postal code: "5612 AZ"
    kept = [i for i in words if i not in drop]
    shouting = not any(c.islower() for i in kept for c in tokens[i])
    for i, after in zip(kept[1:], [*kept[2:], len(tokens)], strict=False):
        # The last word of its part, once codes are gone ("ROMA RM 00185": "RM").
        last = any(is_separator(t) for t in tokens[i + 1 : after]) or after == len(tokens)
        if _ROMAN.fullmatch(tokens[i]) or (
            _is_code(tokens[i], longest=2) and (last or not shouting)
        ):
            drop.add(i)
    return [t for i, t in enumerate(tokens) if i not in drop]


def display(tokens: list[str]) -> str:
    """Join tokens back into text: no space inside brackets or before commas; no empty parts."""
    text = " ".join(t for t in tokens if t != MARK)
    text = re.sub(r"\(\s*\)|\s+(?=[),;])|(?<=\()\s+", "", text).replace(" / ", "/")
    text = re.sub(r"^[\s,;/\-\u2013\u2014]+|[\s,;/(\-\u2013\u2014]+$", "", text)
    return re.sub(r"([,;])(\s*[,;])+", r"\1", text).strip()


def parts_of(tokens: list[str], vocab: Vocabulary) -> list[str]:
    """Return the parts between separators, without "city of" words; skip region parts and
    qualifiers ("an der Ruhr": the cleaned name was tried with it)."""
    parts, current, opener = [], [], None
    for token in [*tokens, MARK]:
        if not is_separator(token):
            current.append(token)
            continue
        text = " ".join(current)
        if text and opener != MARK and not vocab.region.search(text):
            parts.append(vocab.city_words.sub("", text).strip())
        current, opener = [], token
    return [part for part in parts if part]


def _letters(text: str) -> int:
    return len(_LETTERS.findall(text))


def hyphen_head(part: str) -> tuple[str, list[str]]:
    """Return the city a "City-District" part starts with and its districts; ("", []) when the
    hyphen joins a compound name ("Gif-sur-Yvette", "Aix-les-Bains": a lower-case piece)."""
    pieces = [piece for piece in part.split("-") if piece]
    if len(pieces) < 2 or any(not piece[0].isupper() for piece in pieces[1:]):
        return "", []
    if _letters(pieces[0]) < MIN_PART_LETTERS:
        return "", []
    return pieces[0], [piece for piece in pieces[1:] if _letters(piece) >= MIN_PART_LETTERS]


@lru_cache(maxsize=65536)
def read_city(text: str) -> CityForm:
    """Read a city field: its cleaned name, parts, hyphen head and districts (see module doc)."""
    vocab = vocabulary()
    text = vocab.postal.sub(" ", expand(str(text), vocab))
    tokens = drop_codes(tokens_of(text), vocab)
    parts = [part for part in parts_of(tokens, vocab) if _letters(part) >= MIN_PART_LETTERS]
    head, pieces = hyphen_head(parts[0]) if parts else ("", [])
    return CityForm(
        name=display(tokens), parts=tuple(dict.fromkeys(parts)), head=head,
        districts=tuple(dict.fromkeys([*parts[1:], *pieces])),
    )  # fmt: skip
