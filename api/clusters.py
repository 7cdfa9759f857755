"""API routes of the filtered records: CSV and GeoJSON downloads, statistics, the map figure.

Every route reads its query as the page does (`analysis.state.open_page`), so a query that
works in the page URL works here. Malformed values never fail a request: they are ignored and
reported as notices, in the `X-Atlas-Notices` header (a JSON list) for downloads and in the body
for JSON. Unknown `/api/...` paths answer 404 with a JSON error.
"""

import json
from collections.abc import Iterable, Iterator
from datetime import date

import pandas as pd
import plotly.io as pio
from flask import Flask, Response, request

from analysis.maps import MAP_VIEW_PARAMS, make_page_map, parse_view
from analysis.state import Page, open_page
from analysis.statistics import compute_stats
from analysis.store import DatasetStore
from analysis.table import sort_positions
from data.exports import iter_csv, iter_geojson

NOTICES_HEADER = "X-Atlas-Notices"
# Proxies drop headers past a few kB: a long list is cut, with a count of the rest.
HEADER_NOTICES = 20


def register(
    server: Flask, store: DatasetStore, *, features: frozenset[str], map_options: dict
) -> None:
    """Mount /api/clusters.csv, /api/clusters.geojson, /api/stats.json, /api/count.json and
    /api/map.json.

    Every route resolves its query as the page does (`open_page`): same data set, filters,
    view and notices. `map_options` are the settings-driven arguments of the page's map.
    """

    def page(*, ignore: tuple[str, ...] = ()) -> Page:
        return open_page(store, request.args, features=features, ignore=ignore)

    @server.get("/api/clusters.csv")
    def clusters_csv() -> Response:
        shown = page()
        records = _records(shown)
        return _download(iter_csv(records), "text/csv; charset=utf-8", "csv", shown=shown)

    @server.get("/api/clusters.geojson")
    def clusters_geojson() -> Response:
        shown = page()
        records = _records(shown)
        return _download(iter_geojson(records), "application/geo+json", "geojson", shown=shown)

    @server.get("/api/stats.json")
    def stats_json() -> Response:
        shown = page()
        return _json_response({**compute_stats(shown.dataset, shown.mask), **_echo(shown)})

    @server.get("/api/count.json")
    def count_json() -> Response:
        # The cheap question "how many?": the mask only, none of the statistics.
        shown = page()
        body = {"count": int(shown.mask.sum()), "total": len(shown.dataset), **_echo(shown)}
        return _json_response(body)

    @server.get("/api/map.json")
    def map_json() -> Response:
        view, view_notices = parse_view(request.args)
        shown = page(ignore=MAP_VIEW_PARAMS)
        figure = make_page_map(shown, options=map_options, view=view)
        fields = json.dumps(_echo(shown, view_notices), ensure_ascii=False)
        # Spliced as text: plotly's own JSON encoder handles the figure's numpy arrays.
        return _json_response(fields[:-1] + ', "figure": ' + pio.to_json(figure) + "}")

    @server.get("/api/", defaults={"path": ""})
    @server.get("/api/<path:path>")
    def unknown_api(path: str) -> Response:
        return _json_response({"error": f'no API route "/api/{path}"'}, status=404)


def _records(page: Page) -> pd.DataFrame:
    """Return the page's records in the table's order (its `sort`)."""
    order = sort_positions(page.dataset, page.positions, page.state.sort)
    return page.dataset.records.iloc[order]


def _echo(page: Page, extra: Iterable[str] = ()) -> dict:
    """Return the canonical filters (as a dict and as a query string) and the notices."""
    filters = page.state.filters
    return {"filters": filters.to_query(), "query": page.state.to_query_string(),
            "notices": [*page.notices, *extra]}  # fmt: skip


def _download(
    chunks: Iterator[bytes], content_type: str, extension: str, *, shown: Page
) -> Response:
    """Return a streamed attachment named cluster-atlas-YYYY-MM-DD.<extension> (today)."""
    filename = f"cluster-atlas-{date.today().isoformat()}.{extension}"
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        NOTICES_HEADER: header_notices(shown.notices),
    }
    return Response(chunks, content_type=content_type, headers=headers)


def header_notices(notices: Iterable[str]) -> str:
    """Return notices as an ASCII JSON list for a header, cut after HEADER_NOTICES."""
    notices = list(notices)
    kept = notices[:HEADER_NOTICES]
    if len(notices) > HEADER_NOTICES:
        kept.append(f"and {len(notices) - HEADER_NOTICES} more notices")
    return json.dumps(kept)


def _json_response(body: dict | str, *, status: int = 200) -> Response:
    # json.dumps, not jsonify: jsonify sorts keys, and `filters` keeps the parameter order.
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return Response(text, status=status, content_type="application/json")
