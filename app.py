"""Cluster Atlas app factory; `python app.py` serves the embedded demo data."""

import sys
from functools import partial

from dash import Dash, _dash_renderer
from flask import Flask
from flask_compress import Compress

import api.caching
import api.clusters
import api.datasets
import api.insights
import api.marketplace
import api.partners
import api.routes
import api.security
import callbacks.compare
import callbacks.dashboard
import callbacks.insights
import callbacks.layout
import callbacks.map
import callbacks.partners
import callbacks.state
import callbacks.table
import callbacks.upload
from analysis.dataset import prepare
from analysis.params import shown_filters
from analysis.state import TABS
from analysis.store import DatasetStore
from callbacks._views import register_view_switch
from data.errors import AtlasError
from data.ingest import report_facts
from ingest.pipeline import ingest_file, load_prepared
from layouts.filters import option_list
from layouts.page import build_page, build_views, unmounted
from mapping.modes import COLOR_CHOICES, MAP_MODES, offered
from mapping.nuts import load_nuts
from settings import Settings, load_settings

# Answers Flask-Compress does not compress by default: the CSV and GeoJSON downloads.
DOWNLOAD_TYPES = ("text/csv", "application/geo+json")
# The page is in English (screen readers and translation tools read lang); Dash's default
# wraps its scripts in a second <footer>, which screen readers would list as a landmark.
INDEX_STRING = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <div>
            {%config%}
            {%scripts%}
            {%renderer%}
        </div>
    </body>
</html>"""


def create_app(settings: Settings | None = None) -> Dash:
    """Load the records once and return the Dash app serving them."""
    settings = settings or Settings()
    # A restart (or a second worker without --preload) loads the prepared records instead of
    # ingesting the file again.
    # The filter indexes are kept beside them (memory-mapped: the workers share one copy).
    started, folder = load_prepared(settings.data, options=settings.ingest_options,
                                    cache_dir=settings.cache_dir)  # fmt: skip
    dataset = prepare(started.records, folder=folder)
    name = "Demo data (synthetic)" if settings.is_demo else settings.data.name
    store = DatasetStore(
        dataset, name=name, version=folder and folder.name, is_demo=settings.is_demo,
        report=report_facts(started), rejects=started.rejects, folder=settings.datasets_dir,
        limits=settings.dataset_limits,
    )  # fmt: skip
    nuts_regions = load_nuts(settings.nuts) if settings.nuts is not None else None
    features = frozenset({"nuts"} if nuts_regions is not None else ())
    without_babel_polyfill()
    app = Dash(
        __name__,
        external_scripts=[api.routes.REGENERATOR_URL],
        title="Cluster Atlas",
        update_title=None,
        serve_locally=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = INDEX_STRING
    app.server.config["COMPRESS_MIMETYPES"] = compressed_types()
    Compress(app.server)
    options = map_options(settings, nuts_regions)
    api.routes.register(app.server, nuts=nuts_regions)
    api.caching.register(app.server, store, release=repr(settings))
    api.clusters.register(app.server, store, features=features, map_options=options)
    api.partners.register(app.server, store, features=features)
    api.marketplace.register(app.server, store, features=features)
    api.insights.register(app.server, store, features=features,
                          min_clusters=settings.star_min_clusters)  # fmt: skip
    api.datasets.register(app.server, store, max_upload_mb=settings.max_upload_mb,
                          ingest=partial(ingest_file, options=settings.ingest_options))  # fmt: skip
    filters = shown_filters(features)
    page = partial(
        build_page,
        filters=filters,
        options={f.name: option_list(f, dataset.options(f.name), dataset.option_counts(f.name))
                 for f in filters if f.kind == "keys"},
        modes=offered(MAP_MODES, features), colors=COLOR_CHOICES, tabs=TABS,
        total=len(dataset), is_demo=settings.is_demo, nuts="nuts" in features,
        dataset_name=name,
    )  # fmt: skip
    views = build_views(
        min_clusters=settings.star_min_clusters,
        max_upload_mb=settings.max_upload_mb,
        dataset_days=settings.dataset_days,
    )
    # The page holds the views' frames; each is filled when first shown (callbacks._views).
    app.layout = page(views={tab: unmounted(view) for tab, view in views.items()})
    app.validation_layout = page(views=views)
    register_view_switch(app, store, features=features, views=views)
    callbacks.state.register(app, store, features=features)
    callbacks.dashboard.register(app, store, features=features)
    callbacks.map.register(app, store, features=features, map_options=options)
    callbacks.table.register(app, store, features=features)
    callbacks.partners.register(app, store, features=features, map_options=options)
    callbacks.insights.register(app, store, features=features, map_options=options,
                                min_clusters=settings.star_min_clusters)  # fmt: skip
    callbacks.compare.register(app, store, features=features,
                               min_clusters=settings.star_min_clusters)  # fmt: skip
    callbacks.upload.register(
        app, store, features=features, max_upload_mb=settings.max_upload_mb,
        ingest=lambda file, progress: ingest_file(
            file, options=settings.ingest_options, progress=progress),
    )  # fmt: skip
    callbacks.layout.register(app)
    api.security.secure(app, max_upload_mb=settings.max_upload_mb, tiles=settings.tiles)
    return app


def without_babel_polyfill() -> None:
    """Take @babel/polyfill out of the scripts Dash puts before React on every page.

    Setting up its core-js cost ~0.3 s of a first page (docs/performance.md); the page gets
    the one global of it the bundles need from api.routes.REGENERATOR_URL instead, loaded as
    an external script: after React, before the components' bundles. Dash offers no setting
    for this, so it edits Dash's list (tests/test_app.py checks the page's scripts).
    """
    for dependency in _dash_renderer._js_dist_dependencies:
        for key in ("relative_package_path", "external_url"):
            for mode, paths in dependency.get(key, {}).items():
                dependency[key][mode] = [p for p in paths if "/polyfill" not in f"/{p}"]


def compressed_types() -> list[str]:
    """Return Flask-Compress's default types plus the downloads' (CSV, GeoJSON), which it
    leaves out: a filtered CSV shrinks about 5x, and clients that send no Accept-Encoding
    still get it plain."""
    probe = Flask("probe")
    Compress(probe)  # fills the probe's config with the library's defaults
    return [*probe.config["COMPRESS_MIMETYPES"], *DOWNLOAD_TYPES]


def map_options(settings: Settings, nuts_regions) -> dict:
    """Return the map's settings-driven keyword arguments (base layers, tiles, NUTS-2)."""
    options = {"countries_url": api.routes.COUNTRIES_URL, "tiles": settings.tiles}
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
            dev_tools_disable_version_check=True,
            request_handler=api.security.QuietRequestHandler)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
