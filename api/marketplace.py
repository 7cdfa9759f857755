"""API route of the marketplace: offers and needs of the filtered clusters, with matches.

`GET /api/marketplace.json?<filters>[&side=offer|need][&kind=technology|business|r-d][&limit=N]`
answers `{"items": [{"cluster_id", "name", "side", "kind", "text", "matches": [...]}],
"total", "filters", "notices"}`: `matches` are the top 3 items of the other side among the
filtered clusters, each with its `score`; `total` counts every item, `limit` (default 50, at
most 500) how many are listed.
"""

import json

from flask import Flask, Response, request

from analysis.marketplace import PAGE, market_items
from analysis.state import open_page
from analysis.store import DatasetStore
from api.partners import parse_limit

MAX_ITEMS = 500


def register(server: Flask, store: DatasetStore, *, features: frozenset[str]) -> None:
    """Mount /api/marketplace.json on the Flask server."""

    @server.get("/api/marketplace.json")
    def marketplace_json() -> Response:
        limit, notices = parse_limit(request.args.get("limit"), default=PAGE, most=MAX_ITEMS)
        page = open_page(store, request.args, features=features, ignore=("limit",))
        state = page.state
        market = market_items(page.dataset, state.filters, side=state.side, kind=state.kind,
                              limit=limit)  # fmt: skip
        body = {
            "items": market.items,
            "total": market.total,
            "filters": state.filters.to_query(),
            "notices": [*page.notices, *notices],
        }
        return Response(json.dumps(body, ensure_ascii=False), content_type="application/json")
