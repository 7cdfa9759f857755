"""The fitted map view: every point inside the framed area, sensible zoom limits; the area a
view shows and where cells change size."""

import math

import numpy as np
import pytest

from mapping.view import (
    MAP_HEIGHT_PX,
    MAP_WIDTH_PX,
    MAX_ZOOM,
    MIN_ZOOM,
    WORLD_PX,
    View,
    cell_level,
    fit_view,
    inside,
)


def _visible(view: dict, lat: np.ndarray, lon: np.ndarray) -> bool:
    """Tell whether all points fall inside the map's pixel box at the view."""
    scale = WORLD_PX * 2 ** view["zoom"] / (2 * math.pi)

    def y(value):
        return np.log(np.tan(np.pi / 4 + np.radians(value) / 2))

    dx = np.radians(lon - view["center"]["lon"]) * scale
    dy = (y(lat) - y(view["center"]["lat"])) * scale
    return bool((np.abs(dx) <= MAP_WIDTH_PX / 2).all() and (np.abs(dy) <= MAP_HEIGHT_PX / 2).all())


@pytest.mark.parametrize(
    ("lat", "lon"),
    [([35, 70], [-10, 40]), ([-34, 64], [-122, 139]), ([36, 37], [-6, -5]), ([60, 70], [5, 30])],
)
def test_view_frames_every_point(lat, lon):
    lat, lon = np.array(lat, dtype=float), np.array(lon, dtype=float)
    view = fit_view(lat, lon)
    assert MIN_ZOOM <= view["zoom"] <= MAX_ZOOM
    assert _visible(view, lat, lon)


def test_single_point_and_no_point():
    assert fit_view(np.array([52.5]), np.array([13.4]))["zoom"] == MAX_ZOOM
    assert fit_view(np.array([np.nan]), np.array([np.nan])) is None


@pytest.mark.parametrize(("lat", "lon", "zoom"), [(50, 12, 2.7), (48.86, 2.35, 11), (-33, 151, 5)])
def test_the_area_of_a_view_is_what_its_map_shows(lat, lon, zoom):
    view = View.at(lat, lon, zoom)
    west, south, east, north = view.area
    frame = {"center": {"lat": lat, "lon": lon}, "zoom": zoom}
    inner = np.array([south + 1e-6, north - 1e-6]), np.array([west + 1e-6, east - 1e-6])
    outer = np.array([south - 1e-3, north + 1e-3]), np.array([west - 1e-3, east + 1e-3])
    assert _visible(frame, *inner) and not _visible(frame, *outer)
    assert View.of_area(view.area, zoom=zoom).lat == pytest.approx(lat)


def test_a_view_of_an_area_fits_it_and_a_widened_area_holds_it():
    view = View.of_area((-10.0, 35.0, 30.0, 60.0))
    assert view.lon == 10.0 and 2.5 < view.zoom < 4
    west, south, east, north = view.widened(0.5)
    assert (west, east) == (-30.0, 50.0)
    # Half the height more on each side, on the map (Web Mercator), not in degrees.
    y = np.log(np.tan(np.pi / 4 + np.radians([south, 35.0, 60.0, north]) / 2))
    assert y[1] - y[0] == pytest.approx((y[2] - y[1]) / 2) == pytest.approx(y[3] - y[2])
    assert View.at(0, 0, 0.5).widened(0.5)[::2] == (-180.0, 180.0)


def test_inside_compares_longitudes_across_the_antimeridian_and_reaches_the_poles():
    lat = np.array([0.0, 0.0, 0.0, 0.0, 89.0, np.nan])
    lon = np.array([175.0, -175.0, 0.0, -185.0, 0.0, 0.0])
    assert inside(lat, lon, (170.0, -10.0, 190.0, 10.0)).tolist() == [1, 1, 0, 1, 0, 0]
    assert inside(lat, lon, (-190.0, -10.0, -170.0, 10.0)).tolist() == [1, 1, 0, 1, 0, 0]
    assert inside(lat, lon, (-180.0, -85.0, 180.0, 85.0)).tolist() == [1, 1, 1, 1, 1, 0]


@pytest.mark.parametrize(("zoom", "level"), [(0.0, 0.0), (2.49, 2.0), (2.5, 2.5), (2.99, 2.5)])
def test_cells_change_every_half_zoom_level(zoom, level):
    assert cell_level(zoom) == level
