"""Tests of the shipped country polygons and the point look-ups in mapping.boundaries."""

import json
import subprocess
import sys

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from mapping.boundaries import COUNTRIES_PATH, country_at, load_countries, points_in_country

EU27 = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
]  # fmt: skip
OTHERS = [
    "NO", "IS", "CH", "GB", "XK", "TR", "UA", "US", "CA", "JP",
    "CN", "BR", "MX", "TW", "TH", "KR", "IN", "MA", "TN",
]  # fmt: skip
SMALL_STATES = ["MT", "LU", "LI", "MC", "SM", "SG", "VA", "AD"]
CITIES = {  # name: (lon, lat, ISO2)
    "Paris": (2.3522, 48.8566, "FR"),
    "Berlin": (13.4050, 52.5200, "DE"),
    "Valletta": (14.5146, 35.8989, "MT"),
    "Luxembourg": (6.1296, 49.6116, "LU"),
    "Vaduz": (9.5209, 47.1410, "LI"),
    "Tokyo": (139.6917, 35.6895, "JP"),
}


@pytest.fixture(scope="module")
def collection() -> dict:
    """Parse the shipped GeoJSON once."""
    return json.loads(COUNTRIES_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def by_code() -> dict:
    """Map ISO2 codes to geometries of the loaded countries."""
    countries = load_countries()
    return dict(zip(countries["iso2"], countries.geometry, strict=True))


def test_file_is_shipped_and_small() -> None:
    assert COUNTRIES_PATH.is_file()
    assert COUNTRIES_PATH.stat().st_size < 1_000_000


def test_file_is_valid_geojson_with_iso2_and_name(collection: dict) -> None:
    assert collection["type"] == "FeatureCollection"
    codes = [feature["properties"]["iso2"] for feature in collection["features"]]
    assert len(codes) == len(set(codes)) > 200
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert set(feature["properties"]) == {"iso2", "name"}
        assert len(feature["properties"]["iso2"]) == 2 and feature["properties"]["name"]
        geometry = shape(feature["geometry"])
        assert geometry.geom_type in {"Polygon", "MultiPolygon"}
        assert geometry.is_valid and not geometry.is_empty


@pytest.mark.parametrize("code", EU27 + OTHERS + SMALL_STATES + ["NA"])
def test_expected_country_is_present(by_code: dict, code: str) -> None:
    assert code in by_code  # "NA" (Namibia) must not be read as missing


def test_loaded_frame_has_columns_and_crs() -> None:
    countries = load_countries()
    assert list(countries.columns) == ["iso2", "name", "geometry"]
    assert countries.crs.to_epsg() == 4326
    assert load_countries() is countries  # cached


@pytest.mark.parametrize("city", CITIES)
def test_country_at_finds_city(city: str) -> None:
    lon, lat, code = CITIES[city]
    assert country_at([lon], [lat]).tolist() == [code]


def test_country_at_is_vectorised_with_none_at_sea_and_for_nan() -> None:
    lon = [lon for lon, _, _ in CITIES.values()] + [-30.0, np.nan, 2.35]
    lat = [lat for _, lat, _ in CITIES.values()] + [40.0, 48.0, np.nan]
    result = country_at(np.array(lon), np.array(lat))
    assert result.dtype == object
    assert result.tolist() == [code for _, _, code in CITIES.values()] + [None, None, None]


def test_country_at_snaps_coastal_points_only_when_asked() -> None:
    valletta = CITIES["Valletta"][:2]  # ~0.01 deg off the simplified Malta coast
    assert country_at(*valletta).tolist() == ["MT"]
    assert country_at(14.0, 35.7).tolist() == [None]  # open sea, 0.3 deg from Malta
    assert country_at(*valletta, snap_deg=0.0)[0] in (None, "MT")
    assert country_at([], []).tolist() == []


def test_points_in_country() -> None:
    berlin, genoa, bergen = CITIES["Berlin"][:2], (8.9463, 44.4056), (5.3221, 60.3913)
    lon, lat = zip(berlin, berlin, genoa, bergen, berlin, (np.nan, 0.0), strict=True)
    result = points_in_country(lon, lat, ["DE", "FR", "IT", "NO", "ZZ", "DE"])
    assert result.dtype == bool
    assert result.tolist() == [True, False, True, True, False, False]


def test_points_in_country_accepts_one_code_and_lower_case() -> None:
    result = points_in_country([13.405, 2.3522], [52.52, 48.8566], "de")
    assert result.tolist() == [True, False]


def test_neighbours_share_borders(by_code: dict) -> None:
    fr, es = by_code["FR"], by_code["ES"]
    assert fr.buffer(0.01).intersects(es)
    assert fr.boundary.intersection(es.boundary).length > 3  # the Pyrenees, in degrees
    assert abs(fr.union(es).area - (fr.area + es.area)) < 1e-6
    assert fr.intersection(es).area < 1e-6


def test_countries_form_a_coverage(by_code: dict) -> None:
    assert shapely.coverage_is_valid(np.array(list(by_code.values())))


def test_module_does_not_import_dash() -> None:
    code = "import sys, mapping.boundaries; assert 'dash' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=COUNTRIES_PATH.parents[2])


def test_points_in_country_is_the_distance_test_of_each_point() -> None:
    # Inside tested per country on the coordinates, the rest by distance: the same answers as
    # the distance test of every point (the definition), on random points and codes.
    rng = np.random.default_rng(7)
    countries = load_countries()
    lon, lat = rng.uniform(-30, 50, 20_000), rng.uniform(25, 72, 20_000)
    lon[::97] = np.nan
    choices = np.array([*countries["iso2"], "XX", None, " de ", "fr"], dtype=object)
    codes = choices[rng.integers(0, len(choices), len(lon))]
    stated = [str(c).strip().upper() if c is not None else None for c in codes]
    shapes = dict(zip(countries["iso2"], countries.geometry, strict=True))
    expected = [
        code in shapes
        and np.isfinite(x)
        and shapely.dwithin(shapes[code], shapely.Point(x, y), 0.15)
        for x, y, code in zip(lon, lat, stated, strict=True)
    ]
    assert points_in_country(lon, lat, codes, buffer_deg=0.15).tolist() == expected
