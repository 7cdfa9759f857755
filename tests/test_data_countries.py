"""Country resolution: every accepted form maps to ISO2 and a scope."""

import pytest

from data.countries import country_name, country_scope, eu27, non_eu_europe, resolve_country


@pytest.mark.parametrize(
    ("value", "iso2"),
    [
        ("DE", "DE"), ("deu", "DE"), ("Germany", "DE"), ("Deutschland", "DE"),
        ("EL", "GR"), ("GR", "GR"), ("GRC", "GR"), ("Greece", "GR"), ("Ελλάδα", "GR"),
        ("UK", "GB"), ("GB", "GB"), ("United Kingdom", "GB"), ("England", "GB"),
        ("España", "ES"), ("espana", "ES"), ("Österreich", "AT"), ("Sverige", "SE"),
        ("Polska", "PL"), ("Česko", "CZ"), ("Czech Republic", "CZ"), ("Magyarország", "HU"),
        ("Suomi", "FI"), ("Hrvatska", "HR"), ("België", "BE"), ("Belgique", "BE"),
        ("Schweiz", "CH"), ("Norge", "NO"), ("Kosovo", "XK"), ("XK", "XK"),
        ("Turkey", "TR"), ("Türkiye", "TR"), ("South Korea", "KR"), ("Korea, Republic of", "KR"),
        ("Taiwan", "TW"), ("USA", "US"), ("United States of America", "US"), ("Brasil", "BR"),
        ("México", "MX"), ("日本", "JP"), ("中国", "CN"), ("Maroc", "MA"), ("Tunisie", "TN"),
        ("  france ", "FR"), ("FRANCE", "FR"),
    ],
)  # fmt: skip
def test_codes_and_names_resolve_to_iso2(value, iso2):
    assert resolve_country(value) == iso2


@pytest.mark.parametrize("value", ["", "  ", None, float("nan"), "Atlantis", "ZZ", "EU"])
def test_unknown_values_resolve_to_none(value):
    assert resolve_country(value) is None


def test_scopes_follow_the_country_groups():
    assert len(eu27()) == 27 and {country_scope(c) for c in eu27()} == {"EU"}
    assert {country_scope(c) for c in non_eu_europe()} == {"Non-EU Europe"}
    assert country_scope("GB") == "Non-EU Europe" and country_scope("GR") == "EU"
    assert [country_scope(c) for c in ("US", "JP", "MA")] == ["Third country"] * 3


def test_display_names_are_short_english_names():
    assert [country_name(c) for c in ("KR", "TW", "CZ", "XK", "DE")] == [
        "South Korea", "Taiwan", "Czechia", "Kosovo", "Germany",
    ]  # fmt: skip
