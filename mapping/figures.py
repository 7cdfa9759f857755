"""The cluster map: coloured (and clustered) points, counted cells where the view holds too
many points, or choropleths.

Everything the figure loads comes from the page's own server: country polygons from
`countries_url`, glyphs for the cluster counts from `theme.GLYPHS_URL`, NUTS-2 regions from
`nuts_url`. A tile base map is drawn only when a `tiles` URL template is given.
"""

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from numpy.typing import NDArray

from data.schema import rows_at
from mapping import theme
from mapping._map_cells import cell_traces, count_cells
from mapping._map_choropleth import (
    choropleth_trace,
    country_values,
    nuts2_geojson,
    nuts2_values,
)
from mapping._map_colours import (
    EcosystemItems,
    colour_codes,
    colour_names,
    ecosystem_items,
    legend_title,
)
from mapping._map_points import colour_groups, point_trace, with_uids
from mapping.modes import COLOR_CHOICES, MAP_MODES
from mapping.view import Area, View, cell_level, fit_view, inside

COLOR_BY = tuple(c.name for c in COLOR_CHOICES)
MODES = tuple(m.name for m in MAP_MODES)
COLORBAR_TITLES = {m.name: m.colorbar for m in MAP_MODES if m.colorbar}
# The most points one figure draws: one filter update sends at most 300 kB gzipped. A point
# costs 15-25 bytes gzipped with bench/make_large.py's records (bench/map_scale.py), and
# ~46 with random names, places and ids: 5,000 points are at most ~235 kB, and the rest of
# an update (KPIs, charts, the table's first rows) ~15 kB.
MAX_POINTS = 5_000
# Points and cells are sent for the view and this much around it (times its width and
# height, on every side), so a small pan shows them before the map has asked for its new view.
VIEW_MARGIN = 0.5
# The columns the choropleths read: only these are copied from a large frame.
AREA_COLUMNS = ["country_code", "sme_members", "nuts2", "lat", "lon"]
# What the map shows, said beside "Colour by" (layout.meta.hint): what a colour stands for
# when it is not one cluster's, and which clusters are drawn when not all.
HINTS = {
    "all": "",
    "view": "(the {n:,} clusters in this part of the map, of {total:,})",
    "cells": "(per cell: the most common; zoom in to see each cluster)",
    "areas": "(points only)",
}
__all__ = [
    "COLOR_BY", "MAX_POINTS", "MODES", "EcosystemItems", "ecosystem_items", "make_cluster_map",
    "nuts2_geojson",
]  # fmt: skip


@dataclass(frozen=True)
class Shown:
    """Which points a view draws: all, those of an area, or those of an area as cells."""

    kind: str
    picked: NDArray[np.intp]
    area: Area | None = None


def make_cluster_map(
    records: pd.DataFrame,
    *,
    countries_url: str,
    color_by: str = "scope",
    mode: str = "points",
    nuts: gpd.GeoDataFrame | None = None,
    nuts_url: str | None = None,
    tiles: str | None = None,
    max_points: int = MAX_POINTS,
    cluster: bool = True,
    ecosystems: tuple[str, ...] = (),
    positions: NDArray[np.intp] | None = None,
    view: View | None = None,
    ecosystem_items: EcosystemItems | None = None,
) -> go.Figure:
    """Return the map of `records` (or of its rows at `positions`) in `mode` on offline layers.

    Parameters: `color_by` is one of COLOR_BY (points mode); `mode` one of MODES;
    "nuts2_count" needs `nuts` (load_nuts) and draws `nuts_url` (a route serving
    nuts2_geojson(nuts)) or, without it, embeds that GeoJSON. Up to `max_points` records are
    all drawn, whatever the view; past it, the points of `view` (default: framing all records)
    and around it, or, when those are too many too, counts per cell of a size that follows
    the view's zoom, coloured by the most common value. `cluster` merges nearby points into
    counted bubbles when zoomed out. `ecosystems` are the slugs of the active ecosystem filter
    (FilterSpec.ecosystem): with color_by "ecosystem", a cluster of several ecosystems takes
    the colour of its first listed one in the filter, so colours never contradict it.
    `positions` and `ecosystem_items` (ecosystem_items(records["ecosystems"]), kept) spare a
    large data set copies: only the rows drawn as points are read whole.
    Returns a figure whose point traces carry each cluster_id in customdata[0]; trace.meta is
    "points", "cells" or "areas"; layout.meta says what is shown
    ("shown": all, view, cells or areas; the "area" loaded and the cell "level") and gives
    the "hint" next to "Colour by".
    """
    if mode not in MODES or color_by not in COLOR_BY:
        raise ValueError(f"mode/color_by must be in {MODES}/{COLOR_BY}: {mode!r}/{color_by!r}")
    rows = np.arange(len(records)) if positions is None else np.asarray(positions)
    if mode == "points":
        traces, legend, meta = _points(records, rows, color_by=color_by, view=view,
                                       max_points=max_points, cluster=cluster,
                                       ecosystems=ecosystems, items=ecosystem_items)  # fmt: skip
    else:
        areas = _areas(records[AREA_COLUMNS].iloc[rows], mode=mode, countries_url=countries_url,
                       nuts=nuts, nuts_url=nuts_url)  # fmt: skip
        traces, legend = [areas], ""
        meta = {"shown": "areas", "hint": HINTS["areas"]}
    figure = go.Figure(traces)
    figure.update_layout(
        template="atlas",
        map=theme.base_map(countries_url, tiles=tiles),
        # Legend clicks (trace visibility) persist only while the colour attribute stays.
        legend={"title": {"text": legend}, "uirevision": f"{mode}:{color_by}"},
        showlegend=mode == "points" and len(rows) > 0,
        uirevision="map",
        meta=meta,
    )  # fmt: skip
    if not len(rows):
        _say_empty(figure)
    return figure


def _points(
    records: pd.DataFrame,
    rows: NDArray[np.intp],
    *,
    color_by: str,
    view: View | None,
    max_points: int,
    cluster: bool,
    ecosystems: tuple[str, ...],
    items: EcosystemItems | None,
) -> tuple[list[go.Scattermap], str, dict]:
    """Return the point traces (one per colour value) or the cell traces, legend and meta."""
    lat, lon = (records[c].to_numpy(np.float64, na_value=np.nan)[rows] for c in ("lat", "lon"))
    view = view or _framing(lat, lon)
    shown = _pick_points(lat, lon, view=view, max_points=max_points)
    drawn = rows[shown.picked]
    colours = colour_codes(records, color_by=color_by, ecosystems=ecosystems, items=items)[drawn]
    title = legend_title(color_by, ecosystems=ecosystems)
    meta = {"shown": shown.kind, "hint": HINTS[shown.kind].format(n=len(drawn), total=len(rows))}
    if shown.area is not None:
        meta["area"] = [round(edge, 5) for edge in shown.area]
    if shown.kind == "cells":
        level = cell_level(view.zoom)
        cells = count_cells(lat[shown.picked], lon[shown.picked], colours, level=level)
        traces = cell_traces(cells, names=colour_names(color_by))
        counted = f"{int(cells.counts.sum()):,} clusters in {cells.counts.size:,} cells"
        legend = f"<b>{title}: the most common per cell</b><br>{counted}"
        return traces, legend, {**meta, "level": level}
    frame = rows_at(records, drawn)
    groups = colour_groups(colours, color_by=color_by)
    traces = [point_trace(frame, group, cluster=cluster) for group in groups]
    legend = f"<b>{title}</b>"
    if shown.kind == "view":
        legend += f"<br>{len(drawn):,} of {len(rows):,} clusters, in this part of the map"
    return with_uids(traces), legend, meta


def _pick_points(
    lat: NDArray[np.float64], lon: NDArray[np.float64], *, view: View, max_points: int
) -> Shown:
    """Return which points to draw: all up to max_points; else those of the view widened by
    VIEW_MARGIN, or of the view alone, if not too many; else those of the widened view as
    cells."""
    if len(lat) <= max_points:
        return Shown("all", np.arange(len(lat)))
    wide = view.widened(VIEW_MARGIN)
    around = np.flatnonzero(inside(lat, lon, wide))
    if len(around) <= max_points:
        return Shown("view", around, wide)
    within = around[inside(lat[around], lon[around], view.area)]
    if len(within) <= max_points:
        return Shown("view", within, view.area)
    return Shown("cells", around, wide)


def _framing(lat: NDArray[np.float64], lon: NDArray[np.float64]) -> View:
    """Return the view framing the points (Europe when none has a position)."""
    framing = fit_view(lat, lon) or theme.EUROPE_VIEW
    return View.at(framing["center"]["lat"], framing["center"]["lon"], framing["zoom"])


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
