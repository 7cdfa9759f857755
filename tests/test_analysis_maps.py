"""The page's map: one builder for the page and `/api/map.json`, and the view the page reports."""

import json

import plotly.io as pio
import pytest
from dash import no_update

from analysis.maps import make_page_map, page_view, parse_view
from analysis.state import open_page
from analysis.store import DatasetStore
from api.routes import COUNTRIES_URL
from callbacks.map import draw_map, update_map
from tests.filter_oracle import demo

# The demo has 1,300 records: a bound of 200 makes the map depend on the view.
OPTIONS = {"countries_url": COUNTRIES_URL, "max_points": 200}
PARIS = {"zoom": "9", "lat": "48.86", "lon": "2.35", "bounds": "1.8,48.6,2.9,49.1"}


@pytest.fixture(scope="module")
def store() -> DatasetStore:
    return DatasetStore(demo(), name="Demo data")


def reported(store: DatasetStore, search: str, view: dict) -> dict:
    """Return `view` as the page's map reports it, under the figure's uirevision."""
    figure = make_page_map(open_page(store, search), options=OPTIONS)
    return {**view, "revision": figure.layout.uirevision}


def test_the_page_draws_the_api_s_figure_for_the_view_it_reports(store):
    page = open_page(store, "?scope=eu&color=label")
    figure, _, hint = draw_map(page, view=page_view(page, reported(store, "?scope=eu", PARIS)),
                               options=OPTIONS)  # fmt: skip
    api = make_page_map(page, options=OPTIONS, view=parse_view(PARIS)[0])
    assert json.loads(pio.to_json(figure))["data"] == json.loads(pio.to_json(api))["data"]
    assert figure.layout.meta == api.layout.meta and figure.layout.meta["shown"] == "view"
    assert hint == figure.layout.meta["hint"] and "in this part of the map" in hint
    # The API centres on the view; the page keeps its framing so plotly keeps the user's.
    assert (api.layout.map.center.lat, api.layout.map.zoom) == (48.86, 9)
    framed = make_page_map(page, options=OPTIONS)
    assert figure.layout.map.center == framed.layout.map.center != api.layout.map.center


@pytest.mark.parametrize(
    ("search", "kept"),
    [("?scope=eu", True), ("?scope=eu&color=label&mode=country_count", True),
     ("?scope=eu&bbox=0,45,5,50", True), ("?scope=third-country", False), ("", False)],
)  # fmt: skip
def test_a_view_counts_only_under_the_filters_it_was_reported_with(store, search, kept):
    view = page_view(open_page(store, search), reported(store, "?scope=eu", PARIS))
    assert view == ({"zoom": 9.0, "lat": 48.86, "lon": 2.35, "bounds": (1.8, 48.6, 2.9, 49.1)}
                    if kept else None)  # fmt: skip


def test_after_a_move_the_page_patches_all_but_the_camera_until_the_filters_change(store):
    page = open_page(store, "?scope=eu&color=ecosystem")
    figure, _, _, kept = update_map(page, viewport=None, options=OPTIONS)
    assert figure.layout.map.center and figure.layout.meta["shown"] == "cells"
    assert kept is None  # a new framing: no view reported before it counts any more
    moved = reported(store, "?scope=eu", PARIS)
    patch, _, hint, kept = update_map(page, viewport=moved, options=OPTIONS)
    assert kept is no_update
    operations = patch.to_plotly_json()["operations"]
    assert [op["location"] for op in operations] == [
        ["data"], ["layout", "meta"], ["layout", "legend"], ["layout", "showlegend"],
        ["layout", "annotations"]]  # fmt: skip
    meta = operations[1]["params"]["value"]
    assert meta["shown"] == "view" and meta["hint"] == hint
    assert {trace["meta"] for trace in operations[0]["params"]["value"]} == {"points"}
    other = open_page(store, "?scope=third-country")
    framed, _, _, kept = update_map(other, viewport=moved, options=OPTIONS)
    assert framed.layout.map.center and kept is None


@pytest.mark.parametrize(
    ("search", "disabled", "hint"),
    [("", False, "(per cell: the most common; zoom in to see each cluster)"),
     ("?country=LU", False, ""), ("?mode=country_count", True, "(points only)")],
)  # fmt: skip
def test_colour_choices_and_their_hint_say_what_the_map_shows(store, search, disabled, hint):
    _, colours, said = draw_map(open_page(store, search), view=None, options=OPTIONS)
    assert [c["disabled"] for c in colours] == [disabled] * 3 and said == hint


@pytest.mark.parametrize(
    ("bounds", "area"),
    [("190,-40,250,50", (-170.0, -40.0, -110.0, 50.0)),
     ("-200,0,200,10", (160.0, 0.0, 520.0, 10.0)), ("10,50,5,60", None), ("1,2,3,nan", None),
     ("0,-91,1,0", None)],
)  # fmt: skip
def test_bounds_are_brought_back_across_the_antimeridian_or_refused(bounds, area):
    view, notices = parse_view({"bounds": bounds})
    assert view.get("bounds") == area and len(notices) == (area is None)
