"""`make serve`: gunicorn with several workers serves the app; any worker opens any upload."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
MESSY = ROOT / "tests" / "fixtures" / "upload" / "messy_export.csv"
START_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Run `make serve` with two workers on a free port; yield its base URL."""
    port = free_port()
    env = {**os.environ, "CLUSTER_ATLAS_DATA_DIR": str(tmp_path_factory.mktemp("datasets"))}
    server = subprocess.Popen(
        ["make", "-s", "serve", f"BIND=127.0.0.1:{port}", "WORKERS=2", "THREADS=2"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if server.poll() is not None:
                pytest.fail(f"make serve stopped: {server.stderr.read().decode()[-2000:]}")
            try:
                httpx.get(f"{base}/api/count.json", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.5)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_several_workers_serve_one_upload_and_the_page(served):
    with open(MESSY, "rb") as handle:
        answer = httpx.post(f"{served}/api/datasets", files={"file": ("messy.csv", handle)})
    assert answer.status_code == 201
    key = answer.json()["key"]
    # New connections each time: the requests spread over both workers, and each finds the
    # data set in the shared folder.
    for _ in range(12):
        reply = httpx.get(f"{served}/api/count.json?data={key}", headers={"Connection": "close"})
        assert reply.status_code == 200 and reply.json()["count"] == 5
    page = httpx.get(served)
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    # gunicorn names itself without a version (the app's own name is dropped by gunicorn).
    assert not any(ch.isdigit() for ch in page.headers["server"])
    csv = httpx.get(f"{served}/api/clusters.csv", headers={"Accept-Encoding": "deflate"})
    assert csv.headers["content-encoding"] == "deflate" and csv.text.startswith("\ufeffcluster_id")
