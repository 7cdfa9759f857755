"""The specialisation map: each country coloured by its location quotient in one ecosystem."""

from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from data.text import slugify
from mapping import theme

# log2(LQ) is drawn between these: an LQ of 8 or more is as red as 8.
LQ_LIMIT = 3.0


def lq_scale(lq: np.ndarray) -> np.ndarray:
    """Return log2 of location quotients, clipped to +-LQ_LIMIT (0 for LQ = 1)."""
    with np.errstate(divide="ignore"):
        return np.clip(np.log2(np.asarray(lq, dtype=float)), -LQ_LIMIT, LQ_LIMIT)


def make_lq_map(
    rows: pd.DataFrame, *, ecosystem: str, countries_url: str, tiles: str | None = None
) -> go.Figure:
    """Return the choropleth of `rows` (one country each: area, area_name, count, lq, stars).

    customdata[0] is the country code and customdata[5] the ecosystem slug (a click filters).
    """
    names = [escape(str(n), quote=False) for n in rows["area_name"]]
    trace = go.Choroplethmap(
        geojson=countries_url, featureidkey="properties.iso2", locations=rows["area"],
        z=lq_scale(rows["lq"].to_numpy()), zmin=-LQ_LIMIT, zmax=LQ_LIMIT, zmid=0,
        colorscale=theme.DIVERGING,
        marker={"line": {"color": "#ffffff", "width": 0.6}, "opacity": 0.9},
        colorbar={"title": {"text": f"<b>LQ, {escape(ecosystem)}</b>", "side": "top"},
                  **theme.LQ_TICKS, "x": 0.01, "xanchor": "left", "y": 0.98, "yanchor": "top",
                  "len": 0.45, "thickness": 16, "bgcolor": "rgba(255,255,255,0.92)",
                  "outlinewidth": 0},
        customdata=np.column_stack([rows["area"], names, rows["lq"].round(2), rows["count"],
                                    ["★" * int(s) or "no star" for s in rows["stars"]],
                                    [slugify(ecosystem)] * len(rows)]),
        hovertemplate="<b>%{customdata[1]}</b><br>LQ %{customdata[2]} · %{customdata[3]} "
                      "clusters · %{customdata[4]}<extra>click to filter</extra>",
        uid="lq",
    )  # fmt: skip
    figure = go.Figure([trace])
    figure.update_layout(
        template="atlas",
        map=theme.base_map(countries_url, tiles=tiles),
        uirevision="insights",
        clickmode="event",
    )  # fmt: skip
    return figure
