"""The one place for figure styling: template, colours, the offline map style and base layers."""

from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from data.taxonomies import vocabulary

FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
INK = "#1f2933"
# Light blue-grey sea; land a shade darker than the sea so coasts read without tiles.
SEA_COLOR = "#eef3f8"
LAND_COLOR = "#dde2e8"
BORDER_COLOR = "#9aa5b1"
# Scope and label colours are data (data/files/taxonomies.json).
SCOPE_COLORS = vocabulary("scopes").palette
LABEL_COLORS = vocabulary("labels").palette
# Paul Tol's 14-colour discrete rainbow: the largest qualitative set designed to stay
# distinguishable under colour-vision deficiency (hover names the ecosystem anyway).
ECOSYSTEM_PALETTE = (
    "#882E72", "#AE76A3", "#D1BBD7", "#1965B0", "#5289C7", "#7BAFDE", "#4EB265", "#90C987",
    "#CAE0AB", "#F7F054", "#F6C141", "#F1932D", "#E8601C", "#DC050C",
)  # fmt: skip
ECOSYSTEM_COLORS = dict(zip(vocabulary("ecosystems").terms, ECOSYSTEM_PALETTE, strict=True))
OTHER_COLOR = "#5f6b78"
# ColorBrewer YlGnBu (colour-blind safe, ordered in lightness): its light yellow start stands
# out from the grey land and the blue-grey sea, so small values still read as "some".
SEQUENTIAL = ["#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"]
# Location quotients: blue below 1 (less than the map's mix), white at 1, red above; drawn on
# log2(LQ), so 1/2 and 2 sit equally far from the middle.
DIVERGING = [[0, "#2166ac"], [0.25, "#92c5de"], [0.5, "#f7f7f7"], [0.75, "#f4a582"],
             [1, "#b2182b"]]  # fmt: skip
LQ_TICKS = {"tickvals": [-3, -2, -1, 0, 1, 2, 3],
            "ticktext": ["⅛", "¼", "½", "1", "2", "4", "8"]}  # fmt: skip
EUROPE_VIEW = {"center": {"lat": 50.0, "lon": 12.0}, "zoom": 2.7}

MARKER_SIZE = 9
# Cluster bubbles grow with their count; the count is drawn in black (plotly.js sets no
# text colour), so bubbles are light tints of the trace colour.
CLUSTER_SIZES = [16, 22, 28, 36]
CLUSTER_STEPS = [10, 50, 200]
CLUSTER_MAX_ZOOM = 9
CLUSTER_TINT = 0.45

# Map text (cluster counts) uses locally served glyph PBFs: see assets/glyphs/SOURCE.md.
MAP_FONT = "Noto Sans Regular"
GLYPHS_DIR = Path(__file__).resolve().parent.parent / "assets" / "glyphs"
GLYPHS_URL = "/geo/glyphs/{fontstack}/{range}.pbf"

ATLAS_TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT_FAMILY, "size": 13, "color": INK},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        colorway=list(ECOSYSTEM_PALETTE),
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        hoverlabel={"font": {"family": FONT_FAMILY, "size": 13}, "bgcolor": "#ffffff"},
        legend={"bgcolor": "rgba(255,255,255,0.92)", "bordercolor": "#c3cad3", "borderwidth": 1,
                "x": 0.01, "y": 0.98, "xanchor": "left", "yanchor": "top",
                "itemsizing": "constant", "font": {"size": 13},
                "title": {"font": {"size": 14}}},
    )
)  # fmt: skip
pio.templates["atlas"] = ATLAS_TEMPLATE


def map_style(*, tiles: str | None = None) -> dict:
    """Return the offline MapLibre style: sea background, local glyphs, optional raster tiles."""
    # A style without any source breaks every update after the first (MapLibre: missing
    # "sources"), so an empty GeoJSON source stays in. MapLibre resolves the relative glyphs
    # URL against the page, so the same figure works on any host.
    empty = {"type": "FeatureCollection", "features": []}
    style = {
        "version": 8,
        "glyphs": GLYPHS_URL,
        "sources": {"none": {"type": "geojson", "data": empty}},
        "layers": [{"id": "sea", "type": "background", "paint": {"background-color": SEA_COLOR}}],
    }
    if tiles:
        style["sources"]["tiles"] = {"type": "raster", "tiles": [tiles], "tileSize": 256}
        style["layers"].append({"id": "tiles", "type": "raster", "source": "tiles"})
    return style


def base_layers(countries_url: str, *, tiles: str | None = None) -> list[dict]:
    """Return the layer of our country polygons: land outlined by the borders, or the borders
    alone over raster tiles.

    One layer, so one GeoJSON source: MapLibre fetches, parses and tiles each layer's source
    on its own, and a first page spent ~0.9 CPU-s more with land and borders as two layers
    (first page 0.5 s slower, 6 runs each alternating, docs/performance.md).
    """
    layer = {"sourcetype": "geojson", "source": countries_url, "below": "traces"}
    if tiles:
        return [{**layer, "type": "line", "color": BORDER_COLOR, "line": {"width": 0.7}}]
    return [{**layer, "type": "fill", "color": LAND_COLOR, "fill": {"outlinecolor": BORDER_COLOR}}]


def base_map(countries_url: str, *, tiles: str | None = None, view: dict | None = None) -> dict:
    """Return a figure's `map` layout: the view (Europe by default), offline style and layers."""
    return {**(view or EUROPE_VIEW), "style": map_style(tiles=tiles),
            "layers": base_layers(countries_url, tiles=tiles)}  # fmt: skip


def cluster_tint(color: str, *, amount: float = CLUSTER_TINT) -> str:
    """Return `color` (#rrggbb) mixed with `amount` of white, so black counts stay legible."""
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in rgb)
