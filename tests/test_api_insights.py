"""The specialisation API: same rows as the analysis, filters and notices as everywhere."""

import numpy as np
import pytest
from flask import Flask

from analysis.filters import FilterSpec, apply_filter
from analysis.specialisation import specialise
from analysis.store import DatasetStore
from api.clusters import register as register_clusters
from api.insights import register
from tests.filter_oracle import demo


@pytest.fixture(scope="module")
def client():
    server = Flask(__name__)
    store = DatasetStore(demo(), name="Demo data")
    register(server, store, features=frozenset(), min_clusters=3)
    register_clusters(server, store, features=frozenset(), map_options={})
    return server.test_client()


def test_rows_are_the_analysis_of_the_filtered_clusters(client):
    body = client.get("/api/specialisation.json?scope=eu&by=region&weight=smes").json
    dataset = demo()
    keep = apply_filter(dataset, FilterSpec(scope=("eu",)))
    expected = specialise(dataset, keep, by="region", weight="smes", min_clusters=3)
    assert body["rows"] == expected.records() and body["rows"]
    assert (body["by"], body["weight"], body["min_clusters"]) == ("region", "smes", 3)
    assert body["filters"] == {"scope": "eu"} and body["notices"] == []
    assert body["areas"] == expected.areas and body["unplaced"] == expected.unplaced


def test_every_row_has_the_documented_fields(client):
    rows = client.get("/api/specialisation.json").json["rows"]
    assert {tuple(row) for row in rows} == {("area", "area_name", "ecosystem", "count", "lq",
                                             "stars")}  # fmt: skip
    assert any(row["stars"] for row in rows)
    assert all(row["lq"] > 0 and row["count"] > 0 and 0 <= row["stars"] <= 3 for row in rows)


def test_malformed_values_are_notices_not_errors(client):
    response = client.get("/api/specialisation.json?by=planet&weight=%3Cb%3E&country=ZZ")
    assert response.status_code == 200
    body = response.json
    assert len(body["notices"]) == 3 and body["by"] == "country"
    # Unknown country: ignored, so every cluster counts.
    assert sum(row["count"] for row in body["rows"]) >= len(demo())


def test_no_matching_clusters_is_an_empty_list(client):
    body = client.get("/api/specialisation.json?q=zzzzqqq").json
    assert body["rows"] == [] and body["areas"] == 0 and np.isfinite(body["unplaced"])


@pytest.mark.parametrize(
    ("filters", "areas"),
    [("", ["DE", "FR"]), ("ecosystem=health", ["ES", "IT", "ES-29"]),
     ("scope=eu&sme_min=50", ["DE", "PL", "NL", "ES-51", "IT"]), ("q=digital", ["US", "JP"])],
)  # fmt: skip
def test_each_area_has_the_kpis_of_stats_json_restricted_to_it(client, filters, areas):
    body = client.get(f"/api/compare.json?areas={','.join(areas)}&{filters}").json
    assert [a["area"] for a in body["areas"]] == areas and body["notices"] == []
    for area in body["areas"]:
        restrict = "region" if "-" in area["area"] else "country"
        stats = client.get(f"/api/stats.json?{filters}&{restrict}={area['area']}").json
        assert area["kpis"] == stats["kpis"], area["area"]
        assert sum(e["count"] for e in area["ecosystems"]) >= area["kpis"]["clusters"]
        assert all(0 <= share <= 1 for share in area["labels"].values())


def test_compare_reports_unknown_and_malformed_areas(client):
    body = client.get("/api/compare.json?areas=DE,XX").json
    assert [a["area"] for a in body["areas"]] == ["DE"]
    assert any("XX" in notice for notice in body["notices"])
    for query in ("areas=DE,FR,IT,ES,PL,NL", "areas=%3Cscript%3E,FR", ""):
        response = client.get(f"/api/compare.json?{query}")
        assert response.status_code == 200 and response.json["areas"] == []
        assert response.json["notices"]
    # One area is answered (a comparison is built one area at a time), with a notice.
    single = client.get("/api/compare.json?areas=DE").json
    assert [a["area"] for a in single["areas"]] == ["DE"] and single["notices"]


def test_compare_lists_partnerships_and_their_target_countries(client):
    body = client.get("/api/compare.json?areas=DE,FR").json
    germany = body["areas"][0]
    assert germany["name"] == "Germany" and germany["partnerships"]
    assert all(t["code"] != "" and t["partnerships"] >= 1 for t in germany["target_countries"])
    assert germany["target_countries"]


def test_partnership_network_counts_shared_partnerships_between_countries(client):
    body = client.get("/api/partnerships.json?scope=eu").json
    records = demo().records
    eu = records[records["scope"].astype(str) == "EU"]
    by_name = {}
    for code, names in zip(eu["country_code"].astype(str), eu["partnerships"], strict=True):
        for name in names:
            by_name.setdefault(name, set()).add(code)
    assert {p["name"] for p in body["partnerships"]} == set(by_name)
    for partnership in body["partnerships"]:
        assert set(partnership["countries"]) == by_name[partnership["name"]]
        assert partnership["members"] == len(partnership["cluster_ids"])
    for edge in body["edges"]:
        shared = sum({edge["source"], edge["target"]} <= codes for codes in by_name.values())
        assert edge["partnerships"] == shared and edge["source"] < edge["target"]
    assert body["nodes"] and body["targets"] and body["notices"] == []
    aimed = sum(len(p["targets"]) for p in body["partnerships"])
    assert sum(t["partnerships"] for t in body["targets"]) == aimed > 0


def test_downloads_are_the_json_tables_with_the_export_guard(client):
    network = client.get("/api/partnerships.json?scope=eu").json
    csv = client.get("/api/partnerships.csv?scope=eu")
    lines = csv.data.decode("utf-8-sig").strip().split("\r\n")
    assert lines[0] == "partnership,members,countries,targets,cluster_ids"
    assert len(lines) - 1 == len(network["partnerships"]) > 0
    assert "attachment" in csv.headers["Content-Disposition"]
    compare = client.get("/api/compare.csv?areas=DE,FR").data.decode("utf-8-sig")
    body = client.get("/api/compare.json?areas=DE,FR").json
    assert f"DE,Germany,kpi,clusters,{body['areas'][0]['kpis']['clusters']}" in compare
    assert compare.count("\r\n") > 20


def test_timeline_counts_every_filtered_cluster(client):
    body = client.get("/api/timeline.json?scope=third-country&split=nope").json
    third = (demo().records["scope"].astype(str) == "Third country").sum()
    assert body["split"] == "scope" and any("split" in n for n in body["notices"])
    founded = sum(r["count"] for r in body["years"])
    assert founded + body["unknown_year"] == third
    assert {r["group"] for r in body["years"]} == {"Third country"}
    labels = body["labels"]
    assert labels["labelled"] == sum(labels[k] for k in ("expired", "expiring", "later",
                                                         "undated"))  # fmt: skip
    assert sum(m["count"] for m in labels["months"]) == labels["expiring"]
    years = client.get("/api/timeline.csv?split=ecosystem").data.decode("utf-8-sig")
    assert years.startswith("year,group,count,cumulative")


def test_no_matching_clusters_give_an_empty_network_and_timeline(client):
    network = client.get("/api/partnerships.json?q=zzzzzz").json
    assert (network["partnerships"], network["nodes"], network["edges"],
            network["targets"]) == ([], [], [], [])  # fmt: skip
    timeline = client.get("/api/timeline.json?q=zzzzzz&split=ecosystem").json
    assert timeline["years"] == [] and timeline["labels"]["labelled"] == 0
