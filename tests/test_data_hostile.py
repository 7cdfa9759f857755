"""Hostile input files (tests/fixtures/hostile): every row accounted for, or one clear line.

Each committed file goes through the real ingest (readers, validation, geocoder, placement) in
this process; its README says which outcome is right. The big and special cases (a named pipe,
/dev/zero, a zip bomb, huge dimensions) are generated here in a temporary folder.
"""

import os
import time

import pytest

from bench.hostile import EXPECT_ERROR, EXPECT_ROWS, HOSTILE, NOT_CASES, expectations
from data.errors import AtlasError
from data.ingest import one_line
from ingest.pipeline import ingest_file

EXPECTED = expectations()
SMALL = sorted(p.name for p in HOSTILE.iterdir() if p.name not in NOT_CASES)
# A small file must be read in bounded time even on a busy machine.
SECONDS = 30


def outcome(path) -> tuple[str, object]:
    """Return ("rows", result) or ("error", message) for one file through the ingest."""
    try:
        return "rows", ingest_file(path)
    except AtlasError as error:
        return "error", str(error)


def test_every_committed_file_has_an_expectation():
    assert len(SMALL) >= 40
    assert set(SMALL) <= set(EXPECTED), set(SMALL) - set(EXPECTED)


@pytest.mark.parametrize("name", SMALL)
def test_hostile_file_is_accounted_for_or_refused_in_one_line(name):
    expected = EXPECTED[name]
    started = time.monotonic()
    kind, value = outcome(HOSTILE / name)
    assert time.monotonic() - started < SECONDS
    if expected.startswith(EXPECT_ERROR):
        assert kind == "error", f"{name}: expected a refusal, got {value.summary()}"
        assert "\n" not in one_line(value) and len(one_line(value)) <= 300
        return
    rows = int(EXPECT_ROWS.search(expected).group(1).replace(",", ""))
    assert kind == "rows", f"{name}: {value}"
    assert value.rows_read == rows, value.summary()
    assert value.accepted + value.rejected == rows


def test_pipes_devices_and_folders_are_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.csv"
    zero.symlink_to("/dev/zero")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    for path, reason in ((fifo, "not a regular file"), (zero, "not a regular file"),
                         (folder, "is a directory")):  # fmt: skip
        kind, message = outcome(path)
        assert (kind, message) == ("error", f"cannot read {path.name}: {reason}")


def test_a_long_error_is_cut_to_one_short_line():
    message = one_line("cannot read x.csv: broken CSV (" + "y" * 5000 + "\nmore)")
    assert len(message) == 300 and message.endswith("…") and "\n" not in message


@pytest.mark.parametrize("offset", [10, 100_000], ids=["early", "after 64 KB"])
def test_a_stray_control_character_cleans_its_cell_and_flags_its_row(tmp_path, offset):
    filler = "".join(f"Filler Cluster {i},Graz,AT\n" for i in range(offset // 25))
    body = f"name,city,country\nNul{chr(0)} Cluster,Wi\x1ben,AT\n{filler}Bell\x07 Cluster,Linz,AT\n"
    path = tmp_path / "controls.csv"
    path.write_bytes(body.encode("utf-8"))
    result = ingest_file(path)
    assert result.rejected == 0 and result.accepted == result.rows_read
    records = result.records.set_index("name")
    assert {"Nul Cluster", "Bell Cluster"} <= set(records.index)
    assert records.at["Nul Cluster", "city"] == "Wien"
    assert records.at["Nul Cluster", "notes"] == "control characters removed from name, city"
    assert records.at["Bell Cluster", "flags"] == "control-characters-removed"
    flagged = records["flags"].fillna("").str.contains("control-characters-removed")
    assert flagged.sum() == 2
    text = records.reset_index().to_csv()
    assert "\x00" not in text and "\x07" not in text and "\x1b" not in text
