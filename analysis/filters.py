"""The one filter state (FilterSpec) shared by page URL, UI and API, and the mask it selects.

Parameters, identical in the page URL and the API (see DESIGN.md, "Public interface"):
`q, scope, country, region, nuts2, ecosystem, sector, emerging, label, partnership, sme_min,
sme_max, founded_min, founded_max, bbox=minlon,minlat,maxlon,maxlat`. Values of one parameter
are comma-separated and mean "any of"; parameters combine with AND; ranges are inclusive and a
record whose number is unknown is outside every range. `q` keeps records whose name, acronym,
city or description contains every word of it (case and accents ignored).
"""

from collections.abc import Collection
from dataclasses import dataclass, fields, replace
from typing import Self
from urllib.parse import parse_qsl, urlencode

import numpy as np

from analysis import _parsing
from analysis._parsing import Query
from analysis.dataset import Dataset
from data.text import fold_accents

KEY_PARAMS = (
    "scope", "country", "region", "nuts2", "ecosystem", "sector", "emerging", "label",
    "partnership",
)  # fmt: skip
RANGE_PARAMS = ("sme_min", "sme_max", "founded_min", "founded_max")
PARAMS = ("q", *KEY_PARAMS, *RANGE_PARAMS, "bbox")
# Each range parameter: the dataset number it bounds and whether it is the lower bound.
RANGE_BOUNDS = {
    "sme_min": ("sme_members", True), "sme_max": ("sme_members", False),
    "founded_min": ("founded", True), "founded_max": ("founded", False),
}  # fmt: skip

Keys = tuple[str, ...]


@dataclass(frozen=True)
class FilterSpec:
    """Which records to show; every value is stored in canonical form (see `__post_init__`)."""

    q: str = ""
    scope: Keys = ()
    country: Keys = ()
    region: Keys = ()
    nuts2: Keys = ()
    ecosystem: Keys = ()
    sector: Keys = ()
    emerging: Keys = ()
    label: Keys = ()
    partnership: Keys = ()
    sme_min: int | None = None
    sme_max: int | None = None
    founded_min: int | None = None
    founded_max: int | None = None
    bbox: tuple[float, float, float, float] | None = None

    def __post_init__(self) -> None:
        """Canonicalise: whitespace of q collapsed, keys sorted and unique, numbers typed."""
        # Canonical values make equal filters compare (and hash, and cache) equal.
        set_value = object.__setattr__
        set_value(self, "q", " ".join(str(self.q or "").split()))
        for param in KEY_PARAMS:
            set_value(self, param, _as_keys(getattr(self, param)))
        for param in RANGE_PARAMS:
            value = getattr(self, param)
            set_value(self, param, None if value is None else int(value))
        if self.bbox is not None:
            box = tuple(float(v) for v in self.bbox)
            if len(box) != 4:
                raise ValueError(f"bbox needs 4 numbers, not {len(box)}")
            set_value(self, "bbox", box)

    @classmethod
    def parse(
        cls, query: Query, *, dataset: Dataset | None = None, ignore: Collection[str] = ()
    ) -> tuple[Self, list[str]]:
        """Return the filter a URL/API query asks for, and notices of every value ignored.

        Parameters
        ----------
        query:
            Parameter -> value or values (a dict, `parse_qs` output or Flask's `request.args`).
        dataset:
            When given, regions, NUTS-2 ids and partnerships absent from it are ignored.
        ignore:
            Parameters that belong to the caller (e.g. a map's `zoom`): not reported as unknown.
        """
        raw, notices = _parsing.collect(query, known=PARAMS, ignore=ignore)
        values: dict[str, object] = {"q": " ".join(raw.get("q", []))}
        for param in KEY_PARAMS:
            values[param] = _parsing.parse_keys(
                param, raw.get(param, []), dataset=dataset, notices=notices
            )
        for param in RANGE_PARAMS:
            values[param] = _parsing.parse_whole(param, raw.get(param, []), notices=notices)
        for low, high in (("sme_min", "sme_max"), ("founded_min", "founded_max")):
            _order_range(values, low, high, notices=notices)
        values["bbox"] = _parsing.parse_bbox(raw.get("bbox", []), notices=notices)
        return cls(**values), notices

    def to_query(self) -> dict[str, str]:
        """Return the non-empty parameters as query values, in the fixed parameter order."""
        query: dict[str, str] = {}
        for param in PARAMS:
            value = getattr(self, param)
            if value is None or value in ("", ()):
                continue
            if param == "bbox":
                query[param] = _parsing.format_bbox(value)
            else:
                query[param] = ",".join(value) if isinstance(value, tuple) else str(value)
        return query

    def to_query_string(self) -> str:
        """Return "" or "?a=b&…" (commas left unescaped so the URL stays readable)."""
        query = self.to_query()
        return "?" + urlencode(query, safe=",") if query else ""

    @property
    def is_empty(self) -> bool:
        """Return whether the filter keeps every record."""
        return self == FilterSpec()

    def with_value(self, param: str, value: object) -> Self:
        """Return a copy with `param` set to `value` (None or "" clears it)."""
        _check_param(param)
        return replace(self, **{param: _default(param) if value in (None, "") else value})

    def toggle(self, param: str, value: object) -> Self:
        """Return a copy with `value` added to or removed from `param` (cross-filtering)."""
        _check_param(param)
        current = getattr(self, param)
        if param in KEY_PARAMS:
            return replace(self, **{param: set(current) ^ {str(value)}})
        return self.with_value(param, None if current == value else value)


def parse_query_string(
    qs: str, *, dataset: Dataset | None = None, ignore: Collection[str] = ()
) -> tuple[FilterSpec, list[str]]:
    """Return the filter and notices of a query string, with or without its leading "?"."""
    query: dict[str, list[str]] = {}
    for name, value in parse_qsl(qs.removeprefix("?"), keep_blank_values=True):
        query.setdefault(name, []).append(value)
    return FilterSpec.parse(query, dataset=dataset, ignore=ignore)


def apply_filter(dataset: Dataset, spec: FilterSpec) -> np.ndarray:
    """Return the boolean mask of the records that `spec` keeps (vectorised, no row loop)."""
    mask = np.ones(len(dataset), dtype=bool)
    for param in KEY_PARAMS:
        if keys := getattr(spec, param):
            mask &= dataset.facets[param].select(keys)
    for param, (column, is_lower) in RANGE_BOUNDS.items():
        if (bound := getattr(spec, param)) is not None:
            numbers = dataset.numbers[column]
            # NaN (unknown) compares False, so unknown numbers fall outside every range.
            mask &= numbers >= bound if is_lower else numbers <= bound
    if spec.bbox is not None:
        mask &= _bbox_mask(dataset, spec.bbox)
    return _search(dataset, spec.q, mask) if spec.q else mask


def _bbox_mask(dataset: Dataset, box: tuple[float, float, float, float]) -> np.ndarray:
    min_lon, min_lat, max_lon, max_lat = box
    lon, lat = dataset.lon, dataset.lat
    return (lon >= min_lon) & (lon <= max_lon) & (lat >= min_lat) & (lat <= max_lat)


def _search(dataset: Dataset, q: str, mask: np.ndarray) -> np.ndarray:
    """Narrow `mask` to records whose searched fields contain every word of `q`."""
    for word in fold_accents(q).split():
        if not mask.any():
            break
        mask &= dataset.search.match(word)
    return mask


def _order_range(values: dict[str, object], low: str, high: str, *, notices: list[str]) -> None:
    lo, hi = values[low], values[high]
    if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
        values[low], values[high] = hi, lo
        notices.append(f"swapped {low} {lo} and {high} {hi}: the minimum was above the maximum")


def _as_keys(value: object) -> Keys:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    return tuple(sorted({str(item) for item in items if str(item)}))


def _check_param(param: str) -> None:
    if param not in PARAMS:
        raise ValueError(f"unknown filter parameter {param!r} (one of {', '.join(PARAMS)})")


def _default(param: str) -> object:
    return next(f.default for f in fields(FilterSpec) if f.name == param)
