"""The "Your data" view: the drop zone, the ingest's progress, and the report of a data set.

The report reads like the command line's (its first line is `N rows read, A accepted,
R rejected`) and shows the rest as a page can: which columns were recognised and which not, how
rows were placed, what was flagged, and the rejected rows with row, column, value and reason.
Every value from the user's file is shown as text (Dash escapes it): nothing in a file becomes
markup or a link.
"""

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from data.columns import alias_languages
from data.readers import READERS
from layouts import ids

# How many problem lines the page lists; the CSV download has them all.
SHOWN_REJECTS = 200
# What each way of placing a row means (geocode_quality values, data/files/taxonomies.json).
PLACED_BY = {
    "input": "coordinates given in the file",
    "gazetteer": "found by city and country in GeoNames",
    "gazetteer-fuzzy": "city name matched despite a spelling difference",
    "alias": "a known place that is not a town (e.g. a technology park)",
    "online": "found on OpenStreetMap Nominatim (online geocoding on)",
    "unresolved": "not placed",
}
PROBLEM_HEADERS = {"row": "Row", "name": "Name", "column": "Column", "value": "Value",
                   "reason": "Reason"}  # fmt: skip


def build_upload_view(*, max_upload_mb: int, dataset_days: int) -> html.Section:
    """Return the (hidden) "Your data" view; the report follows the page state."""
    accepted = ",".join(sorted(READERS))
    return html.Section(
        [
            html.H2("Load your own data", className="h5 mb-1"),
            html.P(
                [
                    f"A CSV, TSV, Excel (XLSX), GeoJSON or Parquet file of up to {max_upload_mb} "
                    "MB, one cluster organisation a row. Column names are recognised in "
                    f"{', '.join(alias_languages())}; every row is checked, placed offline "
                    "and either accepted or listed below with the reason. ",
                    html.Strong("Nothing leaves this server."),
                ],
                className="small mb-2",
            ),
            html.Div(
                dcc.Upload(
                    id=ids.UPLOAD,
                    children=html.Div(
                        [
                            "Drop a file here, or ",
                            html.Span("choose a file", className="btn btn-primary btn-sm ms-1"),
                        ]  # fmt: skip
                    ),
                    accept=accepted,
                    max_size=max_upload_mb * 1024 * 1024,
                    className="atlas-dropzone",
                ),
                id=ids.UPLOAD_ZONE,
                # Read by assets/atlas.js: a file over the limit is refused before it is sent.
                **{
                    "data-max-bytes": str(max_upload_mb * 1024 * 1024),
                    "data-max-mb": str(max_upload_mb),
                },  # fmt: skip
            ),
            html.P(
                id=ids.UPLOAD_MESSAGE, className="atlas-upload-message small mb-1", role="alert"
            ),  # fmt: skip
            html.Div(
                [
                    html.P(
                        "Reading, checking and placing your file…",
                        className="small mb-1",
                        role="status",
                    ),  # fmt: skip
                    dbc.Progress(
                        id=ids.UPLOAD_PROGRESS,
                        value=5,
                        striped=True,
                        animated=True,
                        label="",
                        style={"height": "1.25rem"},
                    ),  # fmt: skip
                ],
                id=ids.UPLOAD_BUSY,
                hidden=True,
                className="mb-2",
            ),
            dcc.Interval(id=ids.UPLOAD_POLL, interval=400, disabled=True),
            html.Div(
                [
                    html.A(
                        "Open the map of this data",
                        id=ids.UPLOAD_OPEN,
                        className="btn btn-primary btn-sm",
                    ),  # fmt: skip
                    html.A(
                        "Accepted records (CSV)",
                        id=ids.UPLOAD_RECORDS_CSV,
                        className="btn btn-outline-primary btn-sm",
                    ),  # fmt: skip
                    html.A(
                        "Rejected rows (CSV)",
                        id=ids.UPLOAD_REJECTS_CSV,
                        className="btn btn-outline-primary btn-sm",
                    ),  # fmt: skip
                    html.Button(
                        "Remove this data set",
                        id=ids.UPLOAD_REMOVE,
                        type="button",
                        className="btn btn-outline-danger btn-sm",
                    ),  # fmt: skip
                ],
                id=ids.UPLOAD_ACTIONS,
                className="atlas-upload-actions my-2",
            ),
            html.Div(id=ids.UPLOAD_REPORT),
            html.P(
                f"Uploaded data sets are kept on this server and removed {dataset_days} days "
                "after they were last opened. Anyone with a data set's link can open it or "
                "remove it.",
                className="small text-muted mt-3 mb-0",
            ),
        ],
        id=ids.UPLOAD_VIEW,
        className="atlas-card",
        hidden=True,
        **{"aria-label": "Your data"},
    )


def report_body(facts: dict, rejects: pd.DataFrame) -> list:
    """Return the report of one ingest: summary, columns, placement, flags, rejected rows."""
    report = facts.get("report") or {}
    if not report:
        return [html.P(f"{facts['name']}: no report was kept for this data set.")]
    rows = [
        html.H3(facts["name"], className="h6 mb-1 text-break"),
        html.P(report["summary"], className="atlas-upload-summary fw-semibold mb-2",
               role="status"),  # fmt: skip
        *[html.P(f"Warning: {w}", className="small text-warning-emphasis mb-1")
          for w in report.get("warnings", [])],  # fmt: skip
        html.H4("Columns", className="h6 mt-2 mb-1"),
        _columns(report),
        html.H4("How rows were placed", className="h6 mt-2 mb-1"),
        _counts(report.get("placed_by", {}), PLACED_BY),
        html.H4("Flags on accepted rows", className="h6 mt-2 mb-1"),
        _counts(report.get("flags", {}), {}) if report.get("flags") else html.P("None.",
                                                                                className="small"),
        html.H4(f"Rejected rows ({report['rejected']:,})", className="h6 mt-2 mb-1"),
        _problems(rejects, report),
    ]  # fmt: skip
    return rows


def _columns(report: dict) -> html.Div:
    recognised = report.get("recognised", [])
    unknown = report.get("unrecognised", [])
    return html.Div(
        [
            html.P(
                [
                    html.Strong("Recognised: "),
                    ", ".join(
                        f"{header} → {column}" if header != column else column
                        for header, column in recognised
                    )
                    or "none",
                ],
                className="small mb-1",
            ),  # fmt: skip
            html.P(
                [
                    html.Strong("Columns not recognised (kept as extra fields): "),
                    ", ".join(unknown) or "none",
                ],
                className="small mb-1 atlas-upload-unknown",
            ),  # fmt: skip
        ]
    )


def _counts(counts: dict, meanings: dict) -> html.Ul:
    return html.Ul(
        [
            html.Li([html.Strong(f"{n:,} "), name,
                     f" ({meanings[name]})" if name in meanings else ""])
            for name, n in counts.items()
        ],
        className="small mb-1",
    )  # fmt: skip


def _problems(rejects: pd.DataFrame, report: dict) -> html.Div | html.P:
    if rejects.empty:
        return html.P("None: every row was accepted.", className="small")
    shown = len(rejects)
    note = (
        f"The first {shown:,} problem lines; the CSV lists them all."
        if shown >= SHOWN_REJECTS
        else f"{shown:,} problem lines (a row may have several)."
    )
    header = html.Thead(html.Tr([html.Th(PROBLEM_HEADERS[c], scope="col")
                                 for c in PROBLEM_HEADERS]))  # fmt: skip
    body = html.Tbody(
        [
            html.Tr([html.Td("" if pd.isna(row[c]) else str(row[c])) for c in PROBLEM_HEADERS])
            for row in rejects.head(SHOWN_REJECTS).to_dict("records")
        ]
    )
    return html.Div(
        [
            html.P(note, className="small mb-1"),
            html.Div(
                html.Table([header, body], className="table table-sm atlas-rejects"),
                className="atlas-table-scroll",
                tabIndex=0,
                **{"aria-label": "Rejected rows"},
            ),  # fmt: skip
        ]
    )
