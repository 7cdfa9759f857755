"""Uploaded data sets: POST /api/datasets, the report and rejects routes, the files they leave.

Everything goes through the real app (readers, geocoder, placement, store); two apps on one
data folder stand for two worker processes, or a restart.
"""

import io
import os
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis._index_files import index_folder
from analysis.store import KEPT_IN_MEMORY, DatasetStore
from app import create_app
from data import datasets
from data.datasets import Limits
from data.readers import InputFile
from ingest.pipeline import ingest_file
from settings import Settings
from tests.filter_oracle import demo

UPLOADS = Path(__file__).resolve().parent / "fixtures" / "upload"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("datasets")


@pytest.fixture(scope="module")
def client(folder):
    return create_app(Settings(data_dir=folder, max_upload_mb=1)).server.test_client()


def post(client, name: str, data: bytes):
    return client.post(
        "/api/datasets",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_an_upload_reports_every_row_and_opens_as_a_data_set(client, folder):
    answer = post(client, "messy_export.csv", (UPLOADS / "messy_export.csv").read_bytes())
    assert answer.status_code == 201
    report = answer.json
    assert report["summary"] == "10 rows read, 5 accepted, 5 rejected"
    assert report["accepted"] + report["rejected"] == report["rows_read"]
    assert ["Land", "country"] in report["recognised"]
    assert report["unrecognised"] == ["Ansprechpartner"]
    assert report["flags"] == {"control-characters-removed": 1}
    key = report["key"]
    assert report["url"] == f"/?data={key}" and datasets.is_key(key)
    stats = client.get(f"/api/stats.json?data={key}").json
    assert stats["kpis"]["clusters"] == 5 and stats["notices"] == []
    rejects = client.get(f"/api/rejects.csv?data={key}")
    table = pd.read_csv(io.BytesIO(rejects.data), encoding="utf-8-sig", dtype=str)
    assert sorted(table["row"].astype(int).unique()) == [7, 8, 9, 10, 11]
    assert table.loc[table["name"] == "Negative Cluster", "value"].item() == "'-5"
    # The files are in the data folder, under the key, and nowhere else.
    # (with the filter indexes the stats request built, for the next process to map)
    assert sorted(p.name for p in (folder / key).iterdir()) == sorted(
        [datasets.RECORDS, datasets.REPORT, datasets.REJECTS, index_folder(folder / key).name]
    )


def test_the_link_works_on_another_worker_and_after_a_restart(client, folder):
    key = post(client, "messy_export.csv", (UPLOADS / "messy_export.csv").read_bytes()).json["key"]
    other = create_app(Settings(data_dir=folder)).server.test_client()
    here = client.get(f"/api/clusters.csv?data={key}").data
    there = other.get(f"/api/clusters.csv?data={key}").data
    assert here == there and b"Bayern Innovativ Cluster Test" in there
    assert other.get(f"/api/report.json?data={key}").json["name"] == "messy_export.csv"


def test_the_same_file_again_is_the_same_data_set(client):
    data = (UPLOADS / "messy_export.csv").read_bytes()
    first, again = post(client, "a.csv", data).json, post(client, "renamed.csv", data).json
    assert first["key"] == again["key"] and again["name"] == first["name"]


def test_a_file_with_no_accepted_row_keeps_its_report_but_opens_no_data_set(client):
    answer = post(client, "bad.csv", b"name,country,city\nX,Atlantis,Nowhere\n")
    assert answer.status_code == 201
    assert answer.json["summary"] == "1 rows read, 0 accepted, 1 rejected"
    assert answer.json["url"] is None
    key = answer.json["key"]
    assert b"Atlantis" in client.get(f"/api/rejects.csv?data={key}").data
    notices = client.get(f"/api/stats.json?data={key}").json["notices"]
    assert notices == [f'ignored data "{key}": no data set with this key']


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"\xef\xbb\xbf", "cannot read empty.csv: file is empty"),
        ("table.docx", b"name\nx\n", "cannot read table.docx: unsupported file type .docx"),
        ("book.xlsx", b"PK\x03\x04 not really", "cannot read book.xlsx: not a valid Excel"),
        ("../../etc/passwd.csv", b"name\nx\n", None),
    ],
)
def test_unreadable_uploads_get_one_line_and_names_never_become_paths(
    client, folder, name, data, message
):
    before = set(os.listdir(folder.parent))
    answer = post(client, name, data)
    if message is None:  # a path in the name is only a display name
        assert answer.status_code == 201 and answer.json["name"] == "passwd.csv"
    else:
        assert answer.status_code == 400 and answer.json["error"].startswith(message)
        assert "\n" not in answer.json["error"]
    assert set(os.listdir(folder.parent)) == before


def test_an_upload_over_the_limit_is_refused_with_a_clear_answer(client):
    answer = post(client, "big.csv", b"name\n" + b"x" * (1024 * 1024 + 10))
    assert answer.status_code in (400, 413)
    if answer.status_code == 400:
        assert "over the upload limit of 1 MB" in answer.json["error"]


def test_remove_deletes_the_files_and_the_link_then_says_so(client, folder):
    key = post(client, "gone.csv", b"name,city,country\nGone Cluster,Graz,AT\n").json["key"]
    assert client.delete(f"/api/datasets/{key}").status_code == 204
    assert not (folder / key).exists()
    assert client.delete(f"/api/datasets/{key}").status_code == 404
    assert client.delete("/api/datasets/..").status_code == 404
    assert client.delete("/api/datasets/..%2F..%2Fetc").status_code in (404, 405)
    assert client.get(f"/api/report.json?data={key}").status_code == 404


def test_the_started_data_set_has_its_report_and_cannot_be_removed(client):
    report = client.get("/api/report.json").json
    assert report["summary"] == "1300 rows read, 1300 accepted, 0 rejected"
    assert client.delete("/api/datasets/default").status_code == 404


def test_housekeeping_removes_old_then_least_recently_opened_data_sets(tmp_path):
    frame = pd.DataFrame({"row": [2], "name": ["x"], "column": ["c"], "value": ["v"],
                          "reason": ["r"]})  # fmt: skip
    records = pd.DataFrame({"name": ["a" * 100_000]})
    keys = [datasets.content_key(str(i).encode()) for i in range(4)]
    for key in keys:
        datasets.save(tmp_path, key, records=records, rejects=frame, report={"name": key})
    now = time.time()
    os.utime(tmp_path / keys[0] / datasets.REPORT, (now - 40 * 86_400,) * 2)  # not opened: old
    os.utime(tmp_path / keys[1] / datasets.REPORT, (now - 2 * 86_400,) * 2)  # least recent
    removed = datasets.prune(tmp_path, Limits(max_age_days=30, max_total_mb=0), keep=keys[3])
    assert removed[0] == keys[0] and keys[3] not in removed
    assert datasets.exists(tmp_path, keys[3]) and not datasets.exists(tmp_path, keys[0])
    assert all(not datasets.exists(tmp_path, k) for k in removed)


def test_keys_that_are_not_keys_never_name_a_path(tmp_path):
    for bad in ("../x", "/etc", "ABCDEF0123456789abcd", "default", "", "0" * 21):
        assert not datasets.is_key(bad)
        with pytest.raises(ValueError):
            datasets.folder(tmp_path, bad)


def test_a_process_keeps_only_a_few_uploads_in_memory(tmp_path):
    store = DatasetStore(demo(), name="Demo data", folder=tmp_path)
    keys = []
    for i in range(KEPT_IN_MEMORY + 2):
        body = f"name,city,country\nMemory Cluster {i},Graz,AT\n".encode()
        key, report = store.upload(InputFile(f"m{i}.csv", body), ingest=ingest_file, uploaded="")
        assert report["accepted"] == 1
        assert len(store.get(key)) == 1
        keys.append(key)
    assert store.in_memory() == tuple(keys[-KEPT_IN_MEMORY:])
    assert len(store.get(keys[0])) == 1  # read again from its files
