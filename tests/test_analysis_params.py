"""The parameter table: each filter declared once, and everything derived from it agrees."""

from dataclasses import replace

import pytest

from analysis.filters import FilterSpec, facet_counts
from analysis.params import FILTERS, KEY_FILTERS, PARAMS, shown_filters
from analysis.state import PageState
from callbacks.state import control_value, next_state, selection_bbox, spec_from_controls
from data.schema import CANONICAL_COLUMNS
from layouts import ids
from layouts.filters import build_filters, option_list
from tests.filter_oracle import demo


def test_every_filter_names_a_canonical_column_and_a_known_kind():
    for param in FILTERS:
        assert param.kind in ("text", "keys", "range", "box")
        assert param.column is None or param.column in CANONICAL_COLUMNS
        assert (param.rule is not None) == (param.kind == "keys")


def test_filterspec_has_one_field_per_query_parameter_in_table_order():
    assert tuple(FilterSpec.__dataclass_fields__) == PARAMS


def test_every_keys_filter_has_a_facet_and_a_control():
    dataset = demo()
    panel = str(build_filters(shown_filters(frozenset({"nuts"})), {}))
    for param in KEY_FILTERS:
        assert param.name in dataset.facets
        assert repr(ids.facet(param.name)["param"]) in panel
    assert "sme_min" in panel and "founded_max" in panel


def test_nuts2_is_shown_only_with_nuts_boundaries():
    assert "nuts2" not in [f.name for f in shown_filters()]
    assert "nuts2" in [f.name for f in shown_filters(frozenset({"nuts"}))]


def test_facet_counts_leave_out_the_filter_s_own_selection():
    records = demo().records
    spec = FilterSpec(country=("DE",), label=("gold",))
    counts = facet_counts(demo(), spec)
    gold = records["label"] == "Gold"
    assert counts["country"]["FR"] == int(((records["country_code"] == "FR") & gold).sum())
    german = records["country_code"] == "DE"
    assert counts["label"]["silver"] == int((german & (records["label"] == "Silver")).sum())


def test_dropdown_options_hide_empty_values_but_keep_the_selected_ones():
    country = next(f for f in FILTERS if f.name == "country")
    choices = [("DE", "Germany"), ("FR", "France"), ("IT", "Italy")]
    options = option_list(country, choices, {"DE": 16, "FR": 0}, selected=("IT",))
    assert options == [{"label": "Germany (16)", "value": "DE"},
                       {"label": "Italy (0)", "value": "IT"}]  # fmt: skip
    scope = next(f for f in FILTERS if f.name == "scope")
    assert len(option_list(scope, [("eu", "EU"), ("third-country", "Third country")], {})) == 2


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"q": "  solar  ", "country": ["FR", "DE"], "sme_min": 10, "sme_max": None},
         "?q=solar&country=DE,FR&sme_min=10"),
        ({"q": "", "label": [], "founded_min": 2020, "founded_max": 2001},
         "?founded_min=2001&founded_max=2020"),
    ],
)  # fmt: skip
def test_controls_make_the_canonical_filter(values, expected):
    assert spec_from_controls(values, bbox=None).to_query_string() == expected


def test_controls_show_the_state():
    state = PageState(FilterSpec(country=("DE",), sme_min=5))
    assert control_value(state, "country") == ["DE"]
    assert control_value(state, "q") == ""
    assert control_value(state, "sme_min") == 5 and control_value(state, "sme_max") is None


def test_events_change_the_state():
    known = demo().positions
    cluster = next(iter(known))
    state = PageState(FilterSpec(label=("gold",)), cluster=cluster)
    events = {ids.PROFILE: False, ids.TABLE_SORT: "-name",
              ids.MAP: {"range": {"map": [[1, 2], [3, 4]]}}}  # fmt: skip
    step = {"controls": {}, "view": {}, "events": events, "known": known}
    assert next_state(state, ids.PROFILE, **step).cluster is None
    assert next_state(state, ids.TABLE_SORT, **step).sort == "-name"
    assert next_state(state, ids.MAP, **step).filters.bbox == (1.0, 2.0, 3.0, 4.0)
    assert next_state(state, ids.RESET, **step).filters == FilterSpec()
    assert next_state(state, ids.URL, **step) == state
    assert selection_bbox({"lassoPoints": {"map": [[5, 1], [2, 6], [3, 3]]}}) == (2, 1, 5, 6)


def test_compared_areas_are_the_first_five_chosen_and_a_link():
    step = {"controls": {}, "view": {}, "known": {}}
    state = PageState(tab="compare")
    six = {ids.COMPARE_AREAS: ["DE", "FR", "ES-56", "IT", "PL", "NL"]}
    chosen = next_state(state, ids.COMPARE_AREAS, events=six, **step)
    assert chosen.areas == "DE,FR,ES-56,IT,PL"
    assert chosen.to_query_string() == "?tab=compare&areas=DE,FR,ES-56,IT,PL"
    assert PageState.parse({"tab": "compare", "areas": chosen.areas})[0] == chosen
    cleared = next_state(chosen, ids.COMPARE_AREAS, events={ids.COMPARE_AREAS: []}, **step)
    assert cleared.areas is None


def test_heatmap_clicks_filter_by_the_cell_as_plotly_reports_it():
    # plotly.js reports a heatmap click with x, y and z, without the cell's customdata.
    click = {"points": [{"curveNumber": 0, "x": "DE", "y": "Energy-renewables", "z": 3}]}
    state = PageState(tab="insights", by="country", focus="health")
    step = {"controls": {}, "view": {}, "known": {}}
    events = {ids.CHART_HEATMAP: click, ids.INSIGHT_HEATMAP: click}
    on_map = next_state(PageState(), ids.CHART_HEATMAP, events=events, **step)
    assert (on_map.filters.country, on_map.filters.ecosystem) == (("DE",), ("energy-renewables",))
    shown = next_state(state, ids.INSIGHT_HEATMAP, events=events, **step)
    assert shown.tab == "map" and shown.filters.ecosystem == ("energy-renewables",)
    row = {ids.INSIGHT_TABLE: {"rowId": "ES-29|health", "colId": "lq"}}
    chosen = next_state(replace(state, by="region"), ids.INSIGHT_TABLE, events=row, **step)
    assert (chosen.filters.region, chosen.filters.ecosystem) == (("ES-29",), ("health",))
