"""Cluster Atlas app factory; `python app.py` serves the embedded demo data."""

import sys

from dash import Dash
from flask_compress import Compress

import api.clusters
import api.routes
import callbacks.dashboard
import callbacks.filters
import callbacks.layout
import callbacks.map
from analysis.dataset import Dataset, prepare
from data.errors import AtlasError
from data.ingest import load_records
from layouts.page import build_page
from mapping.nuts import load_nuts
from settings import Settings, load_settings

FILTER_OPTIONS = (
    "scope", "country", "region", "nuts2", "ecosystem", "sector", "emerging", "label",
    "partnership",
)  # fmt: skip


def create_app(settings: Settings | None = None) -> Dash:
    """Load the records once and return the Dash app serving them."""
    settings = settings or Settings()
    dataset = prepare(load_records(settings.data, options=settings.ingest_options))
    app = Dash(
        __name__,
        title="Cluster Atlas",
        update_title=None,
        serve_locally=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    Compress(app.server)
    nuts_regions = load_nuts(settings.nuts) if settings.nuts is not None else None
    api.routes.register(app.server, nuts=nuts_regions)
    api.clusters.register(app.server, dataset, map_options=map_options(settings, nuts_regions))
    nuts = nuts_regions is not None
    app.layout = build_page(
        options=filter_options(dataset), total=len(dataset.records), is_demo=settings.is_demo,
        nuts=nuts,
    )  # fmt: skip
    callbacks.filters.register(app, dataset, nuts=nuts)
    callbacks.dashboard.register(app, dataset)
    callbacks.map.register(app, dataset, map_options=map_options(settings, nuts_regions))
    callbacks.layout.register(app)
    return app


def filter_options(dataset: Dataset) -> dict[str, list[tuple[str, str]]]:
    """Return the choices of every filter control, from the loaded records."""
    return {param: dataset.options(param) for param in FILTER_OPTIONS}


def map_options(settings: Settings, nuts_regions) -> dict:
    """Return the map's settings-driven keyword arguments (base tiles, NUTS-2 regions)."""
    options = {"tiles": settings.tiles}
    if nuts_regions is not None:
        options.update(nuts=nuts_regions, nuts_url=api.routes.NUTS2_URL)
    return options


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
