"""API routes of the filtered records: CSV and GeoJSON downloads, statistics, the map figure.

Every route reads the page's own filter parameters through `FilterSpec.parse`, so a query that
works in the page URL works here. Malformed values never fail a request: they are ignored and
reported as notices, in the `X-Atlas-Notices` header (a JSON list) for downloads and in the body
for JSON. Unknown `/api/...` paths answer 404 with a JSON error.
"""

import json
import math
from collections.abc import Iterable, Iterator
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from flask import Flask, Response, request

from analysis.dataset import Dataset
from analysis.filters import FilterSpec, apply_filter
from analysis.statistics import compute_stats
from api.routes import COUNTRIES_URL
from data.exports import iter_csv, iter_geojson
from mapping.figures import make_cluster_map

NOTICES_HEADER = "X-Atlas-Notices"
# Proxies drop headers past a few kB: a long list is cut, with a count of the rest.
HEADER_NOTICES = 20
# The map view parameters of /api/map.json and their allowed ranges.
VIEW_RANGES = {"zoom": (0.0, 24.0), "lat": (-90.0, 90.0), "lon": (-180.0, 180.0)}
MapView = dict[str, float]


def register(server: Flask, dataset: Dataset, *, map_options: dict | None = None) -> None:
    """Mount /api/clusters.csv, /api/clusters.geojson, /api/stats.json and /api/map.json.

    `map_options` are the settings-driven arguments of the page's map (tiles, NUTS regions).
    """

    @server.get("/api/clusters.csv")
    def clusters_csv() -> Response:
        notices, records = _filtered_records(dataset)
        return _download(iter_csv(records), "text/csv; charset=utf-8", "csv", notices=notices)

    @server.get("/api/clusters.geojson")
    def clusters_geojson() -> Response:
        notices, records = _filtered_records(dataset)
        return _download(iter_geojson(records), "application/geo+json", "geojson", notices=notices)

    @server.get("/api/stats.json")
    def stats_json() -> Response:
        spec, notices = FilterSpec.parse(request.args, dataset=dataset)
        stats = compute_stats(dataset, apply_filter(dataset, spec))
        return _json_response({**stats, **_echo(spec, notices)})

    @server.get("/api/map.json")
    def map_json() -> Response:
        view, view_notices = parse_view(request.args)
        spec, notices = FilterSpec.parse(request.args, dataset=dataset, ignore=VIEW_RANGES)
        mask = apply_filter(dataset, spec)
        figure = make_map_figure(dataset, mask, view, options=map_options or {})
        fields = json.dumps(_echo(spec, [*notices, *view_notices]), ensure_ascii=False)
        # Spliced as text: plotly's own JSON encoder handles the figure's numpy arrays.
        return _json_response(fields[:-1] + ', "figure": ' + pio.to_json(figure) + "}")

    @server.get("/api/", defaults={"path": ""})
    @server.get("/api/<path:path>")
    def unknown_api(path: str) -> Response:
        return _json_response({"error": f'no API route "/api/{path}"'}, status=404)


def make_map_figure(
    dataset: Dataset, mask: np.ndarray, view: MapView | None, *, options: dict | None = None
) -> go.Figure:
    """Return the map figure the page draws (default colour and mode) for `mask`, at `view`."""
    records = _records(dataset, mask)
    figure = make_cluster_map(records, countries_url=COUNTRIES_URL, **(options or {}))
    centre = _pick(view or {}, "lat", "lon")
    layout = {**({"center": centre} if centre else {}), **_pick(view or {}, "zoom")}
    if layout:
        figure.update_layout(map=layout)
    return figure


def parse_view(args: object) -> tuple[MapView, list[str]]:
    """Return the zoom/lat/lon given in `args`, and notices of malformed ones."""
    view: MapView = {}
    notices: list[str] = []
    for name, (low, high) in VIEW_RANGES.items():
        text = str(args.get(name, "") or "").strip()  # type: ignore[attr-defined]
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if low <= value <= high:
            view[name] = value
        else:
            notices.append(f'ignored {name} "{text[:60]}": not a number from {low:g} to {high:g}')
    return view, notices


def _filtered_records(dataset: Dataset) -> tuple[list[str], pd.DataFrame]:
    spec, notices = FilterSpec.parse(request.args, dataset=dataset)
    return notices, _records(dataset, apply_filter(dataset, spec))


def _records(dataset: Dataset, mask: np.ndarray) -> pd.DataFrame:
    return dataset.records.iloc[np.flatnonzero(mask)]


def _echo(spec: FilterSpec, notices: list[str]) -> dict:
    """Return the canonical filters (as a dict and as a query string) and the notices."""
    return {"filters": spec.to_query(), "query": spec.to_query_string(), "notices": notices}


def _download(
    chunks: Iterator[bytes], content_type: str, extension: str, *, notices: list[str]
) -> Response:
    """Return a streamed attachment named cluster-atlas-YYYY-MM-DD.<extension> (today)."""
    filename = f"cluster-atlas-{date.today().isoformat()}.{extension}"
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        NOTICES_HEADER: header_notices(notices),
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


def _pick(view: MapView, *names: str) -> dict:
    return {name: view[name] for name in names if name in view}
