"""Cluster Atlas app factory; `python app.py` serves the embedded demo data."""

import sys

from dash import Dash
from flask_compress import Compress

import api.routes
import callbacks.map
from analysis.statistics import summarise
from data.errors import AtlasError
from data.ingest import load_records
from layouts.page import build_page
from mapping.figures import make_cluster_map
from settings import Settings, load_settings


def create_app(settings: Settings | None = None) -> Dash:
    """Load the records once and return the Dash app serving them."""
    settings = settings or Settings()
    records = load_records(settings.data, options=settings.ingest_options)
    app = Dash(
        __name__,
        title="Cluster Atlas",
        update_title=None,
        serve_locally=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    Compress(app.server)
    api.routes.register(app.server)
    figure = make_cluster_map(records, countries_url=api.routes.COUNTRIES_URL, tiles=settings.tiles)
    app.layout = build_page(
        count_text=format_count(summarise(records)), figure=figure, is_demo=settings.is_demo
    )
    callbacks.map.register(app, records, tiles=settings.tiles)
    return app


def format_count(summary: dict[str, int]) -> str:
    """Return the headline count sentence."""
    return f"{summary['clusters']:,} cluster organisations in {summary['countries']} countries"


def main(argv: list[str] | None = None) -> int:
    """Serve the app with settings from the environment and command line."""
    try:
        settings = load_settings(argv)
        app = create_app(settings)
    except AtlasError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    app.run(host=settings.host, port=settings.port, debug=settings.debug,
            dev_tools_disable_version_check=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
