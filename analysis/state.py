"""The page state: the filters plus the view parameters, all of it in the query string.

Every view is a link. `PageState.parse` reads a page URL's (or an API request's) query into the
filters and the view parameters of `VIEWS`, reporting every ignored value once;
`to_query_string` writes it back with defaults left out. `open_page` resolves a query against
the dataset store: which data set, which records, which notices.
"""

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from typing import Self

import numpy as np

from analysis import _parsing
from analysis._parsing import Query, echo
from analysis.compare import areas_problem
from analysis.dataset import Dataset
from analysis.filters import FilterSpec, apply_filter, query_dict, query_string
from analysis.params import PARAMS
from analysis.specialisation import AREAS, WEIGHTS
from analysis.store import DatasetStore
from analysis.table import SORTABLE
from analysis.timeline import SPLITS
from data.taxonomies import vocabulary
from mapping.modes import COLOR_CHOICES, MAP_MODES, Choice, offered

# The main views.
TABS = (
    Choice("map", "Map and statistics"),
    Choice("partners", "Partner finder"),
    Choice("marketplace", "Offers and needs"),
    Choice("insights", "Policy insights"),
    Choice("compare", "Compare areas"),
    Choice("upload", "Your data"),
)
_DATA_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
Features = frozenset[str]


@dataclass(frozen=True)
class ViewParam:
    """One view parameter: its name, default, help and the values it accepts."""

    name: str
    default: str | None
    help: str
    # The accepted values given the app's features; None: checked by `check` instead.
    choices: Callable[[Features], tuple[str, ...]] | None = None
    check: Callable[[str], str | None] | None = None


def _names(choices: tuple[Choice, ...]) -> Callable[[Features], tuple[str, ...]]:
    return lambda features: tuple(c.name for c in offered(choices, features))


def _sort_problem(value: str) -> str | None:
    if value.removeprefix("-") in SORTABLE:
        return None
    return f"not a table column (one of {', '.join(SORTABLE)}, - in front for descending)"


def _data_problem(value: str) -> str | None:
    return None if _DATA_KEY.fullmatch(value) else "not a data set key"


VIEWS: tuple[ViewParam, ...] = (
    ViewParam("tab", "map", "Which main view is shown.", _names(TABS)),
    ViewParam("mode", "points", "What the map shows.", _names(MAP_MODES)),
    ViewParam("color", "scope", "What the map's points are coloured by.", _names(COLOR_CHOICES)),
    ViewParam("cluster", None, "The cluster whose profile is open (its cluster_id)."),
    ViewParam("sort", None, "The table's sort: a column, or -column for descending.",
              check=_sort_problem),
    ViewParam("data", None, "Which data set (absent: the one the app was started with).",
              check=_data_problem),
    ViewParam("side", None, "Marketplace: offers or needs only.",
              lambda features: ("offer", "need")),
    ViewParam("kind", None, "Marketplace: one type of item only.",
              lambda features: tuple(vocabulary("offer_types").by_slug)),
    ViewParam("by", "country", "Specialisation: the areas (country, region, or nuts2 with a "
              "NUTS file).", lambda features: tuple(a for a in AREAS
                                                   if a != "nuts2" or "nuts" in features)),
    ViewParam("weight", "clusters", "Specialisation: count clusters, or weight them by their "
              "member SMEs (smes).", lambda features: WEIGHTS),
    ViewParam("focus", None, "Specialisation: the ecosystem the map shows.",
              lambda features: tuple(vocabulary("ecosystems").by_slug)),
    ViewParam("areas", None, "Compare: 2-5 countries, admin-1 or NUTS-2 regions (DE,FR,ES-CT).",
              check=areas_problem),
    ViewParam("split", "scope", "Insights: founding years split by scope or by ecosystem.",
              lambda features: SPLITS),
)  # fmt: skip
VIEW_PARAMS = tuple(v.name for v in VIEWS)


@dataclass(frozen=True)
class PageState:
    """The filters and the view of one page; equal states are the same link."""

    filters: FilterSpec = field(default_factory=FilterSpec)
    tab: str = "map"
    mode: str = "points"
    color: str = "scope"
    cluster: str | None = None
    sort: str | None = None
    data: str | None = None
    side: str | None = None
    kind: str | None = None
    by: str = "country"
    weight: str = "clusters"
    focus: str | None = None
    areas: str | None = None
    split: str = "scope"

    @classmethod
    def parse(
        cls,
        query: Query,
        *,
        dataset: Dataset | None = None,
        features: Features = frozenset(),
        ignore: Collection[str] = (),
    ) -> tuple[Self, list[str]]:
        """Return the state a query asks for and notices of every value ignored.

        Parameters
        ----------
        query:
            Parameter -> value or values (a dict, `parse_qs` output or Flask's `request.args`).
        dataset:
            When given, values absent from it (regions, a cluster id, ...) are ignored.
        features:
            What the app offers beyond the basics ({"nuts"}: NUTS-2 map mode).
        ignore:
            Parameters that belong to the caller (e.g. the map API's `zoom`).
        """
        filters, notices = FilterSpec.parse(query, dataset=dataset,
                                             ignore={*VIEW_PARAMS, *ignore})  # fmt: skip
        raw, _ = _parsing.collect(query, known=VIEW_PARAMS, ignore=[*PARAMS, *ignore])
        values = {}
        for view in VIEWS:
            value = _read_view(view, raw.get(view.name, []), features=features, notices=notices)
            if value is not None:
                values[view.name] = value
        cluster = values.get("cluster")
        if dataset is not None and cluster is not None and cluster not in dataset.positions:
            notices.append(f"ignored cluster {echo(values.pop('cluster'))}: no such cluster_id")
        return cls(filters, **values), notices

    def to_query(self) -> dict[str, str]:
        """Return the filters' and then the view's non-default parameters."""
        query = self.filters.to_query()
        for view in VIEWS:
            value = getattr(self, view.name)
            if value is not None and value != view.default:
                query[view.name] = value
        return query

    def to_query_string(self) -> str:
        """Return "" or "?a=b&…" of the filters and the non-default view."""
        return query_string(self.to_query())

    def with_view(self, **values: object) -> Self:
        """Return a copy with view parameters changed (None restores a default)."""
        defaults = {f.name: f.default for f in fields(self)}
        return replace(self, **{k: defaults[k] if v is None else v for k, v in values.items()})


def _read_view(
    view: ViewParam, values: list[str], *, features: Features, notices: list[str]
) -> str | None:
    given = _parsing.last_given(view.name, values, notices=notices)
    if given is None:
        return None
    problem = view.check(given) if view.check else None
    if view.choices is not None and given not in (allowed := view.choices(features)):
        problem = f"not one of {', '.join(allowed)}"
    if problem:
        notices.append(f"ignored {view.name} {echo(given)}: {problem}")
        return None
    return given


@dataclass(frozen=True, eq=False)
class Page:
    """What one request sees: its state, its data set, the records kept, the notices."""

    state: PageState
    dataset: Dataset
    notices: tuple[str, ...]

    @cached_property
    def mask(self) -> np.ndarray:
        """Return the mask of the records the filters keep."""
        return apply_filter(self.dataset, self.state.filters)

    @property
    def positions(self) -> np.ndarray:
        """Return the row positions of the records the filters keep."""
        return np.flatnonzero(self.mask)


def open_page(
    store: DatasetStore,
    query: Query | str,
    *,
    features: Features = frozenset(),
    ignore: Collection[str] = (),
) -> Page:
    """Return the page a query (a mapping or a query string) asks for, from `store`."""
    query = query_dict(query) if isinstance(query, str) else query
    notices: list[str] = []
    key = _parsing.last_given("data", _values(query, "data"), notices=[])
    dataset = store.get(key) if key is not None and key in store else store.get(None)
    state, parsed = PageState.parse(query, dataset=dataset, features=features, ignore=ignore)
    if state.data is not None and state.data not in store:
        notices.append(f"ignored data {echo(state.data)}: no data set with this key")
        state = state.with_view(data=None)
    return Page(state, dataset, tuple([*parsed, *notices]))


def _values(query: Query, name: str) -> list[str]:
    if hasattr(query, "getlist"):
        return list(query.getlist(name))
    value = query.get(name, []) if isinstance(query, Mapping) else []
    return [value] if isinstance(value, str) else list(value)
