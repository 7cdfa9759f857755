"""Statistics charts from compute_stats() output; styling comes from the shared template.

Figures are plain dicts (the JSON plotly.js reads): building go.Figure objects validates every
property and cost ~40 ms per filter update for these four charts.
"""

import functools
import textwrap
from collections.abc import Callable

import numpy as np
import pandas as pd

from analysis.statistics import HEATMAP_COUNTRIES
from data.text import slugify
from mapping.insight_map import LQ_LIMIT, lq_scale
from mapping.theme import ATLAS_TEMPLATE, DIVERGING, LQ_TICKS

BAR_COLOR = "#0b5cad"
# The country bars show the same countries as the heatmap's columns.
TOP_COUNTRIES = HEATMAP_COUNTRIES
HEATMAP_SCALE = [[0, "#f4f7fb"], [0.15, "#c6dbef"], [0.5, "#4292c6"], [1, "#08306b"]]
CLICK_HINT = "<extra>click to filter</extra>"
EMPTY_MESSAGE = "No clusters match the filters"
# Longer axis labels wrap: on a phone one long ecosystem name would otherwise take the
# whole width (plotly then clips it rather than shrink the plot below its minimum).
LABEL_WIDTH = 30


def _chart_template() -> dict:
    """Return the atlas template with the axis settings every chart shares."""
    template = ATLAS_TEMPLATE.to_plotly_json()
    # Axes make room for their labels (rotated on narrow screens) and keep titles clear of them.
    axis = {"automargin": True, "title": {"standoff": 6}}
    template["layout"] |= {"xaxis": axis, "yaxis": axis}
    return template


TEMPLATE = _chart_template()


def figure(traces: list[dict], **layout) -> dict:
    """Return a figure of `traces` with the charts' shared layout."""
    base = {"template": TEMPLATE, "margin": {"l": 8, "r": 8, "t": 4, "b": 8},
            "showlegend": False, "clickmode": "event"}  # fmt: skip
    return {"data": traces, "layout": {**base, **layout}}


def empty_figure(message: str = EMPTY_MESSAGE) -> dict:
    """Return a chart without axes that says `message` in its centre."""
    hidden = {"visible": False}
    note = {"text": message, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
            "showarrow": False, "font": {"size": 15}}  # fmt: skip
    return figure([], xaxis=hidden, yaxis=hidden, annotations=[note])


def _unless_empty(make: Callable[[dict], dict]) -> Callable[[dict], dict]:
    """Make a chart builder return `empty_figure()` when no cluster matches."""

    @functools.wraps(make)
    def build(stats: dict) -> dict:
        return make(stats) if stats["kpis"]["clusters"] else empty_figure()

    return build


def wrapped_labels(names: list[str]) -> dict:
    """Return axis settings that show `names` wrapped (the data and hover keep them whole)."""
    text = ["<br>".join(textwrap.wrap(name, LABEL_WIDTH, break_long_words=False)) for name in names]
    return {"tickmode": "array", "tickvals": names, "ticktext": text}


def _bars(rows: list[dict], *, key: str, color: str) -> dict:
    names = [r["name"] for r in rows]
    return figure(
        [{"type": "bar", "orientation": "h", "x": [r["count"] for r in rows], "y": names,
          "customdata": [r[key] for r in rows], "marker": {"color": color},
          "hovertemplate": "%{y}: %{x:,} clusters" + CLICK_HINT}],
        yaxis=wrapped_labels(names),
    )  # fmt: skip


@_unless_empty
def make_country_bars(stats: dict) -> dict:
    """Return horizontal bars of the top countries; customdata is the ISO2 code (click filter)."""
    return _bars(stats["by_country"][:TOP_COUNTRIES][::-1], key="code", color=BAR_COLOR)


@_unless_empty
def make_ecosystem_bars(stats: dict) -> dict:
    """Return horizontal bars per ecosystem; customdata is the ecosystem slug (click filter)."""
    rows = sorted(stats["by_ecosystem"], key=lambda r: r["count"])
    return _bars(rows, key="slug", color="#2a9d8f")


@_unless_empty
def make_heatmap(stats: dict) -> dict:
    """Return the ecosystem x country heatmap of cluster counts (click a cell to filter)."""
    heat = stats["heatmap"]
    slugs = [[slug] * len(heat["countries"]) for slug in heat["ecosystem_slugs"]]
    # A horizontal colour bar above the cells leaves the narrow (phone) width to the columns.
    colorbar = {"title": {"text": "Clusters", "side": "top"}, "thickness": 10,
                "orientation": "h", "x": 1, "xanchor": "right", "y": 1, "yanchor": "bottom",
                "len": 0.6}  # fmt: skip
    return figure(
        [{"type": "heatmap", "z": heat["counts"], "x": heat["countries"], "y": heat["ecosystems"],
          "customdata": slugs, "colorscale": HEATMAP_SCALE, "xgap": 1, "ygap": 1,
          "hovertemplate": "%{y} in %{x}: %{z:,} clusters" + CLICK_HINT, "colorbar": colorbar}],
        # Smaller labels leave a phone more width for the 15 columns; plotly labels every
        # column when they fit and every other one when they do not.
        yaxis={**wrapped_labels(heat["ecosystems"]), "tickfont": {"size": 11}},
        xaxis={"tickfont": {"size": 11}},
    )  # fmt: skip


@_unless_empty
def make_sme_histogram(stats: dict) -> dict:
    """Return the distribution of member SMEs per cluster over size bins."""
    dist = stats["sme_distribution"]
    return figure(
        [{"type": "bar", "x": dist["labels"], "y": dist["counts"], "marker": {"color": "#6c5ce7"},
          "hovertemplate": "%{x} member SMEs: %{y:,} clusters<extra></extra>"}],
        xaxis={"title": {"text": "Member SMEs per cluster"}, "type": "category"},
        yaxis={"title": {"text": "Clusters"}},
    )  # fmt: skip


def country_chart_title(stats: dict) -> str:
    """Return the country chart's title, saying when it shows only the top countries."""
    return "Clusters by country" + _top_note(TOP_COUNTRIES, len(stats["by_country"]))


def heatmap_title(stats: dict) -> str:
    """Return the heatmap's title, saying when its columns are only the top countries."""
    shown, total = len(stats["heatmap"]["countries"]), len(stats["by_country"])
    return "Ecosystems × countries" + _top_note(shown, total, noun=" countries")


def _top_note(shown: int, total: int, *, noun: str = "") -> str:
    """Return " (top 15 of 58…)" when `total` exceeds `shown`, else ""."""
    return f" (top {shown} of {total}{noun})" if total > shown else ""


def make_lq_heatmap(rows: pd.DataFrame, areas: list[str], ecosystems: list[str]) -> dict:
    """Return the area x ecosystem heatmap of location quotients (click a cell to filter).

    `rows` are specialisation rows; `areas` (codes, in order) and `ecosystems` pick the cells.
    Colours are log2(LQ) on the diverging scale (white: as the whole map; an empty cell: none).
    """
    if rows.empty or not areas:
        return empty_figure()
    cells = rows.set_index(["ecosystem", "area"])
    index = pd.MultiIndex.from_product([ecosystems, areas])
    lq = cells["lq"].reindex(index).to_numpy(float).reshape(len(ecosystems), len(areas))
    count = cells["count"].reindex(index).fillna(0).to_numpy().reshape(lq.shape)
    stars = cells["stars"].reindex(index).fillna(0).to_numpy(int).reshape(lq.shape)
    names = dict(zip(rows["area"], rows["area_name"], strict=False))
    slugs = [slugify(e) for e in ecosystems]
    custom = [[[slugs[i], f"{lq[i, j]:.2f}" if count[i, j] else "–", f"{count[i, j]:,.0f}",
                "★" * stars[i, j] or "no star", names.get(a, a)]
               for j, a in enumerate(areas)] for i in range(len(ecosystems))]  # fmt: skip
    z = np.where(count > 0, lq_scale(np.nan_to_num(lq, nan=1.0)), np.nan)
    colorbar = {"title": {"text": "LQ", "side": "top"}, "thickness": 10, "orientation": "h",
                "x": 1, "xanchor": "right", "y": 1, "yanchor": "bottom", "len": 0.6,
                **LQ_TICKS}  # fmt: skip
    return figure(
        [{"type": "heatmap", "z": z.tolist(), "x": areas, "y": ecosystems, "customdata": custom,
          "zmin": -LQ_LIMIT, "zmax": LQ_LIMIT, "zmid": 0, "colorscale": DIVERGING,
          "xgap": 1, "ygap": 1, "colorbar": colorbar,
          "hovertemplate": "%{y} in %{customdata[4]}: LQ %{customdata[1]}, %{customdata[2]} "
                           "clusters, %{customdata[3]}" + CLICK_HINT}],
        yaxis={**wrapped_labels(ecosystems), "tickfont": {"size": 11}},
        xaxis={"tickfont": {"size": 11}, "type": "category"},
    )  # fmt: skip
