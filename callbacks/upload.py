"""Your data wiring: an upload runs the ingest, its progress is polled, the view shows a report.

The upload's callback runs the same ingest as the command line (api.datasets.upload, shared
with POST /api/datasets) and, when rows were accepted, opens the new data set's report at
`?tab=upload&data=<key>`: a link that works for anyone, on any worker, after a restart. While
it runs, each ingest stage is written to a small progress file in the data folder, which a
polling callback reads (it may be served by another worker process).
"""

import base64
import binascii
import contextlib
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from dash import Dash, Input, Output, State, no_update

from analysis.state import Page, PageState, open_page
from analysis.store import DatasetStore
from api.datasets import upload
from callbacks._views import register_view
from data.ingest import STAGES, IngestResult, Progress
from data.readers import InputFile
from layouts import ids
from layouts.upload import SHOWN_REJECTS, report_body

# The stages the progress bar counts: the ingest's, then keeping and preparing the data set.
UPLOAD_STAGES = ("receive", *STAGES, "prepare the map")
# How a stage reads on the bar (the ingest's "done" is when the data set is being kept).
STAGE_LABELS = {"receive": "receive the file", "done": "keep the data set"}
JOBS = ".jobs"
UploadIngest = Callable[[InputFile, Progress], IngestResult]
REPORT_OUTPUTS = (
    (ids.UPLOAD_REPORT, "children"),
    (ids.UPLOAD_ACTIONS, "hidden"),
    (ids.UPLOAD_OPEN, "href"),
    (ids.UPLOAD_OPEN, "hidden"),
    (ids.UPLOAD_RECORDS_CSV, "href"),
    (ids.UPLOAD_RECORDS_CSV, "hidden"),
    (ids.UPLOAD_REJECTS_CSV, "href"),
    (ids.UPLOAD_REMOVE, "hidden"),
)


def register(
    app: Dash,
    store: DatasetStore,
    *,
    features: frozenset[str],
    ingest: UploadIngest,
    max_upload_mb: int,
) -> None:
    """Register the view's report, the upload, its progress and the remove action."""
    register_view(app, store, features=features, tab="upload",
                  outputs=[Output(*o) for o in REPORT_OUTPUTS],
                  render=lambda page: report_outputs(store, page.state.data))  # fmt: skip

    @app.callback(
        Output(ids.UPLOAD_MESSAGE, "children"),
        Output(ids.URL, "search", allow_duplicate=True),
        Output(ids.UPLOAD, "contents"),
        *[Output(*o, allow_duplicate=True) for o in REPORT_OUTPUTS],
        Input(ids.UPLOAD, "contents"),
        State(ids.UPLOAD, "filename"),
        State(ids.UPLOAD, "last_modified"),
        running=[
            (Output(ids.UPLOAD_POLL, "disabled"), False, True),
            (Output(ids.UPLOAD_BUSY, "hidden"), False, True),
            (Output(ids.UPLOAD, "disabled"), True, False),
        ],
        prevent_initial_call=True,
    )
    def receive(contents, filename, last_modified):
        if not contents:
            return (no_update,) * (3 + len(REPORT_OUTPUTS))
        job = _job_file(store, filename, last_modified)
        try:
            outcome = _ingest_upload(store, contents, filename or "upload", job=job,
                                     ingest=ingest, max_upload_mb=max_upload_mb)  # fmt: skip
        finally:
            with contextlib.suppress(OSError):
                job.unlink()
        if "error" in outcome:
            return (outcome["error"], no_update, None, *((no_update,) * len(REPORT_OUTPUTS)))
        key = outcome["key"]
        message = f"{outcome['name']}: {outcome['summary']}."
        if outcome["url"] is None:  # nothing accepted: the report, but no data set to open
            message += " No row was accepted, so there is no map to open."
            return (message, no_update, None, *report_outputs(store, key, openable=False))
        search = PageState(tab="upload", data=key).to_query_string()
        return (message, search, None, *report_outputs(store, key))

    @app.callback(
        Output(ids.UPLOAD_PROGRESS, "value"),
        Output(ids.UPLOAD_PROGRESS, "label"),
        Input(ids.UPLOAD_POLL, "n_intervals"),
        State(ids.UPLOAD, "filename"),
        State(ids.UPLOAD, "last_modified"),
        prevent_initial_call=True,
    )
    def poll(_, filename, last_modified):
        try:
            done = json.loads(_job_file(store, filename, last_modified).read_text())
        except (OSError, ValueError):
            return no_update, no_update
        stage = int(done["stage"])
        value = round(100 * (stage + 1) / (len(UPLOAD_STAGES) + 1))
        label = STAGE_LABELS.get(UPLOAD_STAGES[stage], UPLOAD_STAGES[stage])
        return value, f"{label} ({stage + 1}/{len(UPLOAD_STAGES)})"

    @app.callback(
        Output(ids.UPLOAD_MESSAGE, "children", allow_duplicate=True),
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.UPLOAD_REMOVE, "n_clicks"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def remove(clicks, search):
        page: Page = open_page(store, search or "", features=features)
        key = page.state.data
        if not clicks or key is None:
            return no_update, no_update
        name = store.name(key)
        if not store.remove(key):
            return f"{name} could not be removed.", no_update
        return f"Removed {name} from this server.", PageState(tab="upload").to_query_string()


def report_outputs(store: DatasetStore, key: str | None, *, openable: bool = True) -> tuple:
    """Return the report and the actions (links, remove button) of data set `key`."""
    try:
        facts = store.facts(key)
        rejects = store.rejects(key, limit=SHOWN_REJECTS)
    except KeyError:
        return ([], True, None, True, None, True, None, True)
    query = PageState(data=key).to_query_string()
    return (
        report_body(facts, rejects),
        False,
        f"/{query}" if openable else None,
        not openable,
        f"/api/clusters.csv{query}" if openable else None,
        not openable,
        f"/api/rejects.csv{query}",
        key is None or key == store.default_key,
    )


def _ingest_upload(
    store: DatasetStore,
    contents: str,
    filename: str,
    *,
    job: Path,
    ingest: UploadIngest,
    max_upload_mb: int,
) -> dict:
    """Decode the drop zone's data URL and run the shared upload, writing progress to `job`."""

    def progress(stage: str) -> None:
        with contextlib.suppress(OSError, ValueError):
            job.write_text(json.dumps({"stage": UPLOAD_STAGES.index(stage)}))

    progress("receive")
    try:
        data = base64.b64decode(contents.partition(",")[2], validate=True)
    except (binascii.Error, ValueError):
        return {"error": f"cannot read {filename}: the upload arrived damaged; try again"}
    outcome = upload(store, filename, data, ingest=lambda file: ingest(file, progress),
                     max_upload_mb=max_upload_mb)  # fmt: skip
    if outcome.get("url"):
        progress("prepare the map")
        store.get(outcome["key"])  # prepared now, so the map opens at once
    return outcome


def _job_file(store: DatasetStore, filename: str | None, last_modified: object) -> Path:
    """Return the progress file of one upload (named by the file's name and date)."""
    name = hashlib.sha256(f"{filename}|{last_modified}".encode()).hexdigest()[:20]
    folder = store.folder / JOBS
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.json"
