"""Taxonomies as data: the counts of the reference lists, matching, slugs and suggestions."""

import pytest

from data.taxonomies import vocabulary
from data.text import normalise_key, slugify


def test_reference_lists_have_their_published_sizes():
    sizes = {name: len(vocabulary(name).terms) for name in
             ("ecosystems", "emerging_industries", "sectors", "labels")}  # fmt: skip
    assert sizes == {"ecosystems": 14, "emerging_industries": 10, "sectors": 51, "labels": 4}


@pytest.mark.parametrize(
    ("name", "value", "term"),
    [
        ("ecosystems", "agri-food", "Agri-food"),
        ("ecosystems", "AGRI FOOD", "Agri-food"),
        ("ecosystems", "Aerospace and defence", None),
        ("ecosystems", "aerospace & defence", "Aerospace & defence"),
        ("sectors", "it & analytical instruments", "IT & Analytical Instruments"),
        ("labels", "GOLD", "Gold"),
        ("emerging_industries", "Blue Growth", "Blue growth"),
    ],
)
def test_match_ignores_case_and_punctuation(name, value, term):
    assert vocabulary(name).match(value) == term


@pytest.mark.parametrize(
    ("name", "typo", "term"),
    [("ecosystems", "Digitl", "Digital"), ("labels", "Gld", "Gold"),
     ("ecosystems", "Helth", "Health"), ("sectors", "Automotiv", "Automotive"),
     ("ecosystems", "zzzz qqqq", None)],
)  # fmt: skip
def test_suggest_finds_the_close_term(name, typo, term):
    assert vocabulary(name).suggest(typo) == term


def test_slugs_are_unique_and_follow_the_url_rule():
    eco = vocabulary("ecosystems")
    assert slugify("Mobility-Transport-Automotive") == "mobility-transport-automotive"
    assert slugify("Proximity, social economy & civil society") == (
        "proximity-social-economy-civil-society"
    )
    for name in ("ecosystems", "sectors", "emerging_industries", "labels"):
        terms = vocabulary(name).terms
        assert len({slugify(t) for t in terms}) == len(terms)
    assert eco.by_slug["agri-food"] == "Agri-food"


def test_normalise_key_folds_accents_and_keeps_other_scripts():
    assert normalise_key("  Łódź-Śródmieście ") == "lodz srodmiescie"
    assert normalise_key("Straße") == "strasse"
    assert normalise_key("Ελλάδα") == "ελλαδα"
