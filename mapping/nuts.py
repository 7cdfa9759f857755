"""NUTS regions from a user-supplied Eurostat Nuts2json GeoJSON, and point -> NUTS-2 look-ups.

NUTS boundaries cannot be shipped (Eurostat GISCO terms), so the file is a setting. Nuts2json
features carry ``id`` (e.g. "DE21") and ``na`` (the name), sometimes ``lvl``; without ``lvl``
the level follows from the id length (2 characters = 0 ... 5 = 3). A file with NUTS-3 regions
but no NUTS-2 gets its NUTS-2 regions by dissolving on the first four characters of the id.
"""

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from shapely.geometry import shape

from data.errors import InputFileError
from mapping.boundaries import polygon_at

COLUMNS = ["nuts_id", "name", "level", "geometry"]
# Nuts2json geometries are generalised (1:3M to 1:60M): coastal cities such as Porto or
# Lisbon can fall just offshore; 0.05 degrees (~5 km) finds them without crossing seas.
DEFAULT_SNAP_DEG = 0.05


def load_nuts(path: Path) -> gpd.GeoDataFrame:
    """Load NUTS regions (nuts_id, name, level, geometry; EPSG:4326), sorted by level and id."""
    features = _read_features(Path(path))
    regions = _regions(features, path=Path(path))
    if not (regions["level"] == 2).any():
        if not (regions["level"] == 3).any():
            levels = sorted(set(regions["level"]))
            raise InputFileError(f"{path}: no NUTS level-2 or level-3 regions (levels {levels})")
        regions = pd.concat([regions, _nuts2_from_nuts3(regions)], ignore_index=True)
    return regions.sort_values(["level", "nuts_id"], ignore_index=True)


def _read_features(path: Path) -> list[dict]:
    """Return the features of a GeoJSON FeatureCollection, or raise InputFileError."""
    if not path.is_file():
        raise InputFileError(f"NUTS file not found: {path}")
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputFileError(f"{path}: not a GeoJSON file ({error})") from error
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise InputFileError(f"{path}: not a GeoJSON FeatureCollection")
    features = [item for item in collection.get("features") or [] if isinstance(item, dict)]
    if not features:
        raise InputFileError(f"{path}: the GeoJSON has no features")
    return features


def _regions(features: list[dict], *, path: Path) -> gpd.GeoDataFrame:
    """Build the region frame from Nuts2json features, or raise InputFileError."""
    properties = pd.DataFrame([item.get("properties") or {} for item in features])
    if not {"id", "na"} <= set(properties.columns):
        raise InputFileError(
            f"{path}: features lack the 'id' and 'na' properties of Eurostat's Nuts2json format"
        )
    shapes = _geometries(features, path=path)
    nuts_id = properties["id"].astype(object).where(properties["id"].notna(), "").astype(str)
    regions = gpd.GeoDataFrame(
        {
            "nuts_id": nuts_id.str.strip().str.upper(),
            "name": properties["na"].fillna("").astype(str),
            "level": _levels(properties, nuts_id.str.strip()),
        },
        geometry=shapes,
        crs="EPSG:4326",
    )
    # Features without an id or a geometry cannot be looked up.
    return regions.loc[(regions["nuts_id"] != "") & regions.geometry.notna()][COLUMNS]


def _geometries(features: list[dict], *, path: Path) -> list[object]:
    """Return each feature's shapely geometry (None when it has none), or raise InputFileError."""
    try:
        return [shape(item["geometry"]) if item.get("geometry") else None for item in features]
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        raise InputFileError(f"{path}: invalid GeoJSON geometry ({error!r})") from error


def _levels(properties: pd.DataFrame, nuts_id: pd.Series) -> NDArray[np.int64]:
    """Return each region's NUTS level: its `lvl` property, else its id length minus 2."""
    from_id = nuts_id.str.len().to_numpy() - 2
    if "lvl" not in properties.columns:
        return from_id
    given = pd.to_numeric(properties["lvl"], errors="coerce").to_numpy(dtype=float)
    return np.where(np.isfinite(given), given, from_id).astype(np.int64)


def _nuts2_from_nuts3(regions: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Dissolve NUTS-3 regions into their NUTS-2 parents (named by their id: names unknown)."""
    level3 = regions.loc[regions["level"] == 3]
    parents = level3.assign(nuts_id=level3["nuts_id"].str[:4])
    dissolved = parents[["nuts_id", "geometry"]].dissolve(by="nuts_id", as_index=False)
    return dissolved.assign(name=dissolved["nuts_id"], level=2)[COLUMNS]


def _nuts2(nuts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the NUTS-2 regions in id order (a point on a shared border gets the first)."""
    return nuts.loc[nuts["level"] == 2].sort_values("nuts_id", ignore_index=True)


def assign_nuts2(
    lon: ArrayLike,
    lat: ArrayLike,
    *,
    nuts: gpd.GeoDataFrame,
    snap_deg: float = DEFAULT_SNAP_DEG,
) -> NDArray[np.object_]:
    """Return the NUTS-2 id at each point, None outside every region (beyond snap_deg) or NaN."""
    return polygon_at(lon, lat, polygons=_nuts2(nuts), key="nuts_id", snap_deg=snap_deg)


def nuts2_names(nuts: gpd.GeoDataFrame) -> dict[str, str]:
    """Return NUTS-2 id -> name."""
    regions = _nuts2(nuts)
    return dict(zip(regions["nuts_id"], regions["name"], strict=True))
