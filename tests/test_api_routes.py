"""Geodata routes: country polygons, map glyphs and NUTS-2 regions served from this machine."""

import geopandas as gpd
import pytest
from flask import Flask
from shapely.geometry import box

from api.routes import COUNTRIES_URL, NUTS2_URL, register
from mapping.theme import GLYPHS_DIR, GLYPHS_URL, MAP_FONT


def client(nuts: gpd.GeoDataFrame | None = None):
    """Return a test client of a bare Flask server with the geodata routes."""
    server = Flask(__name__)
    register(server, nuts=nuts)
    return server.test_client()


def glyph_url(fontstack: str, span: str) -> str:
    """Return the glyph URL MapLibre would request."""
    return GLYPHS_URL.replace("{fontstack}", fontstack).replace("{range}", span)


def test_glyphs_of_the_map_font_are_served_with_their_licence_beside_them() -> None:
    response = client().get(glyph_url(MAP_FONT.replace(" ", "%20"), "0-255"))
    assert response.status_code == 200
    assert response.mimetype == "application/x-protobuf"
    assert response.data == (GLYPHS_DIR / MAP_FONT / "0-255.pbf").read_bytes()
    assert "Open Font License" in (GLYPHS_DIR / MAP_FONT / "OFL.txt").read_text()


@pytest.mark.parametrize(
    ("fontstack", "span"),
    [(MAP_FONT, "256-511"), ("Arial", "0-255"), (MAP_FONT, "0-255.pbf%00"), ("..", "SOURCE")],
)
def test_missing_or_odd_glyph_requests_are_404(fontstack, span) -> None:
    assert client().get(glyph_url(fontstack, span)).status_code == 404


def test_countries_are_served_and_nuts2_only_when_configured() -> None:
    assert client().get(COUNTRIES_URL).status_code == 200
    assert client().get(NUTS2_URL).status_code == 404
    nuts = gpd.GeoDataFrame(
        {"nuts_id": ["XX1", "XX11"], "name": ["Parent", "West"], "level": [1, 2]},
        geometry=[box(0, 0, 2, 2), box(0, 0, 1, 2)], crs="EPSG:4326",
    )  # fmt: skip
    regions = client(nuts).get(NUTS2_URL).get_json()
    assert [f["properties"] for f in regions["features"]] == [{"nuts_id": "XX11", "name": "West"}]
