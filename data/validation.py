"""Row validation at the boundary: text rows in, canonical records plus one reject line per problem.

The input frame holds text cells (NA when missing) under canonical column names (plus extra
fields) and is indexed by source row number. Every rule is vectorised; the look-ups that need
Python (countries, taxonomy terms, offers, name keys) run once per UNIQUE value and are mapped
back onto the rows.

Decisions:
- counts: "1200", "1200.0", "1 200", "1'200", "1.200" and "1,200" all mean 1200 (a separator
  followed by groups of exactly three digits is a thousands separator, so "120.000" is 120000;
  a decimal part of zeros is dropped); "12.5", "-5" and "abc" are rejected;
- lat/lon accept a decimal comma ("48,8566");
- dates: ISO (YYYY-MM-DD, optionally with a time) or DD/MM/YYYY (also DD.MM.YYYY, DD-MM-YYYY);
- duplicates are looked for over all rows, so "duplicate of row N" names the first occurrence.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data.checks import Check, map_unique, per_unique, problem_lines, unknown_reason
from data.countries import country_name, country_scope, resolve_country, suggest_country
from data.places import Geocoder, check_places
from data.schema import (
    CANONICAL_COLUMNS,
    DATE_COLUMNS,
    conform,
)
from data.terms import check_label, check_offers, check_terms
from data.text import ascii_keys, normalise_keys

REJECT_COLUMNS = ("row", "name", "column", "value", "reason")
COUNT_COLUMNS = ("sme_members", "large_company_members", "research_members", "employees")
FIRST_YEAR = 1800
# A member or employee count above this is a typo or a sentinel (2^63-1, 10^30), not a cluster.
MAX_COUNT = 10_000_000
# Websites become live links: only these schemes; a bare host name gets https:// in front.
WEB_SCHEMES = ("http://", "https://")
_BARE_HOST = r"(?i)[a-z0-9][a-z0-9.-]*\.[a-z]{2,}(?:[/?#]\S*)?"
IN_NO_COUNTRY = "no country given and coordinates are in no country"
# Return the ISO2 code (or None) of the country at each (lon, lat) point.
Locator = Callable[[np.ndarray, np.ndarray], Sequence[str | None]]

_DECIMAL = r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?"
# Thousands separators: ".", "," or a (non-breaking/thin) space or apostrophe before each group
# of exactly three digits.
_GROUPED = "\\d{1,3}(?:\\.\\d{3})+|\\d{1,3}(?:,\\d{3})+|\\d{1,3}(?:[ \u00a0\u202f']\\d{3})+"
_WHOLE = r"\d+(?:[.,]0+)?"
_ISO_DATE = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DMY_DATE = r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}"


@dataclass(frozen=True)
class Validation:
    """Accepted rows as canonical records, and the rejects table (row, name, column, ...)."""

    records: pd.DataFrame
    rejects: pd.DataFrame


def validate(
    frame: pd.DataFrame,
    *,
    locate: Locator | None = None,
    geocode: Geocoder | None = None,
    problems: pd.DataFrame | None = None,
) -> Validation:
    """Check every row; return the accepted ones as canonical records plus the rejects.

    Parameters: `frame` text cells indexed by source row; `locate` finds the country of rows
    that give coordinates but no country; `geocode` places rows that give a city and a country
    but no coordinates (without it they are rejected: "no coordinates"); `problems` (row,
    column, value, reason) found while reading, whose rows are rejected too.
    """
    text = _with_inputs(frame)
    coords = check_coordinates(text)
    countries = check_countries(text, coords.values["lat"], coords.values["lon"], locate=locate)
    iso = countries.values["country_code"]
    places = check_places(text, coords.values, iso, geocode=geocode)
    checks = [
        check_name(text),
        coords, countries, places, check_numbers(text), check_dates(text), check_terms(text),
        check_label(text), check_offers(text), check_ids(text, iso), check_website(text),
    ]  # fmt: skip
    found = [problems] if problems is not None else []
    found += [problem for check in checks for problem in check.problems]
    rejects = _rejects(found, names=text["name"])
    work = text.assign(**{name: v for check in checks for name, v in check.values.items()})
    records = conform(work[~work.index.isin(rejects["row"])])
    if len(records) + rejects["row"].nunique() != len(frame):
        raise RuntimeError(
            f"validation lost rows: {len(frame)} read, {len(records)} accepted, "
            f"{rejects['row'].nunique()} rejected"
        )
    return Validation(records, rejects)


def check_name(text: pd.DataFrame) -> Check:
    """Require a name."""
    return Check(
        problems=[problem_lines(text["name"].isna(), "name", text["name"], "name is required")]
    )


def parse_decimal(values: pd.Series) -> pd.Series:
    """Return float64 numbers from text with a decimal point or comma; NaN when not a number."""
    ok = values.str.fullmatch(_DECIMAL).fillna(False).astype(bool)
    numbers = values.where(ok).str.replace(",", ".", regex=False)
    try:  # Arrow parses every form _DECIMAL matches; pd.to_numeric took 0.8 s a million cells
        parsed = pc.cast(pa.array(numbers.astype("string").array), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pd.to_numeric(numbers, errors="coerce").astype("float64")
    return pd.Series(parsed.to_numpy(zero_copy_only=False), index=values.index, name=values.name)


def parse_whole(values: pd.Series) -> pd.Series:
    """Return non-negative whole numbers from text ("1 200", "1.200", "120.0"); else NA."""
    text = values.str.strip()
    grouped = text.str.fullmatch(_GROUPED).fillna(False).astype(bool)
    whole = text.str.fullmatch(_WHOLE).fillna(False).astype(bool)
    digits = text.str.replace(r"[.,]0+$", "", regex=True).where(whole)
    digits = digits.mask(grouped, text.str.replace(r"\D", "", regex=True))
    # Parsed exactly: more digits than any plausible count is "too large", never wrapped
    # through float64 into a negative Int64.
    too_long = (digits.str.lstrip("0").str.len() > len(str(MAX_COUNT))).fillna(False)
    digits = digits.mask(too_long.astype(bool), str(MAX_COUNT + 1))
    return pd.to_numeric(digits, errors="coerce").astype("Int64")


def _is_negative(values: pd.Series) -> pd.Series:
    minus = values.str.match(r"\s*-").fillna(False).astype(bool)
    return minus & parse_whole(values.str.replace(r"^\s*-", "", regex=True)).notna()


def parse_dates(values: pd.Series) -> pd.Series:
    """Return dates from ISO or DD/MM/YYYY text; NaT when not a valid date."""
    iso = values.where(values.str.fullmatch(_ISO_DATE).fillna(False).astype(bool))
    dmy = values.where(values.str.fullmatch(_DMY_DATE).fillna(False).astype(bool))
    dmy = dmy.str.replace(r"[.-]", "/", regex=True)
    parsed = pd.to_datetime(iso, format="ISO8601", errors="coerce")
    return parsed.fillna(pd.to_datetime(dmy, format="%d/%m/%Y", errors="coerce"))


def check_coordinates(text: pd.DataFrame) -> Check:
    """Parse lat/lon; reject unparsable, out-of-range or obviously swapped ones."""
    lat_text, lon_text = text["lat"], text["lon"]
    lat, lon = parse_decimal(lat_text), parse_decimal(lon_text)
    swapped = lat.abs().between(90, 180, inclusive="right") & (lon.abs() <= 90)
    found = [
        problem_lines(lat_text.notna() & lat.isna(), "lat", lat_text, "lat is not a number"),
        problem_lines(lon_text.notna() & lon.isna(), "lon", lon_text, "lon is not a number"),
        problem_lines(
            swapped,
            "lat",
            lat_text,
            "lat and lon look swapped (lat " + lat_text + ", lon " + lon_text + ")",
        ),
        problem_lines((lat.abs() > 90) & ~swapped, "lat", lat_text, "lat is outside [-90, 90]"),
        problem_lines(lon.abs() > 180, "lon", lon_text, "lon is outside [-180, 180]"),
        problem_lines(lat_text.notna() & lon_text.isna(), "lon", lon_text, "lat given without lon"),
        problem_lines(lon_text.notna() & lat_text.isna(), "lat", lat_text, "lon given without lat"),
    ]
    valid = lat.between(-90, 90) & lon.between(-180, 180)
    quality = pd.Series(pd.NA, index=text.index, dtype="string").mask(valid, "input")
    return Check(
        {"lat": lat.where(valid), "lon": lon.where(valid), "geocode_quality": quality}, found
    )


def check_countries(
    text: pd.DataFrame, lat: pd.Series, lon: pd.Series, *, locate: Locator | None
) -> Check:
    """Resolve country codes or names to ISO2 (else locate the coordinates); derive name+scope."""
    code_text, name_text = text["country_code"], text["country"]
    code_iso, name_iso = (
        map_unique(code_text, resolve_country),
        map_unique(name_text, resolve_country),
    )
    conflict = code_iso.notna() & name_iso.notna() & (code_iso != name_iso)
    found = [
        _unknown_countries(code_text, code_iso, "country_code"),
        _unknown_countries(name_text, name_iso, "country"),
        problem_lines(
            conflict,
            "country",
            name_text,
            'country does not match country code "' + code_text + '"',
        ),
    ]
    iso = code_iso.fillna(name_iso)
    unlocated = code_text.isna() & name_text.isna() & lat.notna() & lon.notna()
    if locate is not None and unlocated.any():
        located = locate(lon[unlocated].to_numpy(), lat[unlocated].to_numpy())
        iso = iso.fillna(pd.Series(located, index=iso.index[unlocated], dtype="string"))
        # A point in no country may be a lat/lon swap: the swapped point's country is taken,
        # and placement (ingest.pipeline) exchanges them and flags the row latlon-swapped.
        lost = unlocated & iso.isna() & (lat.abs() <= 180) & (lon.abs() <= 90)
        if lost.any():
            swapped = locate(lat[lost].to_numpy(), lon[lost].to_numpy())
            iso = iso.fillna(pd.Series(swapped, index=iso.index[lost], dtype="string"))
    reason = IN_NO_COUNTRY if locate is not None else "no country given"
    found.append(problem_lines(unlocated & iso.isna(), "country", name_text, reason))
    derived = {"country": map_unique(iso, country_name), "scope": map_unique(iso, country_scope)}
    return Check({"country_code": iso, **derived}, found)


def _unknown_countries(values: pd.Series, iso: pd.Series, column: str) -> pd.DataFrame:
    unknown = values.notna() & iso.isna()
    reasons = map_unique(
        values[unknown], lambda value: unknown_reason("country", value, suggest_country(value))
    )
    return problem_lines(unknown, column, values, reasons)


def check_numbers(text: pd.DataFrame) -> Check:
    """Parse member counts and the founding year; reject negatives, fractions and text."""
    values, found = {}, []
    for column in (*COUNT_COLUMNS, "founded"):
        values[column], problems = _whole_numbers(text[column], column)
        found += problems
    year = values["founded"]
    this_year = date.today().year
    implausible = (year < FIRST_YEAR) | (year > this_year)
    reason = f"founded is not a plausible year ({FIRST_YEAR}-{this_year})"
    found.append(problem_lines(implausible, "founded", text["founded"], reason))
    return Check(values, found)


def _whole_numbers(raw: pd.Series, column: str) -> tuple[pd.Series, list[pd.DataFrame]]:
    if raw.isna().all():  # most files leave several count columns empty
        return pd.Series(pd.NA, index=raw.index, dtype="Int64"), []
    number = per_unique(raw, parse_whole)
    negative = per_unique(raw, _is_negative).fillna(False).astype(bool)
    bad = raw.notna() & number.isna() & ~negative
    large = (number > MAX_COUNT).fillna(False).astype(bool)
    return number.mask(large), [
        problem_lines(negative, column, raw, f"{column} is negative"),
        problem_lines(bad, column, raw, f"{column} is not a whole number"),
        problem_lines(large, column, raw, f"{column} is implausibly large (over {MAX_COUNT:,})"),
    ]


def check_website(text: pd.DataFrame) -> Check:
    """Keep http(s) websites; put https:// before a bare host name; reject other schemes.

    A website becomes a live link in the profile and the exports: `javascript:`, `data:`,
    `//host` or any other scheme would be a link to something else than a web page.
    """
    raw = text["website"]
    checked = per_unique(raw, _website)  # a million rows share far fewer sites
    bad = checked["bad"].fillna(False).astype(bool)
    reason = "website is not a web address (only http:// or https:// links are kept)"
    return Check({"website": checked["fixed"]}, [problem_lines(bad, "website", raw, reason)])


def _website(raw: pd.Series) -> pd.DataFrame:
    value = raw.str.strip()
    web = value.str.lower().str.startswith(WEB_SCHEMES).fillna(False).astype(bool)
    bare = value.str.fullmatch(_BARE_HOST).fillna(False).astype(bool) & ~web
    fixed = value.where(web).fillna(("https://" + value).where(bare))
    bad = raw.notna() & (value != "") & fixed.isna()
    return pd.DataFrame({"fixed": fixed.astype("string"), "bad": bad})


def check_dates(text: pd.DataFrame) -> Check:
    """Parse the date columns; reject anything that is not an ISO or DD/MM/YYYY date."""
    values, found = {}, []
    for column in DATE_COLUMNS:
        if text[column].isna().all():
            continue
        iso = per_unique(text[column], _iso_dates)  # dates repeat: each parsed once
        bad = text[column].notna() & iso.isna()
        reason = f"{column} is not a date (use YYYY-MM-DD or DD/MM/YYYY)"
        found.append(problem_lines(bad, column, text[column], reason))
        values[column] = iso
    return Check(values, found)


def _iso_dates(values: pd.Series) -> pd.Series:
    return parse_dates(values).dt.strftime("%Y-%m-%d").astype("string")


def check_ids(text: pd.DataFrame, iso: pd.Series) -> Check:
    """Reject repeated cluster ids and repeated name + country; generate missing ids."""
    given = text["cluster_id"]
    same_place = name_keys(text["name"]) + "|" + iso
    found = [
        _duplicates(given, "cluster_id", given),
        _duplicates(same_place, "name", text["name"]),
    ]
    return Check({"cluster_id": given.fillna(_generated_ids(given))}, found)


def _duplicates(keys: pd.Series, column: str, values: pd.Series) -> pd.DataFrame:
    later = keys.notna() & keys.duplicated(keep="first")
    if not later.any():
        return problem_lines(later, column, values, "")
    first_row = pd.Series(keys.index, index=keys.index).groupby(keys).min()
    reason = "duplicate of row " + keys.map(first_row).astype("Int64").astype("string")
    return problem_lines(later, column, values, reason)


def _generated_ids(given: pd.Series) -> pd.Series:
    # "C" + source row is stable across runs; a clash with an id the file gives is resolved by
    # a suffix so ids stay unique. Only the rows without an id get one.
    missing = given.index[given.isna().to_numpy()]
    ids = pd.Series("C" + missing.astype(str), index=missing, dtype="string")
    if ids.empty:
        return ids
    taken = set(given.dropna())
    for row in ids.index[ids.isin(taken)]:
        suffix = 2
        while f"{ids[row]}-{suffix}" in taken:
            suffix += 1
        ids[row] = f"{ids[row]}-{suffix}"
    return ids


def name_keys(names: pd.Series) -> pd.Series:
    """Return `normalise_key` of each name, vectorised for the (usual) plain-ASCII names."""
    values = pa.array(names.astype("string"), from_pandas=True)
    ascii_only = pc.fill_null(pc.string_is_ascii(values), False).to_numpy(zero_copy_only=False)
    keys = pd.Series(
        pd.arrays.ArrowStringArray(ascii_keys(values)), index=names.index, name=names.name
    )
    return keys.astype("string").mask(~ascii_only, normalise_keys(names[~ascii_only]))


def _with_inputs(frame: pd.DataFrame) -> pd.DataFrame:
    missing = {
        c: pd.Series(pd.NA, index=frame.index, dtype="string")
        for c in CANONICAL_COLUMNS
        if c not in frame
    }
    return frame.assign(**missing) if missing else frame


def _rejects(found: list[pd.DataFrame], *, names: pd.Series) -> pd.DataFrame:
    found = [problems for problems in found if len(problems)]
    if not found:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c == "row" else "string") for c in REJECT_COLUMNS}
        )
    rejects = pd.concat(found, ignore_index=True).astype({"row": "int64"})
    rejects["name"] = names.reindex(rejects["row"]).to_numpy()
    rejects = rejects.sort_values("row", kind="stable", ignore_index=True)
    return rejects[list(REJECT_COLUMNS)].astype({c: "string" for c in REJECT_COLUMNS[1:]})
