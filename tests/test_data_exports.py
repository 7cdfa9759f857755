"""CSV and GeoJSON exports: BOM, formula injection, streaming, reading back, GeoJSON shape."""

import csv
import io
import json

import pandas as pd
import pytest

from analysis.dataset import prepare
from analysis.filters import FilterSpec, apply_filter
from data.exports import (
    iter_csv,
    iter_geojson,
    neutralise_table,
    read_exported_csv,
    table_csv,
    to_geojson,
    write_csv,
)
from data.schema import CANONICAL_COLUMNS, conform
from ingest.pipeline import load_records
from settings import DEMO_DATA_PATH

RISKY = ["=cmd|' /C calc'!A0", "+1", "-2+3", "@x", "\tx", "\rx", "'quoted"]


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return load_records(DEMO_DATA_PATH)


@pytest.fixture
def risky() -> pd.DataFrame:
    rows = [
        {"cluster_id": f"R{i}", "name": text, "city": text, "country_code": "ES",
         "country": "Spain", "scope": "EU", "lat": 40.4, "lon": -3.7, "sme_members": 12,
         "offers": "=HYPERLINK(x); Technology: safe", "updated": "2025-01-31"}
        for i, text in enumerate(RISKY)
    ]  # fmt: skip
    return conform(pd.DataFrame(rows))


def _cells(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_starts_with_bom_and_has_canonical_header(demo):
    data = write_csv(demo.head(3))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data[3:].split(b"\r\n")[0].decode() == ",".join(CANONICAL_COLUMNS)


@pytest.mark.parametrize("index", range(len(RISKY)))
def test_formula_cells_get_a_leading_quote(risky, index):
    row = _cells(write_csv(risky))[index]
    assert row["name"] == "'" + RISKY[index] and row["city"] == "'" + RISKY[index]
    assert row["offers"] == "'=HYPERLINK(x); Technology: safe"
    assert row["country"] == "Spain" and row["updated"] == "2025-01-31"


def test_numbers_stay_numbers(risky):
    row = _cells(write_csv(risky))[0]
    assert (row["lon"], row["lat"], row["sme_members"]) == ("-3.7", "40.4", "12")


def test_any_table_gets_the_guard_on_text_cells_and_header():
    table = pd.DataFrame({"area": RISKY, "share": [-0.5] * len(RISKY), "=x": ["safe"] * len(RISKY)})
    guarded = neutralise_table(table)
    assert guarded.columns.tolist() == ["area", "share", "'=x"]
    assert guarded["area"].tolist() == ["'" + text for text in RISKY]
    assert guarded["share"].tolist() == [-0.5] * len(RISKY)
    rows = _cells(table_csv(table))
    assert rows[0] == {"area": "'" + RISKY[0], "share": "-0.5", "'=x": "safe"}


def test_risky_cells_read_back_unchanged(risky):
    back = read_exported_csv(write_csv(risky))
    assert back["name"].tolist() == RISKY
    assert back["offers"][0] == ("=HYPERLINK(x)", "Technology: safe")


def test_filtered_export_reads_back_equal(demo):
    dataset = prepare(demo)
    spec = FilterSpec(scope=("eu", "third-country"), sme_min=40, q="cluster")
    filtered = dataset.records[apply_filter(dataset, spec)]
    assert 0 < len(filtered) < len(demo)
    raw = pd.read_csv(io.BytesIO(write_csv(filtered)), encoding="utf-8-sig", dtype=str)
    assert raw.columns.tolist() == list(CANONICAL_COLUMNS) and len(raw) == len(filtered)
    expected = filtered[list(CANONICAL_COLUMNS)].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        read_exported_csv(write_csv(filtered)), expected, check_dtype=False,
        check_categorical=False,
    )  # fmt: skip


@pytest.mark.parametrize(("rows", "chunk_rows"), [(20, 1), (100, 7), (1300, 500)])
def test_streamed_csv_equals_whole(demo, rows, chunk_rows):
    records = demo.head(rows)
    assert b"".join(iter_csv(records, chunk_rows=chunk_rows)) == write_csv(records)


def test_empty_export_is_bom_and_header(demo):
    data = write_csv(demo.iloc[:0])
    assert data == ("\ufeff" + ",".join(CANONICAL_COLUMNS) + "\r\n").encode()
    assert to_geojson(demo.iloc[:0]) == {"type": "FeatureCollection", "features": []}


def test_geojson_features_are_points_with_canonical_properties(demo):
    records = demo.head(50)
    collection = to_geojson(records)
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 50
    first = collection["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [demo["lon"][0], demo["lat"][0]]}
    expected = [c for c in CANONICAL_COLUMNS if c not in ("lat", "lon")]
    assert list(first["properties"]) == expected
    assert first["properties"]["ecosystems"] == list(demo["ecosystems"][0])
    assert first["properties"]["nuts2"] is None
    assert first["properties"]["updated"] == demo["updated"][0].strftime("%Y-%m-%d")
    assert isinstance(first["properties"]["sme_members"], int)
    json.dumps(collection, allow_nan=False)


def test_geojson_without_coordinates_has_null_geometry(risky):
    risky.loc[0, "lat"] = None
    assert to_geojson(risky)["features"][0]["geometry"] is None


def test_streamed_geojson_parses_to_the_same_collection(demo):
    records = demo.head(120)
    text = b"".join(iter_geojson(records, chunk_rows=50))
    assert json.loads(text) == to_geojson(records)
    ids = [f["properties"]["cluster_id"] for f in json.loads(text)["features"]]
    assert ids == records["cluster_id"].tolist()
