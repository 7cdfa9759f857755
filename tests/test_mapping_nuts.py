"""Tests of mapping.nuts on tiny synthetic Nuts2json files written to tmp_path."""

import json
from pathlib import Path

import numpy as np
import pytest
import shapely

from data.errors import InputFileError
from mapping.nuts import assign_nuts2, load_nuts, nuts2_names


def square(x0: float, y0: float, x1: float, y1: float) -> dict:
    """Return a GeoJSON polygon of an axis-aligned rectangle."""
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(geometry: dict, **properties: object) -> dict:
    """Return a GeoJSON feature."""
    return {"type": "Feature", "properties": properties, "geometry": geometry}


# Country XX: level 1 XX1 = [0, 2] x [0, 1], split into level-2 XX11 (west) and XX12 (east).
LEVEL_0 = feature(square(0, 0, 2, 1), id="XX", na="Xland")
LEVEL_1 = feature(square(0, 0, 2, 1), id="XX1", na="Xland One")
WEST = feature(square(0, 0, 1, 1), id="XX11", na="West")
EAST = feature(square(1, 0, 2, 1), id="XX12", na="East")
# NUTS-3 only: XX11 is split north/south, XX12 is a single region.
LEVEL_3 = [
    feature(square(0, 0, 1, 0.5), id="XX111", na="South-west"),
    feature(square(0, 0.5, 1, 1), id="XX112", na="North-west"),
    feature(square(1, 0, 2, 1), id="XX121", na="East"),
]


def write(folder: Path, features: list[dict], name: str = "nuts.geojson") -> Path:
    """Write a FeatureCollection and return its path."""
    path = folder / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


@pytest.fixture
def nuts(tmp_path: Path):
    """Load a file with levels 0, 1 and 2 (level-2 features deliberately listed east first)."""
    return load_nuts(write(tmp_path, [LEVEL_0, LEVEL_1, EAST, WEST]))


def test_load_gives_columns_levels_and_crs(nuts) -> None:
    assert list(nuts.columns) == ["nuts_id", "name", "level", "geometry"]
    assert nuts.crs.to_epsg() == 4326
    assert list(zip(nuts["nuts_id"], nuts["level"], strict=True)) == [
        ("XX", 0),
        ("XX1", 1),
        ("XX11", 2),
        ("XX12", 2),
    ]


def test_lvl_property_wins_over_id_length(tmp_path: Path) -> None:
    odd = feature(square(0, 0, 1, 1), id="XX11", na="West", lvl=2)
    odd_level_1 = feature(square(0, 0, 2, 1), id="XX1", na="One", lvl="1")
    nuts = load_nuts(write(tmp_path, [odd, odd_level_1]))
    assert dict(zip(nuts["nuts_id"], nuts["level"], strict=True)) == {"XX1": 1, "XX11": 2}


def test_names(nuts) -> None:
    assert nuts2_names(nuts) == {"XX11": "West", "XX12": "East"}


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (0.5, 0.5, "XX11"),  # inside west
        (1.5, 0.5, "XX12"),  # inside east
        (1.0, 0.5, "XX11"),  # on the shared border: the first id, whatever the file order
        (0.0, 0.5, "XX11"),  # on the outer edge
        (2.03, 0.5, "XX12"),  # just offshore: snapped
        (-0.03, -0.03, "XX11"),  # off a corner, 0.042 degrees away: snapped
        (-0.04, -0.04, None),  # off a corner, 0.057 degrees away although each axis is < 0.05
        (2.2, 0.5, None),  # too far out
        (50.0, 50.0, None),  # nowhere near
        (np.nan, 0.5, None),
        (0.5, np.nan, None),
    ],
)
def test_assign_single_points(nuts, lon: float, lat: float, expected: str | None) -> None:
    assert assign_nuts2([lon], [lat], nuts=nuts).tolist() == [expected]


def test_assign_many_points_and_no_snap(nuts) -> None:
    lon, lat = np.array([0.5, 1.5, 2.03, np.nan]), np.array([0.5, 0.5, 0.5, 0.0])
    result = assign_nuts2(lon, lat, nuts=nuts)
    assert result.dtype == object and result.tolist() == ["XX11", "XX12", "XX12", None]
    assert assign_nuts2(lon, lat, nuts=nuts, snap_deg=0).tolist() == ["XX11", "XX12", None, None]


def test_assign_empty_input(nuts) -> None:
    assert assign_nuts2([], [], nuts=nuts).tolist() == []


def test_nuts3_only_file_derives_nuts2(tmp_path: Path) -> None:
    nuts = load_nuts(write(tmp_path, [LEVEL_1, *LEVEL_3]))
    level2 = nuts.loc[nuts["level"] == 2]
    assert level2["nuts_id"].tolist() == ["XX11", "XX12"]
    assert shapely.area(level2.geometry.to_numpy()).round(9).tolist() == [
        1.0,
        1.0,
    ]  # the halves dissolved
    assert nuts2_names(nuts) == {"XX11": "XX11", "XX12": "XX12"}
    result = assign_nuts2([0.5, 0.5, 1.5], [0.25, 0.75, 0.5], nuts=nuts)
    assert result.tolist() == ["XX11", "XX11", "XX12"]


def test_features_without_id_or_geometry_are_dropped(tmp_path: Path) -> None:
    blank = feature(square(5, 5, 6, 6), id=None, na="No id")
    empty = {"type": "Feature", "properties": {"id": "XX13", "na": "Nowhere"}, "geometry": None}
    nuts = load_nuts(write(tmp_path, [WEST, blank, empty]))
    assert nuts["nuts_id"].tolist() == ["XX11"]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"^NUTS file not found: .*absent\.geojson$"):
        load_nuts(tmp_path / "absent.geojson")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not a GeoJSON file"),
        (b"\xff\xfe\x00binary", "not a GeoJSON file"),
        ("[1, 2]", "not a GeoJSON FeatureCollection"),
        ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection", "features": []}', "the GeoJSON has no features"),
    ],
)
def test_not_geojson(tmp_path: Path, content: str | bytes, message: str) -> None:
    path = tmp_path / "bad.geojson"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")
    with pytest.raises(InputFileError, match=message) as caught:
        load_nuts(path)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)


@pytest.mark.parametrize("properties", [{"NUTS_ID": "XX11", "NAME": "West"}, {"id": "XX11"}, {}])
def test_no_id_na_properties(tmp_path: Path, properties: dict) -> None:
    path = write(tmp_path, [feature(square(0, 0, 1, 1), **properties)])
    with pytest.raises(InputFileError, match="lack the 'id' and 'na' properties"):
        load_nuts(path)


def test_invalid_geometry(tmp_path: Path) -> None:
    broken = feature({"type": "Polygon", "coordinates": "oops"}, id="XX11", na="West")
    with pytest.raises(InputFileError, match="invalid GeoJSON geometry"):
        load_nuts(write(tmp_path, [broken]))


def test_only_levels_0_and_1(tmp_path: Path) -> None:
    with pytest.raises(
        InputFileError, match=r"no NUTS level-2 or level-3 regions \(levels \[0, 1\]\)"
    ):
        load_nuts(write(tmp_path, [LEVEL_0, LEVEL_1]))
