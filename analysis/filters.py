"""The one filter state (FilterSpec) shared by page URL, UI and API, and the mask it selects.

FilterSpec's fields come from the parameter table (`analysis.params.FILTERS`): one field per
query parameter, in the table's order. Values of one parameter are comma-separated and mean
"any of"; parameters combine with AND; ranges are inclusive and a record whose number is
unknown is outside every range. `q` keeps records whose name, acronym, city, description,
offers or needs contain every word of it (case and accents ignored).
"""

from collections.abc import Collection
from dataclasses import field, fields, make_dataclass, replace
from typing import Self
from urllib.parse import parse_qsl, urlencode

import numpy as np

from analysis import _parsing
from analysis._parsing import Query
from analysis.dataset import Dataset
from analysis.params import BY_NAME, FILTERS, PARAMS, FilterParam
from data.text import fold_accents

Keys = tuple[str, ...]
Box = tuple[float, float, float, float]
# The field type and default of each kind of filter.
_KIND_FIELDS = {"text": (str, ""), "keys": (Keys, ()), "range": (int | None, None),
                "box": (Box | None, None)}  # fmt: skip
# Each query parameter -> the filter it belongs to (a range has two parameters).
FILTER_OF = {param: f for f in FILTERS for param in f.params}


class _FilterSpecMethods:
    """Behaviour of FilterSpec; the fields are generated from the parameter table."""

    def __post_init__(self) -> None:
        """Canonicalise: whitespace of q collapsed, keys sorted and unique, numbers typed."""
        # Canonical values make equal filters compare (and hash, and cache) equal.
        for name in PARAMS:
            object.__setattr__(self, name, _canonical(FILTER_OF[name], getattr(self, name)))

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
        values: dict[str, object] = {}
        for spec in FILTERS:
            values.update(_read(spec, raw, dataset=dataset, notices=notices))
        return cls(**values), notices

    def to_query(self) -> dict[str, str]:
        """Return the non-empty parameters as query values, in the fixed parameter order."""
        query: dict[str, str] = {}
        for param in PARAMS:
            value = getattr(self, param)
            if value is None or value in ("", ()):
                continue
            if FILTER_OF[param].kind == "box":
                query[param] = _parsing.format_bbox(value)
            else:
                query[param] = ",".join(value) if isinstance(value, tuple) else str(value)
        return query

    def to_query_string(self) -> str:
        """Return "" or "?a=b&…" of the non-empty parameters."""
        return query_string(self.to_query())

    @property
    def is_empty(self) -> bool:
        """Return whether the filter keeps every record."""
        return not self.to_query()

    def with_value(self, param: str, value: object) -> Self:
        """Return a copy with `param` set to `value` (None or "" clears it)."""
        _check_param(param)
        return replace(self, **{param: _default(param) if value in (None, "") else value})

    def toggle(self, param: str, value: object) -> Self:
        """Return a copy with `value` added to or removed from `param` (cross-filtering)."""
        _check_param(param)
        current = getattr(self, param)
        if FILTER_OF[param].kind == "keys":
            return replace(self, **{param: set(current) ^ {str(value)}})
        return self.with_value(param, None if current == value else value)


def _spec_fields() -> list[tuple]:
    kinds = [(param, *_KIND_FIELDS[FILTER_OF[param].kind]) for param in PARAMS]
    return [(name, kind, field(default=default)) for name, kind, default in kinds]


FilterSpec = make_dataclass("FilterSpec", _spec_fields(), bases=(_FilterSpecMethods,), frozen=True)
FilterSpec.__module__ = __name__
FilterSpec.__doc__ = "Which records to show; every value is stored in canonical form."


def parse_query_string(
    qs: str, *, dataset: Dataset | None = None, ignore: Collection[str] = ()
) -> tuple[FilterSpec, list[str]]:
    """Return the filter and notices of a query string, with or without its leading "?"."""
    return FilterSpec.parse(query_dict(qs), dataset=dataset, ignore=ignore)


def query_string(query: dict[str, str]) -> str:
    """Return "" or "?a=b&…" (commas left unescaped so the URL stays readable)."""
    return "?" + urlencode(query, safe=",") if query else ""


def query_dict(qs: str) -> dict[str, list[str]]:
    """Return parameter -> values of a query string (blank values kept, order kept)."""
    query: dict[str, list[str]] = {}
    for name, value in parse_qsl(qs.removeprefix("?"), keep_blank_values=True):
        query.setdefault(name, []).append(value)
    return query


def filter_masks(dataset: Dataset, spec: FilterSpec) -> dict[str, np.ndarray]:
    """Return the mask of each active filter (by filter name); all of them AND-ed filter."""
    masks: dict[str, np.ndarray] = {}
    for param in FILTERS:
        values = tuple(getattr(spec, name) for name in param.params)
        if any(value not in (None, "", ()) for value in values):
            masks[param.name] = _MASKS[param.kind](dataset, param, *values)
    return masks


def apply_filter(dataset: Dataset, spec: FilterSpec) -> np.ndarray:
    """Return the boolean mask of the records that `spec` keeps (vectorised, no row loop)."""
    return combine(filter_masks(dataset, spec), len(dataset))


def combine(masks: dict[str, np.ndarray], size: int, *, leave_out: str | None = None):
    """Return the AND of `masks` (all records when there is none), leaving one filter out."""
    mask = np.ones(size, dtype=bool)
    for name, selected in masks.items():
        if name != leave_out:
            mask &= selected
    return mask


def facet_counts(dataset: Dataset, spec: FilterSpec) -> dict[str, dict[str, int]]:
    """Return, per `keys` filter, how many records each value would keep with the others.

    As in faceted search, a filter's own selection is left out of its counts, so that
    "Germany (16)" reads: choosing Germany alone, under the other filters, keeps 16 records.
    """
    masks = filter_masks(dataset, spec)
    return {
        param.name: dataset.option_counts(
            param.name, combine(masks, len(dataset), leave_out=param.name)
        )
        for param in FILTERS
        if param.kind == "keys"
    }


def _read(
    param: FilterParam, raw: dict[str, list[str]], *, dataset: Dataset | None, notices: list[str]
) -> dict[str, object]:
    """Return the field values of one filter read from the raw query values."""
    given = [raw.get(name, []) for name in param.params]
    if param.kind == "text":
        return {param.name: " ".join(given[0])}
    if param.kind == "keys":
        return {param.name: _parsing.parse_keys(param, given[0], dataset=dataset, notices=notices)}
    if param.kind == "box":
        return {param.name: _parsing.parse_bbox(given[0], notices=notices)}
    low, high = (
        _parsing.parse_whole(name, values, lowest=param.bounds[0], notices=notices)
        for name, values in zip(param.params, given, strict=True)
    )
    if low is not None and high is not None and low > high:
        notices.append(
            f"swapped {param.params[0]} {low} and {param.params[1]} {high}: "
            "the minimum was above the maximum"
        )
        low, high = high, low
    return dict(zip(param.params, (low, high), strict=True))


def _keys_mask(dataset: Dataset, param: FilterParam, keys: Keys) -> np.ndarray:
    return dataset.facets[param.name].select(keys)


def _range_mask(
    dataset: Dataset, param: FilterParam, low: int | None, high: int | None
) -> np.ndarray:
    numbers = dataset.numbers[param.column]
    # NaN (unknown) compares False, so unknown numbers fall outside every range.
    mask = np.isfinite(numbers)
    if low is not None:
        mask &= numbers >= low
    if high is not None:
        mask &= numbers <= high
    return mask


def _box_mask(dataset: Dataset, param: FilterParam, box: Box) -> np.ndarray:
    min_lon, min_lat, max_lon, max_lat = box
    lon, lat = dataset.lon, dataset.lat
    return (lon >= min_lon) & (lon <= max_lon) & (lat >= min_lat) & (lat <= max_lat)


def _text_mask(dataset: Dataset, param: FilterParam, q: str) -> np.ndarray:
    """Return the records whose searched fields contain every word of `q`."""
    mask = np.ones(len(dataset), dtype=bool)
    for word in fold_accents(q).split():
        if not mask.any():
            break
        mask &= dataset.search.match(word)
    return mask


_MASKS = {"text": _text_mask, "keys": _keys_mask, "range": _range_mask, "box": _box_mask}


def _canonical(param: FilterParam, value: object) -> object:
    if param.kind == "text":
        return " ".join(str(value or "").split())
    if param.kind == "keys":
        return _as_keys(value)
    if param.kind == "range":
        return None if value is None else int(value)
    if value is None:
        return None
    box = tuple(float(v) for v in value)
    if len(box) != 4:
        raise ValueError(f"{param.name} needs 4 numbers, not {len(box)}")
    return box


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


__all__ = ["BY_NAME", "PARAMS", "FilterSpec", "apply_filter", "facet_counts", "filter_masks",
           "parse_query_string", "query_dict"]  # fmt: skip
