"""Reading filter values from a query: each is kept in canonical form or ignored with a notice.

Notices are short human-readable sentences such as `ignored country "ZZ": not a country code`;
the value is echoed shortened so that a hostile query cannot make them huge.
"""

import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from analysis.dataset import Dataset
from data.countries import country_name, resolve_country
from data.taxonomies import vocabulary
from data.text import slugify

Query = Mapping[str, str | Sequence[str]]
# Longest value echoed back in a notice.
ECHO_CHARS = 60
_WHOLE = re.compile(r"^[+-]?[0-9]{1,12}$")
_REGION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,12}$")
_NUTS2 = re.compile(r"^[A-Z]{2}[A-Z0-9]{2}$")
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


@dataclass(frozen=True)
class KeyRule:
    """How one facet parameter reads a value: canonical form, validity, why it was refused."""

    canonical: Callable[[str], str]
    is_valid: Callable[[str], bool]
    reason: str
    # Only values present in the dataset count (regions, NUTS-2, partnerships).
    from_data: bool = False
    vocabulary: str | None = None


def _is_country(code: str) -> bool:
    try:
        country_name(code)
    except KeyError:
        return False
    return True


def _country(token: str) -> str:
    code = token.upper()
    if _is_country(code) or len(code) != 2:
        return code
    # Eurostat's EL and UK read as GR and GB; names are not accepted, only two-letter codes.
    return resolve_country(code) or code


def _in_vocabulary(name: str) -> Callable[[str], bool]:
    return lambda slug: slug in vocabulary(name).by_slug


KEY_RULES = {
    "scope": KeyRule(slugify, _in_vocabulary("scopes"),
                     "not a scope (eu, non-eu-europe, third-country)"),
    "country": KeyRule(_country, _is_country, "not a country code"),
    "region": KeyRule(str.upper, lambda key: bool(_REGION.fullmatch(key)),
                      "not a region code (like DE-02)", from_data=True),
    "nuts2": KeyRule(str.upper, lambda key: bool(_NUTS2.fullmatch(key)),
                     "not a NUTS-2 id (like DE11)", from_data=True),
    "ecosystem": KeyRule(slugify, _in_vocabulary("ecosystems"), "not an ecosystem",
                         vocabulary="ecosystems"),
    "sector": KeyRule(slugify, _in_vocabulary("sectors"), "not a sector", vocabulary="sectors"),
    "emerging": KeyRule(slugify, _in_vocabulary("emerging_industries"),
                        "not an emerging industry", vocabulary="emerging_industries"),
    "label": KeyRule(slugify, _in_vocabulary("labels"), "not a label (gold, silver, bronze, none)"),
    "partnership": KeyRule(slugify, bool, "not a partnership name", from_data=True),
}  # fmt: skip
DATA_REASONS = {
    "region": "no region with this code in the data",
    "nuts2": "no NUTS-2 region with this id in the data",
    "partnership": "no partnership of this name in the data",
}


def parse_keys(
    param: str, values: Sequence[str], *, dataset: Dataset | None, notices: list[str]
) -> tuple[str, ...]:
    """Return the canonical keys of comma-separated `values`; note the refused ones."""
    rule = KEY_RULES[param]
    keys: list[str] = []
    for token in (t.strip() for value in values for t in value.split(",")):
        if not token:
            continue
        key = rule.canonical(token)
        problem = _key_problem(param, key, rule=rule, dataset=dataset)
        if problem:
            notices.append(f"ignored {param} {echo(token)}: {problem}")
        else:
            keys.append(key)
    return tuple(sorted(set(keys)))


def _key_problem(param: str, key: str, *, rule: KeyRule, dataset: Dataset | None) -> str | None:
    if rule.from_data and dataset is not None:
        return None if key in dataset.facets[param].position else DATA_REASONS[param]
    if rule.is_valid(key):
        return None
    suggestion = vocabulary(rule.vocabulary).suggest(key) if rule.vocabulary and key else None
    return f"{rule.reason} (did you mean {slugify(suggestion)}?)" if suggestion else rule.reason


def _last_given(param: str, values: Sequence[str], *, notices: list[str]) -> str | None:
    """Return the last non-empty value; note the different earlier ones as overridden."""
    given = [v.strip() for v in values if v.strip()]
    for earlier in dict.fromkeys(given[:-1]):
        if earlier != given[-1]:
            notices.append(f"ignored {param} {echo(earlier)}: given more than once, kept the last")
    return given[-1] if given else None


def parse_whole(param: str, values: Sequence[str], *, notices: list[str]) -> int | None:
    """Return the last whole number of `values`; note malformed and overridden ones."""
    given = _last_given(param, values, notices=notices)
    if given is None:
        return None
    if not _WHOLE.fullmatch(given):
        notices.append(f"ignored {param} {echo(given)}: not a whole number")
        return None
    number = int(given)
    if number < 0 and param.startswith("sme"):
        notices.append(f"ignored {param} {echo(given)}: must not be negative")
        return None
    return number


def parse_bbox(
    values: Sequence[str], *, notices: list[str]
) -> tuple[float, float, float, float] | None:
    """Return minlon,minlat,maxlon,maxlat from the last bbox value, clipped and ordered."""
    given = _last_given("bbox", values, notices=notices)
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
