"""The partnership map: links between countries (or one partnership's members), targets shaded."""

from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from mapping import theme
from mapping.view import bounds, fit_view

NODE_COLOR = "#0072B2"
TARGET_COLOR = "#E69F00"
# Links drawn thicker the more partnerships they carry: (at least, width, legend).
LINK_WIDTHS = ((1, 1.2, "1 partnership"), (2, 3.0, "2-3 partnerships"),
               (4, 6.0, "4 or more partnerships"))  # fmt: skip
LINK_COLOR = "rgba(0, 114, 178, 0.5)"
# One partnership's members are all linked to each other up to this many; beyond, to the first.
PAIRWISE_MEMBERS = 30


def make_network_map(
    network: dict, *, places: dict[str, dict], members: pd.DataFrame | None = None,
    countries_url: str, tiles: str | None = None,
) -> go.Figure:  # fmt: skip
    """Return the map of `network` (analysis.network): country links or one partnership.

    With `members` (records of one partnership's clusters), their places are linked instead of
    the countries. Target third countries are shaded in both cases. `places`: country code ->
    {"lat", "lon"} (analysis.network.country_points), to frame the targets too.
    """
    traces = [_targets(network["targets"], countries_url)]
    if members is not None:
        lat, lon = members["lat"].to_numpy(float), members["lon"].to_numpy(float)
        traces += _member_traces(members, lat, lon)
    else:
        nodes = [n for n in network["nodes"] if n["lat"] is not None]
        lat = np.array([n["lat"] for n in nodes], dtype=float)
        lon = np.array([n["lon"] for n in nodes], dtype=float)
        traces += _link_traces(network["edges"], {n["id"]: n for n in nodes})
        traces.append(_node_trace(nodes, lat, lon))
    # The frame holds the links and the target countries (where the data set has clusters).
    aimed = [places[t["code"]] for t in network["targets"] if t["code"] in places]
    lat = np.append(lat, [p["lat"] for p in aimed])
    lon = np.append(lon, [p["lon"] for p in aimed])
    figure = go.Figure(traces)
    figure.update_layout(
        template="atlas",
        map=theme.base_map(countries_url, tiles=tiles, view=fit_view(lat, lon)),
        legend={"title": {"text": "<b>Strategic partnerships</b>"}, "y": 0.02,
                "yanchor": "bottom"},
        uirevision="network" if members is None else "partnership",
        meta={"frame": bounds(lat, lon)},
    )  # fmt: skip
    return figure


def _targets(targets: list[dict], countries_url: str) -> go.Choroplethmap:
    names = [escape(t["name"], quote=False) for t in targets]
    return go.Choroplethmap(
        geojson=countries_url, featureidkey="properties.iso2",
        locations=[t["code"] for t in targets], z=[t["partnerships"] for t in targets],
        colorscale=[[0, TARGET_COLOR], [1, TARGET_COLOR]], showscale=False,
        marker={"opacity": 0.75, "line": {"color": "#ffffff", "width": 0.6}},
        name="Target country", showlegend=bool(targets),
        customdata=np.column_stack([names]) if targets else None,
        hovertemplate="<b>%{customdata[0]}</b>: target of %{z} partnerships<extra></extra>",
    )  # fmt: skip


def _segments(pairs: list[tuple[float, float, float, float]]) -> tuple[list, list]:
    """Return lat and lon lists of line segments separated by None (breaks in one trace)."""
    lat, lon = [], []
    for lat_a, lon_a, lat_b, lon_b in pairs:
        lat += [lat_a, lat_b, None]
        lon += [lon_a, lon_b, None]
    return lat, lon


def _link_traces(edges: list[dict], nodes: dict[str, dict]) -> list[go.Scattermap]:
    traces = []
    bounds_ = [*(low for low, _, _ in LINK_WIDTHS[1:]), float("inf")]
    for (low, width, label), high in zip(LINK_WIDTHS, bounds_, strict=True):
        pairs = [(nodes[e["source"]]["lat"], nodes[e["source"]]["lon"],
                  nodes[e["target"]]["lat"], nodes[e["target"]]["lon"])
                 for e in edges if low <= e["partnerships"] < high
                 and e["source"] in nodes and e["target"] in nodes]  # fmt: skip
        if pairs:
            lat, lon = _segments(pairs)
            traces.append(go.Scattermap(lat=lat, lon=lon, mode="lines", name=label,
                                        line={"color": LINK_COLOR, "width": width},
                                        hoverinfo="skip"))  # fmt: skip
    return traces


def _node_trace(nodes: list[dict], lat: np.ndarray, lon: np.ndarray) -> go.Scattermap:
    clusters = np.array([n["clusters"] for n in nodes], dtype=float)
    names = [escape(n["name"], quote=False) for n in nodes]
    return go.Scattermap(
        lat=lat, lon=lon, mode="markers", name="Country with members",
        marker={"size": 6 + 3 * np.sqrt(clusters), "color": NODE_COLOR},
        customdata=np.column_stack([names, clusters.astype(int),
                                    [n["partnerships"] for n in nodes]]) if nodes else None,
        hovertemplate="<b>%{customdata[0]}</b>: %{customdata[1]} clusters in "
                      "%{customdata[2]} partnerships<extra></extra>",
    )  # fmt: skip


def _member_traces(members: pd.DataFrame, lat: np.ndarray, lon: np.ndarray) -> list:
    n = len(members)
    if n <= PAIRWISE_MEMBERS:
        pairs = [(lat[i], lon[i], lat[j], lon[j]) for i in range(n) for j in range(i + 1, n)]
    else:
        pairs = [(lat[0], lon[0], lat[i], lon[i]) for i in range(1, n)]
    line_lat, line_lon = _segments(pairs)
    names = [escape(str(v), quote=False) for v in members["name"]]
    cities = [escape(str(v), quote=False) for v in members["city"]]
    return [
        go.Scattermap(lat=line_lat, lon=line_lon, mode="lines", hoverinfo="skip",
                      line={"color": LINK_COLOR, "width": 2}, showlegend=False),
        go.Scattermap(lat=lat, lon=lon, mode="markers", name="Member cluster",
                      marker={"size": 12, "color": NODE_COLOR},
                      customdata=np.column_stack([members["cluster_id"].astype(str), names,
                                                  cities]),
                      hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]}<extra></extra>"),
    ]  # fmt: skip
