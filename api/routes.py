"""Routes serving shipped geodata to the browser (same origin, so the map stays offline)."""

import json
import re

import geopandas as gpd
from flask import Flask, Response, abort, request, send_file, send_from_directory

from mapping.boundaries import COUNTRIES_PATH
from mapping.figures import nuts2_geojson
from mapping.theme import GLYPHS_DIR, GLYPHS_URL

COUNTRIES_URL = "/geo/countries.geojson"
NUTS2_URL = "/geo/nuts2.geojson"
# MapLibre asks for glyphs by font stack and 256-codepoint range, e.g. ".../0-255.pbf".
GLYPH_RANGE = re.compile(r"\d{1,5}-\d{1,5}")
CACHE_SECONDS = 86400


def register(server: Flask, *, nuts: gpd.GeoDataFrame | None = None) -> None:
    """Mount the geodata routes on the Flask server (NUTS-2 regions when `nuts` is given)."""

    @server.get(COUNTRIES_URL)
    def countries_geojson():
        return send_file(COUNTRIES_PATH, mimetype="application/geo+json", max_age=CACHE_SECONDS)

    @server.get(GLYPHS_URL.replace("{fontstack}", "<fontstack>").replace("{range}", "<span>"))
    def map_glyphs(fontstack: str, span: str):
        if not GLYPH_RANGE.fullmatch(span):
            abort(404)
        # send_from_directory rejects paths that escape the glyph folder.
        return send_from_directory(
            GLYPHS_DIR, f"{fontstack}/{span}.pbf", mimetype="application/x-protobuf",
            max_age=CACHE_SECONDS,
        )  # fmt: skip

    if nuts is not None:
        # Built once here (not per request, not at import): the regions do not change.
        body = json.dumps(nuts2_geojson(nuts), separators=(",", ":"))

        @server.get(NUTS2_URL)
        def nuts2_regions():
            response = Response(body, mimetype="application/geo+json")
            response.cache_control.max_age = CACHE_SECONDS
            response.add_etag()  # as send_file tags the countries: a revalidation costs a 304
            return response.make_conditional(request)
