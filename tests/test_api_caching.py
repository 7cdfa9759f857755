"""HTTP caching: API answers of unchanged data carry an ETag; sending it back costs a 304.

Real app, real data sets (the demo and an upload through POST /api/datasets).
"""

import io
from pathlib import Path

import pytest

from api.routes import PLOTLY_JS_URL, REGENERATOR_URL
from app import create_app
from settings import Settings

UPLOAD = Path(__file__).resolve().parent / "fixtures" / "upload" / "messy_export.csv"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("datasets")
    return create_app(Settings(data_dir=folder)).server.test_client()


def revalidate(client, url: str, tag: str, **headers):
    return client.get(url, headers={"If-None-Match": tag, **headers})


@pytest.mark.parametrize(
    "url",
    ["/api/stats.json?country=DE", "/api/count.json", "/api/clusters.csv?ecosystem=digital",
     "/api/map.json", "/api/timeline.json", "/api/report.json"],
)  # fmt: skip
def test_an_answer_is_tagged_and_a_repeat_is_not_modified(client, url):
    first = client.get(url)
    assert first.status_code == 200
    tag = first.headers["ETag"]
    assert tag.startswith('W/"') and "no-cache" in first.headers["Cache-Control"]
    again = revalidate(client, url, tag)
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == tag
    # Another query, or another tag, is answered in full.
    assert (
        revalidate(client, url + ("&" if "?" in url else "?") + "label=gold", tag).status_code
        == 200
    )
    assert revalidate(client, url, 'W/"other"').status_code == 200


def test_the_tag_does_not_depend_on_compression(client):
    plain = client.get("/api/clusters.csv", headers={"Accept-Encoding": "identity"})
    packed = client.get("/api/clusters.csv", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers.get("Content-Encoding") and "Content-Encoding" not in plain.headers
    assert plain.headers["ETag"] == packed.headers["ETag"]
    again = revalidate(client, "/api/clusters.csv", plain.headers["ETag"],
                       **{"Accept-Encoding": "gzip"})  # fmt: skip
    assert again.status_code == 304


def test_an_upload_has_its_own_tags_and_a_removed_one_is_answered_in_full(client):
    upload = {"file": (io.BytesIO(UPLOAD.read_bytes()), UPLOAD.name)}
    posted = client.post("/api/datasets", data=upload, content_type="multipart/form-data")
    assert posted.status_code == 201
    key = posted.get_json()["key"]
    url = f"/api/stats.json?data={key}"
    tag = client.get(url).headers["ETag"]
    assert tag != client.get("/api/stats.json").headers["ETag"]
    assert revalidate(client, url, tag).status_code == 304
    assert client.delete(f"/api/datasets/{key}").status_code == 204
    # Never a 304 for data that is gone: the answer says so (and shows the started data).
    gone = revalidate(client, url, tag)
    assert gone.status_code == 200 and "ETag" not in gone.headers
    assert "no data set with this key" in " ".join(gone.get_json()["notices"])


def test_errors_and_writes_are_not_tagged(client):
    assert "ETag" not in client.get("/api/stats.json?data=0123456789abcdef0123").headers
    assert "ETag" not in client.get("/api/nothing-here").headers
    assert "ETag" not in client.post("/api/datasets").headers


@pytest.mark.parametrize("url", ["/geo/countries.geojson", PLOTLY_JS_URL, REGENERATOR_URL])
def test_the_shipped_files_are_revalidated_with_a_304(client, url):
    first = client.get(url)
    tag = first.headers["ETag"]
    assert revalidate(client, url, tag).status_code == 304
