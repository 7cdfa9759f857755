"""What partner matching reads, built once per data set: item vectors, lists, places, targets.

Every offer and need of every record is one item (record, side, kind, text); their text
vectors, the descriptions' vectors and the list memberships are matrices, so scoring
one cluster against all records is a few sparse products (see analysis/partners.py).
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis._textmatch import TextMatrix, TextVectors, cosine, fit_vectors
from analysis.dataset import Dataset
from data.countries import EU, NON_EU_EUROPE, find_countries, partnership_targets
from data.schema import parse_offer

SIDES = {"offer": "offers", "need": "needs"}
LIST_COLUMNS = ("ecosystems", "sectors", "emerging_industries")


@dataclass(frozen=True)
class Item:
    """One offer or need of one record."""

    index: int
    row: int
    side: str
    kind: str
    text: str

    @property
    def label(self) -> str:
        """Return the item as written in profiles: "Business: market entry in Brazil"."""
        return f"{self.kind}: {self.text}" if self.kind else self.text


@dataclass(frozen=True)
class Side:
    """The items of one side (offers or needs): positions, records, kinds and vectors."""

    indices: np.ndarray
    rows: np.ndarray
    kinds: np.ndarray
    vectors: TextMatrix


@dataclass(frozen=True, eq=False)
class PartnerIndex:
    """The matrices partner matching reads, for one data set."""

    size: int
    items: pd.DataFrame
    vectors: TextVectors
    descriptions: TextMatrix
    lists: dict[str, sp.csr_matrix]
    list_terms: dict[str, tuple[str, ...]]
    country_codes: np.ndarray
    in_europe: np.ndarray
    targets: tuple[frozenset[str], ...]
    places: tuple[str, ...]

    def side(self, side: str) -> Side:
        """Return the items of `side` ("offer" or "need")."""
        return self._sides[side]

    @cached_property
    def columns(self) -> dict[str, np.ndarray]:
        """Return the items' row, side and kind as numpy arrays (converted once)."""
        # The frame's text columns are Arrow-backed: converting them per call was slow.
        return {name: self.items[name].to_numpy(dtype=object if name != "row" else np.int64)
                for name in ("row", "side", "kind")}  # fmt: skip

    @cached_property
    def _sides(self) -> dict[str, Side]:
        columns = self.columns
        sides = {}
        for side in SIDES:
            chosen = np.flatnonzero(columns["side"] == side)
            sides[side] = Side(chosen, columns["row"][chosen], columns["kind"][chosen],
                               self.vectors.vectors[chosen])  # fmt: skip
        return sides

    @cached_property
    def _starts(self) -> np.ndarray:
        # Items are ordered by record: record r's items are starts[r]:starts[r + 1].
        return np.searchsorted(self.columns["row"], np.arange(self.size + 1))

    def items_of(self, row: int, *, side: str) -> np.ndarray:
        """Return the item positions of one record's offers or needs."""
        span = np.arange(self._starts[row], self._starts[row + 1])
        return span[self.columns["side"][span] == side]

    def pair_similarity(self, mine: np.ndarray, theirs: Side, *, other_kind: float) -> np.ndarray:
        """Return the similarity of each of `mine` (rows) with each of `theirs` (columns).

        Cosine of the item texts; a pair of different kinds counts `other_kind` of it.
        """
        similarity = cosine(self.vectors.vectors[mine], theirs.vectors)
        same = self.columns["kind"][mine][:, None] == theirs.kinds[None, :]
        return np.where(same, similarity, similarity * other_kind)

    def best_pairs(
        self, row: int, other: int, *, minimum: float, other_kind: float
    ) -> tuple[tuple[Item, Item], ...]:
        """Return the best (need -> offer) and (offer -> need) pairs of two records."""
        pairs = []
        for mine_side, theirs_side in (("need", "offer"), ("offer", "need")):
            mine = self.items_of(row, side=mine_side)
            theirs = self.items_of(other, side=theirs_side)
            if not len(mine) or not len(theirs):
                continue
            view = Side(theirs, np.full(len(theirs), other), self.columns["kind"][theirs],
                        self.vectors.vectors[theirs])  # fmt: skip
            similarity = self.pair_similarity(mine, view, other_kind=other_kind)
            a, b = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
            if similarity[a, b] >= minimum:
                pairs.append((self.item(int(mine[a])), self.item(int(theirs[b]))))
        return tuple(pairs)

    def item(self, index: int) -> Item:
        """Return one item by its position."""
        row = self.items.iloc[index]
        return Item(index, int(row["row"]), str(row["side"]), str(row["kind"]), str(row["text"]))

    def shared_terms(self, row: int, other: int, *, most: int = 2) -> list[str]:
        """Return up to `most` ecosystems and sectors the two records share, by name."""
        names = []
        for column in ("ecosystems", "sectors"):
            matrix = self.lists[column]
            both = matrix[row].multiply(matrix[other]).indices
            names += [self.list_terms[column][i] for i in sorted(both)][:most]
        return names

    def place(self, row: int) -> str:
        """Return "City, Country" of a record."""
        return self.places[row]


def partner_index(dataset: Dataset) -> PartnerIndex:
    """Return the data set's partner index (built on first use, then kept with it)."""
    return dataset.derived("partner_index", build_partner_index)


def build_partner_index(dataset: Dataset) -> PartnerIndex:
    """Build the item vectors, description vectors, list matrices, places and targets."""
    records = dataset.records
    items = _items(records)
    texts = (items["text"] + " " + items["kind"]).tolist()
    descriptions = fit_vectors(records["description"].astype(object).fillna("").tolist())
    lists, terms = zip(*(_membership(records[c]) for c in LIST_COLUMNS), strict=True)
    codes = records["country_code"].astype(object).fillna("").to_numpy().astype(str)
    scope = records["scope"].astype(object).to_numpy()
    return PartnerIndex(
        size=len(records),
        items=items,
        vectors=fit_vectors(texts),
        descriptions=descriptions.vectors,
        lists=dict(zip(LIST_COLUMNS, lists, strict=True)),
        list_terms=dict(zip(LIST_COLUMNS, terms, strict=True)),
        country_codes=codes,
        in_europe=np.isin(scope, [EU, NON_EU_EUROPE]),
        targets=_targets(records),
        places=tuple(_places(records)),
    )


def _items(records: pd.DataFrame) -> pd.DataFrame:
    """Return one row per offer or need: row, side, kind ("" when untyped), text."""
    rows, sides, kinds, texts = [], [], [], []
    for side, column in SIDES.items():
        for row, entries in enumerate(records[column]):
            for entry in entries:
                kind, text = parse_offer(entry) or ("", entry)
                rows.append(row)
                sides.append(side)
                kinds.append(kind)
                texts.append(text)
    items = pd.DataFrame({"row": rows, "side": sides, "kind": kinds, "text": texts})
    return items.sort_values(["row", "side"], kind="stable").reset_index(drop=True)


def _membership(column: pd.Series) -> tuple[sp.csr_matrix, tuple[str, ...]]:
    """Return the record x term 0/1 matrix of a list column, and its terms."""
    lists = column.tolist()
    codes, terms = pd.factorize(pd.Series([t for items in lists for t in items], dtype=object))
    rows = np.repeat(np.arange(len(lists)), [len(items) for items in lists])
    data = np.ones(len(codes), dtype=np.float32)
    matrix = sp.csr_matrix((data, (rows, codes)), shape=(len(lists), max(len(terms), 1)))
    matrix.data[:] = 1.0  # a term listed twice counts once
    return matrix, tuple(str(t) for t in terms)


def _targets(records: pd.DataFrame) -> tuple[frozenset[str], ...]:
    """Return per record the countries it looks at: partnership targets, countries in its needs."""
    partnerships = records["partnerships"].tolist()
    needs = records["needs"].tolist()
    own = records["country_code"].astype(object).tolist()
    targets = []
    for names, wanted, country in zip(partnerships, needs, own, strict=True):
        found = set()
        for name in names:
            found |= partnership_targets(name)
        for need in wanted:
            found |= find_countries(need)
        found.discard(country)
        targets.append(frozenset(found))
    return tuple(targets)


def _places(records: pd.DataFrame) -> list[str]:
    city = records["city"].astype(object).fillna("").tolist()
    country = records["country"].astype(object).fillna("").tolist()
    return [", ".join(p for p in pair if p) for pair in zip(city, country, strict=True)]
