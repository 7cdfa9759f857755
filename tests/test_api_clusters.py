"""API routes in process: a Flask test client on a minimal app serving the prepared demo data."""

import json
from datetime import date

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.store import DatasetStore
from api.clusters import HEADER_NOTICES, NOTICES_HEADER, register
from api.routes import COUNTRIES_URL
from data.exports import read_exported_csv
from tests.filter_oracle import demo, naive_filter, valid_specs

# Each example downloads up to every record twice: fewer examples than the unit tests.
DOWNLOADS = settings(max_examples=40, derandomize=True, deadline=None)


@pytest.fixture(scope="module")
def client():
    server = Flask(__name__)
    store = DatasetStore(demo(), name="Demo data")
    register(server, store, features=frozenset(), map_options={"countries_url": COUNTRIES_URL})
    return server.test_client()


def _csv_ids(response) -> list[str]:
    return read_exported_csv(response.data)["cluster_id"].tolist()


def _geojson_ids(response) -> list[str]:
    return [f["properties"]["cluster_id"] for f in json.loads(response.data)["features"]]


@DOWNLOADS
@given(data=st.data())
def test_downloads_and_stats_hold_exactly_the_oracle_records(client, data):
    spec = data.draw(valid_specs(demo()))
    expected = naive_filter(demo().records, spec)
    query = spec.to_query_string()
    assert _csv_ids(client.get(f"/api/clusters.csv{query}")) == expected
    assert _geojson_ids(client.get(f"/api/clusters.geojson{query}")) == expected
    stats = client.get(f"/api/stats.json{query}").get_json()
    assert stats["kpis"]["clusters"] == len(expected)
    assert (stats["filters"], stats["notices"]) == (spec.to_query(), [])
    count = client.get(f"/api/count.json{query}").get_json()
    assert (count["count"], count["total"]) == (len(expected), len(demo().records))
    assert (count["filters"], count["notices"]) == (spec.to_query(), [])


def test_stats_counts_match_the_records(client):
    stats = client.get("/api/stats.json?scope=third-country&label=gold,silver").get_json()
    records = demo().records
    gold_or_silver = records["label"].isin(["Gold", "Silver"])
    chosen = records[(records["scope"] == "Third country") & gold_or_silver]
    assert stats["kpis"]["clusters"] == len(chosen) > 0
    counts = chosen["country_code"].astype(str).value_counts().to_dict()
    assert {c["code"]: c["count"] for c in stats["by_country"]} == counts
    assert stats["kpis"]["third_country_share"] == 1.0


def test_csv_download_headers(client):
    response = client.get("/api/clusters.csv?country=DE")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="cluster-atlas-{date.today().isoformat()}.csv"'
    )
    assert json.loads(response.headers[NOTICES_HEADER]) == []
    assert response.data.startswith(b"\xef\xbb\xbf")


def test_geojson_download_headers(client):
    response = client.get("/api/clusters.geojson?label=gold")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/geo+json"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="cluster-atlas-{date.today().isoformat()}.geojson"'
    )


def test_malformed_values_give_200_and_notices(client):
    query = "?country=ZZ,DE&sme_min=abc&foo=1&bbox=1,2"
    expected = [
        'ignored unknown parameter "foo"',
        'ignored country "ZZ": not a country code',
        'ignored sme_min "abc": not a whole number',
        'ignored bbox "1,2": expected minlon,minlat,maxlon,maxlat',
    ]
    for route in ("clusters.csv", "clusters.geojson"):
        response = client.get(f"/api/{route}{query}")
        assert response.status_code == 200
        assert json.loads(response.headers[NOTICES_HEADER]) == expected
    stats = client.get(f"/api/stats.json{query}")
    assert stats.status_code == 200 and stats.get_json()["notices"] == expected
    assert stats.get_json()["query"] == "?country=DE"


def test_notices_header_is_cut_and_ascii(client):
    bad = ",".join(f"Z{i}é" for i in range(HEADER_NOTICES + 5))
    notices = json.loads(client.get(f"/api/clusters.csv?country={bad}").headers[NOTICES_HEADER])
    assert len(notices) == HEADER_NOTICES + 1 and notices[-1] == "and 5 more notices"
    assert client.get(f"/api/clusters.csv?country={bad}").headers[NOTICES_HEADER].isascii()


def test_map_json_returns_the_figure_for_the_filter_and_view(client):
    response = client.get("/api/map.json?country=FR&zoom=5&lat=46&lon=2")
    assert response.status_code == 200
    body = response.get_json()
    assert body["filters"] == {"country": "FR"} and body["notices"] == []
    assert body["figure"]["layout"]["map"]["zoom"] == 5
    assert body["figure"]["layout"]["map"]["center"] == {"lat": 46, "lon": 2}
    assert body["figure"]["data"]


def test_map_json_reports_a_malformed_view(client):
    body = client.get("/api/map.json?zoom=far&lat=91&bounds=1,2,3").get_json()
    assert body["notices"] == [
        'ignored zoom "far": not a number from 0 to 24',
        'ignored lat "91": not a number from -90 to 90',
        'ignored bounds "1,2,3": expected west,south,east,north (degrees, west < east, '
        "south < north)",
    ]


@pytest.fixture(scope="module")
def bounded():
    """Return a client whose map draws at most 200 points (the demo has 1,300)."""
    server = Flask(__name__)
    options = {"countries_url": COUNTRIES_URL, "max_points": 200}
    register(server, DatasetStore(demo(), name="Demo data"), features=frozenset(),
             map_options=options)  # fmt: skip
    return server.test_client()


def _points(figure: dict) -> list[dict]:
    return [trace for trace in figure["data"] if trace.get("meta") == "points"]


@pytest.mark.parametrize(
    "view",
    ["zoom=9&lat=48.86&lon=2.35", "bounds=1.8,48.6,2.9,49.1", "bounds=-358.2,48.6,-357.1,49.1"],
)
def test_map_json_draws_the_points_of_the_view_past_the_bound(bounded, view):
    body = bounded.get(f"/api/map.json?{view}").get_json()
    figure = body["figure"]
    west, south, east, north = figure["layout"]["meta"]["area"]
    assert figure["layout"]["meta"]["shown"] == "view" and body["notices"] == []
    records = demo().records.set_index("cluster_id")
    ids = [i for trace in _points(figure) for i in (row[0] for row in trace["customdata"])]
    assert 0 < len(ids) <= 200
    assert records.loc[ids, "lat"].between(south, north).all()
    assert records.loc[ids, "lon"].between(west, east).all()
    assert 48.6 < figure["layout"]["map"]["center"]["lat"] < 49.1


def test_map_json_counts_cells_finer_when_zoomed_in(bounded):
    metas = [bounded.get(f"/api/map.json?lat=50&lon=12&zoom={zoom}").get_json()["figure"]["layout"]
             ["meta"] for zoom in (3, 4.6)]  # fmt: skip
    assert [(meta["shown"], meta["level"]) for meta in metas] == [("cells", 3.0), ("cells", 4.5)]
    assert "zoom in" in metas[0]["hint"]
    colour = bounded.get("/api/map.json?color=label&zoom=3&lat=50&lon=12").get_json()["figure"]
    assert {t["name"].rsplit(" (", 1)[0] for t in colour["data"] if t.get("meta") == "cells"} <= {
        "Gold", "Silver", "Bronze", "No label"}  # fmt: skip


def test_map_json_without_a_view_keeps_every_point_under_the_bound(client):
    figure = client.get("/api/map.json").get_json()["figure"]
    assert figure["layout"]["meta"]["shown"] == "all"
    assert sum(len(trace["customdata"]) for trace in _points(figure)) == len(demo().records)


@pytest.mark.parametrize("path", ["/api/nope", "/api/clusters.xlsx", "/api/"])
def test_unknown_api_path_is_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_json() == {"error": f'no API route "{path}"'}
