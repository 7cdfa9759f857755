"""The marketplace: every offer and need of the filtered clusters, each with its best answers.

An offer's matches are the needs of other filtered clusters it answers best, a need's matches
the offers that answer it best, scored as the partner ranking scores a pair of items (text
cosine; another type counts analysis.partners.OTHER_KIND_FACTOR of it); a match weaker than
analysis.partners.MENTION_SIMILARITY is not shown.
"""

from dataclasses import dataclass

import numpy as np

from analysis._partner_index import Side, partner_index
from analysis.dataset import Dataset
from analysis.filters import FilterSpec, combine, filter_masks
from analysis.partners import MENTION_SIMILARITY, OTHER_KIND_FACTOR
from data.taxonomies import vocabulary
from data.text import fold_accents, slugify

MATCHES = 3
PAGE = 50
OTHER_SIDE = {"offer": "need", "need": "offer"}


@dataclass(frozen=True)
class Market:
    """One page of marketplace items and how many there are in all."""

    items: list[dict]
    total: int


def market_items(
    dataset: Dataset,
    spec: FilterSpec,
    *,
    side: str | None = None,
    kind: str | None = None,
    limit: int = PAGE,
) -> Market:
    """Return the items of the records `spec` keeps (of one side or kind), with matches.

    Parameters
    ----------
    spec:
        The filters. Its words (`q`) narrow the listed items to those whose text contains
        them all; the matches come from the clusters the other filters keep (searching
        "implants" lists the needs and offers about implants, and the items that answer them
        whatever their words).
    side, kind:
        "offer" or "need"; a kind slug (technology, business, r-d). None: all.
    limit:
        The most items returned (in record order); `total` counts them all.
    """
    masks = filter_masks(dataset, spec)
    mask = combine(masks, len(dataset))
    match_mask = combine(masks, len(dataset), leave_out="q")
    q = spec.q
    index = partner_index(dataset)
    columns = index.columns
    chosen = np.asarray(mask, dtype=bool)[columns["row"]]
    if side is not None:
        chosen &= columns["side"] == side
    if kind is not None:
        # Compared as the vocabulary's term: one vectorised test, not a slug per item.
        chosen &= columns["kind"] == vocabulary("offer_types").by_slug.get(kind, "")
    if q:
        words = fold_accents(q).split()
        texts = index.items["text"].tolist()
        found = [
            i for i in np.flatnonzero(chosen) if all(w in fold_accents(texts[i]) for w in words)
        ]
        chosen = np.zeros_like(chosen)
        chosen[found] = True
    shown = np.flatnonzero(chosen)[: max(int(limit), 0)]
    return Market([_item(dataset, index, int(i), match_mask) for i in shown], int(chosen.sum()))


def _item(dataset: Dataset, index, position: int, mask: np.ndarray) -> dict:
    item = index.item(position)
    other = index.side(OTHER_SIDE[item.side])
    allowed = np.asarray(mask, dtype=bool)[other.rows] & (other.rows != item.row)
    candidates = Side(other.indices[allowed], other.rows[allowed], other.kinds[allowed],
                      other.vectors[np.flatnonzero(allowed)])  # fmt: skip
    matches = []
    if len(candidates.indices):
        scores = index.pair_similarity(np.array([position]), candidates,
                                       other_kind=OTHER_KIND_FACTOR)[0]  # fmt: skip
        best = np.argsort(-scores, kind="stable")[:MATCHES]
        matches = [_match(dataset, index.item(int(candidates.indices[b])), float(scores[b]))
                   for b in best if scores[b] >= MENTION_SIMILARITY]  # fmt: skip
    return {**_described(dataset, item), "matches": matches}


def _described(dataset: Dataset, item) -> dict:
    records = dataset.records
    return {"cluster_id": str(records["cluster_id"].iat[item.row]),
            "name": str(records["name"].iat[item.row]), "side": item.side,
            "kind": slugify(item.kind) if item.kind else None, "text": item.text}  # fmt: skip


def _match(dataset: Dataset, item, score: float) -> dict:
    return {**_described(dataset, item), "score": round(score, 4)}
