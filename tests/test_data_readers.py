"""Readers (every fixture as text cells with source row numbers) and column alias matching."""

import codecs
import re
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.columns import canonical_column, load_alias_lists, load_aliases, match_columns
from data.errors import InputFileError
from data.ingest import read_records
from data.readers import (
    CONTROL_CHARACTERS,
    InputFile,
    _may_have_controls,
    cell_text,
    decode_text,
    read_table,
    sniff_delimiter,
)
from data.schema import CANONICAL_COLUMNS

# file, source row numbers, {(row, header): expected text (None = missing)}
READABLE = [
    ("semicolon_cp1252.csv", [2, 3, 4], {
        (2, "Town"): "Málaga", (3, "Town"): "Göteborg", (4, "Town"): "Besançon",
        (2, "Latitude"): "36,7213", (2, "Longitude"): "-4,4214", (2, "Number of SMEs"): "1.250",
        (4, "Number of SMEs"): "1 200", (4, "Ecosystem(s)"): "Electronics; Digital",
    }),
    ("utf8_bom.csv", [2, 3, 4], {
        (2, "Name"): "Łódź Textile Cluster", (3, "City"): "Zürich",
        (4, "Name"): "Θεσσαλονίκη ICT Cluster", (3, "Website"): None, (4, "Country code"): "EL",
    }),
    ("tab_separated.tsv", [2, 3], {
        (3, "City"): "Liège", (2, "Sectors"): "Electric Power Generation & Transmission",
        (2, "Lng"): "-2.9350",
    }),
    ("pipe_separated.txt", [2, 3], {(2, "organisation"): "Silicon Saxony", (3, "x"): "10.6369"}),
    ("cr_line_endings.csv", [2, 3], {(2, "lon"): "-8.6291", (3, "city"): "Turin"}),
    ("crlf_multiline.csv", [2, 3, 5], {
        (2, "name"): "Tallinn Cluster, Estonia", (3, "name"): "Riga Cluster",
        (5, "description"): "After a blank row",
    }),
    ("excel_unicode.txt", [2], {(2, "Cluster name"): "Kraków Cluster", (2, "Country"): "Polska"}),
    ("ragged_rows.csv", [2, 3, 4, 5], {
        (3, "website"): "https://long.example", (4, "website"): None, (5, "website"): None,
    }),
    ("messy_headers.xlsx", [4, 5, 6], {
        (4, "Cluster Organisation Name"): "Café Cluster", (4, "LATITUDE"): "52.52",
        (4, "Number of SMEs"): "120", (5, "Number of SMEs"): "85", (6, "Number of SMEs"): "1 500",
        (4, "Label valid until"): "2026-06-30", (5, "ECEI label"): None, (6, "Town"): "Ålesund",
    }),
    ("points.geojson", [1, 2, 3, 4, 5], {
        (1, "lon"): "4.8952", (1, "lat"): "52.3702", (1, "ecosystems"): "Digital; Health",
        (1, "sme_members"): "120", (2, "founded"): "2010", (3, "name"): "Rhône Corridor",
        (3, "lat"): None, (5, "lat"): None, (5, "city"): "Porto",
    }),
    ("clusters.parquet", [1, 2, 3, 4], {
        (1, "lat"): "48.2082", (2, "sme_members"): None, (3, "sme_members"): "75",
        (3, "ecosystems"): "Health; Electronics", (4, "ecosystems"): None,
        (1, "updated"): "2024-05-01", (4, "lon"): "200",
    }),
    ("header_only.csv", [], {}),
]  # fmt: skip
UNREADABLE = [
    ("empty.csv", "file is empty"),
    ("whitespace_only.csv", "file is empty"),
    ("garbage.csv", "binary data, not a text file"),
    ("truncated.geojson", "invalid JSON"),
    ("not_geojson.json", "not a GeoJSON FeatureCollection"),
    ("unsupported.pdf", "unsupported file type .pdf"),
    ("corrupt.xlsx", "not a valid Excel workbook"),
    ("does_not_exist.csv", "no such file"),
]


@pytest.mark.parametrize(("name", "rows", "cells"), READABLE, ids=[r[0] for r in READABLE])
def test_reader_reads_fixture(fixtures_dir: Path, name: str, rows: list, cells: dict) -> None:
    table = read_table(fixtures_dir / name)
    assert table.frame.index.tolist() == rows
    assert all(str(dtype) == "string" for dtype in table.frame.dtypes)
    for (row, header), expected in cells.items():
        value = table.frame.loc[row, header]
        assert (None if pd.isna(value) else value) == expected, (row, header)


def test_csv_keeps_a_quoted_multiline_cell_as_one_row(fixtures_dir: Path) -> None:
    frame = read_table(fixtures_dir / "crlf_multiline.csv").frame
    assert frame.loc[2, "description"].splitlines() == ["Line one", "line two"]


def test_csv_reports_cells_beyond_the_header(fixtures_dir: Path) -> None:
    problems = read_table(fixtures_dir / "ragged_rows.csv").problems
    assert problems.to_dict("records") == [{
        "row": 3, "column": "", "value": "extra one, extra two",
        "reason": "row has 7 fields, the header has 5",
    }]  # fmt: skip


def test_xlsx_picks_the_sheet_and_row_with_a_header(fixtures_dir: Path) -> None:
    table = read_table(fixtures_dir / "messy_headers.xlsx")
    assert table.frame.columns[0] == "Cluster Organisation Name"
    assert list(table.frame.columns[-2:]) == ["Notes", "Name"]
    assert table.warnings == ("skipped 1 row(s) above the header on row 3",)


def test_geojson_rejects_non_point_geometries_as_problems(fixtures_dir: Path) -> None:
    problems = read_table(fixtures_dir / "points.geojson").problems
    assert problems[["row", "column", "value"]].values.tolist() == [[3, "geometry", "LineString"]]
    assert "only Point features" in problems["reason"].iloc[0]


@pytest.mark.parametrize(("name", "message"), UNREADABLE, ids=[u[0] for u in UNREADABLE])
def test_reader_refuses_unreadable_file(fixtures_dir: Path, name: str, message: str) -> None:
    with pytest.raises(InputFileError, match=f"^cannot read {name}: .*{message}") as caught:
        read_table(fixtures_dir / name)
    assert "\n" not in str(caught.value)


def test_csv_finds_the_header_under_title_rows(tmp_path: Path) -> None:
    path = tmp_path / "titled.csv"
    path.write_text("Cluster list 2024\n\nName;City;Lat\nAlpha;Paris;48,85\n", encoding="utf-8")
    table = read_table(path)
    assert list(table.frame.columns) == ["Name", "City", "Lat"]
    assert table.frame.index.tolist() == [4]
    assert table.frame.loc[4, "Lat"] == "48,85"
    assert table.warnings == ("skipped 1 row(s) above the header on row 3",)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("junk.parquet", b"PAR1 this is not parquet", "not a valid Parquet file"),
        ("array.json", b"[1, 2, 3]", "not a GeoJSON FeatureCollection"),
        ("none.geojson", b'{"type": "FeatureCollection", "features": []}', "the Feature"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "unsupported file type .xls"),
        ("text.xlsx", b"name,city\nA,Paris\n", "not a valid Excel workbook"),
        ("lonely.csv", b"\n\n", "file is empty"),
    ],
)
def test_reader_refuses_broken_file(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    (tmp_path / name).write_bytes(data)
    with pytest.raises(InputFileError, match=f"^cannot read {name}: {message}"):
        read_table(tmp_path / name)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Málaga;Göteborg;Besançon".encode("cp1252"), "Málaga;Göteborg;Besançon"),
        (codecs.BOM_UTF8 + "name,Zürich".encode(), "name,Zürich"),
        ("Łódź,Kraków,Gdańsk\nŚląsk,Wrocław,Poznań\n".encode("cp1250"),
         "Łódź,Kraków,Gdańsk\nŚląsk,Wrocław,Poznań\n"),
        ("name\tΑθήνα".encode("utf-16"), "name\tΑθήνα"),
        ("Ærø;Île-de-France".encode("latin-1"), "Ærø;Île-de-France"),
    ],
)  # fmt: skip
def test_decode_text_detects_encoding(data: bytes, expected: str) -> None:
    assert decode_text(data, name="x.csv") == expected


@pytest.mark.parametrize("data", [b"PK\x03\x04\x00\x00binary", bytes(range(1, 32)) * 10])
def test_decode_text_refuses_binary(data: bytes) -> None:
    with pytest.raises(InputFileError, match="binary data"):
        decode_text(data, name="x.csv")


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1,5;2,5;3,5\n", ";"),
        ("a\tb\n1\t2\n", "\t"),
        ("a|b\n1|2\n", "|"),
        ('name,description\n"x","a; b; c"\n', ","),
        ("name;city\nA, B;Paris\n", ";"),
        ("name\nAlpha\n", ","),
        ("Cluster list 2024\n\nname;city\nA;Paris\nB;Lyon\n", ";"),
    ],
)
def test_sniff_delimiter(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None), (np.nan, None), (pd.NA, None), (120, "120"), (np.int64(7), "7"),
        (120.0, "120"), (48.8566, "48.8566"), (True, "true"),
        (datetime(2024, 1, 2), "2024-01-02"), (datetime(2024, 1, 2, 10, 30), "2024-01-02T10:30:00"),
        (date(2024, 1, 2), "2024-01-02"), (["Digital", "Health"], "Digital; Health"),
        (np.array(["a", "b"], dtype=object), "a; b"), ("  Paris ", "  Paris "),
    ],
)  # fmt: skip
def test_cell_text(value: object, text: str | None) -> None:
    assert cell_text(value) == text


# --- column aliases -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Cluster organisation name", "name"), ("Organisation", "name"), ("Organisátion", "name"),
        ("Cluster name", "name"), ("Name", "name"), ("  NAME ", "name"), ("cluster_name", "name"),
        ("Latitude", "lat"), ("lat", "lat"), ("y", "lat"), ("Longitude", "lon"), ("lng", "lon"),
        ("lon", "lon"), ("long", "lon"), ("X", "lon"), ("Number of SMEs", "sme_members"),
        ("SMEs", "sme_members"), ("SME members", "sme_members"), ("Nb. of SMEs", "sme_members"),
        ("Country code", "country_code"), ("ISO", "country_code"), ("ISO-3", "country_code"),
        ("Country", "country"), ("Country name", "country"), ("Town", "city"), ("City", "city"),
        ("Municipality", "city"), ("Year of foundation", "founded"), ("Founded", "founded"),
        ("Ecosystem(s)", "ecosystems"), ("Industrial ecosystems", "ecosystems"),
        ("Sectoral focus", "sectors"), ("Sectors", "sectors"), ("Cluster label", "label"),
        ("ECEI label", "label"), ("Label", "label"), ("Web", "website"), ("URL", "website"),
        ("Website", "website"), ("E-mail", "email"), ("Région", "region_name"),
        ("NUTS 2", "nuts2"), ("Emerging industries", "emerging_industries"),
        ("Label valid until", "label_valid_until"), ("Last updated", "updated"),
        ("Cooperation offers", "offers"), ("Looking for", "needs"), ("Notes", None),
        ("Remarks", None), ("", None),
    ],
)  # fmt: skip
def test_canonical_column(header: str, column: str | None) -> None:
    assert canonical_column(header) == column


@pytest.mark.parametrize(
    ("headers", "names", "warned"),
    [
        (["Name", "City", "Notes"], ("name", "city", "Notes"), False),
        (["Cluster name", "Name"], ("name", "Name"), True),
        (["name", "name"], ("name", "name (2)"), True),
        (["", "x", ""], ("column 1", "lon", "column 3"), False),
        (["lat", "Latitude", "lat"], ("lat", "Latitude", "lat (2)"), True),
        (["Notes", "Notes"], ("Notes", "Notes (2)"), False),
    ],
)
def test_match_columns(headers: list[str], names: tuple, warned: bool) -> None:
    match = match_columns(headers)
    assert match.names == names
    assert bool(match.warnings) == warned


def test_match_columns_warning_names_both_headers() -> None:
    (warning,) = match_columns(["Cluster name", "Organisation"]).warnings
    assert '"Cluster name"' in warning and '"Organisation"' in warning and "extra" in warning


def test_match_columns_lists_unrecognised_headers_once() -> None:
    match = match_columns(["Name", "Notes", "", "Name", "Notes", " Remarks "])
    # A repeated known header is warned about, not unrecognised; a blank one is named by position.
    assert match.unrecognised == ("Notes", "column 3", "Remarks")
    assert match_columns(["name", "lat", "lon"]).unrecognised == ()


def test_alias_file_names_only_canonical_columns_without_clashes() -> None:
    assert set(load_alias_lists()) <= set(CANONICAL_COLUMNS)
    assert load_aliases()["cluster organisation name"] == "name"


@pytest.mark.parametrize("data", [b"\r\x00", b"\n\x07\n", b"\x00"])
def test_a_file_of_blanks_and_stray_controls_gets_one_line(data: bytes) -> None:
    # Found by the upload fuzz test: pandas' EmptyDataError used to escape as a 500.
    with pytest.raises(InputFileError, match=r"^cannot read c\.csv: ") as error:
        read_records(InputFile("c.csv", data))
    assert str(error.value).isprintable()


@given(st.lists(st.one_of(st.none(), st.text(st.characters(max_codepoint=0x2FF), max_size=6))))
def test_the_byte_scan_finds_every_control_character_the_pattern_does(cells) -> None:
    # The scan decides which columns the regex skips: it must never miss a control character.
    column = pd.Series(cells, dtype="string")
    found = any(c is not None and re.search(CONTROL_CHARACTERS, c) for c in cells)
    assert _may_have_controls(column) == found


def test_control_characters_in_a_header_are_removed() -> None:
    table = read_table(InputFile("c.csv", b"na\x00me,ci\x1bty\nAlpha,Graz\n"))
    assert list(table.frame.columns) == ["name", "city"]
