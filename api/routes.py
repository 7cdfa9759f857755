"""Routes serving shipped files to the browser (same origin, so the map stays offline): geodata,
map glyphs, our plotly.js build and the regenerator runtime."""

import json
import re
from pathlib import Path

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
# dcc.Graph loads plotly.js when a graph first draws, from this URL (dash-renderer's, with
# serve_locally). Served from here, the page gets our build of only the trace types the app
# draws (vendor/plotly/README.md): 3.1 instead of 4.8 MB, and a fifth of the CPU time to run.
PLOTLY_JS_URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"
VENDOR = Path(__file__).resolve().parents[1] / "vendor"
PLOTLY_JS_PATH = VENDOR / "plotly" / "plotly-atlas.min.js"
# The page loads this in place of Dash's @babel/polyfill (app.without_babel_polyfill): of all
# the polyfill adds, the supported browsers lack only the `regeneratorRuntime` global that
# Dash's bundles call (vendor/regenerator-runtime/README.md).
REGENERATOR_URL = "/vendor/regenerator-runtime.js"
REGENERATOR_PATH = VENDOR / "regenerator-runtime" / "runtime.js"


def register(server: Flask, *, nuts: gpd.GeoDataFrame | None = None) -> None:
    """Mount the geodata routes on the Flask server (NUTS-2 regions when `nuts` is given)."""

    @server.get(PLOTLY_JS_URL)
    def plotly_js():
        # Unfingerprinted, as Dash serves it: revalidated (a 304) on each page load.
        return send_file(PLOTLY_JS_PATH, mimetype="text/javascript", max_age=0)

    @server.get(REGENERATOR_URL)
    def regenerator_runtime():
        return send_file(REGENERATOR_PATH, mimetype="text/javascript", max_age=0)

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
