"""The server's posture: security headers on every response, a request size limit, and 4xx
(never 500) for malformed requests to Dash's routes.

The Content-Security-Policy allows nothing from another origin. Dash's one inline script is
allowed by its hash (Dash computes it); plotly.js and Bootstrap set inline styles, and MapLibre
runs its workers from blob: URLs and draws images from data:/blob: URLs.
"""

import logging
from urllib.parse import urlsplit

from dash import Dash
from flask import Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.serving import WSGIRequestHandler

SERVER_NAME = "Cluster Atlas"
# Dash's callback route: its body must be the JSON object the renderer sends.
CALLBACK_PATH = "/_dash-update-component"
CALLBACK_KEYS = {"output": str, "outputs": (list, dict), "inputs": list}
# Room for the multipart or base64 framing around an uploaded file of the allowed size.
FRAMING = 1.4
log = logging.getLogger(__name__)


def content_policy(app: Dash, *, tiles: str | None = None) -> str:
    """Return the Content-Security-Policy of the app's pages and answers.

    With the opt-in `tiles` (a raster tile URL template), the browser may fetch images from
    that one origin, as the setting asks.
    """
    scripts = " ".join(["'self'", *app.csp_hashes()])
    origin = ""
    if tiles:
        parts = urlsplit(tiles.replace("{", "").replace("}", ""))
        origin = f" {parts.scheme}://{parts.netloc}"
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: blob:{origin}",
        "font-src 'self' data:",
        "worker-src 'self' blob:",
        "child-src 'self' blob:",
        f"connect-src 'self'{origin}",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])  # fmt: skip


def secure(app: Dash, *, max_upload_mb: int, tiles: str | None = None) -> None:
    """Add the headers, the size limit and the malformed-request answers to the app's server."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = int(max_upload_mb * 1024 * 1024 * FRAMING)
    headers = {
        "Content-Security-Policy": content_policy(app, tiles=tiles),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
        # Replaces the server's own banner (name and version of Werkzeug and Python).
        "Server": SERVER_NAME,
    }

    @server.before_request
    def refuse_malformed_callbacks() -> Response | None:
        if request.path != CALLBACK_PATH or request.method != "POST":
            return None
        body = request.get_json(silent=True)
        problem = callback_problem(body, known=app.callback_map)
        return _bad_request(problem) if problem else None

    @server.after_request
    def add_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers[name] = value
        return response

    @server.errorhandler(Exception)
    def answer_errors(error: Exception):
        if isinstance(error, HTTPException):
            return error
        # A callback that fails on what a client sent is that request's fault (4xx); the
        # traceback goes to the log, never to the client.
        log.exception("request to %s failed", request.path)
        if request.path.startswith("/_dash-"):
            return _bad_request("the request could not be answered")
        return jsonify({"error": "internal error"}), 500


def callback_problem(body: object, *, known: dict) -> str | None:
    """Return what is wrong with a callback request's JSON body, or None when it is usable."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    for key, kind in CALLBACK_KEYS.items():
        if not isinstance(body.get(key), kind):
            return f"'{key}' is missing or has the wrong type"
    if body["output"] not in known:
        return "no such callback"
    if not all(isinstance(item, dict | list) for item in body["inputs"]):
        return "'inputs' items must be objects"
    return None


def _bad_request(problem: str) -> tuple[Response, int]:
    return jsonify({"error": f"bad request: {problem}"}), 400


class QuietRequestHandler(WSGIRequestHandler):
    """The development server's request handler without its version banner.

    http.server adds `Server: Werkzeug/x Python/y` to every answer; the app's own headers
    already say `Server: Cluster Atlas`.
    """

    def send_response(self, code: int, message: str | None = None) -> None:
        """Send the status line and Date, leaving the Server header to the app."""
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())
