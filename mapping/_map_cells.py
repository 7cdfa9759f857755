"""Cells of the cluster map: where a view holds too many clusters to draw, circles that count
the clusters of square screen cells, each in the colour most of its clusters have.

Cells are squares of CELL_PX screen pixels on the Web Mercator world at the view's cell level
(mapping.view.cell_level): zooming in one level halves them, and panning keeps them in place
(the grid is anchored to the world, not to the view).
"""

import math
from dataclasses import dataclass
from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from numpy.typing import NDArray

from mapping import theme
from mapping.view import WORLD_PX

# A cell's side on screen at its level (up to √2 times more between two half levels): room
# for a circle with a count in it.
CELL_PX = 36
# Above this many cells (a very large screen, or the API asked for a huge area) the cells
# double in size: the payload stays bounded whatever the view.
MAX_CELLS = 2_500
# Circle diameters (px): the smallest still holds a count; the largest stays within its cell.
CELL_SIZES = (16.0, 34.0)
CELL_HOVER = "%{hovertext}<extra></extra>"


@dataclass(frozen=True)
class Cells:
    """Clusters counted per cell: mean position, count and the most common colour code."""

    lat: NDArray[np.float32]
    lon: NDArray[np.float32]
    counts: NDArray[np.int64]
    top: NDArray[np.int64]
    top_counts: NDArray[np.int64]
    level: float


def count_cells(
    lat: NDArray[np.float64],
    lon: NDArray[np.float64],
    colours: NDArray[np.int16],
    *,
    level: float,
    max_cells: int = MAX_CELLS,
) -> Cells:
    """Count points per cell at zoom `level` (coarser levels until at most max_cells remain).

    The most common colour of a cell is the lowest colour code among the most frequent (so
    ties go to the colour listed first in the legend).
    """
    ok = np.isfinite(lat) & np.isfinite(lon)
    lat, lon, colours = lat[ok], lon[ok], colours[ok]
    x, y = _world_xy(lat, lon)
    max_cells = max(max_cells, 1)
    while True:
        per_side = WORLD_PX * 2**level / CELL_PX
        rows, cols = (np.floor(v * per_side).astype(np.int64) for v in (y, x))
        index, unique = pd.factorize(rows * (int(per_side) + 1) + cols)
        if len(unique) <= max_cells or level <= -10:
            break
        # Each level down merges up to four cells into one.
        level -= max(1, math.ceil(math.log(len(unique) / max_cells, 4)))
    counts = np.bincount(index, minlength=len(unique))
    n_colours = int(colours.max(initial=0)) + 1
    by_colour = np.bincount(index * n_colours + colours, minlength=len(unique) * n_colours)
    by_colour = by_colour.reshape(len(unique), n_colours)
    top = by_colour.argmax(axis=1)
    mean_lat = np.bincount(index, weights=lat, minlength=len(unique)) / np.maximum(counts, 1)
    mean_lon = np.bincount(index, weights=lon, minlength=len(unique)) / np.maximum(counts, 1)
    return Cells(mean_lat.astype(np.float32), mean_lon.astype(np.float32), counts, top,
                 by_colour[np.arange(len(unique)), top], level)  # fmt: skip


def _world_xy(
    lat: NDArray[np.float64], lon: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return Web Mercator coordinates in [0, 1) (x east from -180°, y south from the top)."""
    x = np.mod(lon + 180.0, 360.0) / 360.0
    phi = np.radians(np.clip(lat, -85.0, 85.0))
    y = (1.0 - np.log(np.tan(np.pi / 4 + phi / 2)) / np.pi) / 2
    return x, y


def cell_traces(cells: Cells, *, names: list[tuple[str, str]]) -> list[go.Scattermap]:
    """Return one trace per most common colour: circles sized by count, the count written in.

    `names` are (legend name, colour) per colour code (colour_names). The circles are light
    tints, like the cluster bubbles, so the black counts stay legible on every colour.
    """
    low, high = CELL_SIZES
    sizes = low + (high - low) * np.sqrt(cells.counts / max(cells.counts.max(initial=1), 1))
    traces = []
    for code in np.unique(cells.top):
        mine = cells.top == code
        label, colour = names[code]
        traces.append(go.Scattermap(
            lat=cells.lat[mine], lon=cells.lon[mine], mode="markers+text",
            name=f"{label} ({int(mine.sum()):,} cells)",
            marker={"size": sizes[mine].astype(np.float32), "color": theme.cluster_tint(colour),
                    "opacity": 0.9},
            text=[short_count(n) for n in cells.counts[mine]],
            textfont={"family": theme.MAP_FONT, "size": 11, "color": theme.INK},
            hovertext=_hover(cells.counts[mine], cells.top_counts[mine], label),
            hovertemplate=CELL_HOVER, meta="cells", uid=f"cells-{len(traces)}",
        ))  # fmt: skip
    return traces


def short_count(n: int) -> str:
    """Return a count as written in a circle: 845, 1.2k, 12k, 999k, 1.0M, 12M."""
    if n < 1000:
        return str(int(n))
    # From 999,500 on, "1000k" would be written: say 1.0M.
    value, unit = (n / 1e3, "k") if n < 999_500 else (n / 1e6, "M")
    return (f"{value:.1f}" if value < 9.95 else f"{value:.0f}") + unit


def _hover(counts: NDArray[np.int64], tops: NDArray[np.int64], label: str) -> list[str]:
    """Return each cell's hover: its count and how many of them have the most common colour."""
    name = escape(label, quote=False)
    return [
        f"<b>{n:,} clusters</b> in this cell<br>Most common: {name} ({t:,}, {t / n:.0%})"
        "<br>Click to zoom in"
        for n, t in zip(counts.tolist(), tops.tolist(), strict=True)
    ]
