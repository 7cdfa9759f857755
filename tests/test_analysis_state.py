"""PageState: the filters and the view in one query string, parsed and written in one place."""

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import store as store_module
from analysis.filters import FilterSpec, query_dict
from analysis.params import FILTERS, PARAMS
from analysis.state import TABS, VIEW_PARAMS, VIEWS, PageState, open_page
from analysis.store import DatasetStore
from analysis.table import SORTABLE
from data.readers import InputFile
from ingest.pipeline import ingest_file
from mapping.modes import COLOR_CHOICES, MAP_MODES
from tests.filter_oracle import EXAMPLES, demo, valid_specs


@pytest.fixture(scope="module")
def store() -> DatasetStore:
    return DatasetStore(demo(), name="Demo data")


def views() -> st.SearchStrategy[dict]:
    """Return view parameters with valid values (the NUTS-2 mode needs a feature)."""
    clusters = demo().records["cluster_id"].astype(str).tolist()[:50]
    return st.fixed_dictionaries({}, optional={
        "mode": st.sampled_from([m.name for m in MAP_MODES if m.needs is None]),
        "color": st.sampled_from([c.name for c in COLOR_CHOICES]),
        "cluster": st.sampled_from(clusters),
        "sort": st.sampled_from([*SORTABLE, *(f"-{c}" for c in SORTABLE)]),
    })  # fmt: skip


@EXAMPLES
@given(spec=valid_specs(demo()), view=views())
def test_a_state_reads_back_from_its_own_link(spec, view):
    state = PageState(spec, **view)
    again, notices = PageState.parse(query_dict(state.to_query_string()), dataset=demo())
    assert (again, notices) == (state, [])


def test_defaults_are_left_out_of_the_link():
    state = PageState(FilterSpec(country=("DE",)), mode="points", color="scope", tab="map")
    assert state.to_query_string() == "?country=DE"
    assert PageState().to_query_string() == ""


def test_filters_come_first_then_the_view_in_table_order():
    state = PageState(FilterSpec(label=("gold",)), sort="-name", color="label", cluster="X")
    assert state.to_query_string() == "?label=gold&color=label&cluster=X&sort=-name"


@pytest.mark.parametrize(
    ("query", "notices"),
    [
        ("mode=nuts2_count", ['ignored mode "nuts2_count": not one of points, country_count, '
                              "country_smes, country_per_million"]),
        ("color=red", ['ignored color "red": not one of scope, label, ecosystem']),
        ("tab=nowhere", [f'ignored tab "nowhere": not one of {", ".join(t.name for t in TABS)}']),
        ("sort=-colour", ['ignored sort "-colour": not a table column (one of '
                          f"{', '.join(SORTABLE)}, - in front for descending)"]),
        ("cluster=NOPE", ['ignored cluster "NOPE": no such cluster_id']),
        ("data=../../etc", ['ignored data "../../etc": not a data set key']),
        ("mode=points&mode=country_count",
         ['ignored mode "points": given more than once, kept the last']),
    ],
)  # fmt: skip
def test_malformed_view_values_are_ignored_with_one_notice_each(query, notices):
    state, found = PageState.parse(query_dict(query), dataset=demo())
    assert found == notices
    if query.startswith("mode=points&"):
        assert state.mode == "country_count"  # the last value given wins
    else:
        assert state.to_query_string() == ""


def test_nuts2_mode_is_accepted_when_the_app_has_nuts_boundaries():
    state, notices = PageState.parse({"mode": "nuts2_count"}, features=frozenset({"nuts"}))
    assert (state.mode, notices) == ("nuts2_count", [])


def test_every_view_and_filter_parameter_is_declared_once():
    names = [*PARAMS, *VIEW_PARAMS]
    assert len(names) == len(set(names))
    assert [v.name for v in VIEWS] == list(VIEW_PARAMS)
    assert tuple(p for f in FILTERS for p in f.params) == PARAMS


def test_open_page_names_the_data_set_and_reports_an_unknown_one(store):
    page = open_page(store, "?data=nope&country=DE")
    assert page.dataset is store.get()
    assert page.notices == ('ignored data "nope": no data set with this key',)
    assert page.state.to_query_string() == "?country=DE"
    assert int(page.mask.sum()) == int((demo().records["country_code"] == "DE").sum())


def test_the_store_remembers_the_last_answers_per_data_set_and_question(monkeypatch):
    monkeypatch.setattr(store_module, "ANSWERS_KEPT", 2)
    local = DatasetStore(demo(), name="Demo data", version="v1")
    calls = []

    def answer(text):
        return lambda: calls.append(text) or [text]

    first = local.remembered(None, ("map", "?country=DE"), answer("DE"))
    assert local.remembered(None, ("map", "?country=DE"), answer("again")) is first == ["DE"]
    # Another question, or the same one about another data set, is answered anew.
    assert local.remembered(None, ("map", "?country=FR"), answer("FR")) == ["FR"]
    assert local.remembered("0123456789abcdef0123", ("map", "?country=DE"), answer("up")) == ["up"]
    # Only the last ANSWERS_KEPT stay: the first one (least recently asked) is computed again.
    assert local.remembered(None, ("map", "?country=DE"), answer("DE 2")) == ["DE 2"]
    assert calls == ["DE", "FR", "up", "DE 2"]


def test_the_store_serves_the_default_and_uploaded_data_sets(tmp_path):
    local = DatasetStore(demo(), name="Demo data", folder=tmp_path)
    assert local.get() is local.get(local.default_key) is demo()
    with pytest.raises(KeyError):
        local.get("0123456789abcdef0123")
    body = b"name,city,country\nMine Cluster,Graz,AT\n"
    results = []

    def send():
        results.append(local.upload(InputFile("Mine.csv", body), ingest=ingest_file, uploaded=""))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    keys = {key for key, _ in results}
    assert len(keys) == 1  # the same bytes are one data set, however many send them at once
    key = keys.pop()
    assert key in local and local.name(key) == "Mine.csv" and len(local.get(key)) == 1
    page = open_page(local, f"?data={key}")
    assert page.state.data == key and page.notices == ()
