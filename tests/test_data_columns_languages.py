"""Column headers in the EU's languages: recognised through the alias file, and a German export
read end to end."""

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from data.columns import canonical_column, load_alias_lists, match_columns
from data.text import normalise_key
from ingest.pipeline import load_records
from settings import Settings

# The user's cache folder, as the app and the command use it (the gazetteer index is built once).
OPTIONS = Settings().ingest_options
# Headers as real exports write them (capitals, accents, hyphens), by language.
HEADERS = {
    "de": [
        ("Name", "name"), ("Clustername", "name"), ("Kürzel", "acronym"), ("Land", "country"),
        ("Ländercode", "country_code"), ("Bundesland", "region_name"), ("Stadt", "city"),
        ("Ort", "city"), ("Breitengrad", "lat"), ("Längengrad", "lon"),
        ("Ökosysteme", "ecosystems"), ("Branchen", "sectors"),
        ("Zukunftsindustrien", "emerging_industries"), ("KMU Mitglieder", "sme_members"),
        ("Mitglieder KMU", "sme_members"), ("KMU-Mitglieder", "sme_members"),
        ("Großunternehmen", "large_company_members"),
        ("Forschungseinrichtungen", "research_members"), ("Beschäftigte", "employees"),
        ("Gegründet", "founded"), ("Gründungsjahr", "founded"), ("Qualitätslabel", "label"),
        ("Label gültig bis", "label_valid_until"), ("Webseite", "website"),
        ("E-Mail-Adresse", "email"), ("Beschreibung", "description"), ("Angebote", "offers"),
        ("Bedarf", "needs"), ("Partnerschaften", "partnerships"),
    ],
    "fr": [
        ("Nom", "name"), ("Nom du cluster", "name"), ("Sigle", "acronym"), ("Pays", "country"),
        ("Code pays", "country_code"), ("Région", "region_name"), ("Ville", "city"),
        ("Commune", "city"), ("Latitude", "lat"), ("Longitude", "lon"),
        ("Écosystèmes industriels", "ecosystems"), ("Secteurs d'activité", "sectors"),
        ("Industries émergentes", "emerging_industries"), ("PME membres", "sme_members"),
        ("Nombre de PME", "sme_members"), ("Grandes entreprises", "large_company_members"),
        ("Organismes de recherche", "research_members"), ("Effectifs", "employees"),
        ("Année de création", "founded"), ("Label ECEI", "label"),
        ("Label valable jusqu'au", "label_valid_until"), ("Site web", "website"),
        ("Courriel", "email"), ("Adresse e-mail", "email"), ("Description", "description"),
        ("Offres", "offers"), ("Besoins", "needs"), ("Partenariats", "partnerships"),
    ],
    "it": [
        ("Nome", "name"), ("Denominazione", "name"), ("Sigla", "acronym"), ("Paese", "country"),
        ("Codice paese", "country_code"), ("Regione", "region_name"), ("Città", "city"),
        ("Comune", "city"), ("Latitudine", "lat"), ("Longitudine", "lon"),
        ("Ecosistemi industriali", "ecosystems"), ("Settori", "sectors"),
        ("Industrie emergenti", "emerging_industries"), ("PMI associate", "sme_members"),
        ("Numero di PMI", "sme_members"), ("Grandi imprese", "large_company_members"),
        ("Enti di ricerca", "research_members"), ("Dipendenti", "employees"),
        ("Anno di fondazione", "founded"), ("Label di qualità", "label"),
        ("Scadenza label", "label_valid_until"), ("Sito web", "website"),
        ("Indirizzo e-mail", "email"), ("Descrizione", "description"), ("Offerte", "offers"),
        ("Esigenze", "needs"), ("Partenariati", "partnerships"),
    ],
    "es": [
        ("Nombre", "name"), ("Nombre del clúster", "name"), ("Siglas", "acronym"),
        ("País", "country"), ("Código de país", "country_code"),
        ("Comunidad autónoma", "region_name"), ("Ciudad", "city"), ("Localidad", "city"),
        ("Latitud", "lat"), ("Longitud", "lon"), ("Ecosistema", "ecosystems"),
        ("Sectores", "sectors"), ("Industrias emergentes", "emerging_industries"),
        ("Pymes socias", "sme_members"), ("Nº de pymes", "sme_members"),
        ("Grandes empresas", "large_company_members"),
        ("Centros de investigación", "research_members"), ("Empleados", "employees"),
        ("Año de fundación", "founded"), ("Sello de excelencia", "label"),
        ("Sello válido hasta", "label_valid_until"), ("Sitio web", "website"),
        ("Correo electrónico", "email"), ("Descripción", "description"), ("Ofertas", "offers"),
        ("Necesidades", "needs"), ("Alianzas", "partnerships"),
    ],
    "nl": [
        ("Naam", "name"), ("Organisatie", "name"), ("Afkorting", "acronym"), ("Land", "country"),
        ("Landcode", "country_code"), ("Provincie", "region_name"), ("Plaats", "city"),
        ("Stad", "city"), ("Breedtegraad", "lat"), ("Lengtegraad", "lon"),
        ("Ecosysteem", "ecosystems"), ("Sectoren", "sectors"),
        ("Opkomende industrieën", "emerging_industries"), ("MKB-leden", "sme_members"),
        ("Aantal mkb-leden", "sme_members"), ("Grote bedrijven", "large_company_members"),
        ("Kennisinstellingen", "research_members"), ("Werknemers", "employees"),
        ("Oprichtingsjaar", "founded"), ("Opgericht", "founded"), ("Keurmerk", "label"),
        ("Label geldig tot", "label_valid_until"), ("Website", "website"),
        ("E-mailadres", "email"), ("Beschrijving", "description"), ("Aanbod", "offers"),
        ("Behoeften", "needs"), ("Samenwerkingsverbanden", "partnerships"),
    ],
    "pl": [
        ("Nazwa", "name"), ("Nazwa klastra", "name"), ("Skrót", "acronym"), ("Kraj", "country"),
        ("Kod kraju", "country_code"), ("Województwo", "region_name"), ("Miasto", "city"),
        ("Miejscowość", "city"), ("Szerokość geograficzna", "lat"),
        ("Długość geograficzna", "lon"), ("Ekosystemy", "ecosystems"), ("Branże", "sectors"),
        ("Branże wschodzące", "emerging_industries"), ("Członkowie MŚP", "sme_members"),
        ("Liczba MŚP", "sme_members"), ("Duże przedsiębiorstwa", "large_company_members"),
        ("Jednostki naukowe", "research_members"), ("Liczba pracowników", "employees"),
        ("Rok założenia", "founded"), ("Znak jakości", "label"),
        ("Ważny do", "label_valid_until"), ("Strona internetowa", "website"),
        ("Adres e-mail", "email"), ("Opis", "description"), ("Oferty", "offers"),
        ("Potrzeby", "needs"), ("Partnerstwa", "partnerships"),
    ],
    "pt": [
        ("Nome do cluster", "name"), ("Designação", "name"), ("Sigla", "acronym"),
        ("País", "country"), ("Código do país", "country_code"), ("Distrito", "region_name"),
        ("Cidade", "city"), ("Concelho", "city"), ("Latitude", "lat"), ("Longitude", "lon"),
        ("Ecossistemas", "ecosystems"), ("Setores de atividade", "sectors"),
        ("Indústrias emergentes", "emerging_industries"), ("PME associadas", "sme_members"),
        ("Número de PME", "sme_members"), ("Grandes empresas", "large_company_members"),
        ("Centros de investigação", "research_members"), ("Trabalhadores", "employees"),
        ("Ano de fundação", "founded"), ("Selo de qualidade", "label"),
        ("Válido até", "label_valid_until"), ("Sítio web", "website"),
        ("Correio eletrónico", "email"), ("Descrição", "description"), ("Ofertas", "offers"),
        ("Necessidades", "needs"), ("Parcerias", "partnerships"),
    ],
}  # fmt: skip
CASES = [
    (language, header, column) for language, pairs in HEADERS.items() for header, column in pairs
]
# Words left out of the alias file on purpose: each also means something else (see its _comment).
AMBIGUOUS = ["Provincia", "Stato", "Población", "Recherche", "Etiqueta", "Etichetta",
             "Fondazione", "Fundación", "Date de création", "Gründungsdatum", "Site"]  # fmt: skip
GERMAN_EXPORT = (
    "Name;Kürzel;Land;Stadt;Breitengrad;Längengrad;KMU Mitglieder;Großunternehmen;"
    "Forschungseinrichtungen;Beschäftigte;Gegründet;Ökosysteme;Label;Label gültig bis;Webseite;"
    "Beschreibung;Angebote;Bedarf\r\n"
    "Silicon Saxony;SiSax;Deutschland;Dresden;51,0504;13,7373;350;40;25;2.500;2000;Electronics;"
    "Gold;31.12.2026;https://silicon-saxony.example;Mikroelektronik in Sachsen;"
    "Technology: Chipdesign;Business: Vertrieb in Asien\r\n"
    'Medical Valley;MV;Deutschland;Erlangen;49,5897;11,0120;1.000;12;30;;2007;"Health; Digital";'
    "Silver;;;;;\r\n"
    "BioRegio Stern;;DE;Stuttgart;;;120;;;;2002;Health;;;;;;\r\n"
)


@pytest.mark.parametrize(("language", "header", "column"), CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])  # fmt: skip
def test_header_in_each_language_names_its_column(language: str, header: str, column: str):
    assert canonical_column(header) == column


@pytest.mark.parametrize("language", sorted(HEADERS))
def test_each_language_has_headers_for_the_main_columns(language: str):
    assert len({column for _, column in HEADERS[language]}) >= 20


@pytest.mark.parametrize("word", AMBIGUOUS)
def test_ambiguous_words_are_no_alias(word: str):
    assert canonical_column(word) is None


def test_aliases_are_distinct_once_normalised():
    # Two equal keys are at best redundant and at worst one header meaning two columns.
    keys = Counter(normalise_key(a) for aliases in load_alias_lists().values() for a in aliases)
    assert [key for key, count in keys.items() if count > 1] == []


def test_german_semicolon_export_is_read_whole(tmp_path: Path):
    path = tmp_path / "cluster_de.csv"
    path.write_text(GERMAN_EXPORT, encoding="utf-8-sig", newline="")
    assert match_columns(GERMAN_EXPORT.split("\r\n")[0].split(";")).unrecognised == ()
    records = load_records(path, options=OPTIONS)
    assert records["name"].tolist() == ["Silicon Saxony", "Medical Valley", "BioRegio Stern"]
    assert records["country_code"].tolist() == ["DE"] * 3
    assert records["city"].tolist() == ["Dresden", "Erlangen", "Stuttgart"]
    assert records["geocode_quality"].astype(str).tolist() == ["input", "input", "gazetteer"]
    assert (records.loc[0, "lat"], records.loc[0, "lon"]) == (51.0504, 13.7373)
    assert records["sme_members"].tolist() == [350, 1000, 120]
    assert records["founded"].tolist() == [2000, 2007, 2002]
    first = records.iloc[0]
    assert (first["acronym"], first["large_company_members"]) == ("SiSax", 40)
    assert (first["research_members"], first["employees"]) == (25, 2500)
    assert (first["label"], first["label_valid_until"]) == ("Gold", pd.Timestamp("2026-12-31"))
    assert first["website"] == "https://silicon-saxony.example"
    assert first["description"] == "Mikroelektronik in Sachsen"
    assert (first["offers"], first["needs"]) == (
        ("Technology: Chipdesign",), ("Business: Vertrieb in Asien",),
    )  # fmt: skip
    assert records.loc[1, "ecosystems"] == ("Health", "Digital")
