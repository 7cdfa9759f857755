"""Test helpers shared by the filter and API tests: the demo dataset, spec strategies, an oracle.

The oracle is a deliberately naive row-by-row reading of the filter rules (DESIGN.md, "Public
interface"), independent of the Dataset's arrays, that apply_filter must agree with exactly.
"""

from functools import cache

import pandas as pd
from hypothesis import settings
from hypothesis import strategies as st

from analysis.dataset import Dataset, prepare
from analysis.filters import FilterSpec
from analysis.params import KEY_FILTERS
from data.taxonomies import vocabulary
from data.text import fold_accents, slugify
from ingest.pipeline import load_records
from settings import DEMO_DATA_PATH

EXAMPLES = settings(max_examples=100, derandomize=True, deadline=None)
VOCABULARIES = {"scope": "scopes", "label": "labels", "ecosystem": "ecosystems",
                "sector": "sectors", "emerging": "emerging_industries"}  # fmt: skip


@cache
def demo() -> Dataset:
    """Return the demo records, prepared once for the whole module."""
    return prepare(load_records(DEMO_DATA_PATH))


# --- the oracle ---------------------------------------------------------------------------------


def naive_filter(records: pd.DataFrame, spec: FilterSpec) -> list[str]:
    """Return the cluster_ids `spec` keeps, deciding record by record in plain Python."""
    return [row["cluster_id"] for row in _rows(records) if _naive_keeps(row, spec)]


def _rows(records: pd.DataFrame) -> list[dict]:
    # Converted (and the searched fields folded) once per frame: only for the tests' speed.
    key = id(records)
    if key not in _ROWS:
        _ROWS[key] = records.to_dict("records")
        for row in _ROWS[key]:
            row["_folded"] = [fold_accents(_text(row[c])) for c in SEARCHED if _given(row[c])]
    return _ROWS[key]


_ROWS: dict[int, list[dict]] = {}
SEARCHED = ("name", "acronym", "city", "description", "offers", "needs")


def _given(value) -> bool:
    return isinstance(value, tuple) or not pd.isna(value)


def _text(value) -> str:
    return " ".join(value) if isinstance(value, tuple) else str(value)


def _naive_keeps(row: dict, spec: FilterSpec) -> bool:
    return all((
        _any_of(spec.scope, [row["scope"]], slugify),
        _any_of(spec.country, [row["country_code"]], str),
        _any_of(spec.region, [row["region_code"]], str),
        _any_of(spec.nuts2, [row["nuts2"]], str),
        _any_of(spec.label, [row["label"]], slugify),
        _any_of(spec.ecosystem, row["ecosystems"], slugify),
        _any_of(spec.sector, row["sectors"], slugify),
        _any_of(spec.emerging, row["emerging_industries"], slugify),
        _any_of(spec.partnership, row["partnerships"], slugify),
        _within(row["sme_members"], spec.sme_min, spec.sme_max),
        _within(row["founded"], spec.founded_min, spec.founded_max),
        _in_box(row["lon"], row["lat"], spec.bbox),
        _matches(row, spec.q),
    ))  # fmt: skip


def _any_of(wanted: tuple[str, ...], values, key) -> bool:
    return not wanted or any(not pd.isna(v) and key(v) in wanted for v in values)


def _within(value, low: int | None, high: int | None) -> bool:
    if low is None and high is None:
        return True
    if pd.isna(value):
        return False
    return (low is None or value >= low) and (high is None or value <= high)


def _in_box(lon: float, lat: float, box) -> bool:
    return box is None or (box[0] <= lon <= box[2] and box[1] <= lat <= box[3])


def _matches(row: dict, q: str) -> bool:
    return all(any(word in field for field in row["_folded"]) for word in fold_accents(q).split())


# --- strategies ---------------------------------------------------------------------------------


def _words(dataset: Dataset) -> list[str]:
    text = " ".join(dataset.records[["name", "city", "description"]].astype(str).sum(axis=1))
    return sorted(set(text.split()))[::7]


@cache
def value_strategies(dataset: Dataset) -> dict[str, st.SearchStrategy]:
    """Return a strategy per parameter: the dataset's values plus valid ones it lacks."""
    keys = {f.name: [key for key, _ in dataset.options(f.name)] for f in KEY_FILTERS}
    # Valid ISO2 codes and taxonomy slugs with no record are kept by parse and match nothing.
    keys["country"] += ["AQ", "JP"]
    for param, name in VOCABULARIES.items():
        keys[param] = sorted(set(keys[param]) | set(vocabulary(name).by_slug))
    strategies = {p: st.lists(st.sampled_from(v), min_size=1, max_size=3)
                  for p, v in keys.items() if v}  # fmt: skip
    return strategies | {
        "q": _queries(dataset), "bbox": _boxes(dataset),
        "sme_min": st.integers(0, 400), "sme_max": st.integers(0, 900),
        "founded_min": st.integers(1950, 2025), "founded_max": st.integers(1950, 2025),
    }  # fmt: skip


@st.composite
def filter_specs(draw: st.DrawFn, dataset: Dataset) -> FilterSpec:
    """Return a spec setting a few parameters (so that results are rarely all or nothing)."""
    values = value_strategies(dataset)
    chosen = draw(st.sets(st.sampled_from(sorted(values)), max_size=4))
    return FilterSpec(**{param: draw(values[param]) for param in sorted(chosen)})


def _queries(dataset: Dataset) -> st.SearchStrategy[str]:
    word = st.sampled_from(_words(dataset))
    odd = st.sampled_from(["a", "é", "ß", "Zürich", "-", "xyzzy", "CLUSTER"])
    piece = st.one_of(word, word.map(str.upper), word.map(lambda w: w[1:4]), odd)
    return st.lists(piece, min_size=1, max_size=2).map(" ".join)


def _boxes(dataset: Dataset) -> st.SearchStrategy[tuple[float, float, float, float]]:
    # Edges taken from records' own coordinates test that edges are inclusive.
    lon = st.sampled_from(dataset.lon.tolist()) | st.floats(-180, 180)
    lat = st.sampled_from(dataset.lat.tolist()) | st.floats(-90, 90)
    return st.tuples(lon, lat, lon, lat).map(
        lambda b: (min(b[0], b[2]), min(b[1], b[3]), max(b[0], b[2]), max(b[1], b[3]))
    )


def valid_specs(dataset: Dataset) -> st.SearchStrategy[FilterSpec]:
    """Return specs that parse back unchanged: ranges ordered, values canonical."""
    return filter_specs(dataset).filter(
        lambda s: (
            (s.sme_min is None or s.sme_max is None or s.sme_min <= s.sme_max)
            and (s.founded_min is None or s.founded_max is None or s.founded_min <= s.founded_max)
        )
    )
