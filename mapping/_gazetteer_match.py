"""Gazetteer matching steps of distinct (city, country) queries: alias, exact, fuzzy, unresolved.

mapping.gazetteer.resolve_queries runs them in order of trust, with the steps of
mapping/_gazetteer_forms.py (the field read as exports write it) between exact and fuzzy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import OSA

from data.countries import resolve_country

if TYPE_CHECKING:
    from mapping.gazetteer import Gazetteer

# Optimal-string-alignment similarity, 1 - edits / longer length, where swapping two neighbouring
# letters is one edit. At >= 0.85 a name of 7-13 letters may differ by one edit, of 14-19 by
# two, and names of up to 6 letters must match exactly. Measured on cities1000 (10 countries):
# accepts 76 % of one-typo names and 1.1 % of real foreign place names (ratio >= 88: 72 %, 2.6 %).
FUZZY_SCORER = OSA.normalized_similarity
FUZZY_THRESHOLD = 0.85
# Keep a few candidates so that equal scores can be decided by population.
FUZZY_LIMIT = 5


def lookup_keys(country_code: pd.Series, key: pd.Series) -> pd.Series:
    """Return the "CC:key" lookup keys ("?:key" when the country is unknown)."""
    return country_code.fillna("?") + ":" + key


def match_known(queries: pd.DataFrame, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Place queries whose lookup_key is an alias, else a place name, of their country."""
    found = match_aliases(queries, gazetteer=gazetteer)
    return pd.concat([found, match_exact(queries.drop(found.index), gazetteer=gazetteer)])


def resolve_codes(countries: pd.Series) -> pd.Series:
    """Return the ISO2 code of each country value (None if unknown), resolving each once."""
    uniques = pd.unique(countries)
    codes = dict(zip(uniques, map(resolve_country, uniques), strict=True))
    return countries.map(codes).astype(object)


def match_aliases(queries: pd.DataFrame, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Place queries that name a well-known non-municipal place of the alias table."""
    position = gazetteer.aliases.index.get_indexer(queries["lookup_key"])
    hits = queries.loc[position >= 0]
    aliases = gazetteer.aliases.iloc[position[position >= 0]].set_axis(hits.index)
    notes = [
        f'alias: "{c}" placed at {p}' for c, p in zip(hits["city"], aliases["place"], strict=True)
    ]
    return aliases[["lat", "lon", "region_code", "region_name"]].assign(
        geocode_quality="alias", geocode_note=notes, geonameid=-1
    )


def match_exact(queries: pd.DataFrame, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Place queries whose key is a name or alternate name of a place in their country."""
    position = gazetteer.lookup.index.get_indexer(queries["lookup_key"])
    hits = queries.loc[position >= 0]
    chosen = gazetteer.lookup.iloc[position[position >= 0]].set_axis(hits.index)
    frame = place_columns(chosen["geonameid"], gazetteer=gazetteer)
    return frame.assign(
        geocode_quality="gazetteer",
        geocode_note=ambiguity_notes(hits, chosen, gazetteer=gazetteer),
        geonameid=chosen["geonameid"],
    )


def place_columns(geonameid: pd.Series, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Return lat, lon, region_code and region_name of places, indexed like geonameid."""
    columns = ["lat", "lon", "region_code", "region_name"]
    return gazetteer.places[columns].reindex(geonameid.to_numpy()).set_axis(geonameid.index)


def ambiguity_notes(hits: pd.DataFrame, chosen: pd.DataFrame, *, gazetteer: Gazetteer) -> list:
    """Describe close calls between the chosen place and its runner-up; "" otherwise."""
    notes = np.full(len(hits), "", dtype=object)
    close = chosen["runner_up"].to_numpy() >= 0
    columns = ["name", "population"]
    best = gazetteer.places[columns].reindex(chosen["geonameid"].to_numpy()[close])
    runner = gazetteer.places[columns].reindex(chosen["runner_up"].to_numpy()[close])
    notes[close] = [
        f'ambiguous: {n} places called "{city}" in {code}, chose the '
        f"{'most populous' if pop >= pop2 else 'one so named'} "
        f"({name}, {pop:,} vs {name2}, {pop2:,})"
        for n, city, code, name, pop, name2, pop2 in zip(
            chosen["n_places"].to_numpy()[close],
            hits["city"].to_numpy()[close],
            hits["country_code"].to_numpy()[close],
            best["name"],
            best["population"],
            runner["name"],
            runner["population"],
            strict=True,
        )
    ]
    return notes.tolist()


@dataclass(frozen=True)
class FuzzyCandidates:
    """The name keys of one country's places, sorted by length for a quick length filter."""

    keys: list[str]
    lengths: np.ndarray
    geonameid: np.ndarray
    population: np.ndarray


def make_candidates(
    keys: pd.Series, geonameid: pd.Series, population: pd.Series
) -> FuzzyCandidates:
    """Return fuzzy-match candidates sorted by key length."""
    lengths = keys.str.len().to_numpy(dtype=np.int64)
    order = np.argsort(lengths, kind="stable")
    return FuzzyCandidates(
        keys=keys.iloc[order].tolist(),
        lengths=lengths[order],
        geonameid=np.asarray(geonameid)[order],
        population=np.asarray(population)[order],
    )


def best_fuzzy(key: str, candidates: FuzzyCandidates) -> tuple[int, float] | None:
    """Return (geonameid, similarity) of the best-scoring, then most populous, candidate."""
    # Names whose lengths differ by more than the threshold allows cannot reach it: skip them.
    low, high = len(key) * FUZZY_THRESHOLD - 1e-9, len(key) / FUZZY_THRESHOLD + 1e-9
    start = int(np.searchsorted(candidates.lengths, np.ceil(low), side="left"))
    stop = int(np.searchsorted(candidates.lengths, np.floor(high), side="right"))
    matches = process.extract(
        key,
        candidates.keys[start:stop],
        scorer=FUZZY_SCORER,
        score_cutoff=FUZZY_THRESHOLD,
        limit=FUZZY_LIMIT,
    )
    if not matches:
        return None
    rows = [start + m[2] for m in matches]
    # Highest similarity first, then the larger population.
    best = max(
        zip(matches, rows, strict=True), key=lambda p: (p[0][1], candidates.population[p[1]])
    )
    return int(candidates.geonameid[best[1]]), float(best[0][1])


def fuzzy_matches(queries: pd.DataFrame, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Return geonameid and similarity of the closest name, within the same country, of each
    query's key (only queries with a match >= FUZZY_THRESHOLD)."""
    todo = queries.loc[queries["country_code"].notna() & (queries["key"] != "")]
    pairs = list(zip(todo["country_code"], todo["key"], strict=True))
    # One search per distinct (country, key): a loop over unique unmatched names only. A
    # Latin-script name is compared with Latin-script names only (others cannot come close).
    best = {
        (code, key): best_fuzzy(key, gazetteer.candidates(code, ascii=key.isascii()))
        for code, key in dict.fromkeys(pairs)
    }
    found = [best[pair] for pair in pairs]
    hits = todo.index[[match is not None for match in found]]
    found = [match for match in found if match is not None]
    return pd.DataFrame(
        {"geonameid": [m[0] for m in found], "similarity": [m[1] for m in found]},
        index=hits, dtype=object,
    ).astype({"geonameid": "int64", "similarity": "float64"})  # fmt: skip


def match_fuzzy(queries: pd.DataFrame, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Place the remaining queries by their closest name within the same country."""
    found = fuzzy_matches(queries, gazetteer=gazetteer)
    names = gazetteer.places["name"].reindex(found["geonameid"].to_numpy()).to_numpy()
    notes = [
        f'fuzzy match: "{city}" read as "{name}" (similarity {similarity:.2f})'
        for city, name, similarity in zip(
            queries.loc[found.index, "city"], names, found["similarity"], strict=True
        )
    ]
    frame = place_columns(found["geonameid"], gazetteer=gazetteer)
    return frame.assign(
        geocode_quality="gazetteer-fuzzy", geocode_note=notes, geonameid=found["geonameid"]
    )


def unresolved(queries: pd.DataFrame, notes: list[str] | None = None) -> pd.DataFrame:
    """Keep queries unresolved: NaN coordinates, empty region, and the reason (or `notes`)."""
    if notes is None:
        readings = queries["name"] if "name" in queries else queries["city"]
        notes = [
            reason(city, country, code, reading=name)
            for city, country, code, name in zip(
                queries["city"], queries["country"], queries["country_code"], readings,
                strict=True,
            )
        ]  # fmt: skip
    return pd.DataFrame(
        {
            "lat": np.nan,
            "lon": np.nan,
            "region_code": "",
            "region_name": "",
            "geocode_quality": "unresolved",
            "geocode_note": notes,
        },
        index=queries.index,
    )


def reason(city: str, country: str, code: str | None, *, reading: str | None = None) -> str:
    """Say why one query was not placed; `reading` is the field as read (cleaned), if known."""
    if not city:
        return "no city given"
    if not country:
        return "no country given"
    if code is None or code != code:
        return f'unknown country "{country}"'
    if reading == "":
        return f'no place name in "{city}" (only postal codes, CEDEX or district numbers)'
    read = f' (read as "{reading}")' if reading is not None and reading != city else ""
    return f'no place called "{city}" in {code}{read}'
