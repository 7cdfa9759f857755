"""API routes of the policy insights: specialisation of areas in ecosystems, area comparison.

`GET /api/specialisation.json?by=country|region|nuts2&<filters>[&weight=smes]` answers
`{"rows": [{"area", "area_name", "ecosystem", "count", "lq", "stars"}, ...], "by", "weight",
"areas", "unplaced", "min_clusters", "filters", "notices"}` (analysis/specialisation.py gives
the definitions); `/api/specialisation.csv` is the same table as a file.

`GET /api/compare.json?areas=DE,FR,ES-CT&<filters>` answers `{"areas": [{"area", "level",
"name", "kpis", "ecosystems", "specialisations", "labels", "partnerships",
"target_countries"}, ...], "filters", "notices"}` (analysis/compare.py).

`GET /api/partnerships.json?<filters>` answers `{"partnerships": [{"name", "members",
"countries", "targets", "cluster_ids"}], "nodes": [{"id", "name", "clusters",
"partnerships"}], "edges": [{"source", "target", "partnerships"}], "targets": [{"code",
"partnerships"}], "filters", "notices"}` (analysis/network.py).

Malformed values are ignored and reported in `notices`, never a 500.
"""

import json
from datetime import date

from flask import Flask, Response, request

from analysis.compare import compare_areas
from analysis.network import partnership_network
from analysis.specialisation import specialise
from analysis.state import open_page
from analysis.store import DatasetStore
from api.clusters import NOTICES_HEADER, header_notices
from data.exports import table_csv


def register(
    server: Flask, store: DatasetStore, *, features: frozenset[str], min_clusters: int
) -> None:
    """Mount the specialisation, compare and partnership routes (`min_clusters`: for stars)."""

    @server.get("/api/specialisation.json")
    def specialisation_json() -> Response:
        page = open_page(store, request.args, features=features)
        state = page.state
        result = specialise(page.dataset.records, page.mask, by=state.by, weight=state.weight,
                            min_clusters=min_clusters)  # fmt: skip
        body = {
            "rows": result.records(),
            "by": state.by,
            "weight": state.weight,
            "areas": result.areas,
            "unplaced": result.unplaced,
            "min_clusters": min_clusters,
            "filters": state.filters.to_query(),
            "notices": page.notices,
        }
        return _json(body)

    @server.get("/api/specialisation.csv")
    def specialisation_csv() -> Response:
        page = open_page(store, request.args, features=features)
        state = page.state
        result = specialise(page.dataset.records, page.mask, by=state.by, weight=state.weight,
                            min_clusters=min_clusters)  # fmt: skip
        name = f"cluster-atlas-specialisation-{state.by}-{date.today().isoformat()}.csv"
        headers = {"Content-Disposition": f'attachment; filename="{name}"',
                   NOTICES_HEADER: header_notices(page.notices)}  # fmt: skip
        body = table_csv(result.rows.assign(lq=result.rows["lq"].round(4)))
        return Response(body, content_type="text/csv; charset=utf-8", headers=headers)

    @server.get("/api/compare.json")
    def compare_json() -> Response:
        page = open_page(store, request.args, features=features)
        state = page.state
        codes = state.areas.split(",") if state.areas else []
        notices = list(page.notices)
        if not codes:
            notices.append("no areas to compare: add areas=DE,FR (2 to 5 area codes)")
        areas, unknown = compare_areas(page.dataset, page.mask, codes, min_clusters=min_clusters)
        body = {"areas": areas, "filters": state.filters.to_query(),
                "notices": [*notices, *unknown]}  # fmt: skip
        return _json(body)

    @server.get("/api/partnerships.json")
    def partnerships_json() -> Response:
        page = open_page(store, request.args, features=features)
        network = partnership_network(page.dataset, page.mask)
        return _json({**network, "filters": page.state.filters.to_query(),
                      "notices": page.notices})  # fmt: skip


def _json(body: dict) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), content_type="application/json")
