"""The partner API in process: ranked partners of one cluster, filters, errors, CSV."""

import io
import math

import pandas as pd
import pytest
from flask import Flask

from analysis.partners import WEIGHTS
from analysis.store import DatasetStore
from api.partners import MAX_LIMIT, register
from tests.filter_oracle import demo


@pytest.fixture(scope="module")
def client():
    server = Flask(__name__)
    register(server, DatasetStore(demo(), name="Demo data"), features=frozenset())
    return server.test_client()


def test_partners_are_ranked_explained_and_filtered(client):
    cluster = demo().records["cluster_id"].iat[0]
    body = client.get(f"/api/partners.json?cluster={cluster}&scope=third-country&limit=7").json
    assert body["cluster"]["cluster_id"] == cluster and body["notices"] == []
    partners = body["partners"]
    assert len(partners) == 7
    third = set(demo().records.loc[demo().records["scope"] == "Third country", "cluster_id"])
    assert {p["cluster_id"] for p in partners} <= third - {cluster}
    assert [p["score"] for p in partners] == sorted((p["score"] for p in partners), reverse=True)
    for partner in partners:
        assert set(partner) == {"cluster_id", "name", "country_code", "city", "score",
                                "components", "why"}  # fmt: skip
        assert set(partner["components"]) == set(WEIGHTS)
        assert math.isclose(sum(partner["components"].values()), partner["score"], abs_tol=1e-5)


@pytest.mark.parametrize("query", ["", "?cluster=", "?cluster=NOPE", "?cluster=%3Cb%3E"])
def test_an_unknown_cluster_is_a_json_404(client, query):
    response = client.get(f"/api/partners.json{query}")
    assert response.status_code == 404 and "error" in response.json


def test_malformed_filters_and_limits_are_notices(client):
    cluster = demo().records["cluster_id"].iat[1]
    body = client.get(f"/api/partners.json?cluster={cluster}&country=ZZ&limit=9999").json
    assert body["notices"] == [
        'ignored country "ZZ": not a country code',
        f'ignored limit "9999": not a whole number from 1 to {MAX_LIMIT}',
    ]
    assert len(body["partners"]) == 20


def test_the_csv_is_the_same_list_with_the_export_guard(client):
    cluster = demo().records["cluster_id"].iat[2]
    listed = client.get(f"/api/partners.json?cluster={cluster}&limit=5").json["partners"]
    response = client.get(f"/api/partners.csv?cluster={cluster}&limit=5")
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    assert f"partners-{cluster}-" in response.headers["Content-Disposition"]
    table = pd.read_csv(io.BytesIO(response.data), encoding="utf-8-sig")
    assert table["cluster_id"].tolist() == [p["cluster_id"] for p in listed]
