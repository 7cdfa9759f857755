"""API route of the partner finder: ranked, explained partners of one cluster.

`GET /api/partners.json?cluster=<cluster_id>&<filters>[&limit=N]` ranks the filtered records
(the cluster itself never) by `analysis.partners.rank_partners`; `/api/partners.csv` gives the
same list as a file (the exports' formula guard). An unknown or missing cluster
answers 404 with a JSON error; malformed filters or limits are ignored with notices.
"""

import json
from datetime import date

import pandas as pd
from flask import Flask, Response, request

from analysis.partners import DEFAULT_LIMIT, Partner, partner_rows, rank_partners
from analysis.state import Page, open_page
from analysis.store import DatasetStore
from api.clusters import NOTICES_HEADER, header_notices
from data.exports import table_csv

MAX_LIMIT = 200


def register(server: Flask, store: DatasetStore, *, features: frozenset[str]) -> None:
    """Mount /api/partners.json and /api/partners.csv on the Flask server."""

    def ranked() -> tuple[Page, int, list[Partner], list[str]] | Response:
        limit, limit_notices = parse_limit(request.args.get("limit"))
        page = open_page(store, request.args, features=features, ignore=("limit",))
        wanted = str(request.args.get("cluster", "")).strip()
        if wanted not in page.dataset.positions:
            error = (
                f'no cluster with cluster_id "{wanted[:60]}"' if wanted else "cluster is missing"
            )
            return _json({"error": error + " (give ?cluster=<cluster_id>)"}, status=404)
        position = page.dataset.positions[wanted]
        partners = rank_partners(page.dataset, position, page.mask, limit=limit)
        return page, position, partners, [*page.notices, *limit_notices]

    @server.get("/api/partners.json")
    def partners_json() -> Response:
        found = ranked()
        if isinstance(found, Response):
            return found
        page, position, partners, notices = found
        records = page.dataset.records
        body = {
            "cluster": cluster_summary(records.iloc[position]),
            "partners": [
                {**cluster_summary(records.iloc[p.position], short=True), "score": p.score,
                 "components": p.components, "why": p.why}
                for p in partners
            ],
            "filters": page.state.filters.to_query(),
            "notices": notices,
        }  # fmt: skip
        return _json(body)

    @server.get("/api/partners.csv")
    def partners_csv() -> Response:
        found = ranked()
        if isinstance(found, Response):
            return found
        page, position, partners, notices = found
        subject = str(page.dataset.records["cluster_id"].iat[position])
        filename = f"cluster-atlas-partners-{subject}-{date.today().isoformat()}.csv"
        headers = {"Content-Disposition": f'attachment; filename="{filename}"',
                   NOTICES_HEADER: header_notices(notices)}  # fmt: skip
        body = table_csv(partner_rows(page.dataset, partners))
        return Response(body, content_type="text/csv; charset=utf-8", headers=headers)


def parse_limit(
    text: str | None, *, default: int = DEFAULT_LIMIT, most: int = MAX_LIMIT
) -> tuple[int, list[str]]:
    """Return how many results are asked for (1..most) and a notice if the value was bad."""
    if text is None or not str(text).strip():
        return default, []
    text = str(text).strip()
    if text.isdigit() and 1 <= int(text) <= most:
        return int(text), []
    return default, [f'ignored limit "{text[:60]}": not a whole number from 1 to {most}']


def cluster_summary(record, *, short: bool = False) -> dict:
    """Return the fields of a record that partner lists show."""
    summary = {
        "cluster_id": str(record["cluster_id"]),
        "name": str(record["name"]),
        "country_code": _text(record["country_code"]),
        "city": _text(record["city"]),
    }
    if short:
        return summary
    lists = ("ecosystems", "sectors", "offers", "needs", "partnerships")
    return {**summary, **{column: list(record[column]) for column in lists}}


def _text(value) -> str | None:
    return None if pd.isna(value) or str(value) == "" else str(value)


def _json(body: dict, *, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status,
                    content_type="application/json")  # fmt: skip
