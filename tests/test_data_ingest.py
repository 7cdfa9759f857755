"""The ingest command and library: every fixture ends up accepted, rejected, or refused cleanly."""

import csv
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from data.errors import InputFileError
from data.exports import FORMULA_STARTS, read_exported_csv
from data.ingest import IngestResult, reason_counts, unrecognised_line
from data.schema import CANONICAL_COLUMNS
from ingest.cli import main
from ingest.pipeline import ingest_file, load_records
from settings import Settings

# The user's cache folder, as the app and the command use it: the gazetteer index is built there
# once rather than in memory by every test process.
OPTIONS = Settings().ingest_options
SUMMARY = re.compile(r"^(\d+) rows read, (\d+) accepted, (\d+) rejected$")
# file, rows read, accepted, rejected
READABLE = [
    ("semicolon_cp1252.csv", 3, 3, 0),
    ("utf8_bom.csv", 3, 3, 0),
    ("tab_separated.tsv", 2, 2, 0),
    ("pipe_separated.txt", 2, 2, 0),
    ("cr_line_endings.csv", 2, 2, 0),
    ("crlf_multiline.csv", 3, 3, 0),
    ("excel_unicode.txt", 1, 1, 0),
    ("ragged_rows.csv", 4, 3, 1),
    ("country_forms.csv", 9, 9, 0),
    ("no_country.csv", 2, 1, 1),
    ("bad_values.csv", 19, 3, 16),
    ("cities_without_coordinates.csv", 12, 10, 2),
    ("messy_headers.xlsx", 3, 3, 0),
    ("points.geojson", 5, 4, 1),
    ("clusters.parquet", 4, 3, 1),
    ("header_only.csv", 0, 0, 0),
]
UNREADABLE = [
    ("empty.csv", "file is empty"),
    ("whitespace_only.csv", "file is empty"),
    ("garbage.csv", "binary data"),
    ("truncated.geojson", "invalid JSON"),
    ("not_geojson.json", "not a GeoJSON FeatureCollection"),
    ("unsupported.pdf", "unsupported file type .pdf"),
    ("corrupt.xlsx", "not a valid Excel workbook"),
    ("no_name_column.csv", "no column for the cluster name"),
    ("does_not_exist.csv", "no such file"),
]
# Every problem in bad_values.csv: (row, column, reason); rows 2 and 17 are valid and row 12
# (Lyon, FR, no coordinates) is geocoded.
BAD_VALUE_PROBLEMS = {
    (3, "lat", "lat is outside [-90, 90]"),
    (3, "lon", "lon is outside [-180, 180]"),
    (4, "lat", "lat and lon look swapped (lat 139.69, lon 35.69)"),
    (5, "sme_members", "sme_members is negative"),
    (6, "founded", f"founded is not a plausible year (1800-{date.today().year})"),
    (7, "ecosystems", 'unknown ecosystem "Digitl" (did you mean "Digital"?)'),
    (8, "label", 'unknown label "Gld" (did you mean "Gold"?)'),
    (9, "country", 'unknown country "Atlantis"'),
    (10, "name", "duplicate of row 2"),
    (11, "name", "name is required"),
    (13, "sme_members", "sme_members is not a whole number"),
    (14, "sme_members", "sme_members is not a whole number"),
    (15, "offers",
     'offer "Free coffee" is not of the form Type: text, with Type Technology, Business or R&D'),
    (16, "updated", "updated is not a date (use YYYY-MM-DD or DD/MM/YYYY)"),
    (18, "cluster_id", "duplicate of row 2"),
    (19, "lat", "coordinates or city + country are required"),
    (20, "country", 'unknown country "Germny" (did you mean "Germany"?)'),
}  # fmt: skip
# Spreadsheet formulas (OWASP CSV injection) as a user's file may hold them.
FORMULAS = ["=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+1", "-1+1"]
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
UNRECOGNISED = "columns not recognised (kept as extra fields): "


@pytest.mark.parametrize(("name", "read", "accepted", "rejected"), READABLE,
                         ids=[r[0] for r in READABLE])  # fmt: skip
def test_command_accounts_for_every_row(
    fixtures_dir: Path, run_module, tmp_path: Path,
    name: str, read: int, accepted: int, rejected: int,
) -> None:  # fmt: skip
    out, rejects = tmp_path / "out.csv", tmp_path / "rejects.csv"
    run = run_module("data.ingest", fixtures_dir / name, "-o", out, "--rejects", rejects)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    summary = SUMMARY.match(run.stdout.splitlines()[0])
    assert summary is not None, run.stdout
    assert tuple(map(int, summary.groups())) == (read, accepted, rejected)
    records = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(records.columns[: len(CANONICAL_COLUMNS)]) == list(CANONICAL_COLUMNS)
    assert len(records) == accepted
    assert records["lat"].astype(float).between(-90, 90).all()
    assert records["lon"].astype(float).between(-180, 180).all()
    assert (records["country_code"].str.fullmatch(r"[A-Z]{2}")).all()
    problems = pd.read_csv(rejects, dtype=str, keep_default_na=False)
    assert list(problems.columns) == ["row", "name", "column", "value", "reason"]
    assert problems["row"].nunique() == rejected
    assert (problems["reason"] != "").all()


@pytest.mark.parametrize(("name", "message"), UNREADABLE, ids=[u[0] for u in UNREADABLE])
def test_command_refuses_unreadable_input_with_one_line(
    fixtures_dir: Path, run_module, tmp_path: Path, name: str, message: str
) -> None:
    out = tmp_path / "out.csv"
    run = run_module("data.ingest", fixtures_dir / name, "-o", out)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert len(run.stderr.splitlines()) == 1
    assert run.stderr.startswith(f"error: cannot read {name}: ")
    assert message in run.stderr
    assert run.stdout == ""
    assert not out.exists()


def test_bad_values_are_each_reported_with_their_row(fixtures_dir: Path) -> None:
    result = ingest_file(fixtures_dir / "bad_values.csv", options=OPTIONS)
    found = set(result.rejects[["row", "column", "reason"]].itertuples(index=False, name=None))
    assert found == BAD_VALUE_PROBLEMS
    assert result.records["name"].tolist() == ["Valid Cluster", "City Only Cluster", "Second Valid"]
    second = result.records.iloc[2]
    assert second["sme_members"] == 1200
    assert second["ecosystems"] == ("Health", "Digital")
    assert second["label"] == "Silver"
    assert second["updated"] == pd.Timestamp("2024-03-15")


def test_ingest_normalises_messy_input(fixtures_dir: Path) -> None:
    records = ingest_file(fixtures_dir / "semicolon_cp1252.csv", options=OPTIONS).records
    assert records["city"].tolist() == ["Málaga", "Göteborg", "Besançon"]
    assert records["lat"].tolist() == [36.7213, 57.7089, 47.2378]
    assert records["lon"].tolist() == [-4.4214, 11.9746, 6.0241]
    assert records["sme_members"].tolist() == [1250, 340, 1200]
    assert records["country_code"].tolist() == ["ES", "SE", "FR"]
    assert records["ecosystems"].iloc[2] == ("Electronics", "Digital")
    assert records["geocode_quality"].tolist() == ["input"] * 3


def test_ingest_keeps_extra_fields_and_warns_about_duplicate_headers(fixtures_dir: Path) -> None:
    result = ingest_file(fixtures_dir / "messy_headers.xlsx", options=OPTIONS)
    assert list(result.records.columns[-2:]) == ["Notes", "Name"]
    assert result.records["country_code"].tolist() == ["DE", "FR", "NO"]
    assert result.records["label"].tolist() == ["Gold", "none", "Bronze"]
    assert result.records["cluster_id"].tolist() == ["C4", "C5", "C6"]
    assert any("both mean name" in warning for warning in result.warnings)
    # The second name column is a duplicate (warned about), not an unknown column.
    assert result.unrecognised == ("Notes",)


def test_rows_without_country_get_it_from_their_coordinates(fixtures_dir: Path) -> None:
    result = ingest_file(fixtures_dir / "no_country.csv", options=OPTIONS)
    assert result.records[["name", "country_code", "scope"]].values.tolist() == [
        ["Paris Cluster", "FR", "EU"]
    ]
    assert result.rejects["reason"].tolist() == [
        "no country given and coordinates are in no country"
    ]


def test_canonical_output_reads_back_unchanged(fixtures_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert main([str(fixtures_dir / "bad_values.csv"), "-o", str(out)]) == 0
    again = ingest_file(out, options=OPTIONS)
    first = ingest_file(fixtures_dir / "bad_values.csv", options=OPTIONS).records
    assert again.rejected == 0
    # Coordinates found by the geocoder come back as given ones ("input"); all else is equal.
    assert (again.records["geocode_quality"] == "input").all()
    assert (first["geocode_quality"].astype(str).tolist()) == ["input", "gazetteer", "input"]
    pd.testing.assert_frame_equal(
        again.records.drop(columns="geocode_quality").reset_index(drop=True),
        first.drop(columns="geocode_quality").reset_index(drop=True),
        check_dtype=False,
    )


def test_result_counts_rejected_rows_not_problems(fixtures_dir: Path) -> None:
    result = ingest_file(fixtures_dir / "bad_values.csv", options=OPTIONS)
    assert isinstance(result, IngestResult)
    assert (result.rows_read, result.accepted, result.rejected) == (19, 3, 16)
    assert len(result.rejects) == 17  # row 3 has two problems
    assert result.summary() == "19 rows read, 3 accepted, 16 rejected"


def test_load_records_returns_accepted_rows(fixtures_dir: Path) -> None:
    records = load_records(fixtures_dir / "country_forms.csv", options=OPTIONS)
    assert records["country_code"].tolist() == [
        "DE",
        "DE",
        "DE",
        "GR",
        "GB",
        "CZ",
        "ES",
        "NO",
        "TN",
    ]
    assert records["scope"].tolist()[-2:] == ["Non-EU Europe", "Third country"]


@pytest.mark.parametrize("name", ["header_only.csv", "empty.csv"])
def test_load_records_refuses_a_file_without_accepted_rows(fixtures_dir: Path, name: str) -> None:
    with pytest.raises(InputFileError, match=name):
        load_records(fixtures_dir / name, options=OPTIONS)


def test_command_prints_commonest_reasons_and_warnings(
    fixtures_dir: Path, tmp_path: Path, capsys
) -> None:
    assert main([str(fixtures_dir / "bad_values.csv"), "-o", str(tmp_path / "o.csv")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "19 rows read, 3 accepted, 16 rejected"
    reasons = lines[lines.index("top reasons for rejection:") + 1 :]
    assert reasons[0].split() == ["2", "duplicate", "of", "row", "N"]
    assert main([str(fixtures_dir / "messy_headers.xlsx"), "-o", str(tmp_path / "o.csv")]) == 0
    assert "warning: skipped 1 row(s) above the header" in capsys.readouterr().err


def test_command_reports_an_unwritable_output(fixtures_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "missing-folder" / "out.csv"
    assert main([str(fixtures_dir / "utf8_bom.csv"), "-o", str(out)]) == 1
    assert capsys.readouterr().err.startswith(f"error: cannot write {out}")


def test_reason_counts_group_alike_reasons() -> None:
    rejects = pd.DataFrame({"reason": [
        'unknown ecosystem "A"', 'unknown ecosystem "B" (did you mean "C"?)',
        'unknown ecosystem "D"', "duplicate of row 2", "duplicate of row 7",
    ]})  # fmt: skip
    assert reason_counts(rejects).to_dict() == {
        'unknown ecosystem "…"': 2, "duplicate of row N": 2,
        'unknown ecosystem "…" (did you mean "…"?)': 1,
    }  # fmt: skip


def test_rows_without_coordinates_are_geocoded_offline(fixtures_dir: Path) -> None:
    result = ingest_file(fixtures_dir / "cities_without_coordinates.csv", options=OPTIONS)
    records = result.records.set_index("name")
    quality = records["geocode_quality"].astype(str)
    assert quality["Isar Photonics Network"] == "gazetteer"
    assert quality["Nice Tech Park Cluster"] == "alias"
    assert quality["Typo Town Cluster"] == "gazetteer-fuzzy"
    assert quality["Given Porto Cluster"] == "input"
    assert round(records.loc["Oder Logistics Hub", "lon"], 1) == 14.6  # Frankfurt (Oder)
    assert round(records.loc["Main Finance Cluster", "lon"], 1) == 8.7  # Frankfurt am Main
    assert records.loc["Hellenic Tourism Cluster", "region_name"] == "Attica"
    # Every row but the one whose point lies in another country than it states has a region.
    assert records["region_code"].isna().tolist().count(True) == 1
    assert pd.isna(records.loc["Wrong Country Cluster", "region_code"])
    assert "fuzzy match" in records.loc["Typo Town Cluster", "notes"]


def test_unplaceable_rows_are_rejected_without_coordinates(fixtures_dir: Path) -> None:
    result = ingest_file(fixtures_dir / "cities_without_coordinates.csv", options=OPTIONS)
    reasons = dict(zip(result.rejects["name"], result.rejects["reason"], strict=True))
    assert reasons == {
        "Nowhere Cluster": 'no place called "Xyzzyville" in DE',
        "Atlantis Cluster": 'unknown country "Atlantis"',
    }
    assert not result.records["name"].isin(list(reasons)).any()
    assert result.records["lat"].notna().all() and result.records["lon"].notna().all()


def test_given_points_are_checked_against_their_country(fixtures_dir: Path) -> None:
    records = ingest_file(fixtures_dir / "cities_without_coordinates.csv", options=OPTIONS).records
    records = records.set_index("name")
    boston = records.loc["Swapped Boston Cluster"]
    assert (boston["lat"], boston["lon"], boston["flags"]) == (42.3601, -71.0589, "latlon-swapped")
    paris = records.loc["Wrong Country Cluster"]
    assert paris["flags"] == "outside-country" and paris["lat"] == 48.8566
    assert pd.isna(records.loc["Given Porto Cluster", "flags"])


def test_command_summarises_placement_and_flags(fixtures_dir: Path, run_module, tmp_path) -> None:
    run = run_module("data.ingest", fixtures_dir / "cities_without_coordinates.csv",
                     "-o", tmp_path / "out.csv")  # fmt: skip
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "12 rows read, 10 accepted, 2 rejected"
    report = "\n".join(lines[1:])
    for expected in ("placed by (geocode_quality):", "input", "gazetteer-fuzzy", "alias",
                     "flags:", "latlon-swapped", "outside-country"):  # fmt: skip
        assert expected in report


def test_load_records_reports_left_out_rows(fixtures_dir: Path, caplog) -> None:
    records = load_records(fixtures_dir / "bad_values.csv", options=OPTIONS)
    assert len(records) == 3
    assert "19 rows read, 3 accepted, 16 rejected" in caplog.text
    assert "--rejects" in caplog.text


def test_command_names_the_columns_it_did_not_recognise(fixtures_dir: Path, tmp_path, capsys):
    assert main([str(fixtures_dir / "messy_headers.xlsx"), "-o", str(tmp_path / "o.csv")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == UNRECOGNISED + '"Notes"'
    assert main([str(fixtures_dir / "utf8_bom.csv"), "-o", str(tmp_path / "o.csv")]) == 0
    assert UNRECOGNISED not in capsys.readouterr().out


def test_command_cuts_a_long_list_of_unrecognised_columns(tmp_path: Path, capsys) -> None:
    long, escape, broken = "Anmerkungen " * 8, "\x1b[31mRot\x1b[0m", "Zeile\nzwei"
    unknown = [long, escape, broken] + [f"Spalte {i}" for i in range(1, 21)]
    path = tmp_path / "many.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "country", "lat", "lon", *unknown])
        writer.writerow(["Silicon Saxony", "DE", "51.0504", "13.7373", *["v"] * len(unknown)])
    assert main([str(path), "-o", str(tmp_path / "o.csv")]) == 0
    out = capsys.readouterr().out
    (line,) = [line for line in out.splitlines() if line.startswith(UNRECOGNISED)]
    shown = [f'"{long.strip()[:59]}…"', '"[31mRot[0m"', '"Zeile zwei"']
    shown += [f'"Spalte {i}"' for i in range(1, 18)]
    assert line == UNRECOGNISED + ", ".join(shown) + " and 3 more"
    assert "\x1b" not in out


@pytest.mark.parametrize(
    ("headers", "line"),
    [((), ""), (("Notes",), UNRECOGNISED + '"Notes"'),
     (("a\tb", "c" * 61), UNRECOGNISED + '"a b", "' + "c" * 59 + '…"')],
)  # fmt: skip
def test_unrecognised_line(headers: tuple[str, ...], line: str) -> None:
    assert unrecognised_line(headers) == line


def test_command_outputs_are_safe_to_open_in_a_spreadsheet(tmp_path: Path) -> None:
    places = [("ES", "43.2630", "-2.9350"), ("PT", "41.1579", "-8.6291"),
              ("DE", "51.0504", "13.7373"), ("FR", "48.8566", "2.3522")]  # fmt: skip
    rows = [[f, f, f, *place, "12", f] for f, place in zip(FORMULAS, places, strict=True)]
    rows += [[f"{FORMULAS[0]} again", "", "", "DE", "51.05", "13.73", "-1+1", ""],
             [f"{FORMULAS[1]} again", "", "", "DE", "=1+1", "13.73", "", ""]]  # fmt: skip
    source, out, rejects = tmp_path / "formulas.csv", tmp_path / "out.csv", tmp_path / "rej.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        header = ["name", "description", "city", "country", "lat", "lon", "sme_members", "@notes"]
        csv.writer(handle).writerows([header, *rows])
    assert main([str(source), "-o", str(out), "--rejects", str(rejects)]) == 0
    accepted, problems = _csv_cells(out), _csv_cells(rejects)
    assert _runnable(accepted) == [] and _runnable(problems) == []
    assert [row["name"] for row in accepted] == ["'" + formula for formula in FORMULAS]
    assert [row["city"] for row in accepted] == ["'" + formula for formula in FORMULAS]
    assert [row["'@notes"] for row in accepted] == ["'" + formula for formula in FORMULAS]
    assert [row["lon"] for row in accepted] == ["-2.935", "-8.6291", "13.7373", "2.3522"]
    assert [row["sme_members"] for row in accepted] == ["12"] * 4
    assert {(row["column"], row["value"]) for row in problems} == {
        ("sme_members", "'-1+1"), ("lat", "'=1+1"),
    }  # fmt: skip
    # The guard is the app's: its reader of exported CSV takes the quotes off again.
    assert read_exported_csv(out.read_bytes())["description"].tolist() == FORMULAS


def _csv_cells(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _runnable(rows: list[dict[str, str]]) -> list[str]:
    """Return the cells (header included) a spreadsheet would run as formulas."""
    cells = [*rows[0]] + [cell for row in rows for cell in row.values()] if rows else []
    return [c for c in cells if c.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(c)]
