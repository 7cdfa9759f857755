"""The partner map: lines from one cluster to its ranked partners, on the offline base map."""

from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from mapping import theme
from mapping.view import bounds, fit_view

ORIGIN_COLOR = "#D55E00"
PARTNER_COLOR = "#0072B2"
LINE_COLOR = "rgba(0, 114, 178, 0.45)"


def make_partner_map(
    origin: pd.Series, partners: pd.DataFrame, *, countries_url: str, tiles: str | None = None
) -> go.Figure:
    """Return the map of `origin` (a record) linked by lines to `partners` (records + score).

    Partner markers carry their cluster_id in customdata[0] (a click opens the profile).
    """
    lat = partners["lat"].to_numpy(float)
    lon = partners["lon"].to_numpy(float)
    # One line trace: origin -> partner segments separated by NaN (a break in the line).
    gap = np.full(len(partners), np.nan)
    line_lat = np.column_stack([np.full(len(partners), origin["lat"]), lat, gap]).ravel()
    line_lon = np.column_stack([np.full(len(partners), origin["lon"]), lon, gap]).ravel()
    names = [escape(str(n), quote=False) for n in partners["name"]]
    ranks = np.arange(1, len(partners) + 1)
    traces = [
        go.Scattermap(lat=line_lat, lon=line_lon, mode="lines", hoverinfo="skip",
                      line={"color": LINE_COLOR, "width": 2}, showlegend=False),
        go.Scattermap(lat=lat, lon=lon, mode="markers", name="Partners",
                      marker={"size": 11, "color": PARTNER_COLOR},
                      customdata=np.column_stack([partners["cluster_id"].astype(str), names,
                                                  ranks, partners["score"].round(2)]),
                      hovertemplate="<b>%{customdata[2]}. %{customdata[1]}</b>"
                                    "<br>score %{customdata[3]}<extra></extra>"),
        go.Scattermap(lat=[origin["lat"]], lon=[origin["lon"]], mode="markers",
                      name="The cluster partners are found for",
                      marker={"size": 16, "color": ORIGIN_COLOR},
                      customdata=[[str(origin["cluster_id"]), escape(str(origin["name"]))]],
                      hovertemplate="<b>%{customdata[1]}</b><extra></extra>"),
    ]  # fmt: skip
    figure = go.Figure(traces)
    all_lat, all_lon = np.append(lat, origin["lat"]), np.append(lon, origin["lon"])
    view = fit_view(all_lat, all_lon)
    figure.update_layout(
        template="atlas",
        map=theme.base_map(countries_url, tiles=tiles, view=view),
        legend={"title": {"text": "<b>Partner map</b>"}, "y": 0.02, "yanchor": "bottom"},
        uirevision=f"partners:{origin['cluster_id']}",
        # A narrower map than fit_view assumes (a phone) frames these bounds itself.
        meta={"frame": bounds(all_lat, all_lon)},
    )  # fmt: skip
    return figure
