"""Partner ranking: for one cluster, every other filtered cluster scored in [0, 1], explained.

The score is a weighted sum of components, each a value in [0, 1] times its weight (the
weights of COMPONENTS sum to 1), so the components of a result sum to its score:

- complementarity, both directions: how well the candidate's offers answer this cluster's
  needs, and this cluster's offers the candidate's needs (the best pair of items, by the
  cosine similarity of their text vectors; an offer of another type than the need — e.g. a
  Business offer for a Technology need — counts OTHER_KIND_FACTOR of its similarity);
- thematic proximity: shared ecosystems, sectors and emerging industries (Jaccard overlap of
  the two lists) and the similarity of the descriptions;
- reach: a candidate in a target country of this cluster (a third country its strategic
  partnerships target, or that its needs name) counts fully; one in another country counts
  CROSS_BORDER, more (BEYOND) when one is in Europe and the other not; the same country 0.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis._partner_index import Item, PartnerIndex, partner_index
from analysis.dataset import Dataset


@dataclass(frozen=True)
class Component:
    """One part of the partner score: its name, weight and what it means in words."""

    name: str
    weight: float
    meaning: str


COMPONENTS = (
    Component("needs_answered", 0.30, "their offers answer this cluster's needs"),
    Component("offers_wanted", 0.20, "this cluster's offers answer their needs"),
    Component("ecosystems", 0.12, "shared industrial ecosystems (Jaccard)"),
    Component("sectors", 0.10, "shared sectors / cluster categories (Jaccard)"),
    Component("emerging", 0.04, "shared emerging industries (Jaccard)"),
    Component("description", 0.09, "similar descriptions (text cosine)"),
    Component("reach", 0.15, "cross-border and beyond-Europe reach, target countries"),
)
WEIGHTS = {c.name: c.weight for c in COMPONENTS}
OTHER_KIND_FACTOR = 0.75
CROSS_BORDER, BEYOND = 0.5, 0.7
# Below this similarity a pair of items is not named in the explanation.
MENTION_SIMILARITY = 0.12
DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class Partner:
    """One ranked partner: where it is, its score, the parts of the score and why."""

    position: int
    score: float
    components: dict[str, float]
    why: str
    matches: tuple[tuple[Item, Item], ...]


def rank_partners(
    dataset: Dataset, position: int, candidates: np.ndarray, *, limit: int = DEFAULT_LIMIT
) -> list[Partner]:
    """Return the best `limit` partners of the cluster at `position` among `candidates`.

    Parameters
    ----------
    dataset:
        The prepared records.
    position:
        Row position of the cluster partners are found for.
    candidates:
        Mask of the records that may be partners (the filtered ones); the cluster itself never is.

    Returns
    -------
    Partners sorted by score (highest first; ties by record order), at most `limit`.
    """
    index = partner_index(dataset)
    values = component_values(index, position)
    scores = sum(WEIGHTS[name] * value for name, value in values.items())
    allowed = np.asarray(candidates, dtype=bool).copy()
    allowed[position] = False
    top = _best(np.flatnonzero(allowed), scores, max(int(limit), 0))
    return [_partner(dataset, index, position, int(j), values) for j in top]


# The components that say how alike two clusters are (their themes), for "Similar clusters".
THEME = ("ecosystems", "sectors", "emerging", "description")


def similar_clusters(
    dataset: Dataset, position: int, candidates: np.ndarray, *, limit: int = 5
) -> list[int]:
    """Return the positions of the clusters most alike in theme (peers for benchmarking)."""
    index = partner_index(dataset)
    values = component_values(index, position, names=THEME)
    alike = sum(WEIGHTS[name] * values[name] for name in THEME)
    allowed = np.asarray(candidates, dtype=bool).copy()
    allowed[position] = False
    return [int(j) for j in _best(np.flatnonzero(allowed & (alike > 0)), alike, limit)]


def _best(chosen: np.ndarray, scores: np.ndarray, limit: int) -> np.ndarray:
    """Return the `limit` positions of `chosen` with the highest scores, ties in record order:
    what a stable sort of all of them gives, sorting only those at or above the limit-th."""
    values = scores[chosen]
    if 0 < limit < len(values):
        kept = values >= np.partition(values, len(values) - limit)[len(values) - limit]
        chosen, values = chosen[kept], values[kept]
    return chosen[np.argsort(-values, kind="stable")[:limit]]


def component_values(
    index: PartnerIndex, position: int, *, names: tuple[str, ...] | None = None
) -> dict[str, np.ndarray]:
    """Return each component's value in [0, 1] for every record against one cluster."""
    makers = {
        "needs_answered": lambda: _best_answers(index, position, asking="needs"),
        "offers_wanted": lambda: _best_answers(index, position, asking="offers"),
        "ecosystems": lambda: _jaccard(index.lists["ecosystems"], position),
        "sectors": lambda: _jaccard(index.lists["sectors"], position),
        "emerging": lambda: _jaccard(index.lists["emerging_industries"], position),
        "description": lambda: index.description_similarity(position),
        "reach": lambda: _reach(index, position),
    }
    return {name: makers[name]() for name in (names or WEIGHTS)}


def _best_answers(index: PartnerIndex, position: int, *, asking: str) -> np.ndarray:
    """Return per record the best similarity of its items answering this cluster's `asking`."""
    mine = index.items_of(position, side="need" if asking == "needs" else "offer")
    side = "offer" if asking == "needs" else "need"
    theirs = index.side(side)
    best = np.zeros(index.size, dtype=np.float32)
    if not len(mine) or not len(theirs.rows):
        return best
    # The best answer per distinct text, then per item by its text, then per record.
    per_text = index.text_similarity(mine, side, other_kind=OTHER_KIND_FACTOR).max(axis=0)
    np.maximum.at(best, theirs.rows, per_text[theirs.texts])
    return np.clip(best, 0.0, 1.0)


def _jaccard(matrix: sp.csr_matrix, position: int) -> np.ndarray:
    shared = _column(matrix @ matrix[position].T)
    sizes = np.diff(matrix.indptr).astype(np.float32)  # each stored term is a 1
    union = sizes + sizes[position] - shared
    return np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)


def _reach(index: PartnerIndex, position: int) -> np.ndarray:
    country, europe = index.countries, index.in_europe
    value = np.where(country != country[position], CROSS_BORDER, 0.0)
    value = np.where((country != country[position]) & (europe != europe[position]), BEYOND, value)
    targets = index.targets_of(position)
    if len(targets):
        value = np.where(np.isin(country, targets), 1.0, value)
    return value.astype(np.float32)


def _column(product) -> np.ndarray:
    return (
        np.asarray(product.todense() if sp.issparse(product) else product)
        .ravel()
        .astype(np.float32)
    )


def _partner(dataset: Dataset, index: PartnerIndex, position: int, j: int, values: dict) -> Partner:
    components = {name: round(float(WEIGHTS[name] * values[name][j]), 6) for name in WEIGHTS}
    matches = index.best_pairs(
        position, j, minimum=MENTION_SIMILARITY, other_kind=OTHER_KIND_FACTOR
    )
    why = explain(index, position, j, values=values, matches=matches,
                  place=place(dataset.records, j))  # fmt: skip
    return Partner(j, round(sum(components.values()), 6), components, why, matches)


def place(records: pd.DataFrame, row: int) -> str:
    """Return "City, Country" of a record (what it has of the two)."""
    # Read from the records for the few partners shown, not kept as a text per record.
    parts = (records["city"].iat[row], records["country"].iat[row])
    return ", ".join(str(part) for part in parts if not pd.isna(part) and str(part))


def explain(
    index: PartnerIndex, position: int, j: int, *, values: dict, matches: tuple, place: str
) -> str:
    """Return one plain sentence naming what matched between a cluster and a partner."""
    parts = []
    for mine, theirs in matches:
        if mine.side == "need":
            parts.append(f"Offers {theirs.label}, which answers your need {mine.label}")
        else:
            parts.append(f"Needs {theirs.label}, which your offer {mine.label} answers")
    shared = index.shared_terms(position, j)
    if shared:
        parts.append("both " + " / ".join(shared))
    if values["reach"][j] >= 1.0:
        parts.append(f"in {place}, a country you are looking at")
    elif values["reach"][j] > 0:
        parts.append(f"in {place}")
    return "; ".join(parts) or f"A cluster in {place}"


def partner_rows(dataset: Dataset, partners: list[Partner]) -> pd.DataFrame:
    """Return partners as a table: id, name, country, city, score, components, why."""
    records = dataset.records
    rows = [
        {"cluster_id": str(records["cluster_id"].iat[p.position]),
         "name": str(records["name"].iat[p.position]),
         "country_code": _text(records["country_code"].iat[p.position]),
         "city": _text(records["city"].iat[p.position]),
         "score": p.score, **{f"component_{k}": v for k, v in p.components.items()},
         "why": p.why}
        for p in partners
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _text(value) -> str | None:
    return None if pd.isna(value) else str(value)
