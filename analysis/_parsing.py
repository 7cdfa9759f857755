"""Reading filter values from a query: each is kept in canonical form or ignored with a notice.

Notices are short human-readable sentences such as `ignored country "ZZ": not a country code`;
the value is echoed shortened so that a hostile query cannot make them huge.
"""

import math
import re
from collections.abc import Collection, Mapping, Sequence

from analysis.dataset import Dataset
from analysis.params import FilterParam
from data.taxonomies import vocabulary
from data.text import slugify

Query = Mapping[str, str | Sequence[str]]
# Longest value echoed back in a notice.
ECHO_CHARS = 60
_WHOLE = re.compile(r"^[+-]?[0-9]{1,12}$")
# The largest absolute longitude, latitude, longitude, latitude of a bbox.
LIMITS = (180.0, 90.0, 180.0, 90.0)


def echo(value: str) -> str:
    """Return `value` quoted for a notice, shortened when long."""
    text = value if len(value) <= ECHO_CHARS else value[: ECHO_CHARS - 1] + "…"
    return f'"{text}"'


def collect(query: Query, *, known: Collection[str], ignore: Collection[str]) -> tuple[
    dict[str, list[str]], list[str]
]:  # fmt: skip
    """Return each known parameter's raw values (repeats merged) and notices of unknown ones."""
    raw: dict[str, list[str]] = {}
    notices: list[str] = []
    for name, values in _items(query):
        param = name.strip().lower()
        if param in known:
            raw.setdefault(param, []).extend(values)
        elif param not in ignore and name not in ignore:
            notices.append(f"ignored unknown parameter {echo(name)}")
    return raw, notices


def _items(query: Query) -> list[tuple[str, list[str]]]:
    # A werkzeug MultiDict (Flask's request.args) yields only the first of repeated values.
    if hasattr(query, "getlist"):
        return [(name, [str(v) for v in query.getlist(name)]) for name in query]
    return [
        (str(name), [values] if isinstance(values, str) else [str(v) for v in values])
        for name, values in query.items()
    ]


def parse_keys(
    param: FilterParam, values: Sequence[str], *, dataset: Dataset | None, notices: list[str]
) -> tuple[str, ...]:
    """Return the canonical keys of comma-separated `values`; note the refused ones."""
    rule = param.rule
    keys: list[str] = []
    for token in (t.strip() for value in values for t in value.split(",")):
        if not token:
            continue
        key = rule.canonical(token)
        problem = _key_problem(param, key, dataset=dataset)
        if problem:
            notices.append(f"ignored {param.name} {echo(token)}: {problem}")
        else:
            keys.append(key)
    return tuple(sorted(set(keys)))


def _key_problem(param: FilterParam, key: str, *, dataset: Dataset | None) -> str | None:
    rule = param.rule
    if rule.data_reason and dataset is not None:
        return None if key in dataset.facets[param.name].position else rule.data_reason
    if rule.is_valid(key):
        return None
    suggestion = vocabulary(param.vocabulary).suggest(key) if param.suggest and key else None
    return f"{rule.reason} (did you mean {slugify(suggestion)}?)" if suggestion else rule.reason


def last_given(param: str, values: Sequence[str], *, notices: list[str]) -> str | None:
    """Return the last non-empty value; note the different earlier ones as overridden."""
    given = [v.strip() for v in values if v.strip()]
    for earlier in dict.fromkeys(given[:-1]):
        if earlier != given[-1]:
            notices.append(f"ignored {param} {echo(earlier)}: given more than once, kept the last")
    return given[-1] if given else None


def parse_whole(
    param: str, values: Sequence[str], *, lowest: int | None, notices: list[str]
) -> int | None:
    """Return the last whole number of `values`; note malformed, negative, overridden ones."""
    given = last_given(param, values, notices=notices)
    if given is None:
        return None
    if not _WHOLE.fullmatch(given):
        notices.append(f"ignored {param} {echo(given)}: not a whole number")
        return None
    number = int(given)
    # A range whose lowest offered value is not negative (counts, years) takes no negatives.
    if number < 0 and lowest is not None and lowest >= 0:
        notices.append(f"ignored {param} {echo(given)}: must not be negative")
        return None
    return number


def parse_bbox(
    values: Sequence[str], *, notices: list[str]
) -> tuple[float, float, float, float] | None:
    """Return minlon,minlat,maxlon,maxlat from the last bbox value, clipped and ordered."""
    given = last_given("bbox", values, notices=notices)
    if given is None:
        return None
    numbers = _four_numbers(given, notices=notices)
    if numbers is None:
        return None
    box = _clip(numbers, text=given, notices=notices)
    ordered = (min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3]))
    if ordered != box:
        notices.append(
            f"swapped bbox minimum and maximum: read {echo(given)} as {echo(format_bbox(ordered))}"
        )
    return ordered


def _four_numbers(text: str, *, notices: list[str]) -> tuple[float, ...] | None:
    parts = text.split(",")
    if len(parts) != 4:
        notices.append(f"ignored bbox {echo(text)}: expected minlon,minlat,maxlon,maxlat")
        return None
    try:
        numbers = tuple(float(part) for part in parts)
    except ValueError:
        numbers = (math.nan,)
    if not all(math.isfinite(n) for n in numbers):
        notices.append(f"ignored bbox {echo(text)}: not four numbers")
        return None
    return numbers


def _clip(numbers: tuple[float, ...], *, text: str, notices: list[str]) -> tuple[float, ...]:
    box = tuple(min(max(n, -limit), limit) for n, limit in zip(numbers, LIMITS, strict=True))
    if box != numbers:
        notices.append(f"clipped bbox {echo(text)} to longitudes ±180 and latitudes ±90")
    return box


def format_number(value: float) -> str:
    """Return the shortest text that reads back as exactly `value` ("5" for 5.0)."""
    text = repr(float(value))
    return text.removesuffix(".0")


def format_bbox(box: Sequence[float]) -> str:
    """Return the bbox query value minlon,minlat,maxlon,maxlat."""
    return ",".join(format_number(v) for v in box)
