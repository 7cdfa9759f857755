"""Row validation: value -> accepted (normalised) or rejected (reason), duplicates, invariants."""

from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.schema import CANONICAL_COLUMNS
from data.validation import (
    IN_NO_COUNTRY,
    REJECT_COLUMNS,
    parse_dates,
    parse_decimal,
    parse_whole,
    validate,
)

BASE = {"name": "Base Cluster", "country_code": "FR", "lat": "48.85", "lon": "2.35"}
YEAR = date.today().year

ACCEPTED = [
    ({"lat": "48,8566"}, "lat", 48.8566),
    ({"lat": "-90"}, "lat", -90.0),
    ({"lat": "+45.5"}, "lat", 45.5),
    ({"lon": "180"}, "lon", 180.0),
    ({"lon": "-4,4214"}, "lon", -4.4214),
    ({"sme_members": "120"}, "sme_members", 120),
    ({"sme_members": "120.0"}, "sme_members", 120),
    ({"sme_members": "1 200"}, "sme_members", 1200),
    ({"sme_members": "1\u00a0200"}, "sme_members", 1200),
    ({"sme_members": "1.200"}, "sme_members", 1200),
    ({"sme_members": "1,200"}, "sme_members", 1200),
    ({"sme_members": "1'200"}, "sme_members", 1200),
    ({"sme_members": "0"}, "sme_members", 0),
    ({"employees": "1.000.000"}, "employees", 1_000_000),
    ({"research_members": "7"}, "research_members", 7),
    ({"large_company_members": "12,00"}, "large_company_members", 12),
    ({"founded": "1800"}, "founded", 1800),
    ({"founded": "2010.0"}, "founded", 2010),
    ({"founded": str(YEAR)}, "founded", YEAR),
    ({"updated": "2024-03-15"}, "updated", pd.Timestamp("2024-03-15")),
    ({"updated": "15/03/2024"}, "updated", pd.Timestamp("2024-03-15")),
    ({"updated": "15.03.2024"}, "updated", pd.Timestamp("2024-03-15")),
    ({"updated": "5/3/2024"}, "updated", pd.Timestamp("2024-03-05")),
    ({"label_valid_until": "2026-06-30T00:00:00"}, "label_valid_until", pd.Timestamp("2026-06-30")),
    ({"country_code": "EL"}, "country_code", "GR"),
    ({"country_code": "deu"}, "country_code", "DE"),
    ({"country_code": "Deutschland"}, "country_code", "DE"),
    ({"country_code": None, "country": "United Kingdom"}, "country_code", "GB"),
    ({"country_code": "DE", "country": "Germany"}, "country_code", "DE"),
    ({"country_code": "fr"}, "country", "France"),
    ({"country_code": "UK"}, "scope", "Non-EU Europe"),
    ({"country_code": "TN"}, "scope", "Third country"),
    ({"scope": "Third country"}, "scope", "EU"),
    ({"ecosystems": "digital; AGRI-FOOD"}, "ecosystems", ("Digital", "Agri-food")),
    ({"ecosystems": "Digital | Health"}, "ecosystems", ("Digital", "Health")),
    ({"ecosystems": "Digital; digital"}, "ecosystems", ("Digital",)),
    ({"sectors": "automotive"}, "sectors", ("Automotive",)),
    ({"sme_members": "10000000"}, "sme_members", 10_000_000),
    ({"employees": "0" * 30 + "12"}, "employees", 12),
    ({"website": "http://ok.example"}, "website", "http://ok.example"),
    ({"website": " HTTPS://OK.EXAMPLE/a?b=c "}, "website", "HTTPS://OK.EXAMPLE/a?b=c"),
    ({"website": "www.example.org"}, "website", "https://www.example.org"),
    ({"website": "example.org/cluster"}, "website", "https://example.org/cluster"),
    ({"emerging_industries": "blue growth"}, "emerging_industries", ("Blue growth",)),
    ({"label": "gold"}, "label", "Gold"),
    ({"label": None}, "label", "none"),
    ({"label": "NONE"}, "label", "none"),
    ({"offers": "r&d: clinical validation"}, "offers", ("R&D: clinical validation",)),
    ({"needs": "business: distributors; technology: sensors"}, "needs",
     ("Business: distributors", "Technology: sensors")),
    ({"geocode_quality": "gazetteer"}, "geocode_quality", "input"),
    ({"cluster_id": "X-1"}, "cluster_id", "X-1"),
    ({}, "cluster_id", "C2"),
    ({"acronym": "BC", "website": "https://x.example"}, "website", "https://x.example"),
]  # fmt: skip

BIG = "sme_members is implausibly large (over 10,000,000)"
WEB = "website is not a web address (only http:// or https:// links are kept)"
REJECTED = [
    ({"name": None}, "name", "name is required"),
    ({"lat": "123", "lon": "200"}, "lat", "lat is outside [-90, 90]"),
    ({"lat": "123", "lon": "200"}, "lon", "lon is outside [-180, 180]"),
    ({"lat": "-95", "lon": "181"}, "lat", "lat is outside [-90, 90]"),
    ({"lat": "151.2", "lon": "-33.87"}, "lat", "lat and lon look swapped (lat 151.2, lon -33.87)"),
    ({"lat": "90.5"}, "lat", "lat and lon look swapped (lat 90.5, lon 2.35)"),
    ({"lat": "abc"}, "lat", "lat is not a number"),
    ({"lat": "nan"}, "lat", "lat is not a number"),
    ({"lon": "1,234.5"}, "lon", "lon is not a number"),
    ({"lon": None}, "lon", "lat given without lon"),
    ({"lat": None}, "lat", "lon given without lat"),
    ({"lat": None, "lon": None, "city": "Lyon"}, "lat", "no coordinates"),
    ({"lat": None, "lon": None, "city": "Lyon", "country_code": None, "country": "France"},
     "lat", "no coordinates"),
    ({"lat": None, "lon": None}, "lat", "coordinates or city + country are required"),
    ({"lat": None, "lon": None, "city": "Lyon", "country_code": None}, "lat",
     "coordinates or city + country are required"),
    ({"sme_members": "-5"}, "sme_members", "sme_members is negative"),
    ({"sme_members": "abc"}, "sme_members", "sme_members is not a whole number"),
    ({"sme_members": "12.5"}, "sme_members", "sme_members is not a whole number"),
    ({"research_members": "1,5"}, "research_members", "research_members is not a whole number"),
    ({"employees": "1.200,5"}, "employees", "employees is not a whole number"),
    ({"large_company_members": "1 2 3 4"}, "large_company_members",
     "large_company_members is not a whole number"),
    ({"founded": "1700"}, "founded", f"founded is not a plausible year (1800-{YEAR})"),
    ({"founded": str(YEAR + 1)}, "founded", f"founded is not a plausible year (1800-{YEAR})"),
    ({"founded": "19x0"}, "founded", "founded is not a whole number"),
    ({"sme_members": "10000001"}, "sme_members", BIG),
    ({"sme_members": str(2**63 - 1)}, "sme_members", BIG),
    ({"sme_members": "1" + "0" * 30}, "sme_members", BIG),
    ({"website": "javascript:alert(1)"}, "website", WEB),
    ({"website": "data:text/html,<b>x</b>"}, "website", WEB),
    ({"website": "//evil.example"}, "website", WEB),
    ({"website": "ftp://files.example"}, "website", WEB),
    ({"updated": "31/02/2024"}, "updated", "updated is not a date (use YYYY-MM-DD or DD/MM/YYYY)"),
    ({"updated": "2024-13-01"}, "updated", "updated is not a date (use YYYY-MM-DD or DD/MM/YYYY)"),
    ({"updated": "03/15/2024"}, "updated", "updated is not a date (use YYYY-MM-DD or DD/MM/YYYY)"),
    ({"label_valid_until": "next year"}, "label_valid_until",
     "label_valid_until is not a date (use YYYY-MM-DD or DD/MM/YYYY)"),
    ({"country_code": "Atlantis"}, "country_code", 'unknown country "Atlantis"'),
    ({"country_code": "XX"}, "country_code", 'unknown country "XX"'),
    ({"country_code": "Germny"}, "country_code",
     'unknown country "Germny" (did you mean "Germany"?)'),
    ({"country_code": None, "country": "Narnia"}, "country", 'unknown country "Narnia"'),
    ({"country_code": "DE", "country": "France"}, "country",
     'country does not match country code "DE"'),
    ({"ecosystems": "Digitl"}, "ecosystems",
     'unknown ecosystem "Digitl" (did you mean "Digital"?)'),
    ({"ecosystems": "Digital; Quantum"}, "ecosystems", 'unknown ecosystem "Quantum"'),
    ({"sectors": "Automotiv"}, "sectors",
     'unknown sector "Automotiv" (did you mean "Automotive"?)'),
    ({"emerging_industries": "Blue grwth"}, "emerging_industries",
     'unknown emerging industry "Blue grwth" (did you mean "Blue growth"?)'),
    ({"label": "Gld"}, "label", 'unknown label "Gld" (did you mean "Gold"?)'),
    ({"label": "Platinum"}, "label", 'unknown label "Platinum"'),
    ({"offers": "Free coffee"}, "offers",
     'offer "Free coffee" is not of the form Type: text, with Type Technology, Business or R&D'),
    ({"needs": "R&D: fine; Money: lots"}, "needs",
     'need "Money: lots" is not of the form Type: text, with Type Technology, Business or R&D'),
]  # fmt: skip


def _case_id(case: tuple) -> str:
    return ",".join(f"{k}={v}" for k, v in case[0].items()) or "base"


@pytest.mark.parametrize(("overrides", "column", "expected"), ACCEPTED, ids=map(_case_id, ACCEPTED))
def test_value_is_accepted(text_rows, overrides: dict, column: str, expected: object) -> None:
    result = validate(text_rows({**BASE, **overrides}))
    assert result.rejects.empty, result.rejects.to_dict("records")
    assert result.records[column].iloc[0] == expected


@pytest.mark.parametrize(("overrides", "column", "reason"), REJECTED, ids=map(_case_id, REJECTED))
def test_value_is_rejected(text_rows, overrides: dict, column: str, reason: str) -> None:
    result = validate(text_rows({**BASE, **overrides}))
    assert result.records.empty
    assert (2, column, reason) in set(
        result.rejects[["row", "column", "reason"]].itertuples(index=False, name=None)
    ), result.rejects.to_dict("records")


def test_rejects_table_has_one_line_per_problem_and_the_row_name(text_rows) -> None:
    frame = text_rows(BASE, {**BASE, "name": "Bad", "lat": "x", "sme_members": "-1"})
    result = validate(frame)
    assert tuple(result.rejects.columns) == REJECT_COLUMNS
    assert result.rejects.values.tolist() == [
        [3, "Bad", "lat", "x", "lat is not a number"],
        [3, "Bad", "sme_members", "-1", "sme_members is negative"],
    ]
    assert result.records["name"].tolist() == ["Base Cluster"]


def test_records_are_canonical_with_extra_fields_after(text_rows) -> None:
    records = validate(text_rows({**BASE, "Notes": "keep me"})).records
    assert list(records.columns) == [*CANONICAL_COLUMNS, "Notes"]
    assert records["Notes"].tolist() == ["keep me"]
    assert str(records["sme_members"].dtype) == "Int64"
    assert records.index.tolist() == [2]


def test_duplicate_name_and_country_rejects_later_rows(text_rows) -> None:
    frame = text_rows(
        {**BASE, "name": "Café Cluster"},
        {**BASE, "name": "cafe  cluster", "country_code": "France"},
        {**BASE, "name": "Café Cluster", "country_code": "BE"},
        {**BASE, "name": "CAFÉ CLUSTER"},
    )
    rejects = validate(frame).rejects
    assert rejects[["row", "column", "reason"]].values.tolist() == [
        [3, "name", "duplicate of row 2"],
        [5, "name", "duplicate of row 2"],
    ]


def test_duplicate_cluster_id_rejects_later_rows(text_rows) -> None:
    frame = text_rows(
        {**BASE, "cluster_id": "FR-1"},
        {**BASE, "name": "Other", "cluster_id": "FR-1"},
        {**BASE, "name": "Third", "cluster_id": "FR-2"},
    )
    result = validate(frame)
    assert result.rejects[["row", "column", "value", "reason"]].values.tolist() == [
        [3, "cluster_id", "FR-1", "duplicate of row 2"]
    ]
    assert result.records["cluster_id"].tolist() == ["FR-1", "FR-2"]


def test_generated_ids_are_unique_even_against_given_ones(text_rows) -> None:
    frame = text_rows({**BASE, "cluster_id": "C3"}, {**BASE, "name": "B"}, {**BASE, "name": "C"})
    ids = validate(frame).records["cluster_id"].tolist()
    assert ids == ["C3", "C3-2", "C4"]


def test_rows_without_country_are_located(text_rows) -> None:
    calls = []

    def locate(lon, lat):
        calls.append((list(lon), list(lat)))
        return ["FR" if 0 < x < 10 else None for x in lon]

    frame = text_rows(
        BASE,
        {"name": "Paris", "lat": "48.85", "lon": "2.35"},
        {"name": "Ocean", "lat": "40", "lon": "-40"},
    )
    result = validate(frame, locate=locate)
    # A point in no country is tried swapped too (lat/lon exchanged), in case they were.
    assert calls == [([2.35, -40.0], [48.85, 40.0]), ([40.0], [-40.0])]
    assert result.records["country"].tolist() == ["France", "France"]
    assert result.rejects[["row", "column", "reason"]].values.tolist() == [
        [4, "country", IN_NO_COUNTRY]
    ]


def test_without_a_locator_a_missing_country_is_rejected(text_rows) -> None:
    rejects = validate(text_rows({"name": "Paris", "lat": "48.85", "lon": "2.35"})).rejects
    assert rejects["reason"].tolist() == ["no country given"]


def test_problems_found_while_reading_reject_their_rows(text_rows) -> None:
    problems = pd.DataFrame([(3, "geometry", "LineString", "not a point")],
                            columns=["row", "column", "value", "reason"])  # fmt: skip
    result = validate(text_rows(BASE, {**BASE, "name": "Line"}), problems=problems)
    assert result.records["name"].tolist() == ["Base Cluster"]
    assert result.rejects.values.tolist() == [[3, "Line", "geometry", "LineString", "not a point"]]


def test_every_row_is_accepted_or_rejected_on_a_large_frame(text_rows) -> None:
    rows = [{**BASE, "name": f"C{i}", "lat": str(i % 200 - 100)} for i in range(2000)]
    result = validate(text_rows(*rows))
    assert len(result.records) + result.rejects["row"].nunique() == 2000
    assert len(result.records) == 1810  # lat -90..90: 181 of every 200


CELL = st.one_of(st.none(), st.text(max_size=8), st.sampled_from(["48,5", "-5", "1 200", "FR"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries({c: CELL for c in (
    "name", "lat", "lon", "country_code", "city", "sme_members", "founded", "ecosystems",
    "label", "offers", "updated", "cluster_id",
)}), max_size=6))  # fmt: skip
def test_nothing_is_dropped_silently(rows: list[dict]) -> None:
    frame = pd.DataFrame(rows, dtype=object).astype("string")
    frame.index = pd.RangeIndex(2, 2 + len(rows))
    frame = frame.apply(lambda column: column.str.strip().replace("", pd.NA))
    result = validate(frame)
    assert len(result.records) + result.rejects["row"].nunique() == len(rows)
    assert result.records["lat"].between(-90, 90).all()


@pytest.mark.parametrize(
    ("text", "number"),
    [("48.8566", 48.8566), ("48,8566", 48.8566), ("-0.5", -0.5), (".5", 0.5), ("1e2", 100.0),
     ("abc", None), ("1,2,3", None), ("inf", None), ("", None)],
)  # fmt: skip
def test_parse_decimal(text: str, number: float | None) -> None:
    parsed = parse_decimal(pd.Series([text or None], dtype="string")).iloc[0]
    assert (None if pd.isna(parsed) else parsed) == number


@pytest.mark.parametrize(
    ("text", "number"),
    [("120", 120), ("120.0", 120), ("120.000", 120_000), ("1 200", 1200), ("1.200", 1200),
     ("1,200", 1200), ("1.200.300", 1_200_300), ("12.5", None), ("-5", None), ("1.2.3", None),
     ("abc", None), ("1,20", None), ("1'200", 1200), ("1\u202f200", 1200), ("1 2 3", None),
     ("1 200.5", None)],
)  # fmt: skip
def test_parse_whole(text: str, number: int | None) -> None:
    parsed = parse_whole(pd.Series([text], dtype="string")).iloc[0]
    assert (None if pd.isna(parsed) else parsed) == number


@pytest.mark.parametrize(
    ("text", "day"),
    [("2024-03-15", "2024-03-15"), ("15/03/2024", "2024-03-15"), ("1.2.2024", "2024-02-01"),
     ("2024-02-30", None), ("2024", None), ("March 2024", None)],
)  # fmt: skip
def test_parse_dates(text: str, day: str | None) -> None:
    parsed = parse_dates(pd.Series([text], dtype="string")).iloc[0]
    assert (None if pd.isna(parsed) else parsed) == (day and pd.Timestamp(day))
