"""Tests of the offline gazetteer geocoder (mapping/gazetteer.py) and its admin-1 data."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data import build_regions
from mapping import _gazetteer_index as gazetteer_index
from mapping import gazetteer as gazetteer_module
from mapping._gazetteer_index import great_circle_km, normalise_place
from mapping._gazetteer_match import best_fuzzy, make_candidates
from mapping.gazetteer import assign_regions, geocode_frame, load_gazetteer

FIXTURES = Path(__file__).parent / "fixtures"
CASES = pd.read_csv(FIXTURES / "geocode_cases.csv", keep_default_na=False)
ALIASES = pd.read_csv(gazetteer_module.ALIASES_PATH, keep_default_na=False)
ACCURACY_KM = 15.0
MIN_ACCURACY = 0.97


def geocode_one(city: str, country: object, gazetteer) -> pd.Series:
    return geocode_frame(pd.Series([city]), pd.Series([country]), gazetteer=gazetteer).iloc[0]


# --- normalisation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variants",
    [
        ["'s-Hertogenbosch", "s Hertogenbosch", "'S HERTOGENBOSCH", "s-Hertogenbosch"],
        ["St. Gallen", "St Gallen", "Sankt Gallen", "Saint Gallen", "ST.GALLEN"],
        ["Saint-Étienne", "St Etienne", "St.-Etienne", "SAINT ETIENNE"],
        ["Sainte-Foy", "Ste Foy", "Ste.-Foy"],
        ["Łódź", "Lodz", "LÓDŹ"],
        ["Frankfurt (Oder)", "Frankfurt Oder", "Frankfurt/Oder", "frankfurt-oder"],
        ["L'Aquila", "L’Aquila", "L Aquila", "LAquila"],
        ["Cluj-Napoca", "Cluj Napoca", "  cluj   napoca "],
        ["São Paulo", "Sao Paulo", "SÃO PAULO"],
        ["Göteborg", "Goteborg"],
    ],
)
def test_normalise_place_merges_spelling_variants(variants: list[str]) -> None:
    assert len({normalise_place(v) for v in variants}) == 1


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("San Sebastián", "Saint Sebastian"),
        ("Sainte-Foy", "Saint-Foy"),
        ("Bergen", "Bergen op Zoom"),
    ],
)
def test_normalise_place_keeps_different_names_apart(left: str, right: str) -> None:
    assert normalise_place(left) != normalise_place(right)


# --- accuracy ----------------------------------------------------------------------------------


def test_accuracy_table_is_large_and_covers_the_notes() -> None:
    assert len(CASES) >= 60
    cities = set(CASES["city"])
    for needed in ["Frankfurt (Oder)", "'s-Hertogenbosch", "Sophia Antipolis", "Eindhofen", "Sfax"]:
        assert needed in cities
    assert {"EL", "UK"} <= set(CASES["country"])


def test_holdout_table_is_separate_from_the_test_table() -> None:
    holdout = pd.read_csv(Path(__file__).parents[1] / "docs" / "geocode_holdout.csv")
    assert len(holdout) >= 60
    tested = set(zip(CASES["city"].str.strip(), CASES["country"], strict=True))
    assert not tested & set(zip(holdout["city"], holdout["country"], strict=True))


def test_geocodes_the_accuracy_table_within_15_km(gazetteer) -> None:
    result = geocode_frame(CASES["city"], CASES["country"], gazetteer=gazetteer)
    km = great_circle_km(CASES["lat"], CASES["lon"], result["lat"], result["lon"])
    hit = km <= ACCURACY_KM
    misses = [
        f"{c}, {k}: {q} {note!r} {d:.0f} km"
        for c, k, q, note, d in zip(
            CASES["city"][~hit],
            CASES["country"][~hit],
            result["geocode_quality"][~hit],
            result["geocode_note"][~hit],
            km[~hit],
            strict=True,
        )
    ]
    assert hit.mean() >= MIN_ACCURACY, f"{hit.mean():.1%} within {ACCURACY_KM} km; misses: {misses}"


@pytest.mark.parametrize(
    ("city", "country", "place", "quality"),
    [
        ("Frankfurt", "DE", "Frankfurt am Main", "gazetteer"),
        ("Frankfurt (Oder)", "DE", "Frankfurt (Oder)", "gazetteer"),
        ("Cambridge", "GB", "Cambridge", "gazetteer"),
        ("Valencia", "ES", "Valencia", "gazetteer"),
        ("Eindhofen", "NL", "Eindhoven", "gazetteer-fuzzy"),
        ("Stutgart", "DE", "Stuttgart", "gazetteer-fuzzy"),
        ("Muenchenn", "DE", "Munich", "gazetteer-fuzzy"),
        ("Sophia Antipolis", "FR", "Valbonne", "alias"),
        ("Sophia-Antipolis", "France", "Valbonne", "alias"),
        ("Technopole de l'Aube", "FR", "Rosières-près-Troyes", "alias"),
    ],
)
def test_chooses_the_expected_place(city, country, place, quality, gazetteer) -> None:
    row = geocode_one(city, country, gazetteer)
    expected = gazetteer.places.loc[gazetteer.places["name"] == place]
    assert row["geocode_quality"] == quality
    assert ((expected["lat"] == row["lat"]) & (expected["lon"] == row["lon"])).any()


def test_country_decides_between_namesakes(gazetteer) -> None:
    result = geocode_frame(
        pd.Series(["Cambridge", "Cambridge"]), pd.Series(["UK", "USA"]), gazetteer=gazetteer
    )
    assert result["region_code"].tolist() == ["GB-ENG", "US-MA"]


def test_frankfurt_is_no_close_call_but_neustadt_is(gazetteer) -> None:
    assert geocode_one("Frankfurt", "DE", gazetteer)["geocode_note"] == ""
    note = geocode_one("Neustadt", "DE", gazetteer)["geocode_note"]
    assert note.startswith("ambiguous: ") and 'called "Neustadt" in DE' in note
    assert "chose the most populous (Neustadt an der Weinstraße" in note


@pytest.mark.parametrize(
    ("city", "country"), [("Lyon", "DE"), ("Manchester", "DE"), ("Toulouse", "DE")]
)
def test_fuzzy_rejects_names_of_other_places(city: str, country: str, gazetteer) -> None:
    assert geocode_one(city, country, gazetteer)["geocode_quality"] == "unresolved"


def test_fuzzy_scorer_accepts_typos_and_rejects_other_names() -> None:
    names = ["munchen", "gothenburg", "eindhoven", "berlin", "bern", "hamburg"]
    candidates = make_candidates(
        pd.Series(names), pd.Series(range(len(names))), pd.Series([1000] * len(names))
    )
    assert best_fuzzy("muenchen", candidates)[0] == 0
    assert best_fuzzy("gotenburg", candidates)[0] == 1
    assert best_fuzzy("eindhofen", candidates)[0] == 2
    for unrelated in ["bremen", "bonn", "berlingen", "lyon", "eindhovenstraat"]:
        assert best_fuzzy(unrelated, candidates) is None


# --- never invent coordinates -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("city", "country", "note"),
    [
        ("Xyzzyville", "DE", 'no place called "Xyzzyville" in DE'),
        ("Paris", "Atlantis", 'unknown country "Atlantis"'),
        ("", "FR", "no city given"),
        (None, "FR", "no city given"),
        ("Paris", None, "no country given"),
        ("Paris", np.nan, "no country given"),
    ],
)
def test_never_invents_a_position(city, country, note, gazetteer) -> None:
    row = geocode_one(city, country, gazetteer)
    assert np.isnan(row["lat"]) and np.isnan(row["lon"])
    assert row["geocode_quality"] == "unresolved"
    assert row["geocode_note"] == note
    assert row["region_code"] == "" and row["region_name"] == ""


def test_resolved_rows_have_coordinates_and_unresolved_rows_none(gazetteer) -> None:
    city = pd.Series(["Paris", "Nowhere-on-Sea", "Paris", "Bangkok", "Qqqq", None])
    country = pd.Series(["FR", "GB", "Narnia", "TH", "ZZ", "DE"])
    result = geocode_frame(city, country, gazetteer=gazetteer)
    placed = result["geocode_quality"] != "unresolved"
    assert result.loc[placed, ["lat", "lon"]].notna().all().all()
    assert result.loc[~placed, ["lat", "lon"]].isna().all().all()
    assert not ((result["lat"] == 0) & (result["lon"] == 0)).any()
    assert placed.tolist() == [True, False, False, True, False, False]


def test_keeps_the_index_and_columns(gazetteer) -> None:
    index = pd.Index(["a", "b", "c"], name="row")
    city = pd.Series(["Wien", "Wien", "Graz"], index=index)
    result = geocode_frame(city, pd.Series(["AT"] * 3, index=index), gazetteer=gazetteer)
    assert result.index.equals(index)
    assert list(result.columns) == gazetteer_module.OUTPUT_COLUMNS
    assert result.loc["a"].equals(result.loc["b"])


def test_geocodes_an_empty_frame(gazetteer) -> None:
    result = geocode_frame(
        pd.Series([], dtype=object), pd.Series([], dtype=object), gazetteer=gazetteer
    )
    assert result.empty and list(result.columns) == gazetteer_module.OUTPUT_COLUMNS


# --- alias table and regions --------------------------------------------------------------------


def test_alias_table_lists_sophia_antipolis_and_other_parks() -> None:
    assert list(ALIASES.columns) == ["alias", "country", "place", "lat", "lon", "note"]
    assert len(ALIASES) >= 16
    row = ALIASES.loc[ALIASES["alias"] == "Sophia Antipolis"].iloc[0]
    assert (row["country"], row["place"]) == ("FR", "Valbonne")
    assert (ALIASES["note"] != "").all()
    assert ((ALIASES["place"] != "") | (ALIASES["lat"] != "")).all()


def test_every_alias_resolves_to_a_place_of_its_country(gazetteer) -> None:
    assert len(gazetteer.aliases) == len(ALIASES)
    assert gazetteer.aliases[["lat", "lon"]].notna().all().all()
    assert (gazetteer.aliases["region_code"].str[:2] == gazetteer.aliases.index.str[:2]).all()


def test_geocoded_rows_carry_admin1_regions(gazetteer) -> None:
    city = pd.Series(["Frankfurt", "Sophia Antipolis", "Lyon", "Athens"])
    result = geocode_frame(city, pd.Series(["DE", "FR", "FR", "EL"]), gazetteer=gazetteer)
    assert result["region_code"].tolist() == ["DE-05", "FR-93", "FR-84", "GR-ESYE31"]
    assert result["region_name"].tolist() == [
        "Hesse",
        "Provence-Alpes-Cote d'Azur",
        "Auvergne-Rhone-Alpes",
        "Attica",
    ]


def test_assign_regions_uses_the_nearest_place_of_the_same_country(gazetteer) -> None:
    lat = pd.Series([48.14, 48.58, 48.58, 0.0, np.nan, 37.98, 50.0], index=list("abcdefg"))
    lon = pd.Series([11.58, 7.75, 7.75, 0.0, 11.0, 23.73, 10.0], index=lat.index)
    country = ["DE", "FR", "DE", "DE", "DE", "EL", "Narnia"]
    regions = assign_regions(lat, lon, country, gazetteer=gazetteer)
    assert regions.index.equals(lat.index)
    assert regions["region_code"].tolist() == ["DE-02", "FR-44", "DE-01", "", "", "GR-ESYE31", ""]
    assert regions.loc["a", "region_name"] == "Bavaria"


def test_admin1_table_is_unique_and_complete_for_europe() -> None:
    table = pd.read_csv(gazetteer_module.ADMIN1_PATH, dtype=str, keep_default_na=False)
    assert list(table.columns) == ["country_code", "admin1_code", "region_name"]
    assert not table.duplicated(["country_code", "admin1_code"]).any()
    assert (table["region_name"] != "").all()
    assert {"DE", "FR", "IT", "ES", "PL", "SE", "GR", "GB", "US", "CN"} <= set(
        table["country_code"]
    )


def test_build_regions_takes_the_most_frequent_name_and_drops_mixed_ones() -> None:
    places = pd.DataFrame(
        {
            "name": ["A", "B", "C", "D", "E"],
            "latitude": [1.0, 2.0, 3.0, 4.0, 5.0],
            "longitude": [1.0, 2.0, 3.0, 4.0, 5.0],
            "countrycode": ["XX"] * 5,
            "admin1code": ["01", "01", "01", "02", "02"],
        }
    )
    source = pd.DataFrame(
        {
            "lat": ["1.001", "2.0", "3.0", "4.0", "5.0"],
            "lon": ["1.0", "2.0", "3.0", "4.0", "5.0"],
            "name": ["a", "B", "C", "D", "E"],
            "admin1": ["North", "North", "South", "East", "West"],
            "cc": ["XX"] * 5,
        }
    )
    table = build_regions.build_table(places, source)
    assert table.loc[table["country_code"] == "XX"].to_dict("records") == [
        {"country_code": "XX", "admin1_code": "01", "region_name": "North"}
    ]


# --- on-disk cache ------------------------------------------------------------------------------


def fake_geonames() -> pd.DataFrame:
    rows = [
        (1, "Frankfurt am Main", 50.11, 8.68, "DE", 650000, "05", ["Frankfurt"]),
        (2, "Frankfurt (Oder)", 52.35, 14.55, "DE", 57000, "11", ["Frankfurt"]),
        (3, "Neustadt A", 49.35, 8.14, "DE", 54000, "08", ["Neustadt"]),
        (4, "Neustadt B", 52.50, 9.46, "DE", 45000, "06", ["Neustadt"]),
        (5, "Valbonne", 43.64, 7.01, "FR", 12000, "93", []),
    ]
    columns = ["geonameid", *gazetteer_index.PLACE_COLUMNS, "alternatenames"]
    return pd.DataFrame(rows, columns=columns)


@pytest.fixture
def fake_source(monkeypatch, tmp_path: Path) -> list[int]:
    """Replace GeoNames with five places and the alias table with two; count the reads."""
    reads: list[int] = []

    def read() -> pd.DataFrame:
        reads.append(1)
        return fake_geonames()

    aliases = tmp_path / "aliases.csv"
    aliases.write_text(
        "alias,country,place,lat,lon,note\n"
        "Sophia Antipolis,FR,Valbonne,,,park\n"
        "Somewhere Park,FR,,43.60,7.05,given coordinates\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(gazetteer_index, "read_geonames", read)
    monkeypatch.setattr(gazetteer_module, "ALIASES_PATH", aliases)
    gazetteer_module._load.cache_clear()
    yield reads
    gazetteer_module._load.cache_clear()


def test_second_load_reads_the_cache_file(fake_source, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = load_gazetteer(cache_dir=cache)
    assert len(fake_source) == 1 and len(list(cache.glob("gazetteer-*.parquet"))) == 2
    gazetteer_module._load.cache_clear()
    second = load_gazetteer(cache_dir=cache)
    assert len(fake_source) == 1
    pd.testing.assert_frame_equal(first.lookup, second.lookup)
    pd.testing.assert_frame_equal(first.places, second.places)


def test_a_new_index_version_rebuilds(fake_source, tmp_path: Path, monkeypatch) -> None:
    load_gazetteer(cache_dir=tmp_path)
    monkeypatch.setattr(gazetteer_index, "INDEX_FORMAT", gazetteer_index.INDEX_FORMAT + 1)
    load_gazetteer(cache_dir=tmp_path)
    assert len(fake_source) == 2 and len(list(tmp_path.glob("gazetteer-*.parquet"))) == 4


def test_an_unwritable_cache_builds_in_memory(fake_source, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    gazetteer = load_gazetteer(cache_dir=blocker / "cache")
    row = geocode_one("Frankfurt", "DE", gazetteer)
    assert (row["lat"], row["region_code"]) == (50.11, "DE-05")


def test_no_cache_folder_builds_in_memory_and_writes_nothing(
    fake_source, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    gazetteer = load_gazetteer(cache_dir=None)
    assert len(fake_source) == 1 and not list(tmp_path.rglob("*.parquet"))
    assert geocode_one("Frankfurt", "DE", gazetteer)["region_code"] == "DE-05"


def test_close_calls_and_aliases_on_a_small_index(fake_source, tmp_path: Path) -> None:
    gazetteer = load_gazetteer(cache_dir=tmp_path)
    notes = geocode_frame(
        pd.Series(["Frankfurt", "Neustadt", "Somewhere Park"]),
        pd.Series(["DE", "DE", "FR"]),
        gazetteer=gazetteer,
    )
    assert notes["geocode_note"].iloc[0] == ""
    assert notes["geocode_note"].iloc[1] == (
        'ambiguous: 2 places called "Neustadt" in DE, chose the most populous '
        "(Neustadt A, 54,000 vs Neustadt B, 45,000)"
    )
    assert notes.iloc[2][["lat", "lon", "region_code"]].tolist() == [43.60, 7.05, "FR-93"]
    assert notes["geocode_quality"].iloc[2] == "alias"
