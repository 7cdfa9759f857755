"""Checks and enrichment of placed records: point in stated country, admin-1 and NUTS-2 regions.

Each step adds to two extra columns of the records: `flags` (short codes, "; "-joined) and
`notes` (one sentence per finding), so nothing is changed silently.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from mapping.boundaries import points_in_country
from mapping.gazetteer import Gazetteer, assign_regions
from mapping.nuts import assign_nuts2, load_nuts

SWAPPED = "latlon-swapped"
OUTSIDE = "outside-country"
AMBIGUOUS = "ambiguous-place"
# The shipped polygons are simplified with a 0.1 degree tolerance: allow a little more on coasts.
COASTAL_BUFFER_DEG = 0.15


def add_finding(records: pd.DataFrame, mask: pd.Series, flag: str | None, notes: pd.Series) -> None:
    """Append a flag and a note to the `flags` and `notes` columns of the rows in `mask`."""
    if not mask.any():
        return
    for column, text in (("flags", flag), ("notes", notes)):
        if text is None:
            continue
        current = records.get(column, pd.Series("", index=records.index)).fillna("")
        addition = text[mask] if isinstance(text, pd.Series) else pd.Series(text, index=mask.index)
        joined = current.where(current == "", current + "; ") + addition
        records[column] = current.mask(mask, joined).astype("string").replace("", pd.NA)


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
    where = "(lat " + lat.astype(str) + ", lon " + lon.astype(str) + ")"
    country = records["country"].astype(str)
    add_finding(records, swapped, SWAPPED,
                "lat/lon were swapped: " + where + " lies outside " + country
                + "; swapped, it lies inside, so they were exchanged")  # fmt: skip
    records.loc[swapped, ["lat", "lon"]] = records.loc[swapped, ["lon", "lat"]].to_numpy()
    add_finding(records, outside & ~swapped, OUTSIDE,
                "coordinates " + where + " lie outside " + country)  # fmt: skip
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
    return records["region_code"].isna() | (records["region_code"].astype(str) == "")


def fill_regions(records: pd.DataFrame, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """Give every record without an admin-1 region the region of its nearest place."""
    missing = missing_regions(records)
    if not missing.any():
        return records
    found = assign_regions(
        records.loc[missing, "lat"], records.loc[missing, "lon"],
        records.loc[missing, "country_code"].astype(object), gazetteer=gazetteer,
    )  # fmt: skip
    records = records.copy()
    for column in ("region_code", "region_name"):
        values = records[column].astype("string").mask(missing, found[column].replace("", pd.NA))
        records[column] = values.astype("category")
    return records


def fill_nuts2(records: pd.DataFrame, *, nuts_path: Path) -> pd.DataFrame:
    """Give every record the NUTS-2 region its point lies in (from a Nuts2json file)."""
    nuts = load_nuts(nuts_path)
    records = records.copy()
    codes = assign_nuts2(records["lon"].to_numpy(), records["lat"].to_numpy(), nuts=nuts)
    records["nuts2"] = pd.Series(codes, index=records.index, dtype="string").astype("category")
    return records
