"""Run `make serve` for a benchmark and read its processes' memory and CPU from /proc.

Shared by bench/load.py (the load test) and bench/startup.py (start-up time and memory).
"""

import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 600  # a cold start ingests the file: ~25 s for 100k records, minutes for 1M
GONE = (OSError, IndexError)


# --- the server ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    """A running `make serve`: its base URL, make's pid, start seconds, records and log."""

    base: str
    pid: int
    start_seconds: float
    records: int
    log: Path


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(
    *, workers: int, threads: int, data: Path | None, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """Run `make serve` on a free port in its own process group; stop the group on exit.
    `env`: more settings (CLUSTER_ATLAS_*), e.g. the cache folder."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="cluster-atlas-load-") as folder:
        env = {**os.environ, "CLUSTER_ATLAS_DATA_DIR": str(Path(folder) / "datasets"),
               **(env or {})}  # fmt: skip
        if data is not None:
            env["CLUSTER_ATLAS_DATA"] = str(data.resolve())
        log = Path(folder) / "server.log"
        # Output to a file, not a pipe: a full pipe nobody reads would block the server.
        with log.open("wb") as output:
            command = ["make", "-s", "serve", f"BIND=127.0.0.1:{port}", f"WORKERS={workers}",
                       f"THREADS={threads}"]  # fmt: skip
            server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output,
                                      stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            start = time.monotonic()
            records = wait_until_up(base, server, log)
            wait_for_workers(server.pid, workers)
            yield Server(base, server.pid, time.monotonic() - start, records, log)
        finally:
            stop(server)


def wait_until_up(base: str, server: subprocess.Popen, log: Path) -> int:
    """Wait until the server answers; return its number of records."""
    deadline = time.monotonic() + START_SECONDS
    with httpx.Client(timeout=5) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SystemExit(f"make serve stopped:\n{log.read_text()[-2000:]}")
            try:
                answer = client.get(f"{base}/api/count.json")
            except httpx.TransportError:
                time.sleep(0.5)
                continue
            if answer.status_code != 200:
                raise SystemExit(f"make serve answers {answer.status_code}:\n"
                                 f"{log.read_text()[-2000:]}")  # fmt: skip
            return answer.json()["total"]
    raise SystemExit(f"make serve did not answer within {START_SECONDS} s")


def wait_for_workers(root: int, workers: int) -> None:
    """Wait (30 s at most) until every worker runs: the first may answer before the last forks."""
    deadline = time.monotonic() + 30
    while len(gunicorn_pids(root)) < workers + 1 and time.monotonic() < deadline:
        time.sleep(0.2)


def stop(server: subprocess.Popen) -> None:
    """Stop make and gunicorn (one process group): TERM, then KILL what is left after 30 s."""
    with suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            server.poll()  # reap make: a zombie still counts as a member of the group
            os.killpg(server.pid, 0)  # raises ProcessLookupError once the group is gone
            time.sleep(0.2)
        os.killpg(server.pid, signal.SIGKILL)
    server.wait()


def log_errors(log: Path) -> list[str]:
    """Return the server log's error lines (gunicorn's and tracebacks)."""
    marks = ("[ERROR]", "[CRITICAL]", "Traceback", "WORKER TIMEOUT")
    return [line for line in log.read_text(errors="replace").splitlines()
            if any(mark in line for mark in marks)]  # fmt: skip


# --- memory and CPU from /proc ---------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """The gunicorn processes at one moment: pids, summed RSS and PSS (MB), CPU seconds."""

    pids: tuple[int, ...]
    rss: float
    pss: float
    cpu: float


def _stat(pid: int) -> list[str]:
    # Fields after the command name, which may hold spaces: state, ppid, ..., utime, stime.
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def gunicorn_pids(root: int) -> tuple[int, ...]:
    """Return the gunicorn processes (master and workers) below the process `root` (make)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            children.setdefault(int(_stat(int(entry.name))[1]), []).append(int(entry.name))
        except GONE:
            continue
    found, todo = [], [root]
    while todo:
        for pid in children.get(todo.pop(), []):
            todo.append(pid)
            with suppress(*GONE):
                if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    found.append(pid)
    return tuple(sorted(found))


def snapshot(root: int) -> Snapshot:
    """Return the memory and CPU time of the gunicorn processes below `root`."""
    pids = gunicorn_pids(root)
    kb = {"Rss": 0, "Pss": 0}
    ticks = 0
    for pid in pids:
        with suppress(*GONE):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                key, _, rest = line.partition(":")
                if key in kb:
                    kb[key] += int(rest.split()[0])
            ticks += int(_stat(pid)[11]) + int(_stat(pid)[12])
    return Snapshot(pids, kb["Rss"] / 1024, kb["Pss"] / 1024, ticks / os.sysconf("SC_CLK_TCK"))
