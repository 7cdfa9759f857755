"""Map figures: colour groups, choropleths, the points or cells of a view, hover, offline layers."""

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from data.taxonomies import vocabulary
from data.text import slugify
from ingest.pipeline import load_records
from mapping import theme
from mapping._map_cells import count_cells, short_count
from mapping._map_choropleth import country_populations
from mapping.figures import COLOR_BY, MODES, make_cluster_map, nuts2_geojson
from mapping.view import View
from settings import DEMO_DATA_PATH

URL = "/geo/countries.geojson"


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    """Return the demo records."""
    return load_records(DEMO_DATA_PATH)


@pytest.fixture(scope="module")
def nuts() -> gpd.GeoDataFrame:
    """Return two made-up NUTS-2 regions splitting 5-15°E, 45-55°N, and their NUTS-1 parent."""
    return gpd.GeoDataFrame(
        {"nuts_id": ["XX1", "XX11", "XX12"], "name": ["Parent", "West", "East"],
         "level": [1, 2, 2]},
        geometry=[box(5, 45, 15, 55), box(5, 45, 10, 55), box(10, 45, 15, 55)], crs="EPSG:4326",
    )  # fmt: skip


def colour_value(records: pd.DataFrame, color_by: str) -> pd.Series:
    """Return each record's colour value, computed independently of the figure code."""
    if color_by == "ecosystem":
        return records["ecosystems"].map(lambda items: items[0] if items else "No ecosystem")
    return records[color_by].astype(str).replace(dict(vocabulary("labels").display))


def legend_counts(figure) -> dict[str, int]:
    """Return legend entry -> the count written in it ("EU (889)" -> {"EU": 889})."""
    entries = (trace.name.rsplit(" (", 1) for trace in figure.data)
    return {value: int(count.rstrip(")").replace(",", "")) for value, count in entries}


@pytest.mark.parametrize("color_by", COLOR_BY)
def test_one_trace_per_value_draws_every_record_once(records, color_by) -> None:
    figure = make_cluster_map(records, countries_url=URL, color_by=color_by)
    expected = colour_value(records, color_by).value_counts().to_dict()
    assert legend_counts(figure) == expected
    ids = np.concatenate([trace.customdata[:, 0] for trace in figure.data])
    assert sorted(ids) == sorted(records["cluster_id"])
    for trace in figure.data:
        value = trace.name.rsplit(" (", 1)[0]
        mine = records.loc[colour_value(records, color_by) == value, "cluster_id"]
        assert set(trace.customdata[:, 0]) == set(mine)
        assert trace.lat.dtype == np.float32 and trace.lon.dtype == np.float32
        assert trace.cluster.enabled and isinstance(trace.cluster.color, str)


def test_colours_are_distinct_and_ecosystem_legend_says_first_listed(records) -> None:
    figure = make_cluster_map(records, countries_url=URL, color_by="ecosystem")
    assert "first listed" in figure.layout.legend.title.text
    colours = [trace.marker.color for trace in figure.data]
    assert len(set(colours)) == len(colours) == len(vocabulary("ecosystems").terms)
    assert len(set(theme.ECOSYSTEM_PALETTE)) == 14


def ecosystem_legend(records: pd.DataFrame, ecosystems: tuple[str, ...]) -> dict[str, set]:
    """Return legend entry -> the cluster ids drawn under it, colouring by ecosystem."""
    figure = make_cluster_map(
        records, countries_url=URL, color_by="ecosystem", ecosystems=ecosystems
    )
    return {t.name.rsplit(" (", 1)[0]: set(t.customdata[:, 0]) for t in figure.data}


def test_an_ecosystem_filter_colours_its_clusters_by_the_filtered_ecosystem(records) -> None:
    # The bug: filtering on Health showed a Digital-and-Health cluster as "Digital (1)".
    health = records.loc[records["ecosystems"].map(lambda items: "Health" in items)]
    assert (health["ecosystems"].map(lambda items: items[0]) != "Health").any()
    assert ecosystem_legend(health, (slugify("Health"),)) == {"Health": set(health["cluster_id"])}


@pytest.mark.parametrize(
    ("listed", "filtered", "colour"),
    [
        (("Digital", "Health", "Tourism"), ("Tourism", "Health"), "Health"),
        (("Digital", "Health", "Tourism"), ("Tourism",), "Tourism"),
        (("Digital", "Health"), (), "Digital"),
        (("Digital", "Health"), ("Retail",), "Digital"),
        (("Digital", "Health"), ("no-such-ecosystem",), "Digital"),
        ((), ("Health",), "No ecosystem"),
    ],
)
def test_a_multi_ecosystem_cluster_takes_its_first_listed_filtered_ecosystem(
    records, listed, filtered, colour
) -> None:
    one = records.head(1).assign(ecosystems=[listed])
    slugs = tuple(slugify(term) for term in filtered)
    assert ecosystem_legend(one, slugs) == {colour: {one["cluster_id"].iloc[0]}}


@pytest.mark.parametrize(
    ("ecosystems", "title"),
    [((), "<b>Ecosystem (first listed)</b>"),
     (("health",), "<b>Ecosystem (first listed of the filtered)</b>"),
     (("no-such-ecosystem",), "<b>Ecosystem (first listed)</b>")],
)  # fmt: skip
def test_the_ecosystem_legend_says_which_ecosystem_colours_a_cluster(
    records, ecosystems, title
) -> None:
    figure = make_cluster_map(
        records, countries_url=URL, color_by="ecosystem", ecosystems=ecosystems
    )
    assert figure.layout.legend.title.text == title
    scope = make_cluster_map(records, countries_url=URL, ecosystems=ecosystems)
    assert scope.layout.legend.title.text == "<b>Scope</b>"


def test_clustering_can_be_switched_off(records) -> None:
    figure = make_cluster_map(records, countries_url=URL, cluster=False)
    assert not any(trace.cluster.enabled for trace in figure.data)


@pytest.mark.parametrize(
    ("options", "meta"),
    [({"color_by": "scope"}, "points"), ({"color_by": "ecosystem"}, "points"),
     ({"max_points": 10}, "cells"), ({"mode": "country_count"}, "areas")],
)  # fmt: skip
def test_a_figure_holds_only_what_it_draws_points_under_fixed_uids(records, options, meta) -> None:
    # Point traces keep their uid from figure to figure (their layers and legend state follow
    # it); nothing is drawn empty or hidden to keep plotly.js's trace order.
    figure = make_cluster_map(records, countries_url=URL, **options)
    assert figure.data and {trace.meta for trace in figure.data} == {meta}
    assert all(trace.visible is None for trace in figure.data)
    if meta == "points":
        assert [trace.uid for trace in figure.data] == [
            f"points-{i}" for i in range(len(figure.data))]  # fmt: skip
        assert all(trace.cluster.enabled and len(trace.lat) for trace in figure.data)


def test_hover_shows_name_city_country_ecosystems_and_smes(records) -> None:
    row = records.iloc[0]
    trace = make_cluster_map(records.head(1), countries_url=URL).data[0]
    cluster_id, name, place, ecosystems, smes = trace.customdata[0]
    assert (cluster_id, name) == (row["cluster_id"], row["name"])
    assert place == f"{row['city']}, {row['country']}"
    assert ecosystems == ", ".join(row["ecosystems"])
    assert smes == f"{row['sme_members']:,} member SMEs"
    for field in range(1, 5):
        assert f"%{{customdata[{field}]}}" in trace.hovertemplate


def test_hover_shows_markup_in_the_data_as_plain_text(records) -> None:
    row = records.head(1).assign(
        name='<b>Bold</b> & <a href="https://x.example">link</a>', city="<i>Town</i>",
        ecosystems=[("Aerospace & defence", "<script>x</script>")],
    )  # fmt: skip
    _, name, place, ecosystems, _ = make_cluster_map(row, countries_url=URL).data[0].customdata[0]
    assert name == '&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;a href="https://x.example"&gt;link&lt;/a&gt;'
    assert place.startswith("&lt;i&gt;Town&lt;/i&gt;, ")
    assert ecosystems == "Aerospace &amp; defence, &lt;script&gt;x&lt;/script&gt;"


def test_hover_says_when_smes_or_ecosystems_are_missing(records) -> None:
    row = records.head(1).assign(sme_members=pd.array([None], dtype="Int64"), ecosystems=[()])
    trace = make_cluster_map(row, countries_url=URL).data[0]
    assert list(trace.customdata[0][3:]) == ["none given", "Member SMEs: not given"]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("country_count", lambda r: r.groupby("country_code", observed=True).size()),
        ("country_smes", lambda r: r.groupby("country_code", observed=True)["sme_members"].sum()),
    ],
)
def test_country_choropleths_match_a_groupby(records, mode, expected) -> None:
    trace = make_cluster_map(records, countries_url=URL, mode=mode).data[-1]
    assert trace.geojson == URL and trace.featureidkey == "properties.iso2"
    drawn = pd.Series(trace.z, index=trace.locations).sort_index()
    want = expected(records).astype(float)
    want.index = want.index.astype(str)
    pd.testing.assert_series_equal(drawn, want.sort_index(), check_names=False, check_dtype=False)


def test_clusters_per_million_divide_by_the_geonames_population(records) -> None:
    trace = make_cluster_map(records, countries_url=URL, mode="country_per_million").data[-1]
    counts = records["country_code"].astype(str).value_counts()
    population = country_populations()
    for code, value in zip(trace.locations, trace.z, strict=True):
        assert value == pytest.approx(counts[code] / population[code] * 1e6, rel=1e-5)
    assert set(trace.locations) == {code for code in counts.index if code in population}
    assert "Clusters per" in trace.colorbar.title.text


def test_a_country_without_population_is_left_out(records, monkeypatch) -> None:
    known = {code: n for code, n in country_populations().items() if code != "DE"}
    monkeypatch.setattr("mapping._map_choropleth.country_populations", lambda: known)
    trace = make_cluster_map(records, countries_url=URL, mode="country_per_million").data[-1]
    assert "DE" not in set(trace.locations) and "FR" in set(trace.locations)


def test_nuts2_counts_regions_by_point_when_nuts2_is_unknown(records, nuts) -> None:
    # Leave out points within 0.1° of an edge: the look-up snaps those within 0.05°.
    near = [np.abs(records["lon"] - x) < 0.1 for x in (5, 10, 15)]
    near += [np.abs(records["lat"] - y) < 0.1 for y in (45, 55)]
    records = records.loc[~np.logical_or.reduce(near)]
    figure = make_cluster_map(
        records, countries_url=URL, mode="nuts2_count", nuts=nuts, nuts_url="/geo/nuts2.geojson"
    )
    trace = figure.data[-1]
    assert trace.geojson == "/geo/nuts2.geojson" and trace.featureidkey == "properties.nuts_id"
    inside = records["lat"].between(45, 55)
    west = int((inside & records["lon"].between(5, 10, inclusive="left")).sum())
    east = int((inside & records["lon"].between(10, 15, inclusive="right")).sum())
    assert dict(zip(trace.locations, trace.z, strict=True)) == {"XX11": west, "XX12": east}


def test_nuts2_embeds_a_compact_geojson_without_a_url(records, nuts) -> None:
    trace = make_cluster_map(records, countries_url=URL, mode="nuts2_count", nuts=nuts).data[-1]
    assert trace.geojson == nuts2_geojson(nuts)
    assert [f["properties"]["nuts_id"] for f in trace.geojson["features"]] == ["XX11", "XX12"]
    with pytest.raises(ValueError, match="NUTS"):
        make_cluster_map(records, countries_url=URL, mode="nuts2_count")


# Views of the demo records (1,300): a city, a country, a continent, across the antimeridian.
PARIS, GERMANY = View.at(48.86, 2.35, 9.0), View.at(51.0, 10.4, 6.0)
EUROPE, PACIFIC = View.at(50.0, 12.0, 2.7), View.of_area((135.0, -40.0, 240.0, 50.0))


def in_area(records: pd.DataFrame, area) -> set[str]:
    """Return the ids of the records inside [west, south, east, north] (west may be < -180)."""
    west, south, east, north = area
    lon = (records["lon"] - west) % 360 + west  # the record's longitude on the area's side
    inside = records["lat"].between(south, north) & lon.between(west, east)
    return set(records.loc[inside, "cluster_id"])


def cell_numbers(trace) -> list[tuple[int, int]]:
    """Return (clusters, of the most common colour) per cell, read from the hover texts."""
    pattern = r"<b>([\d,]+) clusters</b>.*Most common: .* \(([\d,]+), "
    found = [re.match(pattern, text).groups() for text in trace.hovertext]
    return [(int(n.replace(",", "")), int(t.replace(",", ""))) for n, t in found]


@pytest.mark.parametrize("view", [None, PARIS, PACIFIC])
def test_up_to_max_points_every_record_is_drawn_whatever_the_view(records, view) -> None:
    figure = make_cluster_map(records, countries_url=URL, view=view)
    ids = np.concatenate([trace.customdata[:, 0] for trace in figure.data])
    assert sorted(ids) == sorted(records["cluster_id"])
    assert figure.layout.meta == {"shown": "all", "hint": ""}


@pytest.mark.parametrize("view", [PARIS, GERMANY, PACIFIC, View.at(40.0, -40.0, 6.0)])
def test_past_max_points_the_points_of_the_view_and_around_it_are_drawn(records, view) -> None:
    figure = make_cluster_map(records, countries_url=URL, max_points=300, view=view)
    meta = figure.layout.meta
    assert meta["shown"] == "view"
    drawn = [i for trace in figure.data for i in trace.customdata[:, 0]]
    assert len(drawn) == len(set(drawn)) <= 300
    assert set(drawn) == in_area(records, meta["area"]) >= in_area(records, view.area)
    assert drawn or view.lon == -40.0  # the ocean view
    assert f"{len(drawn):,} of 1,300 clusters" in figure.layout.legend.title.text
    assert meta["hint"] == f"(the {len(drawn):,} clusters in this part of the map, of 1,300)"
    assert all(trace.cluster.enabled for trace in figure.data)


def test_past_max_points_too_many_in_view_draws_cells_that_count_them_all(records) -> None:
    figure = make_cluster_map(records, countries_url=URL, max_points=100, view=EUROPE)
    meta = figure.layout.meta
    assert (meta["shown"], meta["level"]) == ("cells", 2.5)
    assert "zoom in" in meta["hint"]
    cells = figure.data
    assert cells and all(t.meta == "cells" and t.customdata is None for t in cells)
    numbers = [pair for trace in cells for pair in cell_numbers(trace)]
    assert sum(n for n, _ in numbers) == len(in_area(records, meta["area"]))
    assert all(0 < top <= n for n, top in numbers)
    title = figure.layout.legend.title.text
    assert title.startswith("<b>Scope: the most common per cell</b>")
    assert f"clusters in {len(numbers):,} cells" in title
    texts = [text for trace in cells for text in trace.text]
    assert texts == [short_count(n) for n, _ in numbers]
    assert [t.uid for t in cells] == [f"cells-{i}" for i in range(len(cells))]


def test_cells_get_finer_when_zoomed_in(records) -> None:
    lat, lon = (records[c].to_numpy(float) for c in ("lat", "lon"))
    scope = np.zeros(len(records), dtype=np.int16)
    sizes = [count_cells(lat, lon, scope, level=level).counts for level in (1, 2, 3, 4, 6)]
    assert all(counts.sum() == len(records) for counts in sizes)
    assert all(a.size < b.size for a, b in zip(sizes, sizes[1:], strict=False))
    levels = [make_cluster_map(records, countries_url=URL, max_points=10,
                               view=View.at(50, 12, zoom)).layout.meta["level"]
              for zoom in (2.2, 2.7, 4.9)]  # fmt: skip
    assert levels == [2.0, 2.5, 4.5]


def test_past_max_cells_cells_grow_and_still_count_every_point(records) -> None:
    lat, lon = (records[c].to_numpy(float) for c in ("lat", "lon"))
    cells = count_cells(lat, lon, np.zeros(len(records), np.int16), level=8, max_cells=50)
    assert cells.counts.size <= 50 and cells.counts.sum() == len(records) and cells.level < 8


def test_a_cell_sits_at_the_mean_of_its_points_in_its_most_common_colour() -> None:
    records = pd.DataFrame({
        "lat": [50.0, 50.002, 50.004, 50.006, 10.0, 10.002, 10.004],
        "lon": [10.0, 10.002, 10.004, 10.006, 20.0, 20.002, 20.004],
        "scope": ["EU", "EU", "Third country", "EU", "Third country", "EU", "Third country"],
    })  # fmt: skip
    figure = make_cluster_map(records, countries_url=URL, max_points=1)
    eu, third = figure.data
    assert (eu.name, third.name) == ("EU (1 cells)", "Third country (1 cells)")
    assert eu.marker.color == theme.cluster_tint(theme.SCOPE_COLORS["EU"])
    assert (cell_numbers(eu), cell_numbers(third)) == ([(4, 3)], [(3, 2)])
    assert "Most common: EU (3, 75%)" in eu.hovertext[0]
    assert (eu.lat[0], eu.lon[0]) == pytest.approx((50.003, 10.003), abs=1e-4)
    assert (list(eu.text), list(third.text)) == (["4"], ["3"])


@pytest.mark.parametrize(("filtered", "colour"), [((), "Digital"), (("health",), "Health")])
def test_a_cell_s_ecosystem_colour_follows_the_ecosystem_filter(filtered, colour) -> None:
    records = pd.DataFrame({
        "lat": [50.0, 50.001, 50.002, 50.003, 50.004],
        "lon": [10.0, 10.001, 10.002, 10.003, 10.004],
        "ecosystems": [("Digital", "Health")] * 3 + [("Tourism",)] * 2,
    })  # fmt: skip
    figure = make_cluster_map(
        records, countries_url=URL, color_by="ecosystem", ecosystems=filtered, max_points=1
    )
    (cell,) = figure.data
    assert cell.name == f"{colour} (1 cells)" and cell_numbers(cell) == [(5, 3)]


@pytest.mark.parametrize(
    ("count", "text"),
    [(7, "7"), (999, "999"), (1000, "1.0k"), (1234, "1.2k"), (9960, "10k"), (123_456, "123k"),
     (999_499, "999k"), (999_500, "1.0M"), (12_345_678, "12M")],
)  # fmt: skip
def test_cell_counts_are_written_short(count, text) -> None:
    assert short_count(count) == text


def test_positions_map_those_rows_only(records) -> None:
    positions = np.flatnonzero(records["country_code"].astype(str) == "FR")
    figure = make_cluster_map(records, countries_url=URL, positions=positions)
    ids = {i for trace in figure.data for i in trace.customdata[:, 0]}
    assert ids == set(records["cluster_id"].iloc[positions])
    areas = make_cluster_map(records, countries_url=URL, positions=positions, mode="country_count")
    assert list(areas.data[-1].locations) == ["FR"]
    assert areas.layout.meta == {"shown": "areas", "hint": "(points only)"}


@pytest.mark.parametrize("mode", MODES)
def test_nothing_points_off_the_machine_unless_tiles_are_given(records, nuts, mode) -> None:
    figure = make_cluster_map(records, countries_url=URL, mode=mode, nuts=nuts)
    assert "http" not in figure.to_json()
    style = figure.layout.map.style
    assert style["glyphs"] == theme.GLYPHS_URL and style["sources"]
    # One layer (one GeoJSON source): land outlined by the borders.
    [land] = figure.layout.map.layers
    assert land.type == "fill" and land.fill.outlinecolor == theme.BORDER_COLOR


def test_tiles_are_an_opt_in_base_layer(records) -> None:
    tiles = "https://tiles.example/{z}/{x}/{y}.png"
    figure = make_cluster_map(records, countries_url=URL, tiles=tiles)
    style = figure.layout.map.style
    assert style["sources"]["tiles"]["tiles"] == [tiles]
    assert [layer.type for layer in figure.layout.map.layers] == ["line"]


def test_no_records_still_draws_the_base_map_and_says_so(records) -> None:
    figure = make_cluster_map(records.head(0), countries_url=URL)
    assert not figure.data and "No cluster" in figure.layout.annotations[0].text


def test_unknown_mode_or_colour_is_refused(records) -> None:
    with pytest.raises(ValueError):
        make_cluster_map(records, countries_url=URL, mode="heatmap")
    with pytest.raises(ValueError):
        make_cluster_map(records, countries_url=URL, color_by="size")
