"""Country resolution: ISO2/ISO3 codes, Eurostat codes, English and native names -> ISO2 + scope."""

import gettext
import json
import re
from functools import lru_cache
from pathlib import Path

import pycountry
from rapidfuzz import fuzz, process

from data.text import normalise_key

GROUPS_PATH = Path(__file__).parent / "files" / "country_groups.json"
EU = "EU"
NON_EU_EUROPE = "Non-EU Europe"
THIRD_COUNTRY = "Third country"
# rapidfuzz ratio (0-100) from which an unknown country gets a "did you mean" suggestion.
COUNTRY_SUGGESTION_SCORE = 80


@lru_cache(maxsize=1)
def _groups() -> dict:
    return json.loads(GROUPS_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    """Map normalised codes and names to ISO2; English names win over translations."""
    groups = _groups()
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for text in (
            country.alpha_2,
            country.alpha_3,
            country.name,
            getattr(country, "common_name", None),
            getattr(country, "official_name", None),
            groups["display_names"].get(country.alpha_2),
        ):
            if text:
                index.setdefault(normalise_key(text), country.alpha_2)
    for code, extra in groups["extra_countries"].items():
        for text in (code, extra["iso3"], extra["name"], *extra["native"]):
            index.setdefault(normalise_key(text), code)
    for text, iso2 in {**groups["aliases"], **groups["eurostat_codes"]}.items():
        index[normalise_key(text)] = iso2
    _add_translations(index)
    return index


def _add_translations(index: dict[str, str]) -> None:
    for language in _groups()["native_name_languages"]:
        try:
            translation = gettext.translation(
                "iso3166-1", pycountry.LOCALES_DIR, languages=[language]
            )
        except OSError:
            continue
        for country in pycountry.countries:
            for text in (country.name, getattr(country, "common_name", None)):
                if text:
                    index.setdefault(normalise_key(translation.gettext(text)), country.alpha_2)


def resolve_country(value: object) -> str | None:
    """Return the ISO2 code for a code or name in any accepted form, or None if unknown."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    key = normalise_key(str(value))
    return _index().get(key) if key else None


@lru_cache(maxsize=512)
def country_name(iso2: str) -> str:
    """Return the short English display name of an ISO2 code."""
    groups = _groups()
    if iso2 in groups["display_names"]:
        return groups["display_names"][iso2]
    if iso2 in groups["extra_countries"]:
        return groups["extra_countries"][iso2]["name"]
    country = pycountry.countries.get(alpha_2=iso2)
    if country is None:
        raise KeyError(iso2)
    return getattr(country, "common_name", None) or country.name


def country_scope(iso2: str) -> str:
    """Return "EU", "Non-EU Europe" or "Third country" for an ISO2 code."""
    groups = _groups()
    if iso2 in groups["eu27"]:
        return EU
    if iso2 in groups["non_eu_europe"]:
        return NON_EU_EUROPE
    return THIRD_COUNTRY


def eu27() -> tuple[str, ...]:
    """Return the ISO2 codes of the 27 EU member states."""
    return tuple(_groups()["eu27"])


def non_eu_europe() -> tuple[str, ...]:
    """Return the ISO2 codes counted as non-EU Europe."""
    return tuple(_groups()["non_eu_europe"])


def suggest_country(value: str) -> str | None:
    """Return the display name of the country closest to a misspelt `value`, if close enough."""
    key = normalise_key(value)
    if len(key) < 4:  # codes are too short for a fuzzy match to mean anything
        return None
    names = _country_names()
    best = process.extractOne(
        key, list(names), scorer=fuzz.ratio, score_cutoff=COUNTRY_SUGGESTION_SCORE
    )
    return names[best[0]] if best else None


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        display = country_name(country.alpha_2)
        for text in (display, country.name):
            names.setdefault(normalise_key(text), display)
    return names


def partnership_targets(name: str) -> set[str]:
    """Return the target countries of a strategic partnership, from its name.

    Partnerships are named like "AlpArc 4i: future food to China & Japan": the countries
    after the last " to " are its targets.
    """
    return find_countries(name.rsplit(" to ", 1)[1]) if " to " in name else set()


def find_countries(text: str) -> set[str]:
    """Return the ISO2 codes of the countries an English text names ("export to Brazil")."""
    pattern, code_of = _name_pattern()
    return {code_of[name] for name in pattern.findall(f" {normalise_key(text)} ")}


@lru_cache(maxsize=1)
def _name_pattern() -> tuple[re.Pattern, dict[str, str]]:
    # English names and aliases of three letters or more (two-letter codes read as words).
    code_of: dict[str, str] = {}
    for country in pycountry.countries:
        for text in (country.name, getattr(country, "common_name", None),
                     _groups()["display_names"].get(country.alpha_2)):  # fmt: skip
            if text:
                code_of.setdefault(normalise_key(text), country.alpha_2)
    for text, iso2 in _groups()["aliases"].items():
        if len(normalise_key(text)) >= 3:
            code_of.setdefault(normalise_key(text), iso2)
    names = sorted(code_of, key=len, reverse=True)
    return re.compile(r"(?<= )(" + "|".join(map(re.escape, names)) + r")(?= )"), code_of
