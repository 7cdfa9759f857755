"""The map view (centre and zoom) that shows a set of points, and the area a view shows."""

import math
from dataclasses import dataclass
from typing import Self

import numpy as np
from numpy.typing import NDArray

# Size of the page's map in CSS pixels at 1280x800 (assets/atlas.css); MapLibre draws the
# world 512 px wide at zoom 0. A narrower map (a phone) fits the bounds in the browser
# (assets/atlas-map.js), from the figure's layout.meta.frame.
MAP_WIDTH_PX, MAP_HEIGHT_PX, WORLD_PX = 900, 520, 512
MIN_ZOOM, MAX_ZOOM = 0.6, 7.0
# Keep a margin so that points on the edge stay visible.
MARGIN_ZOOM = 0.4
# Web Mercator draws a square world, up to about ±85°: an area reaching that far reaches the pole.
EDGE_LAT = 85.0
# Cells change size at every half zoom level (see cell_level).
LEVELS_PER_ZOOM = 2
Area = tuple[float, float, float, float]


@dataclass(frozen=True)
class View:
    """What a map shows: its centre, zoom and area [west, south, east, north] in degrees.

    West may be below -180 or east above 180 when the map is panned across the antimeridian
    (MapLibre does not wrap its bounds); `inside` handles that.
    """

    lat: float
    lon: float
    zoom: float
    area: Area

    @classmethod
    def at(cls, lat: float, lon: float, zoom: float) -> Self:
        """Return the view of a MAP_WIDTH_PX x MAP_HEIGHT_PX map at this centre and zoom."""
        scale = WORLD_PX * 2**zoom
        half_lon = MAP_WIDTH_PX / scale * 180
        half_y = MAP_HEIGHT_PX / scale * math.pi
        y = _mercator_y(lat)
        area = (lon - half_lon, _latitude(y - half_y), lon + half_lon, _latitude(y + half_y))
        return cls(lat, lon, zoom, area)

    @classmethod
    def of_area(cls, area: Area, *, zoom: float | None = None) -> Self:
        """Return the view of `area`: its centre, and the zoom that fits it unless given."""
        west, south, east, north = area
        y = (_mercator_y(north) + _mercator_y(south)) / 2
        if zoom is None:
            zoom = min(max(_fit_zoom(west, south, east, north), 0.0), 24.0)
        return cls(_latitude(y), (west + east) / 2, zoom, area)

    def widened(self, margin: float) -> Area:
        """Return the area grown by `margin` times its width and height on every side."""
        west, south, east, north = self.area
        dx = (east - west) * margin
        low, high = _mercator_y(south), _mercator_y(north)
        dy = (high - low) * margin
        if east - west + 2 * dx >= 360:
            west, east, dx = -180.0, 180.0, 0.0
        return (west - dx, _latitude(low - dy), east + dx, _latitude(high + dy))


def inside(lat: NDArray[np.float64], lon: NDArray[np.float64], area: Area) -> NDArray[np.bool_]:
    """Return which points lie in `area` (longitudes compared modulo 360)."""
    west, south, east, north = area
    south, north = (-90.0 if south <= -EDGE_LAT else south), (90.0 if north >= EDGE_LAT else north)
    within = (lat >= south) & (lat <= north)
    if east - west >= 360:
        return within
    return within & (np.mod(lon - west, 360.0) <= east - west)


def cell_level(zoom: float) -> float:
    """Return the zoom level whose cell size a view at `zoom` uses (zoom rounded down to a
    half): cells stay put while the user zooms a little, and halve every level."""
    return math.floor(zoom * LEVELS_PER_ZOOM + 1e-9) / LEVELS_PER_ZOOM


def bounds(lat: np.ndarray, lon: np.ndarray) -> list[float] | None:
    """Return [west, south, east, north] of the points, or None when there is no point."""
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    ok = np.isfinite(lat) & np.isfinite(lon)
    if not ok.any():
        return None
    return [float(lon[ok].min()), float(lat[ok].min()), float(lon[ok].max()), float(lat[ok].max())]


def fit_view(lat: np.ndarray, lon: np.ndarray) -> dict | None:
    """Return {"center", "zoom"} framing all points, or None when there is no point."""
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    ok = np.isfinite(lat) & np.isfinite(lon)
    if not ok.any():
        return None
    south, north = float(lat[ok].min()), float(lat[ok].max())
    west, east = float(lon[ok].min()), float(lon[ok].max())
    zoom = _fit_zoom(west, south, east, north)
    center_y = (_mercator_y(north) + _mercator_y(south)) / 2
    center_lat = math.degrees(math.atan(math.sinh(center_y)))
    zoom = min(max(zoom - MARGIN_ZOOM, MIN_ZOOM), MAX_ZOOM)
    return {"center": {"lat": round(center_lat, 4), "lon": round((west + east) / 2, 4)},
            "zoom": round(zoom, 2)}  # fmt: skip


def _fit_zoom(west: float, south: float, east: float, north: float) -> float:
    """Return the zoom at which the box just fills a MAP_WIDTH_PX x MAP_HEIGHT_PX map."""
    # Web Mercator: compare the spans in projected units so high latitudes get enough room.
    y_span = abs(_mercator_y(north) - _mercator_y(south)) * 180 / math.pi
    return min(
        math.log2(MAP_WIDTH_PX * 360 / (WORLD_PX * max(east - west, 1e-3))),
        math.log2(MAP_HEIGHT_PX * 360 / (WORLD_PX * max(y_span, 1e-3))),
    )


def _mercator_y(lat: float) -> float:
    lat = max(min(lat, EDGE_LAT), -EDGE_LAT)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _latitude(y: float) -> float:
    """Return the latitude of a Web Mercator y (the inverse of _mercator_y)."""
    return math.degrees(math.atan(math.sinh(y)))
