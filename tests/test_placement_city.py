"""Given points are checked against the places named like their city, through the real ingest.

Each test writes a small CSV (name, city, country, lat, lon) and runs ingest.pipeline.ingest_file
with the user's cache folder, so the real gazetteer and country polygons decide.
"""

import csv
from pathlib import Path

import pandas as pd
import pytest

from data.validation import IN_NO_COUNTRY
from ingest.pipeline import ingest_file
from mapping.placement import FAR_FROM_CITY, OUTSIDE, SWAPPED
from settings import Settings

OPTIONS = Settings().ingest_options
COLUMNS = ["name", "city", "country", "lat", "lon"]


def ingest_rows(tmp_path: Path, *rows: tuple) -> pd.DataFrame:
    """Ingest rows (name, city, country, lat, lon); return the accepted records by name."""
    path = tmp_path / "clusters.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([COLUMNS, *rows])
    return ingest_file(path, options=OPTIONS)


def flags_of(records: pd.DataFrame, name: str) -> list[str]:
    """Return the flags of one record as a list (empty when it has none)."""
    flags = records.set_index("name")["flags"] if "flags" in records else pd.Series(dtype=str)
    value = flags.get(name)
    return [] if value is None or pd.isna(value) else value.split("; ")


def test_a_swapped_point_with_its_country_is_corrected_as_before(tmp_path: Path) -> None:
    records = ingest_rows(tmp_path, ("A", "Berlin", "DE", "13.40", "52.52")).records
    row = records.iloc[0]
    assert (row["lat"], row["lon"]) == (52.52, 13.40)
    assert flags_of(records, "A") == [SWAPPED]


def test_a_swapped_point_without_country_is_corrected_with_its_country(tmp_path: Path) -> None:
    # Milan's lat/lon swapped lie in Somalia: the country derived from them was SO.
    records = ingest_rows(tmp_path, ("A", "Milano", "", "9.19", "45.46")).records
    row = records.iloc[0]
    assert (row["lat"], row["lon"]) == (45.46, 9.19)
    assert (row["country_code"], row["country"], row["scope"]) == ("IT", "Italy", "EU")
    assert flags_of(records, "A") == [SWAPPED]
    assert 'nearest place called "Milano" (Milan, IT)' in row["notes"]
    assert "country SO was that of the swapped point" in row["notes"]
    assert row["region_name"] == "Lombardy"  # regions come from the corrected point


def test_a_swapped_point_in_no_country_is_swapped_and_placed(tmp_path: Path) -> None:
    # Berlin's lat/lon swapped lie in the Arabian Sea: no country there, so validation takes
    # the swapped point's (DE) and placement exchanges the values and flags the row.
    records = ingest_rows(tmp_path, ("A", "Berlin", "", "13.40", "52.52")).records
    row = records.iloc[0]
    assert (row["lat"], row["lon"], row["country_code"]) == (52.52, 13.40, "DE")
    assert flags_of(records, "A") == [SWAPPED]


def test_a_point_in_no_country_either_way_is_rejected_with_the_reason(tmp_path: Path) -> None:
    result = ingest_rows(tmp_path, ("A", "Berlin", "", "-40.0", "-30.0"))  # South Atlantic
    assert result.accepted == 0
    assert result.rejects["reason"].tolist() == [IN_NO_COUNTRY]


def test_a_given_country_is_never_changed_silently(tmp_path: Path) -> None:
    records = ingest_rows(tmp_path, ("A", "Milano", "FR", "9.19", "45.46")).records
    row = records.iloc[0]
    assert (row["lat"], row["lon"]) == (45.46, 9.19)
    assert row["country_code"] == "FR"
    assert sorted(flags_of(records, "A")) == sorted([OUTSIDE, SWAPPED])
    assert "corrected coordinates (lat 45.46, lon 9.19) lie outside France" in row["notes"]


def test_a_point_300_km_from_its_city_is_flagged_not_moved(tmp_path: Path) -> None:
    # Valencia's coordinates given for Madrid, without a country (ES comes from the point).
    records = ingest_rows(tmp_path, ("A", "Madrid", "", "39.47", "-0.376")).records
    row = records.iloc[0]
    assert flags_of(records, "A") == [FAR_FROM_CITY]
    assert (row["lat"], row["lon"], row["country_code"]) == (39.47, -0.376, "ES")
    assert 'lie 302 km from the nearest place called "Madrid" (Madrid, ES)' in row["notes"]


def test_a_point_in_its_country_but_far_from_its_city_is_flagged(tmp_path: Path) -> None:
    # Hamburg's coordinates given for München: inside Germany, 612 km from Munich.
    records = ingest_rows(tmp_path, ("A", "München", "DE", "53.55", "9.99")).records
    assert flags_of(records, "A") == [FAR_FROM_CITY]
    assert "(Munich, DE)" in records.iloc[0]["notes"]


@pytest.mark.parametrize(
    ("city", "country", "lat", "lon"),
    [
        ("Berlin", "DE", "52.52", "13.405"),
        ("D-80331 München", "DE", "48.137", "11.575"),  # read as an export writes it
        ("München", "DE", "48.249", "11.652"),  # Garching, a suburb 13 km out
        ("Frankfurt", "DE", "52.347", "14.551"),  # Frankfurt (Oder): any place so named
        ("Leuven (Heverlee)", "BE", "50.864", "4.695"),
        ("Paris", "DE", "48.8566", "2.3522"),  # no Paris in DE: the one in France counts
    ],
)
def test_a_point_near_a_place_so_named_is_not_flagged_by_the_city(
    tmp_path: Path, city: str, country: str, lat: str, lon: str
) -> None:
    records = ingest_rows(tmp_path, ("A", city, country, lat, lon)).records
    assert FAR_FROM_CITY not in flags_of(records, "A")
    assert SWAPPED not in flags_of(records, "A")
    assert (records.iloc[0]["lat"], records.iloc[0]["lon"]) == (float(lat), float(lon))


def test_a_city_the_gazetteer_does_not_know_is_not_judged(tmp_path: Path) -> None:
    records = ingest_rows(tmp_path, ("A", "Xyzzyville", "DE", "52.0", "13.0")).records
    assert flags_of(records, "A") == []
