"""FilterSpec: parse tables, URL round trip (property-based), apply_filter against an oracle."""

import itertools

import numpy as np
import pandas as pd
import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import _search
from analysis.dataset import Dataset, prepare
from analysis.filters import FilterSpec, apply_filter, parse_query_string
from tests.filter_oracle import EXAMPLES, demo, filter_specs, naive_filter, valid_specs


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return demo()


# --- round trip ---------------------------------------------------------------------------------


@EXAMPLES
@given(data=st.data())
def test_query_round_trip(dataset, data):
    spec = data.draw(valid_specs(dataset))
    assert FilterSpec.parse(spec.to_query()) == (spec, [])
    assert FilterSpec.parse(spec.to_query(), dataset=dataset) == (spec, [])
    assert parse_query_string(spec.to_query_string(), dataset=dataset) == (spec, [])
    assert parse_query_string(spec.to_query_string().lstrip("?")) == (spec, [])


@EXAMPLES
@given(q=st.text(max_size=30), countries=st.lists(st.sampled_from(
    [c.alpha_2 for c in pycountry.countries]), max_size=4))  # fmt: skip
def test_any_text_and_country_round_trip(q, countries):
    spec = FilterSpec(q=q, country=countries, nuts2=("DE11", "FRK2"), region=("BE-BRU",))
    assert parse_query_string(spec.to_query_string()) == (spec, [])


def test_empty_spec_has_empty_query():
    assert FilterSpec().is_empty and FilterSpec().to_query() == {}
    assert FilterSpec().to_query_string() == ""
    assert not FilterSpec(q="x").is_empty


def test_query_string_is_readable_and_ordered():
    spec = FilterSpec(bbox=(-5, 40.5, 10, 50), ecosystem=("mobility-transport-automotive",
                      "agri-food"), q="wind énergie", country=["FR", "DE", "FR"])  # fmt: skip
    assert spec.to_query_string() == (
        "?q=wind+%C3%A9nergie&country=DE,FR&ecosystem=agri-food,mobility-transport-automotive"
        "&bbox=-5,40.5,10,50"
    )


# --- parse tables -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=de,Fr", {"country": "DE,FR"}),
        ("country=DE&country=FR", {"country": "DE,FR"}),
        ("country=EL,UK", {"country": "GB,GR"}),
        ("scope=EU,Non-EU Europe", {"scope": "eu,non-eu-europe"}),
        ("label=GOLD,None", {"label": "gold,none"}),
        ("ecosystem=Agri-Food, mobility-transport-automotive",
         {"ecosystem": "agri-food,mobility-transport-automotive"}),
        ("emerging=blue-growth&sector=Automotive", {"sector": "automotive",
                                                    "emerging": "blue-growth"}),
        ("region=de-15", {"region": "DE-15"}),
        ("q=  wind   power ", {"q": "wind power"}),
        ("q=wind&q=power", {"q": "wind power"}),
        ("sme_min=10&sme_max=+250&founded_min=1990&founded_max=2010",
         {"sme_min": "10", "sme_max": "250", "founded_min": "1990", "founded_max": "2010"}),
        ("bbox=-10.5,35,30,60.25", {"bbox": "-10.5,35,30,60.25"}),
        ("country=&ecosystem=,,&q=", {}),
        ("Country=DE", {"country": "DE"}),
    ],
)  # fmt: skip
def test_parse_reads_good_values(dataset, query, expected):
    spec, notices = parse_query_string(query, dataset=dataset)
    assert (spec.to_query(), notices) == (expected, [])


@pytest.mark.parametrize(
    ("query", "expected", "notices"),
    [
        ("country=ZZ,DE", {"country": "DE"}, ['ignored country "ZZ": not a country code']),
        ("country=Germany", {}, ['ignored country "Germany": not a country code']),
        ("sme_min=abc", {}, ['ignored sme_min "abc": not a whole number']),
        ("sme_max=1.5", {}, ['ignored sme_max "1.5": not a whole number']),
        ("sme_min=-3", {}, ['ignored sme_min "-3": must not be negative']),
        ("foo=1", {}, ['ignored unknown parameter "foo"']),
        ("scope=europe", {}, ['ignored scope "europe": not a scope (eu, non-eu-europe, '
                              'third-country)']),
        ("label=platinum", {}, ['ignored label "platinum": not a label (gold, silver, bronze, '
                                'none)']),
        ("ecosystem=agrifood", {}, ['ignored ecosystem "agrifood": not an ecosystem (did you '
                                    "mean agri-food?)"]),
        ("sector=nope", {}, ['ignored sector "nope": not a sector']),
        ("region=XX-99", {}, ['ignored region "XX-99": no region with this code in the data']),
        ("nuts2=DE11", {}, ['ignored nuts2 "DE11": no NUTS-2 region with this id in the data']),
        ("partnership=no-such", {}, ['ignored partnership "no-such": no partnership of this '
                                     "name in the data"]),
        ("sme_min=500&sme_max=100", {"sme_min": "100", "sme_max": "500"},
         ["swapped sme_min 500 and sme_max 100: the minimum was above the maximum"]),
        ("sme_min=5&sme_min=7", {"sme_min": "7"},
         ['ignored sme_min "5": given more than once, kept the last']),
        ("bbox=1,2,3", {}, ['ignored bbox "1,2,3": expected minlon,minlat,maxlon,maxlat']),
        ("bbox=a,b,c,d", {}, ['ignored bbox "a,b,c,d": not four numbers']),
        ("bbox=0,0,nan,1", {}, ['ignored bbox "0,0,nan,1": not four numbers']),
        ("bbox=10,50,-5,40", {"bbox": "-5,40,10,50"},
         ['swapped bbox minimum and maximum: read "10,50,-5,40" as "-5,40,10,50"']),
        ("bbox=-200,0,10,95", {"bbox": "-180,0,10,90"},
         ['clipped bbox "-200,0,10,95" to longitudes ±180 and latitudes ±90']),
    ],
)  # fmt: skip
def test_parse_ignores_and_reports_bad_values(dataset, query, expected, notices):
    spec, found = parse_query_string(query, dataset=dataset)
    assert (spec.to_query(), found) == (expected, notices)


def test_parse_without_dataset_checks_form_only():
    spec, notices = parse_query_string("nuts2=de11,D1&region=XX-99,nope&partnership=Any Name")
    assert spec.to_query() == {"region": "XX-99", "nuts2": "DE11", "partnership": "any-name"}
    assert notices == ['ignored region "nope": not a region code (like DE-02)',
                       'ignored nuts2 "D1": not a NUTS-2 id (like DE11)']  # fmt: skip


def test_parse_keeps_valid_values_the_data_lacks(dataset):
    spec, notices = parse_query_string("country=AQ&ecosystem=textiles", dataset=dataset)
    assert (spec.country, spec.ecosystem, notices) == (("AQ",), ("textiles",), [])
    assert apply_filter(dataset, FilterSpec(country=("AQ",))).sum() == 0


def test_parse_reads_werkzeug_multidict_and_ignores_caller_params():
    from werkzeug.datastructures import MultiDict

    query = MultiDict([("country", "DE"), ("country", "FR"), ("zoom", "4")])
    assert FilterSpec.parse(query, ignore=("zoom",)) == (FilterSpec(country=("DE", "FR")), [])


def test_notice_echo_is_shortened():
    _, notices = parse_query_string("country=" + "X" * 500)
    assert len(notices[0]) < 120 and notices[0].endswith('…": not a country code')


# --- helpers for cross-filtering ----------------------------------------------------------------


def test_with_value_and_toggle():
    spec = FilterSpec(country=("DE",))
    assert spec.toggle("country", "FR").country == ("DE", "FR")
    assert spec.toggle("country", "DE").country == ()
    assert spec.with_value("country", "IT").country == ("IT",)
    assert spec.with_value("sme_min", 5).toggle("sme_min", 5).sme_min is None
    assert spec.with_value("bbox", (0, 0, 1, 1)).with_value("bbox", None).bbox is None
    assert spec.with_value("q", None).q == ""
    with pytest.raises(ValueError, match="unknown filter parameter"):
        spec.with_value("colour", "red")


# --- apply_filter against the oracle ------------------------------------------------------------


@EXAMPLES
@given(data=st.data())
def test_apply_filter_agrees_with_naive_oracle(dataset, data):
    spec = data.draw(filter_specs(dataset))
    kept = dataset.records.loc[apply_filter(dataset, spec), "cluster_id"].tolist()
    assert kept == naive_filter(dataset.records, spec)


@pytest.mark.parametrize("share", [0.0, 2.0], ids=["reduceat", "postings"])
@pytest.mark.parametrize("q", ["a", "e o", "stavanger", "ZÜRICH", "cluster", "xyzzy", "-", "s."])
def test_both_search_paths_agree_with_oracle(dataset, monkeypatch, q, share):
    monkeypatch.setattr(_search, "POSTINGS_SHARE", share)
    kept = dataset.records.loc[apply_filter(dataset, FilterSpec(q=q)), "cluster_id"].tolist()
    assert kept == naive_filter(dataset.records, FilterSpec(q=q))


def test_search_of_repeated_texts_agrees_with_oracle(monkeypatch):
    # The index is built on distinct texts: records sharing a description, a city or a list of
    # offers (here every demo record twice, and one with no text at all) find the same words.
    records = demo().records.head(40)
    records = pd.concat([records, records], ignore_index=True)
    records.loc[79, ["name", "acronym", "city", "description"]] = None
    records.at[79, "offers"] = records.at[79, "needs"] = ()
    records["cluster_id"] = [f"C{i}" for i in range(len(records))]
    repeated = prepare(records)
    for share, q in itertools.product(
        (0.0, 2.0), ("a", "technology", "zzz", records.at[3, "city"])
    ):
        monkeypatch.setattr(_search, "POSTINGS_SHARE", share)
        kept = repeated.records.loc[apply_filter(repeated, FilterSpec(q=q)), "cluster_id"]
        assert kept.tolist() == naive_filter(repeated.records, FilterSpec(q=q)), (q, share)
    assert not apply_filter(repeated, FilterSpec(q="a"))[79]


def test_search_folds_accents_and_case():
    records = demo().records.head(3).copy()
    records["name"] = pd.array(["Clúster Łódź Straße", "Other", None], dtype="string")
    records["description"] = records["city"] = pd.array([None] * 3, dtype="string")
    small = prepare(records)
    for q in ("lodz", "ŁÓDŹ strasse", "CLUSTER"):
        assert apply_filter(small, FilterSpec(q=q)).tolist()[:2] == [True, False], q


def test_no_records_are_searched_without_error():
    # Data sets without accepted rows are never served, but the index must not depend on it.
    empty = prepare(demo().records.head(0))
    assert apply_filter(empty, FilterSpec(q="technology")).tolist() == []


def test_filter_mask_is_a_boolean_array_over_all_records(dataset):
    mask = apply_filter(dataset, FilterSpec())
    assert mask.dtype == np.bool_ and mask.shape == (len(dataset),) and mask.all()
