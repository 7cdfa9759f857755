"""What partner matching reads, built once per data set and kept as files: items, text
vectors, lists, countries and targets.

Every offer and need of every record is one item (record, side, text). Items are kept as
integer codes into the table of distinct (kind, text) pairs, and records' descriptions as
codes into the distinct descriptions; only the distinct texts are vectorised and kept (a
million records drawn from a few thousand texts keep a few thousand vectors). Scoring one
cluster against all records is a few products with the distinct vectors, gathered per item by
code (see analysis/partners.py). The arrays are saved in the data set's folder
(analysis._index_files) and memory-mapped by every other process of the machine.
"""

import dataclasses
from dataclasses import dataclass
from functools import cached_property
from importlib.metadata import version

import numpy as np
import pandas as pd
import pyarrow as pa
import scipy.sparse as sp

from analysis._index_files import IndexFiles
from analysis._textmatch import TEXT_MODEL_PATH, TextMatrix, cosine, fit_vectors
from analysis.dataset import Dataset
from data.countries import EU, NON_EU_EUROPE, find_countries, partnership_targets
from data.schema import parse_offer

# Side codes 0 and 1; a record's needs come before its offers among the items.
SIDES = {"need": "needs", "offer": "offers"}
SIDE_CODES = {side: code for code, side in enumerate(SIDES)}
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


@dataclass(frozen=True, eq=False)
class Side:
    """The items of one side (offers or needs) in record order, and where its texts are.

    The side's distinct texts are the run `start:stop` of the index's texts; `texts` holds each
    item's text relative to `start`. `by_text` lists the items text by text (in record order
    within a text), the items of text t being by_text[text_starts[t]:text_starts[t + 1]].
    """

    indices: np.ndarray
    rows: np.ndarray
    texts: np.ndarray
    start: int
    stop: int
    by_text: np.ndarray
    text_starts: np.ndarray

    def items_with(self, texts: np.ndarray) -> np.ndarray:
        """Return the positions of the items having any of `texts` (side-relative), sorted."""
        spans = [self.by_text[self.text_starts[t] : self.text_starts[t + 1]] for t in texts]
        return np.sort(np.concatenate(spans)) if spans else np.zeros(0, np.int32)


@dataclass(frozen=True, eq=False)
class PartnerIndex:
    """The arrays partner matching reads, for one data set (n records, m items, t texts)."""

    size: int
    # Items (m): record, side code and text code.
    item_rows: np.ndarray
    item_sides: np.ndarray
    item_texts: np.ndarray
    sides: dict[str, Side]
    # Distinct item texts (t): text, kind code into `kinds`, vector.
    texts: pa.Array
    text_kinds: np.ndarray
    kinds: tuple[str, ...]
    text_vectors: TextMatrix
    # Records (n): description code and the distinct descriptions' vectors, list memberships,
    # country code, in Europe, target countries (record x country code).
    description_codes: np.ndarray
    descriptions: TextMatrix
    lists: dict[str, sp.csr_matrix]
    list_terms: dict[str, tuple[str, ...]]
    countries: np.ndarray
    in_europe: np.ndarray
    targets: sp.csr_matrix

    def side(self, side: str) -> Side:
        """Return the items of `side` ("offer" or "need")."""
        return self.sides[side]

    @cached_property
    def _side_vectors(self) -> dict[str, TextMatrix]:
        return {name: self.text_vectors.rows_between(s.start, s.stop)
                for name, s in self.sides.items()}  # fmt: skip

    def items_of(self, row: int, *, side: str) -> np.ndarray:
        """Return the item positions of one record's offers or needs."""
        chosen = self.sides[side]
        # Searched with values of the rows' type: others would make numpy convert all rows.
        low, high = np.searchsorted(chosen.rows, np.array([row, row + 1], chosen.rows.dtype))
        return np.asarray(chosen.indices[low:high], dtype=np.int64)

    def text_similarity(self, mine: np.ndarray, theirs: str, *, other_kind: float) -> np.ndarray:
        """Return the similarity of each item of `mine` (rows) with each text of side `theirs`.

        Cosine of the item texts; a pair of different kinds counts `other_kind` of it. Gather
        the columns by `side(theirs).texts` for one column per item.
        """
        side = self.sides[theirs]
        codes = self.item_texts[mine]
        similarity = cosine(self.text_vectors[codes], self._side_vectors[theirs])
        kinds = self.text_kinds[side.start : side.stop]
        return _kind_factor(similarity, self.text_kinds[codes], kinds, other_kind)

    def pair_similarity(self, mine: np.ndarray, theirs: np.ndarray, *, other_kind: float):
        """Return the similarity of each of the items `mine` (rows) with each of `theirs`."""
        rows, columns = self.item_texts[mine], self.item_texts[theirs]
        similarity = cosine(self.text_vectors[rows], self.text_vectors[columns])
        return _kind_factor(similarity, self.text_kinds[rows], self.text_kinds[columns], other_kind)

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
            similarity = self.pair_similarity(mine, theirs, other_kind=other_kind)
            a, b = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
            if similarity[a, b] >= minimum:
                pairs.append((self.item(int(mine[a])), self.item(int(theirs[b]))))
        return tuple(pairs)

    def item(self, index: int) -> Item:
        """Return one item by its position."""
        text = int(self.item_texts[index])
        side = tuple(SIDES)[self.item_sides[index]]
        kind = self.kinds[self.text_kinds[text]]
        return Item(index, int(self.item_rows[index]), side, kind, self.texts[text].as_py())

    def item_kinds(self) -> np.ndarray:
        """Return the kind code (into `kinds`) of every item."""
        return self.text_kinds[self.item_texts]

    def description_similarity(self, row: int) -> np.ndarray:
        """Return the cosine of every record's description with the description of `row`."""
        code = int(self.description_codes[row])
        return cosine(self.descriptions[[code]], self.descriptions)[0][self.description_codes]

    def targets_of(self, row: int) -> np.ndarray:
        """Return the country codes (as `countries`) a record looks at."""
        return self.targets.indices[self.targets.indptr[row] : self.targets.indptr[row + 1]]

    def shared_terms(self, row: int, other: int, *, most: int = 2) -> list[str]:
        """Return up to `most` ecosystems and sectors the two records share, by name."""
        names = []
        for column in ("ecosystems", "sectors"):
            matrix = self.lists[column]
            both = matrix[row].multiply(matrix[other]).indices
            names += [self.list_terms[column][i] for i in sorted(both)][:most]
        return names


def _version() -> str:
    """Return what the index depends on besides our files: libraries and the text model."""
    libraries = [f"{name}={version(name)}" for name in ("scikit-learn", "model2vec", "pycountry")]
    model = [f"{p.name}:{p.stat().st_size}" for p in sorted(TEXT_MODEL_PATH.iterdir())]
    return "|".join(libraries + model)


FILES = IndexFiles(
    prefix="partner-",
    sources=(
        "analysis/_partner_index.py", "analysis/_textmatch.py", "analysis/_index_files.py",
        "data/schema.py", "data/taxonomies.py", "data/files/taxonomies.json", "data/text.py",
        "data/countries.py", "data/files/country_groups.json", "data/files/term_synonyms.json",
    ),
    parts={"text_matrix": TextMatrix, "side": Side},
    version=_version(),
)  # fmt: skip


def _kind_factor(similarity, mine_kinds, their_kinds, other_kind: float) -> np.ndarray:
    same = mine_kinds[:, None] == their_kinds[None, :]
    return np.where(same, similarity, similarity * other_kind)


def partner_index(dataset: Dataset) -> PartnerIndex:
    """Return the data set's partner index (loaded or built on first use, then kept with it)."""
    return dataset.derived("partner_index", kept_partner_index)


def kept_partner_index(dataset: Dataset) -> PartnerIndex:
    """Return the partner index kept in the data set's folder, memory-mapped; build and keep
    it there first when it is absent, damaged or of other code (in memory without a folder)."""
    folder = dataset.folder
    if folder is None:
        return build_partner_index(dataset)
    # One process builds, the others wait and map its files (not a build per worker).
    with FILES.building(folder):
        kept = _load(dataset)
        if kept is not None:
            return kept
        built = build_partner_index(dataset)
        # Under the lock, a folder there is one that did not load: damaged, replaced.
        fields = {f.name: getattr(built, f.name) for f in dataclasses.fields(built)}
        FILES.save(fields, folder, replace=True)
    # Mapped, this process shares the one copy too; the built arrays are freed.
    return _load(dataset) or built


def _load(dataset: Dataset) -> PartnerIndex | None:
    """Return the index kept for the data set if it fits its records, else None."""
    arrays = FILES.load(dataset.folder)
    try:
        index = PartnerIndex(**arrays) if arrays is not None else None
        return index if index is not None and _fits(index, len(dataset)) else None
    except (TypeError, AttributeError, KeyError, ValueError):  # a foreign folder
        return None


def _fits(index: PartnerIndex, size: int) -> bool:
    per_record = (index.description_codes, index.countries, index.in_europe)
    per_item = (index.item_sides, index.item_texts)
    per_text = (len(index.text_kinds), len(index.text_vectors), len(index.text_vectors.dense))
    return (
        index.size == size
        and all(len(a) == size for a in per_record)
        and (not size or int(index.description_codes.max()) < len(index.descriptions))
        and all(m.shape[0] == size for m in (*index.lists.values(), index.targets))
        and all(len(a) == len(index.item_rows) for a in per_item)
        and per_text == (len(index.texts),) * 3
        and set(index.sides) == set(SIDES)
    )


def build_partner_index(dataset: Dataset) -> PartnerIndex:
    """Build the item, text and description codes and vectors, lists, countries and targets."""
    records = dataset.records
    items = _items(records)
    lists, terms = zip(*(_membership(records[c]) for c in LIST_COLUMNS), strict=True)
    description_codes, descriptions = _descriptions(records["description"])
    countries, names = pd.factorize(records["country_code"].astype(object).fillna(""))
    return PartnerIndex(
        size=len(records),
        **items,
        description_codes=description_codes,
        descriptions=descriptions,
        lists=dict(zip(LIST_COLUMNS, lists, strict=True)),
        list_terms=dict(zip(LIST_COLUMNS, terms, strict=True)),
        countries=countries.astype(np.int32),
        in_europe=records["scope"].isin([EU, NON_EU_EUROPE]).to_numpy(dtype=bool),
        targets=_targets(records, countries, list(names)),
    )


def _items(records: pd.DataFrame) -> dict:
    """Return the items (needs, then offers, of each record), their texts and vectors."""
    rows, entries, sides, parsed = [], [], [], []
    for code, column in enumerate(SIDES.values()):
        item_rows, entry_codes, distinct = _exploded(records[column])
        rows.append(item_rows)
        entries.append(entry_codes + sum(map(len, parsed)))  # codes into both sides' entries
        sides.append(np.full(len(item_rows), code, dtype=np.int8))
        parsed.append([parse_offer(entry) or ("", entry) for entry in distinct])
    order = np.argsort(np.concatenate(rows), kind="stable")  # by record, needs first
    item_rows, item_sides = np.concatenate(rows)[order], np.concatenate(sides)[order]
    pair_codes, pairs = _factorized([pair for side in parsed for pair in side])
    item_texts, pairs = _by_side(pair_codes[np.concatenate(entries)[order]], item_sides, pairs)
    kinds, text_kinds = np.unique([kind for kind, _ in pairs], return_inverse=True)
    vectors = fit_vectors([f"{text} {kind}" for kind, text in pairs])
    # Distinct pairs are distinct texts but for a clash ("a Business" untyped, "a" Business).
    distinct = vectors.distinct
    text_vectors = distinct if len(distinct) == len(pairs) else distinct[vectors.codes]
    return {
        "item_rows": item_rows.astype(np.int32),
        "item_sides": item_sides,
        "item_texts": item_texts.astype(np.int32),
        "sides": _sides(item_rows, item_sides, item_texts),
        "texts": pa.array([text for _, text in pairs], type=pa.large_string()),
        "text_kinds": text_kinds.astype(np.int8),
        "kinds": tuple(str(kind) for kind in kinds),
        "text_vectors": text_vectors,
    }


def _by_side(texts: np.ndarray, sides: np.ndarray, pairs: list) -> tuple[np.ndarray, list]:
    """Return the text codes and pairs reordered: texts of needs only, of both, of offers only
    (so that each side's texts are one run of the table, compared without a copy)."""
    used = np.zeros((len(SIDES), len(pairs)), dtype=bool)
    used[sides, texts] = True
    group = np.where(used[0] & ~used[1], 0, np.where(used[0], 1, 2))
    order = np.argsort(group, kind="stable")
    recode = np.empty(len(pairs), dtype=np.int64)
    recode[order] = np.arange(len(pairs))
    return recode[texts], [pairs[i] for i in order]


def _sides(rows: np.ndarray, sides: np.ndarray, texts: np.ndarray) -> dict[str, Side]:
    """Return each side's items, the run of (reordered) texts it uses, its items by text."""
    result = {}
    for side, code in SIDE_CODES.items():
        indices = np.flatnonzero(sides == code).astype(np.int32)
        used = texts[indices]
        start, stop = (int(used.min()), int(used.max()) + 1) if len(used) else (0, 0)
        local = (used - start).astype(np.int32)
        by_text = indices[np.argsort(local, kind="stable")]
        starts = np.searchsorted(np.sort(local), np.arange(stop - start + 1))
        result[side] = Side(indices, rows[indices].astype(np.int32), local, start, stop,
                            by_text, starts.astype(np.int64))  # fmt: skip
    return result


def _exploded(column: pd.Series) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Return a list column's items as (record, entry code) pairs, and the distinct entries."""
    codes, lists = _distinct_lists(column)
    entry_codes, entries = _factorized([entry for items in lists for entry in items])
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    rows, positions = _expand(codes, lengths)
    return rows, entry_codes[positions], [str(entry) for entry in entries]


def _distinct_lists(column: pd.Series) -> tuple[np.ndarray, list[tuple]]:
    """Return each record's code into the column's distinct lists (cells are shared tuples:
    hashing a million of them is cheap, reading each once is not)."""
    values = column.to_numpy(dtype=object)
    try:
        codes, distinct = _factorized(values)
    except TypeError:  # unhashable cells (arrays): as tuples
        codes, distinct = _factorized([tuple(value) for value in values])
    if (codes < 0).any():  # missing cells: no items
        codes, distinct = np.where(codes < 0, len(distinct), codes), [*distinct, ()]
    return codes, distinct


def _factorized(values) -> tuple[np.ndarray, list]:
    """Return each value's code into the distinct values (first seen first), and those."""
    array = values if isinstance(values, np.ndarray) else pd.Series(values, dtype=object)
    # An object ndarray, not a Series: pandas would turn distinct tuples into a MultiIndex.
    codes, distinct = pd.factorize(np.asarray(array, dtype=object))
    return codes, list(distinct)


def _expand(codes: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return, for records whose values are the runs `codes` of a flat array of runs of
    `lengths`, one (record, position in the flat array) pair per value, in record order."""
    starts = np.concatenate(([0], np.cumsum(lengths)))[:-1]
    per_record = lengths[codes]
    rows = np.repeat(np.arange(len(codes)), per_record)
    first = np.cumsum(per_record) - per_record  # each record's first pair
    positions = np.arange(len(rows)) + np.repeat(starts[codes] - first, per_record)
    return rows, positions


def _membership(column: pd.Series) -> tuple[sp.csr_matrix, tuple[str, ...]]:
    """Return the record x term 0/1 matrix of a list column, and its terms."""
    codes, lists = _distinct_lists(column)
    term_codes, terms = _factorized([term for items in lists for term in items])
    rows = np.repeat(np.arange(len(lists)), [len(items) for items in lists])
    data = np.ones(len(term_codes), dtype=np.float32)
    shape = (len(lists), max(len(terms), 1))
    # Built on the distinct lists, gathered per record (rows keep their order and terms).
    distinct = sp.csr_matrix((data, (rows, term_codes)), shape=shape)
    distinct.data[:] = 1.0  # a term listed twice counts once
    return distinct[codes], tuple(str(t) for t in terms)


def _descriptions(column: pd.Series) -> tuple[np.ndarray, TextMatrix]:
    """Return each record's code into its distinct descriptions, and their vectors."""
    codes, distinct = pd.factorize(column)
    # A missing description is the empty text, as a record without one was always read.
    texts = [str(text) for text in distinct] + ([""] if (codes < 0).any() else [])
    vectors = fit_vectors(texts)
    return vectors.codes[codes].astype(np.int32), vectors.distinct


def _targets(records: pd.DataFrame, countries: np.ndarray, names: list[str]) -> sp.csr_matrix:
    """Return the record x country matrix of the countries a record looks at (not its own):
    its partnerships' targets and the countries its needs name, each distinct text read once."""
    code_of = {name: code for code, name in enumerate(names)}
    pairs = []
    for column, find in (("partnerships", partnership_targets), ("needs", find_countries)):
        rows, entries, distinct = _exploded(records[column])
        found = [sorted(code_of[c] for c in find(text) if c in code_of) for text in distinct]
        lengths = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
        flat = np.fromiter((c for codes in found for c in codes), dtype=np.int64)
        entry_rows, positions = _expand(entries, lengths)
        pairs.append((rows[entry_rows], flat[positions]))
    rows, columns = (np.concatenate(part) for part in zip(*pairs, strict=True))
    other = columns != countries[rows]
    data = np.ones(int(other.sum()), dtype=bool)  # a country named twice is there once
    return sp.csr_matrix((data, (rows[other], columns[other])), shape=(len(records), len(names)))
