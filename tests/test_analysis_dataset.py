"""Dataset: the options the filter controls offer, and the facet indexes behind the filters."""

import numpy as np
import pandas as pd
import pytest

from analysis.dataset import prepare
from data.schema import conform
from tests.filter_oracle import demo

ROWS = [
    {"cluster_id": "A", "country_code": "DE", "country": "Germany", "scope": "EU",
     "region_code": "DE-02", "region_name": "Bavaria", "label": "none",
     "ecosystems": "Digital; Agri-food; Digital", "partnerships": "Zeta 4i; Alpha 4i"},
    {"cluster_id": "B", "country_code": "AT", "country": "Austria", "scope": "EU",
     "region_code": None, "label": "Gold", "ecosystems": None, "partnerships": "Alpha 4i"},
]  # fmt: skip


@pytest.fixture(scope="module")
def small():
    frame = conform(pd.DataFrame(ROWS))
    frame.index = [10, 20]  # prepare renumbers from 0
    return prepare(frame)


def test_options_have_slugs_or_codes_and_labels(small):
    assert small.options("country") == [("AT", "Austria"), ("DE", "Germany")]
    assert small.options("region") == [("DE-02", "Bavaria (DE-02)")]
    assert small.options("label") == [("gold", "Gold"), ("none", "No label")]
    assert small.options("scope") == [("eu", "EU")]
    # Vocabulary order for taxonomies, names for partnerships.
    assert small.options("ecosystem") == [("agri-food", "Agri-food"), ("digital", "Digital")]
    assert small.options("partnership") == [("alpha-4i", "Alpha 4i"), ("zeta-4i", "Zeta 4i")]
    assert small.options("nuts2") == []


def test_option_counts_count_each_record_once(small):
    assert small.option_counts("ecosystem") == {"agri-food": 1, "digital": 1}
    assert small.option_counts("partnership", np.array([False, True])) == {
        "alpha-4i": 1, "zeta-4i": 0,
    }  # fmt: skip
    assert small.option_counts("region") == {"DE-02": 1}


def test_records_are_renumbered(small):
    assert small.records.index.tolist() == [0, 1] and len(small) == 2


def test_select_any_of_keys(small):
    assert small.facets["partnership"].select(["zeta-4i", "nope"]).tolist() == [True, False]
    assert small.facets["region"].select(["DE-02"]).tolist() == [True, False]
    assert small.facets["ecosystem"].select([]).tolist() == [False, False]


def test_demo_options_are_sorted_by_display_name():
    countries = demo().options("country")
    assert len(countries) == demo().records["country_code"].nunique()
    names = [name for _, name in countries]
    assert names == sorted(names) and ("DE", "Germany") in countries
    assert sum(demo().option_counts("scope").values()) == len(demo())
