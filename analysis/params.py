"""The table of filter parameters: each is declared here once, everything else derives from it.

FilterSpec's fields, query parsing and serialising, the dataset's facets and numbers, the
filter panel's controls and their callbacks all read `FILTERS`. Adding a filter parameter means
adding one entry here (and its test); a `column` names the canonical record column it selects
on. Kinds: `text` (free words), `keys` (any of several values), `range` (a min and a max
parameter, inclusive) and `box` (minlon,minlat,maxlon,maxlat).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from data.countries import country_name, resolve_country
from data.schema import LIST_COLUMNS
from data.taxonomies import vocabulary
from data.text import slugify

_REGION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,12}$")
_NUTS2 = re.compile(r"^[A-Z]{2}[A-Z0-9]{2}$")


@dataclass(frozen=True)
class KeyRule:
    """How a `keys` parameter reads a value: canonical form, validity, why it was refused."""

    canonical: Callable[[str], str]
    is_valid: Callable[[str], bool]
    reason: str
    # Only values present in the data count (regions, NUTS-2, partnerships): `data_reason`
    # says why an absent one was ignored.
    data_reason: str | None = None


@dataclass(frozen=True)
class FilterParam:
    """One filter: its query name(s), kind, record column, control, label and help text."""

    name: str
    kind: str
    label: str
    help: str
    column: str | None = None
    # keys: how values read, the vocabulary (taxonomy order and suggestions), and how the
    # options are labelled ("vocabulary", "country", "region" or "name").
    rule: KeyRule | None = None
    vocabulary: str | None = None
    labels: str = "name"
    # Suggest the closest vocabulary term for a misspelt value ("did you mean health?").
    suggest: bool = False
    control: str = "dropdown"
    # range: the lowest and highest value its inputs offer.
    bounds: tuple[int, int | None] = (0, None)
    # Shown only when the app has this feature ("nuts": NUTS boundaries configured).
    needs: str | None = None

    @property
    def params(self) -> tuple[str, ...]:
        """Return the query parameter names of this filter (a range has a min and a max)."""
        return (f"{self.name}_min", f"{self.name}_max") if self.kind == "range" else (self.name,)

    @property
    def is_list(self) -> bool:
        """Tell whether a record holds a list of values in `column` (ecosystems, ...)."""
        return self.column in LIST_COLUMNS


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


def _in(name: str) -> Callable[[str], bool]:
    return lambda slug: slug in vocabulary(name).by_slug


def _taxonomy(name: str, column: str, label: str, reason: str, help_text: str) -> FilterParam:
    return FilterParam(name, "keys", label, help_text, column=column,
                       rule=KeyRule(slugify, _in(column), reason), vocabulary=column,
                       labels="vocabulary", suggest=True)  # fmt: skip


FILTERS: tuple[FilterParam, ...] = (
    FilterParam("q", "text", "Search",
                "Words that must all occur in the name, acronym, city, description, offers or "
                "needs.",
                control="search"),
    FilterParam("scope", "keys", "Where", "EU, non-EU Europe or third countries.",
                column="scope", rule=KeyRule(slugify, _in("scopes"),
                                             "not a scope (eu, non-eu-europe, third-country)"),
                vocabulary="scopes", labels="vocabulary", control="checklist"),
    FilterParam("country", "keys", "Country", "ISO 3166 two-letter codes (EL and UK accepted).",
                column="country_code", rule=KeyRule(_country, _is_country, "not a country code"),
                labels="country"),
    FilterParam("region", "keys", "Region", "Admin-1 region codes such as DE-02.",
                column="region_code",
                rule=KeyRule(str.upper, lambda key: bool(_REGION.fullmatch(key)),
                             "not a region code (like DE-02)",
                             data_reason="no region with this code in the data"),
                labels="region"),
    FilterParam("nuts2", "keys", "NUTS-2 region", "NUTS-2 ids such as DE11.", column="nuts2",
                rule=KeyRule(str.upper, lambda key: bool(_NUTS2.fullmatch(key)),
                             "not a NUTS-2 id (like DE11)",
                             data_reason="no NUTS-2 region with this id in the data"),
                needs="nuts"),
    _taxonomy("ecosystem", "ecosystems", "Industrial ecosystem", "not an ecosystem",
              "The 14 EU industrial ecosystems."),
    _taxonomy("sector", "sectors", "Sector (cluster category)", "not a sector",
              "The 51 traded cluster categories."),
    _taxonomy("emerging", "emerging_industries", "Emerging industry",
              "not an emerging industry", "The 10 emerging industries."),
    FilterParam("label", "keys", "Excellence label", "Gold, Silver, Bronze or no label.",
                column="label", rule=KeyRule(slugify, _in("labels"),
                                             "not a label (gold, silver, bronze, none)"),
                vocabulary="labels", labels="vocabulary", control="checklist"),
    FilterParam("partnership", "keys", "Strategic partnership",
                "Transnational strategic cluster partnerships.", column="partnerships",
                rule=KeyRule(slugify, bool, "not a partnership name",
                             data_reason="no partnership of this name in the data")),
    FilterParam("sme", "range", "Member SMEs", "Number of member SMEs, inclusive.",
                column="sme_members", control="range", bounds=(0, None)),
    FilterParam("founded", "range", "Founded", "Year the cluster was founded, inclusive.",
                column="founded", control="range", bounds=(1800, 2100)),
    FilterParam("bbox", "box", "Map area",
                "minlon,minlat,maxlon,maxlat; draw a box or lasso on the map.", control="box"),
)  # fmt: skip
BY_NAME = {f.name: f for f in FILTERS}
# Every query parameter of the filters, in the fixed order of FILTERS.
PARAMS: tuple[str, ...] = tuple(p for f in FILTERS for p in f.params)
KEY_FILTERS = tuple(f for f in FILTERS if f.kind == "keys")
RANGE_FILTERS = tuple(f for f in FILTERS if f.kind == "range")


def shown_filters(features: frozenset[str] = frozenset()) -> tuple[FilterParam, ...]:
    """Return the filters the page shows when the app has `features` (e.g. {"nuts"})."""
    return tuple(f for f in FILTERS if f.needs is None or f.needs in features)
