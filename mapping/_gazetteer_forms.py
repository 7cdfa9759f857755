"""Gazetteer matching of city fields as exports write them (read by mapping/_city_forms.py).

The steps after the field as written (mapping.gazetteer.resolve_queries), in order of trust:

1. the cleaned name (postal codes, CEDEX, codes and district numbers removed, abbreviations
   expanded): alias, then exact;
2. its parts (between brackets, commas, slashes, spaced dashes): the first known one, moved to a
   district part that lies within DISTRICT_KM of it and names a smaller place ("Leuven
   (Heverlee)" -> Heverlee, while "Alcobendas (Madrid)" stays in Alcobendas);
3. the cleaned name by fuzzy match, like a plain name (FUZZY_THRESHOLD);
4. the city a "City-District" name starts with ("Stuttgart-Vaihingen" -> Stuttgart), refined
   the same way, but only a city of HEAD_MIN_POPULATION or more, or one its district confirms:
   a town's name alone is often the first word of other towns' names;
5. a part by fuzzy match: accepted from FRAGMENT_THRESHOLD; a weaker match rejects the row
   with the reason, so a fragment never gives a confident wrong place. (The city before a
   hyphen is never matched fuzzily: that would guess three times.)

Each placed row's note says how the field was read (`city "D-80331 München" read as "München"`).
"""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mapping import _gazetteer_index as index
from mapping._city_forms import read_city
from mapping._gazetteer_match import (
    fuzzy_matches,
    lookup_keys,
    match_fuzzy,
    match_known,
    place_columns,
    unresolved,
)

if TYPE_CHECKING:
    from mapping.gazetteer import Gazetteer

# A district named after its city lies within this distance of the city's GeoNames point:
# Berlin's and Hamburg's outer districts are 15-20 km out; namesakes elsewhere are farther.
DISTRICT_KM = 20.0
# "City-District" names are written for cities with districts; the first word of a smaller
# town's name is too often a town of its own elsewhere ("Saint" is a name of Sète).
HEAD_MIN_POPULATION = 50_000
# A fuzzy match of a fragment of the field guesses twice (which part is the city, and which name
# it misspells), so it needs one edit in 13 letters or more: "Musterstadt (Westf.)" must not
# become Mutterstadt (0.91), 300 km away. Plain names keep FUZZY_THRESHOLD.
FRAGMENT_THRESHOLD = 0.92
PLACE_COLUMNS = ["lat", "lon", "region_code", "region_name", "geocode_quality", "geocode_note"]


def nothing() -> pd.DataFrame:
    """Return the result of a step that placed nothing (most steps, for most inputs)."""
    return pd.DataFrame(columns=PLACE_COLUMNS)


def with_forms(queries: pd.DataFrame) -> pd.DataFrame:
    """Add each query's city form (read once per distinct field), cleaned name and its key."""
    uniques = pd.unique(queries["city"])
    forms = dict(zip(uniques, map(read_city, uniques), strict=True))
    form = queries["city"].map(forms).astype(object)
    name = form.map(attrgetter("name")).astype(object)
    # A plain name ("Eindhofen") has nothing to read: only the fuzzy step can place it.
    plain = {city: (f.name, f.parts, f.head) == (city, (city,), "") for city, f in forms.items()}
    return queries.assign(
        form=form, name=name, name_key=index.normalise_places(name),
        readable=~queries["city"].map(plain).astype(bool),
    )  # fmt: skip


def readable(queries: pd.DataFrame) -> pd.DataFrame:
    """Return the queries whose field has something to read (codes, parts, a district)."""
    return queries.loc[queries["readable"]]


def join_notes(first: pd.Series, second: pd.Series) -> pd.Series:
    """Join two notes per row with "; ", leaving out empty ones."""
    first = first.astype(object).fillna("").astype(str)
    second = second.astype(object).fillna("").astype(str).reindex(first.index, fill_value="")
    both = (first != "") & (second != "")
    return (first + np.where(both, "; ", "") + second).astype(object)


def read_as(found: pd.DataFrame, city: pd.Series, reading: pd.Series) -> pd.DataFrame:
    """Append `city "<field>" read as "<reading>"` to the notes of rows read differently."""
    city = city.reindex(found.index).astype(object).astype(str)
    reading = reading.reindex(found.index).astype(object).astype(str)
    text = ('city "' + city + '" read as "' + reading + '"').where(city != reading, "")
    return found.assign(geocode_note=join_notes(found["geocode_note"], text))


def match_cleaned(queries: pd.DataFrame, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Place queries whose cleaned name is an alias or a place name of their country."""
    queries = readable(queries)
    todo = queries.loc[(queries["name_key"] != queries["key"]) & (queries["name_key"] != "")]
    if todo.empty:
        return nothing()
    keyed = todo.assign(
        city=todo["name"], lookup_key=lookup_keys(todo["country_code"], todo["name_key"])
    )
    return read_as(match_known(keyed, gazetteer=gazetteer), todo["city"], todo["name"])


def fragments(queries: pd.DataFrame, attribute: str) -> pd.DataFrame:
    """Return one row per part (or head, or district) of each query's form, new ones only.

    Columns: query (label), rank, city (the fragment), country_code, key, lookup_key.
    """
    values = [getattr(form, attribute) for form in queries["form"]]
    values = [(value,) if isinstance(value, str) else value for value in values]
    lengths = np.array([len(value) for value in values], dtype=np.int64)
    long = pd.DataFrame({
        "query": np.repeat(queries.index.to_numpy(), lengths),
        "rank": np.concatenate([np.arange(n) for n in lengths]) if len(lengths) else [],
        "city": pd.Series([text for value in values for text in value], dtype=object),
    })  # fmt: skip
    long = long.assign(
        country_code=queries["country_code"].reindex(long["query"]).to_numpy(),
        key=index.normalise_places(long["city"]),
    )
    # A fragment that is the whole field, or its cleaned name, was tried already.
    tried = queries[["key", "name_key"]].reindex(long["query"]).to_numpy()
    new = (long["key"] != "") & (long["key"].to_numpy() != tried[:, 0])
    long = long.loc[new & (long["key"].to_numpy() != tried[:, 1])].reset_index(drop=True)
    return long.assign(lookup_key=lookup_keys(long["country_code"], long["key"]))


def first_known(long: pd.DataFrame, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Return, per query, its first fragment that is an alias or place name, with population
    and whether that name is a close call between distant places."""
    if long.empty:
        return nothing().assign(geonameid=0, population=0, city="", lookup_key="", close=False)
    found = match_known(long, gazetteer=gazetteer)
    found = found.join(long[["query", "rank", "city", "lookup_key"]])
    found = found.sort_values(["query", "rank"]).drop_duplicates("query").set_index("query")
    population = gazetteer.places["population"].reindex(found["geonameid"].to_numpy())
    runner_up = gazetteer.lookup["runner_up"].reindex(found["lookup_key"]).to_numpy()
    close = (found["geocode_quality"] == "gazetteer").to_numpy() & (runner_up >= 0)
    return found.assign(population=population.fillna(0).to_numpy(), close=close)


def district_places(long: pd.DataFrame, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Return every place (and alias) each district fragment names, with its place columns."""
    named = gazetteer.places_named(long["lookup_key"].to_numpy())
    columns = ["population", "lat", "lon", "region_code", "region_name"]
    places = gazetteer.places[columns].reindex(named["geonameid"].to_numpy())
    found = pd.DataFrame({
        "position": named["position"].to_numpy(), "population": places["population"].to_numpy(),
        **{c: places[c].to_numpy() for c in ("lat", "lon", "region_code", "region_name")},
        "geocode_quality": "gazetteer", "geocode_note": "",
    })  # fmt: skip
    alias = gazetteer.aliases.index.get_indexer(long["lookup_key"])
    aliases = gazetteer.aliases.iloc[alias[alias >= 0]]
    notes = 'alias: "' + aliases["alias"] + '" placed at ' + aliases["place"]
    found = pd.concat([found, pd.DataFrame({
        "position": np.flatnonzero(alias >= 0), "population": 0,
        **{c: aliases[c].to_numpy() for c in ("lat", "lon", "region_code", "region_name")},
        "geocode_quality": "alias", "geocode_note": notes.to_numpy(),
    })], ignore_index=True)  # fmt: skip
    return found.join(long[["query", "rank", "city"]], on="position")


def refine(anchors: pd.DataFrame, queries: pd.DataFrame, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Move each anchor to its nearest district part within DISTRICT_KM naming a smaller place."""
    found = anchors.assign(refined=False)
    found = read_as(found, queries["city"], found["city"])
    districts = fragments(queries.loc[anchors.index], "districts")
    if districts.empty:
        return found
    places = district_places(districts, gazetteer=gazetteer)
    anchor = anchors.reindex(places["query"])
    km = index.great_circle_km(anchor["lat"], anchor["lon"], places["lat"], places["lon"])
    near = (km <= DISTRICT_KM) & (places["population"].to_numpy() < anchor["population"].to_numpy())
    best = places.assign(km=km).loc[near].sort_values(["query", "rank", "km"])
    best = best.drop_duplicates("query").set_index("query")
    if best.empty:
        return found
    reading = [
        f'city "{city}" read as "{district}", {km:.0f} km from "{anchor}"'
        for city, district, km, anchor in zip(
            queries.loc[best.index, "city"], best["city"], best["km"],
            anchors.loc[best.index, "city"], strict=True,
        )
    ]  # fmt: skip
    best["geocode_note"] = join_notes(best["geocode_note"], pd.Series(reading, index=best.index))
    found.loc[best.index, PLACE_COLUMNS] = best[PLACE_COLUMNS]
    found.loc[best.index, "refined"] = True
    return found


def settle_close_calls(
    found: pd.DataFrame, anchors: pd.DataFrame, queries: pd.DataFrame, *, gazetteer: Gazetteer
) -> pd.DataFrame:
    """Decide anchors that are a close call between distant namesakes (no district decided).

    The part of the field left out of the anchor is what told the namesakes apart: the one whose
    name the cleaned field begins wins ("Rothenburg ob der T." -> Rothenburg ob der Tauber);
    without exactly one, the row is rejected with the reason, never placed at a guess.
    """
    close = found.index[anchors.loc[found.index, "close"].astype(bool) & ~found["refined"]]
    if close.empty:
        return found
    chosen = namesake_by_prefix(anchors.loc[close, "lookup_key"], queries, gazetteer=gazetteer)
    decided = place_columns(chosen, gazetteer=gazetteer)
    decided = decided.assign(geocode_quality="gazetteer", geocode_note="")
    names = gazetteer.places["name"].reindex(chosen.to_numpy()).set_axis(chosen.index)
    decided = read_as(decided, queries["city"], names)
    undecided = close.difference(chosen.index)
    notes = [
        f'no place called "{city}" in {code}: "{anchor}" names several places far apart, '
        "and the rest of the field does not say which"
        for city, code, anchor in zip(
            queries.loc[undecided, "city"], queries.loc[undecided, "country_code"],
            anchors.loc[undecided, "city"], strict=True,
        )
    ]  # fmt: skip
    rejected = unresolved(queries.loc[undecided], notes=notes)
    return pd.concat([found.drop(close), decided, rejected])


def namesake_by_prefix(
    lookup_key: pd.Series, queries: pd.DataFrame, *, gazetteer: Gazetteer
) -> pd.Series:
    """Return the geonameid of the one namesake whose name starts with each query's cleaned
    name (indexed by query; queries with none or several are left out)."""
    named = gazetteer.places_named(lookup_key.to_numpy())
    named["query"] = lookup_key.index[named["position"]]
    names = gazetteer.places["name"].reindex(named["geonameid"].to_numpy())
    keys = index.normalise_places(pd.Series(names.to_numpy(), dtype=object))
    prefixes = queries.loc[named["query"], "name_key"].to_numpy()
    fits = [key.startswith(prefix) for key, prefix in zip(keys, prefixes, strict=True)]
    counts = named.loc[fits].groupby("query")["geonameid"].agg(["first", "size"])
    return counts.loc[counts["size"] == 1, "first"]


def match_parts(queries: pd.DataFrame, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Place queries by their first known part, or a district part next to it."""
    queries = readable(queries)
    if queries.empty:
        return nothing()
    anchors = first_known(fragments(queries, "parts"), gazetteer=gazetteer)
    found = refine(anchors, queries, gazetteer=gazetteer)
    return settle_close_calls(found, anchors, queries, gazetteer=gazetteer)


def match_fuzzy_cleaned(queries: pd.DataFrame, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Place queries by the closest name to their cleaned name, as a plain name would be."""
    if queries.empty:
        return nothing()
    found = match_fuzzy(queries.assign(key=queries["name_key"], city=queries["name"]),
                        gazetteer=gazetteer)  # fmt: skip
    reading = read_as(found.assign(geocode_note=""), queries["city"], queries["name"])
    return found.assign(geocode_note=join_notes(reading["geocode_note"], found["geocode_note"]))


def match_heads(queries: pd.DataFrame, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Place "City-District" queries at the city (or the district next to it), if a city."""
    queries = readable(queries)
    if queries.empty:
        return nothing()
    anchors = first_known(fragments(queries, "head"), gazetteer=gazetteer)
    found = refine(anchors, queries, gazetteer=gazetteer)
    found = found.loc[(anchors["population"] >= HEAD_MIN_POPULATION) | found["refined"]]
    return settle_close_calls(found, anchors, queries, gazetteer=gazetteer)


def match_fuzzy_fragments(queries: pd.DataFrame, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Place queries by a strong fuzzy match of a part; reject weak ones with the reason."""
    queries = readable(queries)
    long = fragments(queries, "parts") if len(queries) else pd.DataFrame()
    if long.empty:
        return nothing()
    found = fuzzy_matches(long, gazetteer=gazetteer).join(long[["query", "city"]])
    found = found.sort_values("similarity", ascending=False, kind="stable")
    found = found.drop_duplicates("query").set_index("query")
    found["name"] = gazetteer.places["name"].reindex(found["geonameid"].to_numpy()).to_numpy()
    strong = found["similarity"] >= FRAGMENT_THRESHOLD
    placed = place_columns(found.loc[strong, "geonameid"], gazetteer=gazetteer)
    placed = placed.assign(geocode_quality="gazetteer-fuzzy", geocode_note=[
        f'fuzzy match: "{part}" read as "{name}" (similarity {similarity:.2f})'
        for part, name, similarity in found.loc[strong, ["city", "name", "similarity"]].to_numpy()
    ])  # fmt: skip
    fields = queries[["city", "country_code"]].rename(columns={"city": "city_field"})
    weak = found.loc[~strong].join(fields)
    rejected = unresolved(queries.loc[weak.index], notes=[
        f'no place called "{field}" in {code}: "{part}" only weakly resembles "{name}" '
        f"(similarity {similarity:.2f}), so the row is not placed"
        for field, code, part, name, similarity in weak[
            ["city_field", "country_code", "city", "name", "similarity"]
        ].to_numpy()
    ])  # fmt: skip
    return pd.concat([read_as(placed, queries["city"], found["city"]), rejected])


STEPS = (match_cleaned, match_parts, match_fuzzy_cleaned, match_heads, match_fuzzy_fragments)
