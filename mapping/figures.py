"""Map figures of cluster records (plotly map traces, offline base layers)."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from mapping.theme import EUROPE_VIEW, LABEL_COLORS, SCOPE_COLORS, SEA_COLOR, base_layers

COLOR_BY = {"scope": SCOPE_COLORS, "label": LABEL_COLORS}
HOVER = (
    "<b>%{customdata[0]}</b><br>%{customdata[1]}, %{customdata[2]}<br>"
    "%{customdata[3]}<br>%{customdata[4]} member SMEs<extra></extra>"
)


def make_cluster_map(
    records: pd.DataFrame,
    *,
    countries_url: str,
    color_by: str = "scope",
    tiles: str | None = None,
) -> go.Figure:
    """Return a map with one marker trace per value of `color_by`, on offline base layers."""
    colors = COLOR_BY[color_by]
    traces = [
        _marker_trace(records[records[color_by] == value], name=value, color=color)
        for value, color in colors.items()
        if (records[color_by] == value).any()
    ]
    figure = go.Figure(traces)
    figure.update_layout(
        template="atlas",
        map={"style": "white-bg", **EUROPE_VIEW, "layers": base_layers(countries_url, tiles=tiles)},
        paper_bgcolor=SEA_COLOR,
        legend={"x": 0.01, "y": 0.99, "xanchor": "left", "yanchor": "top",
                "title": {"text": color_by.capitalize()}},
        uirevision="map",
    )  # fmt: skip
    return figure


def _marker_trace(records: pd.DataFrame, *, name: str, color: str) -> go.Scattermap:
    return go.Scattermap(
        lat=records["lat"].to_numpy(np.float32),
        lon=records["lon"].to_numpy(np.float32),
        mode="markers",
        name=f"{name} ({len(records):,})",
        marker={"size": 8, "color": color, "opacity": 0.85},
        customdata=_hover_data(records),
        hovertemplate=HOVER,
        ids=records["cluster_id"].astype(str).to_numpy(),
    )


def _hover_data(records: pd.DataFrame) -> np.ndarray:
    sme = records["sme_members"].astype("string").fillna("unknown number of")
    ecosystems = records["ecosystems"].map(lambda items: ", ".join(items) or "no ecosystem given")
    return np.column_stack([
        records["name"].astype(str), records["city"].fillna("").astype(str),
        records["country"].astype(str), ecosystems.astype(str), sme.astype(str),
    ])  # fmt: skip
