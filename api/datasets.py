"""API routes of data sets: upload one, read its ingest report and rejected rows, remove it.

- `POST /api/datasets` with a multipart field `file` (CSV, XLSX, GeoJSON or Parquet): runs the
  ingest the page's drop zone runs and answers 201 with the report (`summary` reads
  `N rows read, A accepted, R rejected`), the data set's `key` and its `url` (absent when no row
  was accepted); 400 with `{"error": ...}` for a file that cannot be read at all.
- `GET /api/report.json?data=<key>`: the report of a data set (absent: the started one).
- `GET /api/rejects.csv?data=<key>`: every problem of every rejected row (row, name, column,
  value, reason), formula-guarded like every CSV of the app.
- `DELETE /api/datasets/<key>`: removes an uploaded data set (204; 404 if there is none).
"""

import json
from datetime import UTC, datetime

from flask import Flask, Response, request

from analysis.store import DatasetStore, Ingest
from data.errors import AtlasError
from data.exports import table_csv
from data.ingest import one_line
from data.readers import InputFile


def register(server: Flask, store: DatasetStore, *, ingest: Ingest, max_upload_mb: int) -> None:
    """Mount the data set routes; `ingest` reads, checks and places one uploaded file."""

    @server.post("/api/datasets")
    def upload_dataset() -> Response:
        sent = request.files.get("file")
        if sent is None or not sent.filename:
            return _json({"error": "send the file as the multipart field 'file'"}, status=400)
        data = sent.read(max_upload_mb * 1024 * 1024 + 1)
        outcome = upload(store, sent.filename, data, ingest=ingest, max_upload_mb=max_upload_mb)
        if "error" in outcome:
            return _json(outcome, status=400)
        return _json(outcome, status=201)

    @server.get("/api/report.json")
    def dataset_report() -> Response:
        key = request.args.get("data")
        try:
            facts = store.facts(key)
        except KeyError:
            return _json({"error": "no data set with this key"}, status=404)
        return _json({**(facts["report"] or {}), "name": facts["name"]})

    @server.get("/api/rejects.csv")
    def dataset_rejects() -> Response:
        key = request.args.get("data")
        try:
            rejects = store.rejects(key)
        except KeyError:
            return _json({"error": "no data set with this key"}, status=404)
        name = f"cluster-atlas-rejects-{key or 'started'}.csv"
        return Response(
            table_csv(rejects),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @server.delete("/api/datasets/<key>")
    def remove_dataset(key: str) -> Response:
        if not store.remove(key):
            return _json({"error": "no uploaded data set with this key"}, status=404)
        return Response(status=204)


def upload(
    store: DatasetStore, filename: str, data: bytes, *, ingest: Ingest, max_upload_mb: int
) -> dict:
    """Ingest and keep an uploaded file; return its report with `key` and `url`, or `error`.

    The one place the page's drop zone and POST /api/datasets share: same limit, same messages.
    """
    name = one_line(filename.replace("\\", "/").rsplit("/", 1)[-1], limit=120) or "upload"
    if len(data) > max_upload_mb * 1024 * 1024:
        return {"error": f"cannot read {name}: the file is over the upload limit of "
                         f"{max_upload_mb} MB"}  # fmt: skip
    try:
        key, report = store.upload(
            InputFile(name, data),
            ingest=ingest,
            uploaded=datetime.now(UTC).isoformat(timespec="seconds"),
        )
    except AtlasError as error:
        return {"error": one_line(str(error))}
    url = f"/?data={key}" if key in store else None
    return {**report, "key": key, "url": url}


def _json(body: dict, *, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status,
                    content_type="application/json")  # fmt: skip
