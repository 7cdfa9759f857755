"""Measure how the ingest command handles hostile input files, one fresh process per file.

Run: nice -n 19 .venv/bin/python bench/hostile.py   (prints a Markdown table; several minutes)
     options: --timeout 60 (s per case), --memory-mb 3000 (address-space cap per case),
     --only NAME... (substring of the case name), --no-big (skip the generated big files),
     --keep FOLDER (keep each case's OUT.csv, REJECTS.csv, stdout and stderr for reading)

The corpus is every file in tests/fixtures/hostile (except README.md and make_big.py), the big
files make_big.py writes into a temporary folder, and special inputs made here: a named pipe
nobody writes to, /dev/zero, a symlink zero.csv -> /dev/zero and a folder named folder.csv.
Each case runs `python -m ingest FILE -o OUT.csv --rejects REJECTS.csv` under a timeout and an
address-space cap (RLIMIT_AS); peak RSS comes from `/usr/bin/time -v`, else from
getrusage(RUSAGE_CHILDREN) in a small wrapper process. Columns:

- exit: the exit code, "timeout" or "signal N";
- rows: `read/accepted/rejected` from the summary line (blank when there is none);
- message: the summary line on success, else the first line of stderr; after a traceback, its
  last line (the exception), cut to 120 characters;
- formulas: cells of OUT.csv / REJECTS.csv starting with = + - @ (or tab/CR, OWASP), numbers
  such as -8.6291 left out: they would run as formulas when the CSV is opened in a spreadsheet;
- verdict: the expectation of README.md (rows accounted for: N read = accepted + rejected, or
  one clear `error:` line and exit 1) checked, plus no traceback, no timeout, at most
  --seconds-bound seconds (20) and a peak RSS of at most --rss-bound-mb (1000).
"""

import argparse
import contextlib
import csv
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make the project importable
    sys.path.insert(0, str(ROOT))

from bench.common import markdown_table  # noqa: E402

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
README = HOSTILE / "README.md"
MAKE_BIG = HOSTILE / "make_big.py"
NOT_CASES = ("README.md", "make_big.py")
TIME = Path("/usr/bin/time")
MESSAGE_CHARS = 120
# A correct ingest of any case here should stay well under this peak RSS (a normal run of a
# small file takes about 450 MB, most of it the libraries).
RSS_BOUND_MB = 1000
# ... and finish within this many seconds (a small file takes 2-5 s on a busy 2-core machine).
SECONDS_BOUND = 20
SPECIAL_TIMEOUT = 10
# Runs the command and writes its peak RSS as /usr/bin/time -v does (used without GNU time).
RUSAGE_WRAPPER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as report:
    report.write(f"Maximum resident set size (kbytes): {peak}\\n")
    if code < 0:
        report.write(f"Command terminated by signal {-code}\\n")
sys.exit(code if code >= 0 else 128 - code)
"""
SUMMARY = re.compile(r"^(\d+) rows read, (\d+) accepted, (\d+) rejected$", re.MULTILINE)
EXPECT_ROWS = re.compile(r"rows accounted for: ([\d,]+) read = accepted \+ rejected")
EXPECT_ERROR = "one clear error line, exit 1"
NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True)
class Case:
    """One input: its name in the table, its path and its timeout."""

    name: str
    path: Path
    timeout: float


@dataclass(frozen=True)
class Run:
    """What one run of the command did."""

    exit: str
    seconds: float
    peak_mb: float | None
    stdout: str
    stderr: str
    formulas: str

    @property
    def traceback(self) -> bool:
        """Return whether the command died with a Python traceback (or a fatal error)."""
        text = self.stdout + self.stderr
        return "Traceback (most recent call last)" in text or "Fatal Python error" in text

    @property
    def rows(self) -> tuple[int, int, int] | None:
        """Return (read, accepted, rejected) from the summary line, if printed."""
        found = SUMMARY.search(self.stdout)
        return tuple(int(n) for n in found.groups()) if found else None

    def message(self) -> str:
        """Return the line that says what happened, cut to MESSAGE_CHARS characters."""
        if self.traceback:
            line = _lines(self.stderr)[-1] if _lines(self.stderr) else ""
        elif self.exit == "0" and _lines(self.stdout):
            line = _lines(self.stdout)[0]
        else:
            line = next(iter(_lines(self.stderr) + _lines(self.stdout)), "")
        if not line and self.exit == "timeout":
            line = "(nothing printed before the timeout)"
        line = line if len(line) <= MESSAGE_CHARS else line[: MESSAGE_CHARS - 1] + "…"
        return line.replace("|", "\\|")


def _lines(text: str) -> list[str]:
    # tqdm redraws its bar with \r; every piece is a line here.
    return [line.strip() for line in re.split(r"[\r\n]+", text) if line.strip()]


def expectations(readme: Path = README) -> dict[str, str]:
    """Return {case name: expectation text} from the tables of README.md.

    Only rows whose third cell is an expectation count (not those of the measured table).
    """
    found = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if len(cells) < 3 or not (cells[0].startswith("`") and cells[0].endswith("`")):
            continue
        if EXPECT_ROWS.match(cells[2]) or cells[2].startswith(EXPECT_ERROR):
            found.setdefault(cells[0].strip("`"), cells[2])
    return found


def verdict(run: Run, expected: str | None, *, rss_bound_mb: float, seconds_bound: float) -> str:
    """Return "ok" or "FAIL: why" for a run against its README expectation."""
    if run.exit == "timeout":
        return "FAIL: timeout"
    problems = ["traceback"] if run.traceback else []
    if run.seconds > seconds_bound:
        problems.append(f"slow (> {seconds_bound:.0f} s)")
    if run.peak_mb is not None and run.peak_mb > rss_bound_mb:
        problems.append(f"RSS > {rss_bound_mb:.0f} MB")
    problem = _outcome_problem(run, expected)
    problems += [problem] if problem else []
    return "FAIL: " + ", ".join(problems) if problems else "ok"


def _outcome_problem(run: Run, expected: str | None) -> str | None:
    """Return how the run's outcome differs from the expectation (None if it does not)."""
    if expected is None:
        return "no expectation in README"
    wanted = EXPECT_ROWS.search(expected)
    if wanted:
        count, rows = int(wanted.group(1).replace(",", "")), run.rows
        if run.exit != "0":
            return f"exit {run.exit}, expected 0"
        if rows is None:
            return "no summary line"
        if rows[0] != count or rows[1] + rows[2] != rows[0]:
            return f"{rows[0]} read, expected {count}"
        return None
    if not expected.startswith(EXPECT_ERROR):
        return "expectation not understood"
    if run.exit != "1":
        return f"exit {run.exit}, expected 1"
    lines = _lines(run.stderr)
    if len(lines) != 1 or not lines[0].startswith("error:"):
        return "not one error line"
    return None


def live_formulas(path: Path) -> int | None:
    """Count cells of a CSV a spreadsheet would run as formulas; None if there is no file."""
    if not path.is_file():
        return None
    csv.field_size_limit(2**31 - 1)
    count = 0
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for row in csv.reader(handle):
            count += sum(_is_formula(cell) for cell in row)
    return count


def _is_formula(cell: str) -> bool:
    if not cell or cell[0] not in "=+-@\t\r":
        return False
    return cell[0] in "=@\t\r" or not NUMBER.fullmatch(cell)


def address_space_cap(memory_mb: int) -> Callable[[], None]:
    """Return a preexec function capping a child's address space (never above our own cap)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return cap


def run_case(case: Case, *, memory_mb: int, work: Path) -> Run:
    """Run the ingest command on one case in a fresh process; return what it did."""
    out, rejects, report = work / "OUT.csv", work / "REJECTS.csv", work / "time.txt"
    command = [sys.executable, "-m", "ingest", str(case.path), "-o", str(out)]
    command += ["--rejects", str(rejects)]
    if TIME.exists():
        command = [str(TIME), "-v", "-o", str(report), *command]
    else:
        command = [sys.executable, "-c", RUSAGE_WRAPPER, str(report), *command]
    cap = address_space_cap(memory_mb)
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, errors="replace", preexec_fn=cap,
        start_new_session=True,
    )  # fmt: skip
    try:
        stdout, stderr = process.communicate(timeout=case.timeout)
        exit_text = str(process.returncode)
    except subprocess.TimeoutExpired:
        stdout, stderr = _stop(process)
        exit_text = "timeout"
    seconds = time.perf_counter() - start
    peak, signalled = _read_report(report)
    if signalled and exit_text != "timeout":
        exit_text = f"signal {signalled}"
    formulas = [live_formulas(out), live_formulas(rejects)]
    return Run(exit_text, seconds, peak, stdout, stderr, _formula_text(*formulas))


def _stop(process: subprocess.Popen) -> tuple[str, str]:
    """Kill the command under the timer (so the timer still reports), then its whole group."""
    for child in _children(process.pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)
    try:
        return process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the session started for this case only
        return process.communicate()


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _read_report(report: Path) -> tuple[float | None, int | None]:
    """Return (peak RSS in MB, terminating signal) from a /usr/bin/time -v report."""
    try:
        text = report.read_text(errors="replace")
    except OSError:
        return None, None
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    killed = re.search(r"Command terminated by signal (\d+)", text)
    return (
        int(peak.group(1)) / 1024 if peak else None,
        int(killed.group(1)) if killed else None,
    )


def _formula_text(out: int | None, rejects: int | None) -> str:
    if out is None and rejects is None:
        return "-"
    parts = [f"{label} {n}" for label, n in (("out", out), ("rej", rejects)) if n]
    return ", ".join(parts) or "none"


def small_cases(*, timeout: float) -> list[Case]:
    """Return the committed hostile files, by name."""
    files = sorted(p for p in HOSTILE.iterdir() if p.is_file() and p.name not in NOT_CASES)
    return [Case(path.name, path, timeout) for path in files]


def big_cases(folder: Path, *, timeout: float, memory_mb: int) -> list[Case]:
    """Write the big cases with make_big.py (capped like a case) and return them."""
    cap = address_space_cap(memory_mb)
    subprocess.run(
        [sys.executable, str(MAKE_BIG), str(folder)], check=True, capture_output=True,
        preexec_fn=cap, timeout=600,
    )  # fmt: skip
    return [Case(path.name, path, timeout) for path in sorted(folder.iterdir())]


def special_cases(folder: Path) -> list[Case]:
    """Return a FIFO nobody writes to, /dev/zero, a symlink to it and a folder named .csv."""
    fifo = folder / "fifo.csv"
    os.mkfifo(fifo)
    (folder / "zero.csv").symlink_to("/dev/zero")
    (folder / "folder.csv").mkdir()
    return [
        Case("fifo.csv (named pipe)", fifo, SPECIAL_TIMEOUT),
        Case("/dev/zero", Path("/dev/zero"), SPECIAL_TIMEOUT),
        Case("zero.csv -> /dev/zero", folder / "zero.csv", SPECIAL_TIMEOUT),
        Case("folder.csv (a folder)", folder / "folder.csv", SPECIAL_TIMEOUT),
    ]


def measure(
    cases: list[Case],
    *,
    memory_mb: int,
    rss_bound_mb: float,
    seconds_bound: float,
    keep: Path | None = None,
) -> list[list[object]]:
    """Run every case; return the table rows (and keep each case's outputs under `keep`)."""
    expected = expectations()
    rows = []
    for case in cases:
        work = Path(tempfile.mkdtemp(prefix="hostile-run-"))
        try:
            run = run_case(case, memory_mb=memory_mb, work=work)
            if keep is not None:
                _keep(run, work, keep / re.sub(r"[^\w.-]+", "_", case.name))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        counts = "/".join(map(str, run.rows)) if run.rows else ""
        peak = f"{run.peak_mb:.0f}" if run.peak_mb is not None else "?"
        check = verdict(
            run, expected.get(case.name), rss_bound_mb=rss_bound_mb, seconds_bound=seconds_bound
        )
        rows.append([
            f"`{case.name}`", run.exit, f"{run.seconds:.1f}", peak, counts,
            "yes" if run.traceback else "", run.formulas, check, run.message(),
        ])  # fmt: skip
        print(f"{case.name}: {run.exit} {run.seconds:.1f}s {check}", file=sys.stderr, flush=True)
    return rows


def _keep(run: Run, work: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("OUT.csv", "REJECTS.csv"):
        if (work / name).is_file() and (work / name).stat().st_size < 10_000_000:
            shutil.copy(work / name, folder / name)
    (folder / "stdout.txt").write_text(run.stdout, encoding="utf-8")
    (folder / "stderr.txt").write_text(run.stderr, encoding="utf-8")


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the script's options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=60, help="seconds per case (60)")
    parser.add_argument(
        "--memory-mb", type=int, default=3000, help="address-space cap per case, MB (3000)"
    )
    parser.add_argument(
        "--rss-bound-mb", type=float, default=RSS_BOUND_MB,
        help=f"peak RSS above which a case fails ({RSS_BOUND_MB})",
    )  # fmt: skip
    parser.add_argument(
        "--seconds-bound", type=float, default=SECONDS_BOUND,
        help=f"seconds above which a case fails ({SECONDS_BOUND})",
    )  # fmt: skip
    parser.add_argument("--only", nargs="*", help="only cases whose name contains one of these")
    parser.add_argument("--no-big", action="store_true", help="skip make_big.py's files")
    parser.add_argument(
        "--keep", type=Path, help="keep each case's OUT.csv, REJECTS.csv, stdout and stderr here"
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    """Print the table of how the ingest command handles every hostile case."""
    args = build_parser().parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        cases = small_cases(timeout=args.timeout)
        if not args.no_big:
            big = Path(folder) / "big"
            cases += big_cases(big, timeout=args.timeout, memory_mb=args.memory_mb)
        specials = Path(folder) / "special"
        specials.mkdir()
        cases += special_cases(specials)
        if args.only:
            cases = [c for c in cases if any(part in c.name for part in args.only)]
        rows = measure(
            cases,
            memory_mb=args.memory_mb,
            rss_bound_mb=args.rss_bound_mb,
            seconds_bound=args.seconds_bound,
            keep=args.keep,
        )
    headers = ["case", "exit", "s", "peak RSS MB", "read/acc/rej", "traceback", "formulas",
               "verdict", "message"]  # fmt: skip
    print(markdown_table(headers, rows))
    failed = sum(row[7] != "ok" for row in rows)
    tracebacks = sum(row[5] == "yes" for row in rows)
    timeouts = sum(row[1] == "timeout" for row in rows)
    print(f"\n{len(rows)} cases: {len(rows) - failed} ok, {failed} FAIL "
          f"({tracebacks} tracebacks, {timeouts} timeouts)")  # fmt: skip


if __name__ == "__main__":
    main()
