"""The one place for figure styling: template, colours and map base layers."""

import plotly.graph_objects as go
import plotly.io as pio

FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
LAND_COLOR = "#e3e8ef"
BORDER_COLOR = "#b8c0cc"
SEA_COLOR = "#ffffff"
# Colour-blind safe (Okabe-Ito) colours for the few-valued attributes.
SCOPE_COLORS = {"EU": "#0072B2", "Non-EU Europe": "#E69F00", "Third country": "#009E73"}
LABEL_COLORS = {"Gold": "#C9A227", "Silver": "#8A8F98", "Bronze": "#A0522D", "none": "#5B8DB8"}
# 14 distinct colours for the ecosystems (plotly's Alphabet-like qualitative set, legible on white).
QUALITATIVE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#ad494a", "#637939", "#7b4173",
)  # fmt: skip
EUROPE_VIEW = {"center": {"lat": 50.0, "lon": 12.0}, "zoom": 2.7}

ATLAS_TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT_FAMILY, "size": 13, "color": "#1f2933"},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        colorway=list(QUALITATIVE),
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        hoverlabel={"font": {"family": FONT_FAMILY, "size": 13}, "bgcolor": "#ffffff"},
        legend={"bgcolor": "rgba(255,255,255,0.85)", "bordercolor": "#d0d5dd", "borderwidth": 1},
    )
)
pio.templates["atlas"] = ATLAS_TEMPLATE


def base_layers(countries_url: str, *, tiles: str | None = None) -> list[dict]:
    """Return the map's base layers: optional tiles, then land and borders from our polygons."""
    layers = [
        {"sourcetype": "geojson", "source": countries_url, "type": "fill",
         "color": LAND_COLOR, "below": "traces"},
        {"sourcetype": "geojson", "source": countries_url, "type": "line",
         "color": BORDER_COLOR, "line": {"width": 0.6}, "below": "traces"},
    ]  # fmt: skip
    if tiles:
        layers.insert(0, {"sourcetype": "raster", "source": [tiles], "below": "traces"})
    return layers
