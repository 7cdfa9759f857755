"""Checks and enrichment of placed records: point in stated country, point near its city,
admin-1 and NUTS-2 regions.

Each step adds to two extra columns of the records: `flags` (short codes, "; "-joined) and
`notes` (one sentence per finding), so nothing is changed silently.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from data.checks import add_finding
from data.countries import country_name, country_scope
from mapping.boundaries import country_at, points_in_country
from mapping.gazetteer import Gazetteer, nearest_places, place_regions
from mapping.namesakes import nearest_namesakes
from mapping.nuts import assign_nuts2, load_nuts

SWAPPED = "latlon-swapped"
OUTSIDE = "outside-country"
FAR_FROM_CITY = "far-from-city"
AMBIGUOUS = "ambiguous-place"
# The shipped polygons are simplified with a 0.1 degree tolerance: allow a little more on coasts.
COASTAL_BUFFER_DEG = 0.15
# A given point farther than this from every place named like its city is flagged. GeoNames
# gives a city one point; the largest EU municipalities reach ~25 km from it (Rome, Madrid),
# and exports often name the big city for a site in its suburbs, 20-30 km out. A lat/lon swap
# moves a European point by thousands of km, so it is caught at any radius.
CITY_RADIUS_KM = 50.0


def check_in_country(records: pd.DataFrame) -> pd.DataFrame:
    """Flag given coordinates outside their stated country; swap them when that puts them in."""
    records = records.copy()
    lat, lon, iso = records["lat"], records["lon"], records["country_code"].astype(object)
    given = (records["geocode_quality"] == "input").fillna(False).to_numpy()
    inside = np.ones(len(records), dtype=bool)
    inside[given] = points_in_country(
        lon[given], lat[given], iso[given], buffer_deg=COASTAL_BUFFER_DEG
    )
    outside = pd.Series(~inside, index=records.index)
    swapped = outside.copy()
    swapped[outside] = points_in_country(
        lat[outside], lon[outside], iso[outside], buffer_deg=COASTAL_BUFFER_DEG
    )
    # Notes are built for the flagged rows only: text over every row costs more than the check.
    where = where_text(lat[outside], lon[outside])
    country = records.loc[outside, "country"].astype(str)
    add_finding(records, swapped, SWAPPED,
                "lat/lon were swapped: " + where + " lies outside " + country
                + "; swapped, it lies inside, so they were exchanged")  # fmt: skip
    records.loc[swapped, ["lat", "lon"]] = records.loc[swapped, ["lon", "lat"]].to_numpy()
    add_finding(records, outside & ~swapped, OUTSIDE,
                "coordinates " + where + " lie outside " + country)  # fmt: skip
    return records


def cities_to_check(records: pd.DataFrame) -> pd.Series:
    """Return which records give coordinates and a city (the ones check_near_city judges)."""
    given = (records["geocode_quality"] == "input").fillna(False).astype(bool)
    city = records["city"].astype("string").str.strip().fillna("") != ""
    return given & city & records["lat"].notna() & records["lon"].notna()


def where_text(lat: pd.Series, lon: pd.Series) -> pd.Series:
    """Return "(lat X, lon Y)" for each row."""
    return "(lat " + lat.astype(str) + ", lon " + lon.astype(str) + ")"


def check_near_city(records: pd.DataFrame, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Flag given points farther than CITY_RADIUS_KM from every place named like their city;
    swap lat/lon when that puts them next to one (and re-derive a country the swapped point
    gave). A city the gazetteer does not know is not judged."""
    todo = cities_to_check(records)
    if not todo.any():
        return records
    rows = records.loc[todo, ["city", "country_code", "lat", "lon"]]  # not every column
    near = nearest_namesakes(rows["city"], rows["country_code"], rows["lat"], rows["lon"],
                             gazetteer=gazetteer).reindex(records.index)  # fmt: skip
    far = (near["km"] > CITY_RADIUS_KM).fillna(False)
    swapped = far & (near["swapped_km"] <= CITY_RADIUS_KM).fillna(False)
    records = records.copy()
    swap_note, far_note = city_notes(records.loc[far], near.loc[far])
    add_finding(records, swapped, SWAPPED, swap_note)
    add_finding(records, far & ~swapped, FAR_FROM_CITY, far_note)
    old = records.loc[swapped, ["lat", "lon"]]
    records.loc[swapped, ["lat", "lon"]] = old[["lon", "lat"]].to_numpy()
    return recheck_countries(records, swapped, old_lat=old["lat"], old_lon=old["lon"])


def city_notes(records: pd.DataFrame, near: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Return the notes of a swap to the city and of a point far from it, for every row."""
    where, city = where_text(records["lat"], records["lon"]), '"' + records["city"].astype(str)
    km = near["km"].round().astype("Int64").astype(str) + " km from the nearest place called "
    swapped_km = near["swapped_km"].round().astype("Int64").astype(str)
    swap = ("lat/lon were swapped: " + where + " lies " + km + city + '" ('
            + near["swapped_place"] + "); swapped, it lies " + swapped_km
            + " km from it, so they were exchanged")  # fmt: skip
    far = "coordinates " + where + " lie " + km + city + '" (' + near["place"] + ")"
    return swap, far


def recheck_countries(
    records: pd.DataFrame, swapped: pd.Series, *, old_lat: pd.Series, old_lon: pd.Series
) -> pd.DataFrame:
    """After swapping points to their city, fix a country that came from the swapped point.

    A country that the swapped point lies in but the corrected one does not was derived from
    the swapped point (no country given; see data.validation.check_countries) or agrees with it
    alone: it is re-derived from the corrected point, with a note. Otherwise a corrected point
    outside its country is flagged, never silently kept.
    """
    iso = records.loc[swapped, "country_code"].astype(object)
    lat, lon = records.loc[swapped, "lat"], records.loc[swapped, "lon"]
    moved = iso.index[~points_in_country(lon, lat, iso, buffer_deg=COASTAL_BUFFER_DEG)]
    if moved.empty:
        return records
    was = pd.Series(country_at(old_lon[moved], old_lat[moved]), index=moved, dtype=object)
    now = pd.Series(country_at(lon[moved], lat[moved]), index=moved, dtype=object)
    derived = (was == iso[moved]) & now.notna()
    records = set_countries(records, now[derived])
    rederived = records.index.isin(derived.index[derived])
    before, after = iso.reindex(records.index).astype(str), records["country_code"].astype(str)
    note = "country " + before + " was that of the swapped point; the corrected point lies in "
    note += after
    add_finding(records, pd.Series(rederived, index=records.index), None, note)
    outside = pd.Series(records.index.isin(derived.index[~derived]), index=records.index)
    flags = records.get("flags", pd.Series("", index=records.index)).fillna("")
    flagged = flags.str.contains(OUTSIDE, regex=False)
    note = ("corrected coordinates " + where_text(records["lat"], records["lon"])
            + " lie outside " + records["country"].astype(str))  # fmt: skip
    add_finding(records, outside & ~flagged, OUTSIDE, note)
    add_finding(records, outside & flagged, None, note)
    return records


def set_countries(records: pd.DataFrame, codes: pd.Series) -> pd.DataFrame:
    """Set country_code, country and scope of the rows of `codes` (ISO2 codes), as validation
    derives them, keeping the columns' category dtypes."""
    if codes.empty:
        return records
    values = {"country_code": codes, "country": codes.map(country_name),
              "scope": codes.map(country_scope)}  # fmt: skip
    for column, new in values.items():
        current = records[column]
        changed = current.index.isin(new.index)
        text = current.astype("string").mask(changed, new.reindex(current.index))
        if column == "scope":
            records[column] = pd.Categorical(text, categories=current.cat.categories)
        else:
            records[column] = text.astype("category")
    return records


def note_geocoding(records: pd.DataFrame) -> pd.DataFrame:
    """Move the geocoder's notes into `notes`, flagging close calls between same-named places."""
    records = records.copy()
    note = records.pop("geocode_note") if "geocode_note" in records else None
    if note is None:
        return records
    noted = note.notna() & (note != "")
    ambiguous = noted & note.str.startswith("ambiguous").fillna(False)
    add_finding(records, ambiguous, AMBIGUOUS, note)
    add_finding(records, noted & ~ambiguous, None, note)
    return records


def missing_regions(records: pd.DataFrame) -> pd.Series:
    """Return which records have no admin-1 region (the ones fill_regions fills)."""
    region = records["region_code"]
    if isinstance(region.dtype, pd.CategoricalDtype):  # compared once per category
        empty = np.append(region.cat.categories.astype(str) == "", True)  # -1: missing
        return pd.Series(empty[region.cat.codes.to_numpy()], index=records.index, name=region.name)
    return region.isna() | (region.astype(str) == "")


def fill_regions(records: pd.DataFrame, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Give every record without an admin-1 region the region of its nearest place."""
    missing = missing_regions(records)
    if not missing.any():
        return records
    nearest = nearest_places(
        records.loc[missing, "lat"], records.loc[missing, "lon"],
        records.loc[missing, "country_code"].astype(object), gazetteer=gazetteer,
    )  # fmt: skip
    found = place_regions(nearest, gazetteer=gazetteer)
    records = records.copy()
    for column in ("region_code", "region_name"):
        records[column] = _filled_category(records[column], missing, found[column])
    return records


def _filled_category(values: pd.Series, missing: pd.Series, found: pd.Categorical) -> pd.Series:
    """Return categorical `values` with the `missing` rows set to `found` ("" is missing), its
    categories the values present, sorted (as text read into a category): done on the codes,
    so a million records cost no text per record."""
    found_text = pd.Index(found.categories, dtype="string")
    current = values.astype("category")
    known = pd.Index(current.cat.categories, dtype="string")
    categories = known.append(found_text[found_text != ""]).unique()
    # Old codes renumbered into the new categories (-1, missing, stays -1), then the filled rows.
    old = current.cat.codes.to_numpy()
    renumbered = np.append(categories.get_indexer(known), -1)  # code -1 reads the last entry
    codes = renumbered[old]
    filled = np.where(found_text == "", -1, categories.get_indexer(found_text))
    codes[missing.to_numpy()] = np.append(filled, -1)[found.codes]
    filled = pd.Series(pd.Categorical.from_codes(codes, categories=categories), index=values.index)
    filled = filled.cat.remove_unused_categories()
    return filled.cat.set_categories(pd.Index(filled.cat.categories, dtype="string").sort_values())


def fill_nuts2(records: pd.DataFrame, *, nuts_path: Path) -> pd.DataFrame:
    """Give every record the NUTS-2 region its point lies in (from a Nuts2json file)."""
    nuts = load_nuts(nuts_path)
    records = records.copy()
    codes = assign_nuts2(records["lon"].to_numpy(), records["lat"].to_numpy(), nuts=nuts)
    records["nuts2"] = pd.Series(codes, index=records.index, dtype="string").astype("category")
    return records
