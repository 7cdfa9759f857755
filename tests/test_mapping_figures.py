"""Map figures: one trace per colour value, every record drawn once, offline base layers."""

import numpy as np
import pytest

from data.ingest import load_records
from mapping.figures import make_cluster_map
from settings import DEMO_DATA_PATH


@pytest.fixture(scope="module")
def records():
    """Return the demo records."""
    return load_records(DEMO_DATA_PATH)


@pytest.mark.parametrize(("color_by", "first"), [("scope", "EU"), ("label", "Gold")])
def test_every_record_is_drawn_once_per_colour_value(records, color_by, first):
    figure = make_cluster_map(records, countries_url="/geo/countries.geojson", color_by=color_by)
    assert figure.data[0].name.startswith(f"{first} (")
    assert sum(len(trace.lat) for trace in figure.data) == len(records)
    ids = np.concatenate([trace.ids for trace in figure.data])
    assert sorted(ids) == sorted(records["cluster_id"])
    for trace in figure.data:
        value = trace.name.rsplit(" (", 1)[0]
        assert f"({(records[color_by] == value).sum():,})" in trace.name


def test_base_layers_are_local_unless_tiles_are_opted_in(records):
    layout = make_cluster_map(records, countries_url="/geo/c.geojson").layout.map
    assert layout.style == "white-bg"
    assert [layer.source for layer in layout.layers] == ["/geo/c.geojson", "/geo/c.geojson"]
    tiles = "https://tiles.example/{z}/{x}/{y}.png"
    layers = make_cluster_map(
        records, countries_url="/geo/c.geojson", tiles=tiles
    ).layout.map.layers
    assert layers[0].sourcetype == "raster" and list(layers[0].source) == [tiles]


def test_hover_shows_name_city_country_ecosystems_and_smes(records):
    trace = make_cluster_map(records.head(1), countries_url="/g.geojson").data[0]
    row = records.iloc[0]
    assert list(trace.customdata[0]) == [
        row["name"], row["city"], row["country"], ", ".join(row["ecosystems"]),
        str(row["sme_members"]),
    ]  # fmt: skip
    assert "member SMEs" in trace.hovertemplate
