"""HTTP caching of API answers: an ETag names the data, code and query, a repeat costs a 304.

A data set never changes under its key (the started one is keyed by its file's bytes and the
ingest code; an upload by its bytes), so an answer is fully named by: that key, the code and
settings of this release, the day (views count labels expiring "from today") and the request's
path and query. The tag is computed before any work, so a client (or a proxy) that sends it back
in If-None-Match gets `304 Not Modified` at the cost of a hash. Answers are marked `no-cache`:
kept by the client, but revalidated every time, never served stale.
"""

import hashlib
from datetime import date
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, g, request

from analysis.store import DatasetStore
from ingest.pipeline import code_digest

ROOT = Path(__file__).resolve().parents[1]
# Methods whose answers depend on nothing but the tag's parts (uploads and removals do not).
CACHED_METHODS = ("GET", "HEAD")
# Code that shapes answers beyond the ingest (whose digest code_digest covers).
ANSWER_CODE = ("analysis", "api")


@lru_cache(maxsize=1)
def answers_digest() -> str:
    """Return a digest of the code that computes the API's answers."""
    digest = hashlib.sha256(code_digest().encode())
    for folder in ANSWER_CODE:
        for path in sorted((ROOT / folder).glob("*.py")):
            digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def register(server: Flask, store: DatasetStore, *, release: str) -> None:
    """Tag the API's GET answers and answer a matching If-None-Match with 304.

    `release` names what else answers depend on (the app's settings); the code's digest and
    the data set's key are added here.
    """
    base = f"{answers_digest()}|{release}"

    def tag() -> str | None:
        if request.method not in CACHED_METHODS or not request.path.startswith("/api/"):
            return None
        key = request.args.get("data") or None
        if key is not None and key not in store:
            return None  # unknown or removed: the route answers 404, never a cached 200
        version = store.version(key)
        text = f"{base}|{version}|{date.today().isoformat()}|{request.full_path}"
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @server.before_request
    def answer_not_modified() -> Response | None:
        current = g.api_etag = tag()  # once per request: the answer is tagged with it below
        if current is None or not request.if_none_match.contains_weak(current):
            return None
        response = Response(status=304)
        response.set_etag(current, weak=True)
        response.cache_control.no_cache = True
        return response

    @server.after_request
    def add_etag(response: Response) -> Response:
        current = g.get("api_etag")
        if response.status_code == 200 and current is not None:
            # Weak: the same answer may be sent compressed or not (Flask-Compress keeps it).
            response.set_etag(current, weak=True)
            response.cache_control.no_cache = True
        return response
