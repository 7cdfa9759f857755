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
"partnerships", "lat", "lon"}], "edges": [{"source", "target", "partnerships"}], "targets":
[{"code", "name", "partnerships"}], "filters", "notices"}` (analysis/network.py);
`/api/partnerships.csv` is the list of partnerships as a file.

`GET /api/timeline.json?<filters>[&split=scope|ecosystem]` answers `{"split", "years": [{"year",
"group", "count", "cumulative"}], "unknown_year", "labels": {"today", "until", "labelled",
"expired", "expiring", "later", "undated", "months": [{"month", "label", "count"}]}, "filters",
"notices"}` (analysis/timeline.py); `/api/timeline.csv` is the years as a file.
`/api/compare.csv` is the comparison as one long table (area, area_name, section, item, value).

Malformed values are ignored and reported in `notices`, never a 500.
"""

import json
from datetime import date

from flask import Flask, Response, request

from analysis.compare import compare_areas, compare_rows
from analysis.network import partnership_network, partnership_rows
from analysis.specialisation import specialise
from analysis.state import Page, open_page
from analysis.store import DatasetStore
from analysis.timeline import founding_years, label_expiry
from api.clusters import NOTICES_HEADER, header_notices
from data.exports import table_csv


def register(
    server: Flask, store: DatasetStore, *, features: frozenset[str], min_clusters: int
) -> None:
    """Mount the specialisation, compare and network routes (`min_clusters`: for stars)."""

    @server.get("/api/specialisation.json")
    def specialisation_json() -> Response:
        page = open_page(store, request.args, features=features)
        state = page.state
        result = specialise(page.dataset, page.mask, by=state.by, weight=state.weight,
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
        result = specialise(page.dataset, page.mask, by=state.by, weight=state.weight,
                            min_clusters=min_clusters)  # fmt: skip
        table = result.rows.assign(lq=result.rows["lq"].round(4))
        return _csv(table, f"specialisation-{state.by}", page.notices)

    def comparison() -> tuple[Page, list[dict], list[str]]:
        page = open_page(store, request.args, features=features)
        codes = page.state.areas.split(",") if page.state.areas else []
        notices = list(page.notices)
        if len(codes) < 2:
            notices.append("add areas to compare: areas=DE,FR,ES-56 (2 to 5 area codes)")
        areas, unknown = compare_areas(page.dataset, page.mask, codes, min_clusters=min_clusters)
        return page, areas, [*notices, *unknown]

    @server.get("/api/compare.json")
    def compare_json() -> Response:
        page, areas, notices = comparison()
        return _json({"areas": areas, "filters": page.state.filters.to_query(),
                      "notices": notices})  # fmt: skip

    @server.get("/api/compare.csv")
    def compare_csv() -> Response:
        page, areas, notices = comparison()
        return _csv(compare_rows(areas), "compare", notices)

    register_network(server, store, features=features)


def register_network(server: Flask, store: DatasetStore, *, features: frozenset[str]) -> None:
    """Mount the partnership network and timeline routes."""

    @server.get("/api/partnerships.json")
    def partnerships_json() -> Response:
        page = open_page(store, request.args, features=features)
        network = partnership_network(page.dataset, page.mask)
        return _json({**network, "filters": page.state.filters.to_query(),
                      "notices": page.notices})  # fmt: skip

    @server.get("/api/partnerships.csv")
    def partnerships_csv() -> Response:
        page = open_page(store, request.args, features=features)
        network = partnership_network(page.dataset, page.mask)
        return _csv(partnership_rows(network), "partnerships", page.notices)

    @server.get("/api/timeline.json")
    def timeline_json() -> Response:
        page = open_page(store, request.args, features=features)
        split = page.state.split
        years = founding_years(page.dataset, page.mask, split=split)
        expiry = label_expiry(page.dataset.records, page.mask, today=date.today())
        return _json({"split": split, "years": years.records(), "unknown_year": years.unknown,
                      "labels": expiry.summary(), "filters": page.state.filters.to_query(),
                      "notices": page.notices})  # fmt: skip

    @server.get("/api/timeline.csv")
    def timeline_csv() -> Response:
        page = open_page(store, request.args, features=features)
        years = founding_years(page.dataset, page.mask, split=page.state.split)
        return _csv(years.rows, f"founding-years-by-{page.state.split}", page.notices)


def _csv(table, topic: str, notices) -> Response:
    """Return `table` as a dated CSV download (formula guard, notices in a header)."""
    name = f"cluster-atlas-{topic}-{date.today().isoformat()}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"',
               NOTICES_HEADER: header_notices(notices)}  # fmt: skip
    return Response(table_csv(table), content_type="text/csv; charset=utf-8", headers=headers)


def _json(body: dict) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), content_type="application/json")
