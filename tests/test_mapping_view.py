"""The fitted map view: every point inside the framed area, sensible zoom limits."""

import math

import numpy as np
import pytest

from mapping.view import MAP_HEIGHT_PX, MAP_WIDTH_PX, MAX_ZOOM, MIN_ZOOM, WORLD_PX, fit_view


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
