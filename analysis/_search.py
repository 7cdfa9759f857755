"""Word index behind `q`: substring search over the distinct words of the searched fields.

A query word never contains whitespace, so it occurs in a text exactly when it occurs inside one
of the text's whitespace-separated words. Searching the few thousand distinct words, then
mapping the hits to records, is far cheaper than scanning every description for every query.
Arrow's `utf8_split_whitespace` splits on exactly the characters Python's `str.split` does.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis._facets import unique_pairs
from data.text import fold_accents

# Below this share of all (record, word) pairs, gathering the hit words' postings beats a
# pass over every pair.
POSTINGS_SHARE = 0.25


@dataclass(frozen=True, eq=False)
class SearchIndex:
    """Distinct folded words and the (record, word) pairs, sorted both by record and by word."""

    size: int
    words: pa.Array
    word_counts: np.ndarray
    # Pairs sorted by record: each record's first pair (records with words only), word codes.
    record_starts: np.ndarray
    has_words: np.ndarray
    codes: np.ndarray
    # The same pairs sorted by word: each word's first posting, and the postings' records.
    word_starts: np.ndarray
    postings: np.ndarray

    def match(self, word: str) -> np.ndarray:
        """Return the mask of records having a word that contains `word` (already folded)."""
        hit = pc.match_substring(self.words, word).to_numpy(zero_copy_only=False)
        mask = np.zeros(self.size, dtype=bool)
        if int(self.word_counts @ hit) < POSTINGS_SHARE * len(self.codes):
            mask[self._postings_of(np.flatnonzero(hit))] = True
        elif len(self.codes):
            mask[self.has_words] = np.logical_or.reduceat(hit[self.codes], self.record_starts)
        return mask

    def _postings_of(self, word_ids: np.ndarray) -> np.ndarray:
        """Return the records of every posting of `word_ids` (vectorised ragged gather)."""
        lengths = self.word_counts[word_ids]
        ends = np.cumsum(lengths)
        offsets = np.repeat(self.word_starts[word_ids] - (ends - lengths), lengths)
        return self.postings[offsets + np.arange(int(ends[-1]) if len(ends) else 0)]


def build_search_index(texts: pd.Series) -> SearchIndex:
    """Return the word index of `texts` (one text per record, NA for none)."""
    tokens = pc.utf8_split_whitespace(pa.array(texts.fillna("").astype(str), pa.large_string()))
    encoded = pc.dictionary_encode(tokens.flatten())
    rows = pc.list_parent_indices(tokens).to_numpy().astype(np.int64)
    # Fold each distinct word once rather than every text: most words repeat.
    folded = [w.lower() if w.isascii() else fold_accents(w) for w in encoded.dictionary.to_pylist()]
    rows, codes = unique_pairs(rows, encoded.indices.to_numpy().astype(np.int64), len(folded))
    by_word = np.argsort(codes, kind="stable")
    word_counts = np.bincount(codes, minlength=len(folded))
    has_words = np.bincount(rows, minlength=len(texts)) > 0
    return SearchIndex(
        size=len(texts),
        words=pa.array(folded, pa.large_string()),
        word_counts=word_counts,
        record_starts=np.searchsorted(rows, np.flatnonzero(has_words)),
        has_words=has_words,
        codes=codes.astype(np.int32),
        word_starts=np.cumsum(word_counts) - word_counts,
        postings=rows[by_word].astype(np.int32),
    )
