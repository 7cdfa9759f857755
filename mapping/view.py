"""The map view (centre and zoom) that shows a set of points."""

import math

import numpy as np

# Size of the page's map in CSS pixels at 1280x800 (assets/atlas.css); MapLibre draws the
# world 512 px wide at zoom 0. A narrower map (a phone) fits the bounds in the browser
# (assets/atlas-map.js), from the figure's layout.meta.frame.
MAP_WIDTH_PX, MAP_HEIGHT_PX, WORLD_PX = 900, 520, 512
MIN_ZOOM, MAX_ZOOM = 0.6, 7.0
# Keep a margin so that points on the edge stay visible.
MARGIN_ZOOM = 0.4


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
    # Web Mercator: compare the spans in projected units so high latitudes get enough room.
    y_span = abs(_mercator_y(north) - _mercator_y(south)) * 180 / math.pi
    zoom = min(
        math.log2(MAP_WIDTH_PX * 360 / (WORLD_PX * max(east - west, 1e-3))),
        math.log2(MAP_HEIGHT_PX * 360 / (WORLD_PX * max(y_span, 1e-3))),
    )
    center_y = (_mercator_y(north) + _mercator_y(south)) / 2
    center_lat = math.degrees(math.atan(math.sinh(center_y)))
    zoom = min(max(zoom - MARGIN_ZOOM, MIN_ZOOM), MAX_ZOOM)
    return {"center": {"lat": round(center_lat, 4), "lon": round((west + east) / 2, 4)},
            "zoom": round(zoom, 2)}  # fmt: skip


def _mercator_y(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
