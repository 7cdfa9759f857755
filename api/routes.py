"""Routes serving shipped geodata to the browser (same origin, so the map stays offline)."""

from flask import Flask, send_file

from mapping.boundaries import COUNTRIES_PATH

COUNTRIES_URL = "/geo/countries.geojson"


def register(server: Flask) -> None:
    """Mount the geodata routes on the Flask server."""

    @server.get(COUNTRIES_URL)
    def countries_geojson():
        return send_file(COUNTRIES_PATH, mimetype="application/geo+json", max_age=86400)
