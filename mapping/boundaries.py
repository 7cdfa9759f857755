"""Country boundaries: the shipped simplified polygons and vectorised point look-ups.

Pure module (no Dash): geometry is in EPSG:4326 and distances are planar degrees, which is
adequate for the ~0.1 degree accuracy of the simplified polygons (see data/files/SOURCES.md).
"""

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike, NDArray

from mapping._groups import row_groups

COUNTRIES_PATH: Path = (
    Path(__file__).resolve().parent.parent / "data" / "files" / "countries.geojson"
)
# The build simplifies coastlines with a 0.1 degree tolerance, which can leave coastal cities
# (Valletta, Copenhagen) just offshore; snapping within that distance finds them again.
DEFAULT_SNAP_DEG = 0.1


@lru_cache(maxsize=4)
def load_countries(path: Path = COUNTRIES_PATH) -> gpd.GeoDataFrame:
    """Load country polygons (iso2, name, geometry; EPSG:4326); shared cache, do not mutate."""
    gdf = gpd.read_file(path, engine="pyogrio")
    return gdf[["iso2", "name", "geometry"]].set_crs("EPSG:4326", allow_override=True)


def _points(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray[np.object_], NDArray[np.bool_]]:
    """Build 1-D point geometries, None where a coordinate is missing, and the valid mask."""
    x = np.atleast_1d(np.asarray(lon, dtype=float)).ravel()
    y = np.atleast_1d(np.asarray(lat, dtype=float)).ravel()
    if x.shape != y.shape:
        raise ValueError(f"lon and lat differ in length: {x.size} != {y.size}")
    ok = np.isfinite(x) & np.isfinite(y)
    points = np.full(x.shape, None, dtype=object)
    points[ok] = shapely.points(x[ok], y[ok])
    return points, ok


def _shapes(countries: gpd.GeoDataFrame) -> NDArray[np.object_]:
    """Return the country geometries as a prepared shapely array (idempotent)."""
    shapes = countries.geometry.to_numpy()
    shapely.prepare(shapes)
    return shapes


def _first_per_point(
    point_idx: NDArray[np.intp], country_idx: NDArray[np.intp], key: NDArray[np.float64]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Keep one pair per point: smallest key, then the first country row (ISO2 order)."""
    order = np.lexsort((country_idx, key, point_idx))
    point_idx, country_idx = point_idx[order], country_idx[order]
    first = np.r_[True, point_idx[1:] != point_idx[:-1]][: point_idx.size]
    return point_idx[first], country_idx[first]


def _containing(
    countries: gpd.GeoDataFrame, points: NDArray[np.object_]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Pair points with a country they lie in (or on the border of)."""
    # sindex.query(..., predicate=) would prepare the points, not the big polygons; testing
    # bounding-box candidates against the prepared polygons is ~10x faster.
    point_idx, country_idx = countries.sindex.query(points)
    inside = shapely.intersects(_shapes(countries)[country_idx], points[point_idx])
    point_idx, country_idx = point_idx[inside], country_idx[inside]
    return _first_per_point(point_idx, country_idx, np.zeros(point_idx.size))


def _nearest(
    countries: gpd.GeoDataFrame, points: NDArray[np.object_], *, max_deg: float
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Pair points with their nearest country within max_deg degrees."""
    x, y = shapely.get_x(points), shapely.get_y(points)
    boxes = shapely.box(x - max_deg, y - max_deg, x + max_deg, y + max_deg)
    point_idx, country_idx = countries.sindex.query(boxes)
    shapes = _shapes(countries)[country_idx]
    near = shapely.dwithin(shapes, points[point_idx], max_deg)
    point_idx, country_idx = point_idx[near], country_idx[near]
    distance = shapely.distance(shapes[near], points[point_idx])
    return _first_per_point(point_idx, country_idx, distance)


def polygon_at(
    lon: ArrayLike,
    lat: ArrayLike,
    *,
    polygons: gpd.GeoDataFrame,
    key: str,
    snap_deg: float = DEFAULT_SNAP_DEG,
) -> NDArray[np.object_]:
    """Return the `key` of the polygon at each point (nearest within snap_deg), else None."""
    keys = polygons[key].to_numpy(dtype=object)
    points, ok = _points(lon, lat)
    result = np.full(points.shape, None, dtype=object)
    valid = np.flatnonzero(ok)
    point_idx, polygon_idx = _containing(polygons, points[valid])
    result[valid[point_idx]] = keys[polygon_idx]
    missed = valid[np.isin(np.arange(valid.size), point_idx, invert=True)]
    if snap_deg > 0 and missed.size:
        point_idx, polygon_idx = _nearest(polygons, points[missed], max_deg=snap_deg)
        result[missed[point_idx]] = keys[polygon_idx]
    return result


def country_at(
    lon: ArrayLike,
    lat: ArrayLike,
    *,
    countries: gpd.GeoDataFrame | None = None,
    snap_deg: float = DEFAULT_SNAP_DEG,
) -> NDArray[np.object_]:
    """Return the ISO2 code of the country at each point, None in no country or for NaN."""
    countries = load_countries() if countries is None else countries
    return polygon_at(lon, lat, polygons=countries, key="iso2", snap_deg=snap_deg)


def points_in_country(
    lon: ArrayLike,
    lat: ArrayLike,
    iso2: ArrayLike,
    *,
    buffer_deg: float = 0.1,
    countries: gpd.GeoDataFrame | None = None,
) -> NDArray[np.bool_]:
    """Test whether each point lies in, or within buffer_deg of, its stated country."""
    countries = load_countries() if countries is None else countries
    x = np.atleast_1d(np.asarray(lon, dtype=float)).ravel()
    y = np.atleast_1d(np.asarray(lat, dtype=float)).ravel()
    if x.shape != y.shape:
        raise ValueError(f"lon and lat differ in length: {x.size} != {y.size}")
    stated = np.broadcast_to(np.asarray(iso2, dtype=object), x.shape).ravel()
    codes, distinct = pd.factorize(stated)  # each distinct code read once
    known = pd.Index(countries["iso2"]).get_indexer(
        pd.Series(distinct, dtype=object).str.strip().str.upper()
    )
    position = np.append(known, -1)[codes]  # code -1 (missing) reads the last entry
    position[~(np.isfinite(x) & np.isfinite(y))] = -1  # unknown code or NaN point: False
    shapes = _shapes(countries)
    within = np.zeros(x.shape, dtype=bool)
    # Inside: per country, its prepared shape tests the coordinates (no point objects made).
    for country, rows in row_groups(position):
        within[rows] = shapely.contains_xy(shapes[country], x[rows], y[rows])
    # The few others (outside, or on the border) may still lie within buffer_deg of it.
    near = np.flatnonzero(~within & (position >= 0))
    points = shapely.points(x[near], y[near])
    within[near] = shapely.dwithin(shapes[position[near]], points, buffer_deg)
    return within
