"""The marketplace: offers and needs of the filtered clusters, each with its best answers."""

import pytest
from flask import Flask

from analysis.filters import FilterSpec, apply_filter
from analysis.marketplace import MATCHES, market_items
from analysis.store import DatasetStore
from api.marketplace import register
from tests.filter_oracle import demo


@pytest.mark.parametrize(
    ("spec", "side", "kind"),
    [(FilterSpec(country=("DE",)), None, None), (FilterSpec(scope=("third-country",)), "need",
     "technology"), (FilterSpec(ecosystem=("health",)), "offer", "r-d")],
)  # fmt: skip
def test_items_belong_to_the_filtered_clusters_and_match_the_other_side(spec, side, kind):
    dataset = demo()
    kept = set(dataset.records.loc[apply_filter(dataset, spec), "cluster_id"])
    market = market_items(dataset, spec, side=side, kind=kind, limit=40)
    assert market.items and market.total >= len(market.items)
    for item in market.items:
        assert item["cluster_id"] in kept
        assert side is None or item["side"] == side
        assert kind is None or item["kind"] == kind
        assert len(item["matches"]) <= MATCHES
        scores = [m["score"] for m in item["matches"]]
        assert scores == sorted(scores, reverse=True)
        for match in item["matches"]:
            assert match["side"] != item["side"] and match["cluster_id"] != item["cluster_id"]
            assert match["cluster_id"] in kept


def test_search_words_narrow_the_items_not_their_matches():
    market = market_items(demo(), FilterSpec(q="implants"), limit=500)
    assert market.total == len(market.items) > 0
    assert all("implants" in item["text"].lower() for item in market.items)
    matched = {m["text"] for item in market.items for m in item["matches"]}
    assert any("implants" not in text.lower() for text in matched)


def test_the_api_lists_items_with_matches_and_reports_bad_values():
    server = Flask(__name__)
    register(server, DatasetStore(demo(), name="Demo data"), features=frozenset())
    client = server.test_client()
    body = client.get("/api/marketplace.json?country=FR&side=need&limit=5").json
    assert len(body["items"]) == 5 and body["filters"] == {"country": "FR"}
    assert {item["side"] for item in body["items"]} == {"need"}
    bad = client.get("/api/marketplace.json?side=both&kind=magic&limit=0").json
    assert bad["notices"] == [
        'ignored side "both": not one of offer, need',
        'ignored kind "magic": not one of technology, business, r-d',
        'ignored limit "0": not a whole number from 1 to 500',
    ]


def test_every_demo_need_is_answered_by_an_offer_in_other_words():
    """The demo shows real matching: each need has an answering offer, never the same text."""
    dataset = demo()
    market = market_items(dataset, FilterSpec(), side="need", limit=100_000)
    offers = {o for items in dataset.records["offers"] for o in items}
    needs = {n for items in dataset.records["needs"] for n in items}
    assert market.total == len(market.items) and not offers & needs
    for item in market.items:
        best = item["matches"][0]
        assert best["text"] != item["text"] and best["score"] >= 0.2, item
    # The example: the implant polymer need meets a paraphrased offer.
    implants = [i for i in market.items if i["text"] == "biocompatible polymers for implants"]
    assert implants and "polymer" not in implants[0]["matches"][0]["text"]
