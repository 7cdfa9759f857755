"""Downloads are compressed when the client accepts it, and byte-identical once decompressed."""

import zlib

import pytest

from api.routes import PLOTLY_JS_URL, REGENERATOR_URL
from app import create_app
from settings import Settings


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("datasets"))
    return create_app(settings).server.test_client()


@pytest.mark.parametrize(
    "url",
    ["/api/clusters.csv?country=DE", "/api/clusters.geojson", "/geo/countries.geojson",
     PLOTLY_JS_URL, REGENERATOR_URL],
)  # fmt: skip
def test_downloads_are_compressed_when_accepted(client, url):
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers  # a client that asks for nothing gets bytes
    packed = client.get(url, headers={"Accept-Encoding": "deflate"})
    assert packed.headers["Content-Encoding"] == "deflate"
    assert "Accept-Encoding" in packed.headers["Vary"]
    body = packed.get_data()
    assert zlib.decompress(body) == plain.get_data()
    assert len(body) < len(plain.get_data()) / 2
