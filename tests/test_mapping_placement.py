"""Placement checks on real shipped polygons and the real gazetteer: country, swaps, regions."""

import numpy as np
import pandas as pd

from data.schema import conform
from mapping.placement import (
    AMBIGUOUS,
    OUTSIDE,
    SWAPPED,
    check_in_country,
    fill_regions,
    note_geocoding,
)  # fmt: skip


def records(rows: list[dict]) -> pd.DataFrame:
    """Return canonical records from a few partial rows."""
    frame = conform(pd.DataFrame(rows))
    frame["country"] = frame["country_code"].astype(str)
    return frame


def test_points_inside_their_country_are_left_alone():
    checked = check_in_country(records([
        {"name": "A", "country_code": "DE", "lat": 52.52, "lon": 13.40, "geocode_quality": "input"},
        {"name": "B", "country_code": "MT", "lat": 35.90, "lon": 14.51, "geocode_quality": "input"},
    ]))  # fmt: skip
    assert "flags" not in checked
    assert checked[["lat", "lon"]].to_numpy().tolist() == [[52.52, 13.40], [35.90, 14.51]]


def test_swapped_coordinates_are_fixed_and_reported():
    checked = check_in_country(records([
        {"name": "A", "country_code": "DE", "lat": 13.40, "lon": 52.52, "geocode_quality": "input"},
    ]))  # fmt: skip
    row = checked.iloc[0]
    assert (row["lat"], row["lon"], row["flags"]) == (52.52, 13.40, SWAPPED)
    assert "lat 13.4, lon 52.52" in row["notes"] and "exchanged" in row["notes"]


def test_points_outside_their_country_are_flagged_not_moved():
    paris = {"name": "A", "country_code": "DE", "lat": 48.8566, "lon": 2.3522}
    geocoded = {"name": "B", "country_code": "DE", "lat": 48.0, "lon": 1.0}
    checked = check_in_country(records([
        {**paris, "geocode_quality": "input"}, {**geocoded, "geocode_quality": "gazetteer"},
    ]))  # fmt: skip
    assert checked["flags"].iloc[0] == OUTSIDE
    assert pd.isna(checked["flags"].iloc[1])  # only given coordinates are checked
    assert checked["lat"].iloc[0] == 48.8566
    assert "outside DE" in checked["notes"].iloc[0]


def test_geocoder_notes_move_to_notes_and_close_calls_are_flagged():
    frame = records([{"name": "A", "country_code": "DE"}, {"name": "B", "country_code": "NL"}])
    frame["geocode_note"] = ['ambiguous: 12 places called "Neustadt"', 'fuzzy match: "Eindhofen"']
    noted = note_geocoding(frame)
    assert "geocode_note" not in noted
    assert noted["flags"].iloc[0] == AMBIGUOUS and pd.isna(noted["flags"].iloc[1])
    assert noted["notes"].str.contains("Neustadt|Eindhofen").all()


def test_fill_regions_names_the_admin1_of_the_nearest_place(gazetteer):
    filled = fill_regions(records([
        {"name": "A", "country_code": "DE", "lat": 48.137, "lon": 11.575},
        {"name": "B", "country_code": "IT", "lat": 45.464, "lon": 9.190},
        {"name": "C", "country_code": "FR", "lat": 45.75, "lon": 4.85, "region_code": "keep",
         "region_name": "Kept"},
        {"name": "D", "country_code": "PT", "lat": 39.0, "lon": -20.0},
    ]), gazetteer=gazetteer)  # fmt: skip
    assert filled["region_name"].astype(str).tolist()[:3] == ["Bavaria", "Lombardy", "Kept"]
    assert filled["region_code"].iloc[0] == "DE-02" and filled["region_code"].iloc[2] == "keep"
    assert pd.isna(filled["region_code"].iloc[3])  # 1,000 km out in the Atlantic: no region
    assert np.isnan(filled["lat"]).sum() == 0
