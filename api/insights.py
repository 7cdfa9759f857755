"""API routes of the policy insights: specialisation of areas in ecosystems.

`GET /api/specialisation.json?by=country|region|nuts2&<filters>[&weight=smes]` answers
`{"rows": [{"area", "area_name", "ecosystem", "count", "lq", "stars"}, ...], "by", "weight",
"areas", "unplaced", "min_clusters", "filters", "notices"}` (analysis/specialisation.py gives
the definitions). Malformed values are ignored and reported in `notices`, never a 500.
"""

import json

from flask import Flask, Response, request

from analysis.specialisation import specialise
from analysis.state import open_page
from analysis.store import DatasetStore


def register(
    server: Flask, store: DatasetStore, *, features: frozenset[str], min_clusters: int
) -> None:
    """Mount /api/specialisation.json; `min_clusters` is the stars' minimum area size."""

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
        return Response(json.dumps(body, ensure_ascii=False), content_type="application/json")
