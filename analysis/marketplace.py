"""The marketplace: every offer and need of the filtered clusters, each with its best answers.

An offer's matches are the needs of other filtered clusters it answers best, a need's matches
the offers that answer it best, scored as the partner ranking scores a pair of items (text
cosine; another type counts analysis.partners.OTHER_KIND_FACTOR of it); a match weaker than
analysis.partners.MENTION_SIMILARITY is not shown.
"""

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from analysis._partner_index import SIDE_CODES, PartnerIndex, partner_index
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
    index = partner_index(dataset)
    chosen = np.asarray(mask, dtype=bool)[index.item_rows]
    if side is not None:
        chosen &= index.item_sides == SIDE_CODES.get(side, -1)
    if kind is not None:
        # Compared as the vocabulary's term: one vectorised test, not a slug per item.
        term = vocabulary("offer_types").by_slug.get(kind, "")
        chosen &= index.item_kinds() == (index.kinds.index(term) if term in index.kinds else -1)
    if spec.q:
        chosen &= _containing(index, fold_accents(spec.q).split(), chosen)[index.item_texts]
    shown = np.flatnonzero(chosen)[: max(int(limit), 0)]
    matcher = _Matcher(index, np.asarray(match_mask, dtype=bool))
    return Market([_item(dataset, matcher, int(i)) for i in shown], int(chosen.sum()))


def _item(dataset: Dataset, matcher: "_Matcher", position: int) -> dict:
    index = matcher.index
    matches = [{**_described(dataset, index.item(j)), "score": round(score, 4)}
               for j, score in matcher.matches(position)]  # fmt: skip
    return {**_described(dataset, index.item(position)), "matches": matches}


def _containing(index: PartnerIndex, words: list[str], among: np.ndarray) -> np.ndarray:
    """Return the mask of the texts (of the items `among`) that contain every word."""
    codes = np.unique(index.item_texts[among])
    texts = index.texts.take(pa.array(codes, type=pa.int64())).to_pylist()
    found = np.zeros(len(index.texts), dtype=bool)
    found[codes] = [all(w in fold_accents(text) for w in words) for text in texts]
    return found


class _Matcher:
    """The best items of the other side for items of one page, among the records of `mask`.

    Scores are computed per distinct text of the other side; its texts are read best first,
    each giving its allowed items in record order, until MATCHES are found: the top items of
    a stable sort of every allowed item by score, without scoring every item.
    """

    def __init__(self, index: PartnerIndex, mask: np.ndarray) -> None:
        self.index, self.mask = index, mask
        # Per side, whether each of its texts has an item of an allowed record.
        self.held = {
            name: np.bincount(side.texts[mask[side.rows]], minlength=side.stop - side.start) > 0
            for name, side in index.sides.items()
        }

    def matches(self, position: int) -> list[tuple[int, float]]:
        """Return the (item, score) of the best answers of item `position`, best first."""
        index, row = self.index, int(self.index.item_rows[position])
        other = OTHER_SIDE[tuple(SIDE_CODES)[index.item_sides[position]]]
        scores = index.text_similarity(np.array([position]), other,
                                       other_kind=OTHER_KIND_FACTOR)[0]  # fmt: skip
        texts = np.flatnonzero((scores >= MENTION_SIMILARITY) & self.held[other])
        texts = texts[np.argsort(-scores[texts], kind="stable")]
        ordered = -scores[texts]
        found: list[tuple[int, float]] = []
        start = 0
        while start < len(texts) and len(found) < MATCHES:
            # Texts of one score together: their items tie, and ties go in record order.
            stop = int(np.searchsorted(ordered, ordered[start], side="right"))
            items = index.side(other).items_with(texts[start:stop])
            rows = index.item_rows[items]
            items = items[self.mask[rows] & (rows != row)][: MATCHES - len(found)]
            found += [(int(i), float(scores[texts[start]])) for i in items]
            start = stop
        return found


def _described(dataset: Dataset, item) -> dict:
    records = dataset.records
    return {"cluster_id": str(records["cluster_id"].iat[item.row]),
            "name": str(records["name"].iat[item.row]), "side": item.side,
            "kind": slugify(item.kind) if item.kind else None, "text": item.text}  # fmt: skip
