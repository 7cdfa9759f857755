"""Places named like a city field, and the one nearest to a point (for the placement checks).

A city field may name several places ("Frankfurt", "Neustadt"), and may be written as exports
write it ("D-80331 München", "Leuven (Heverlee)"): every reading of mapping/_city_forms.py
counts (as written, cleaned, its parts, the city of a "City-District" name, its districts), and
every place of the gazetteer or the alias table so named. Only places in the row's country
count when there is one so named there; otherwise places anywhere do.
"""

import numpy as np
import pandas as pd

from mapping._city_forms import read_city
from mapping._gazetteer_index import great_circle_km, normalise_place
from mapping.gazetteer import Gazetteer

NEAREST_COLUMNS = ["km", "place", "swapped_km", "swapped_place"]


def city_keys(cities: np.ndarray) -> pd.DataFrame:
    """Return one row per (city, name key) of every reading of each distinct city field."""
    rows = []
    for city in pd.unique(cities):
        form = read_city(city)
        names = (city, form.name, *form.parts, form.head, *form.districts)
        rows += [(city, key) for key in dict.fromkeys(map(normalise_place, names)) if key]
    return pd.DataFrame(rows, columns=["city", "key"], dtype=object)


def places_called(keys: pd.Series, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Return every place and alias, in any country, named by one of `keys`.

    Columns: key, country_code, lat, lon, place ("Name, CC").
    """
    found = gazetteer.places_called(keys)
    places = gazetteer.places.reindex(found["geonameid"].to_numpy())
    named = places[["country_code", "lat", "lon", "name"]].reset_index(drop=True)
    named.insert(0, "key", found["key"].to_numpy())
    split = pd.Series(gazetteer.aliases.index, dtype=object).str.split(":", n=1, expand=True)
    hit = split[1].isin(pd.unique(keys)).to_numpy()
    aliases = gazetteer.aliases.loc[hit, ["lat", "lon", "alias"]].reset_index(drop=True)
    aliases = aliases.rename(columns={"alias": "name"}).assign(
        key=split[1][hit].to_numpy(), country_code=split[0][hit].to_numpy()
    )
    both = pd.concat([named, aliases], ignore_index=True)
    return both.assign(place=both["name"] + ", " + both["country_code"]).drop(columns="name")


def nearest_namesakes(
    city: pd.Series, country_code: pd.Series, lat: pd.Series, lon: pd.Series, *,
    gazetteer: Gazetteer,
) -> pd.DataFrame:  # fmt: skip
    """Return, per row, the nearest place named like its city to its point and to the swapped
    point (lat <-> lon): km, place ("Name, CC"), swapped_km, swapped_place; NaN and "" when no
    place has that name. Work is per distinct (city, country, point)."""
    rows = pd.DataFrame({"city": city.astype(object).fillna("").astype(str).str.strip(),
                         "code": country_code.astype(object), "lat": lat.astype(float),
                         "lon": lon.astype(float)}, index=city.index)  # fmt: skip
    points, point_of = distinct_points(rows)
    keys = city_keys(points["city"].to_numpy())
    named = keys.merge(places_called(keys["key"], gazetteer=gazetteer), on="key")
    # Pairs of (point, place) as integer positions: a million points make millions of pairs,
    # so no text travels with them; the winners' names are looked up at the end.
    places = named.reset_index(drop=True)
    pairs = points[["city", "code", "point"]].merge(
        pd.DataFrame({"city": places["city"], "place_id": np.arange(len(places))}), on="city"
    )
    point = pairs["point"].to_numpy()
    place_id = pairs["place_id"].to_numpy()
    at_home = pairs["code"].to_numpy() == places["country_code"].to_numpy()[place_id]
    home = np.zeros(len(points), dtype=bool)
    home[point[at_home]] = True  # a point with a namesake in its own country looks only there
    keep = at_home | ~home[point]
    point, place_id = point[keep], place_id[keep]
    lat, lon = points["lat"].to_numpy()[point], points["lon"].to_numpy()[point]
    place_lat, place_lon = (places[c].to_numpy()[place_id] for c in ("lat", "lon"))
    names = places["place"].to_numpy(dtype=object)
    found = {}
    for distance, column, km in (
        ("km", "place", great_circle_km(lat, lon, place_lat, place_lon)),
        ("swapped_km", "swapped_place", great_circle_km(lon, lat, place_lat, place_lon)),
    ):
        km = np.asarray(km, dtype=float)
        winner = nearest_of(point, km)
        found[distance] = np.full(len(points), np.nan)
        found[distance][point[winner]] = km[winner]
        found[column] = np.full(len(points), "", dtype=object)
        found[column][point[winner]] = names[place_id[winner]]
    nearest = pd.DataFrame(found)[NEAREST_COLUMNS]
    return nearest.iloc[point_of].set_axis(rows.index)


def distinct_points(rows: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Return the distinct (city, code, lat, lon) rows numbered by `point`, and each row's one.

    Points are numbered in order of first appearance, equal when drop_duplicates finds them so
    (each column factorized, every missing value one code), found on integer codes.
    """
    key, size = np.zeros(len(rows), dtype=np.int64), 1
    for column in rows.columns:
        codes, distinct = pd.factorize(rows[column])  # missing: -1
        if size * (len(distinct) + 1) >= 2**62:  # renumbered only when the key would overflow
            key, size = pd.factorize(key)[0], len(rows)
        key, size = key * (len(distinct) + 1) + codes + 1, size * (len(distinct) + 1)
    point_of = pd.factorize(key)[0]
    # Numbered by first appearance: a point's first row is where the numbers reach a new high.
    high = np.maximum.accumulate(point_of)
    first = np.ones(len(rows), dtype=bool)
    first[1:] = high[1:] > high[:-1]
    points = rows.iloc[np.flatnonzero(first)].reset_index(drop=True)
    return points.assign(point=np.arange(len(points))), point_of


def nearest_of(point: np.ndarray, distance: np.ndarray) -> np.ndarray:
    """Return the position of each point's nearest pair (smallest distance, the first listed
    on a tie; a point whose distances are all NaN gets its first pair), by ascending point."""
    point, distance = np.asarray(point), np.asarray(distance, dtype=float)
    if not len(point):
        return np.arange(0)
    # One stable sort by point (none when already sorted, as the merge gives them), then each
    # point's smallest distance reduced over its run of pairs: no sort by distance.
    sorted_ = not (point[1:] < point[:-1]).any()
    order = np.arange(len(point)) if sorted_ else np.argsort(point, kind="stable")
    ordered, km = point[order], distance[order]
    new = np.r_[True, ordered[1:] != ordered[:-1]]
    run = np.cumsum(new) - 1
    smallest = np.fmin.reduceat(km, np.flatnonzero(new))[run]  # NaN only if all of a run are
    best = np.flatnonzero((km == smallest) | np.isnan(smallest))
    return order[best[np.r_[True, run[best][1:] != run[best][:-1]]]]
