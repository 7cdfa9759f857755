"""The cluster map: coloured (and clustered) points, grid cells above a bound, or choropleths.

Everything the figure loads comes from the page's own server: country polygons from
`countries_url`, glyphs for the cluster counts from `theme.GLYPHS_URL`, NUTS-2 regions from
`nuts_url`. A tile base map is drawn only when a `tiles` URL template is given.
"""

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go

from mapping import theme
from mapping._map_choropleth import (
    choropleth_trace,
    country_values,
    nuts2_geojson,
    nuts2_values,
)
from mapping._map_points import (
    colour_groups,
    grid_trace,
    in_slots,
    legend_title,
    point_trace,
)
from mapping.modes import COLOR_CHOICES, MAP_MODES

COLOR_BY = tuple(c.name for c in COLOR_CHOICES)
MODES = tuple(m.name for m in MAP_MODES)
COLORBAR_TITLES = {m.name: m.colorbar for m in MAP_MODES if m.colorbar}
__all__ = ["COLOR_BY", "MODES", "make_cluster_map", "nuts2_geojson"]


def make_cluster_map(
    records: pd.DataFrame,
    *,
    countries_url: str,
    color_by: str = "scope",
    mode: str = "points",
    nuts: gpd.GeoDataFrame | None = None,
    nuts_url: str | None = None,
    tiles: str | None = None,
    max_points: int = 20_000,
    cluster: bool = True,
    ecosystems: tuple[str, ...] = (),
) -> go.Figure:
    """Return the map of `records` in `mode` on offline base layers.

    Parameters: `color_by` is one of COLOR_BY (points mode); `mode` one of MODES;
    "nuts2_count" needs `nuts` (load_nuts) and draws `nuts_url` (a route serving
    nuts2_geojson(nuts)) or, without it, embeds that GeoJSON. Above `max_points` records the
    points become at most `max_points` grid cells. `cluster` merges nearby points into
    counted bubbles when zoomed out. `ecosystems` are the slugs of the active ecosystem
    filter (FilterSpec.ecosystem): with color_by "ecosystem", a cluster of several ecosystems
    takes the colour of its first listed one in the filter, so colours never contradict it.
    Returns a figure whose point traces carry each cluster_id in customdata[0]; trace.meta is
    "points", "grid", "areas" or "spare" (hidden, empty: the figure always starts with the
    same POINT_SLOTS scattermap traces, see in_slots).
    """
    if mode not in MODES or color_by not in COLOR_BY:
        raise ValueError(f"mode/color_by must be in {MODES}/{COLOR_BY}: {mode!r}/{color_by!r}")
    if mode == "points":
        traces, legend = _points(records, color_by=color_by, max_points=max_points,
                                 cluster=cluster, ecosystems=ecosystems)  # fmt: skip
    else:
        areas = _areas(records, mode=mode, countries_url=countries_url, nuts=nuts,
                       nuts_url=nuts_url)  # fmt: skip
        traces, legend = [*in_slots([], cluster=cluster), areas], ""
    figure = go.Figure(traces)
    figure.update_layout(
        template="atlas",
        map=theme.base_map(countries_url, tiles=tiles),
        # Legend clicks (trace visibility) persist only while the colour attribute stays.
        legend={"title": {"text": legend}, "uirevision": f"{mode}:{color_by}"},
        showlegend=mode == "points" and not records.empty,
        uirevision="map",
    )  # fmt: skip
    if records.empty:
        _say_empty(figure)
    return figure


def _points(
    records: pd.DataFrame,
    *,
    color_by: str,
    max_points: int,
    cluster: bool,
    ecosystems: tuple[str, ...],
) -> tuple[list[go.Scattermap], str]:
    """Return one trace per colour value, or one grid trace when there are too many points."""
    if len(records) <= max_points:
        groups = colour_groups(records, color_by=color_by, ecosystems=ecosystems)
        traces = [point_trace(records, group, cluster=cluster) for group in groups]
        title = legend_title(color_by, ecosystems=ecosystems)
        return in_slots(traces, cluster=cluster), f"<b>{title}</b>"
    # Past the bound the browser would receive (and cluster) every point: send counts per
    # grid cell instead, and say so where the colour legend would be.
    title = (
        f"<b>Clusters per grid cell</b><br>{len(records):,} clusters: too many to draw one by one"
    )
    return [*in_slots([], cluster=cluster), grid_trace(records, max_cells=max_points)], title


def _areas(
    records: pd.DataFrame,
    *,
    mode: str,
    countries_url: str,
    nuts: gpd.GeoDataFrame | None,
    nuts_url: str | None,
) -> go.Choroplethmap:
    """Return the choropleth of `mode` (countries from countries_url, or NUTS-2 regions)."""
    title = f"<b>{COLORBAR_TITLES[mode]}</b>"
    if not mode.startswith("nuts2"):
        areas = country_values(records, mode=mode)
        return choropleth_trace(
            areas, geojson=countries_url, featureidkey="properties.iso2", title=title
        )
    if nuts is None:
        raise ValueError("the NUTS-2 map needs NUTS boundaries (the `nuts` setting)")
    geojson = nuts_url or nuts2_geojson(nuts)
    areas = nuts2_values(records, nuts=nuts)
    return choropleth_trace(areas, geojson=geojson, featureidkey="properties.nuts_id", title=title)


def _say_empty(figure: go.Figure) -> None:
    """Write on the map that no cluster matches, instead of showing a silent blank map."""
    figure.add_annotation(
        text="No cluster organisation matches the filters", showarrow=False,
        x=0.5, y=0.5, xref="paper", yref="paper", font={"size": 16},
        bgcolor="rgba(255,255,255,0.9)", borderpad=8,
    )  # fmt: skip
