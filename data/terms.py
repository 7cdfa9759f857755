"""Row checks of the controlled vocabularies: taxonomy lists, the label, offers and needs."""

from collections.abc import Callable
from functools import partial

import pandas as pd

from data.checks import Check, map_unique, problem_lines, unknown_reason
from data.schema import TAXONOMY_COLUMNS, join_list, parse_offer, split_list
from data.taxonomies import NO_LABEL, Vocabulary, vocabulary

TERM_NOUNS = {
    "ecosystems": "ecosystem",
    "sectors": "sector",
    "emerging_industries": "emerging industry",
}
OFFER_NOUNS = {"offers": "offer", "needs": "need"}


def check_terms(text: pd.DataFrame) -> Check:
    """Match ecosystems, sectors and emerging industries to their canonical terms."""
    values, found = {}, []
    for column, name in TAXONOMY_COLUMNS.items():
        terms = vocabulary(name)
        values[column], unknown = _normalise_lists(text[column], terms.match)
        reason = partial(_unknown_term, noun=TERM_NOUNS[column], terms=terms)
        found.append(_item_problems(text[column], unknown, column, reason))
    return Check(values, found)


def check_label(text: pd.DataFrame) -> Check:
    """Match the label to Gold/Silver/Bronze/none; a missing label means "none"."""
    labels = vocabulary("labels")
    raw = text["label"]
    label = map_unique(raw, labels.match)
    unknown = raw.notna() & label.isna()
    reasons = map_unique(raw[unknown], lambda v: unknown_reason("label", v, labels.suggest(v)))
    return Check(
        {"label": label.mask(raw.isna(), NO_LABEL)}, [problem_lines(unknown, "label", raw, reasons)]
    )


def check_offers(text: pd.DataFrame) -> Check:
    """Require offers and needs items of the form "Type: text" (Technology, Business, R&D)."""
    values, found = {}, []
    for column, noun in OFFER_NOUNS.items():
        values[column], unknown = _normalise_lists(text[column], _offer_text)
        reason = partial(_not_an_offer, noun=noun)
        found.append(_item_problems(text[column], unknown, column, reason))
    return Check(values, found)


def _unknown_term(item: str, *, noun: str, terms: Vocabulary) -> str:
    return unknown_reason(noun, item, terms.suggest(item))


def _not_an_offer(item: str, *, noun: str) -> str:
    return f'{noun} "{item}" is not of the form Type: text, with Type Technology, Business or R&D'


def _offer_text(item: str) -> str | None:
    parsed = parse_offer(item)
    return f"{parsed[0]}: {parsed[1]}" if parsed else None


def _normalise_lists(
    cells: pd.Series, normalise: Callable[[str], str | None]
) -> tuple[pd.Series, dict[str, tuple[str, ...]]]:
    """Normalise the items of each distinct list cell; return joined cells and unknown items."""
    codes, distinct = pd.factorize(cells)
    joined, unknown = [], {}
    for cell in distinct:
        items = [(item, normalise(item)) for item in split_list(cell)]
        joined.append(join_list(dict.fromkeys(term for _, term in items if term)))
        if bad := tuple(item for item, term in items if term is None):
            unknown[cell] = bad
    # Spread back by code (-1, a missing cell, becomes NA): mapping every cell costs more.
    return pd.Series(joined, dtype="string").reindex(codes).set_axis(cells.index), unknown


def _item_problems(
    cells: pd.Series,
    unknown: dict[str, tuple[str, ...]],
    column: str,
    reason: Callable[[str], str],
) -> pd.DataFrame:
    items = cells[cells.isin(list(unknown))].map(unknown).explode()
    reasons = items.map({item: reason(item) for item in set(items)})
    return pd.DataFrame(
        {
            "row": items.index.to_numpy(),
            "column": column,
            "value": items.to_numpy(dtype=object),
            "reason": reasons.to_numpy(dtype=object),
        }
    )
