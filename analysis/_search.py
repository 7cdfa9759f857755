"""Word index behind `q`: substring search over the distinct words of the distinct texts.

A query word never contains whitespace, so it occurs in a text exactly when it occurs inside one
of the text's whitespace-separated words. The index is built on distinct values: each searched
field of each record is a code into the field's distinct texts (a million records share a few
thousand cities, lists of offers, descriptions), each distinct text is split into words once,
and each distinct word folded once. A query searches the distinct words, marks the texts that
have a hit word, and maps them to records with one gather per field: building costs the distinct
texts' words, not every record's, and a query a few passes over integer arrays.
Arrow's `utf8_split_whitespace` splits on exactly the characters Python's `str.split` does.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis._facets import unique_pairs
from data.text import fold_accents

NO_TEXT = -1
# Below this share of all (text, word) pairs, gathering the hit words' postings beats a pass
# over every pair.
POSTINGS_SHARE = 0.25


@dataclass(frozen=True, eq=False)
class SearchIndex:
    """Distinct folded words, the (text, word) pairs of the distinct texts, each field's codes."""

    size: int
    words: pa.Array
    # Pairs sorted by text: each text's first pair (texts with words only), and word codes.
    text_starts: np.ndarray
    has_words: np.ndarray
    codes: np.ndarray
    # The same pairs sorted by word: each word's first posting, and the postings' texts.
    word_counts: np.ndarray
    word_starts: np.ndarray
    postings: np.ndarray
    # (fields, records): the distinct text of each record's field, NO_TEXT when it has none;
    # field f's texts are field_starts[f]:field_starts[f + 1].
    record_texts: np.ndarray
    field_starts: np.ndarray

    def match(self, word: str) -> np.ndarray:
        """Return the mask of records having a word that contains `word` (already folded)."""
        hit = pc.match_substring(self.words, word).to_numpy(zero_copy_only=False)
        # One slot more than there are texts, always False: where NO_TEXT (-1) points.
        texts = np.zeros(len(self.has_words) + 1, dtype=bool)
        if int(self.word_counts @ hit) < POSTINGS_SHARE * len(self.codes):
            texts[self._postings_of(np.flatnonzero(hit))] = True
        elif len(self.codes):
            texts[:-1][self.has_words] = np.logical_or.reduceat(hit[self.codes], self.text_starts)
        mask = np.zeros(self.size, dtype=bool)
        bounds = zip(self.field_starts[:-1], self.field_starts[1:], strict=True)
        for field, (start, end) in zip(self.record_texts, bounds, strict=True):
            if texts[start:end].any():  # a field none of whose texts has the word costs nothing
                mask |= texts[field]
        return mask

    def _postings_of(self, word_ids: np.ndarray) -> np.ndarray:
        """Return the texts of every posting of `word_ids` (vectorised ragged gather)."""
        lengths = self.word_counts[word_ids]
        ends = np.cumsum(lengths)
        offsets = np.repeat(self.word_starts[word_ids] - (ends - lengths), lengths)
        return self.postings[offsets + np.arange(int(ends[-1]) if len(ends) else 0)]


def build_search_index(fields: Sequence[pd.Series]) -> SearchIndex:
    """Return the word index of the searched fields of the records (each one Series, row order;
    a list field's items are searched as its text)."""
    size = len(fields[0]) if len(fields) else 0
    distinct, record_texts, field_starts = [], [], [0]
    for field in fields:
        codes, texts = _distinct_texts(field)
        record_texts.append(
            np.where(codes >= 0, codes + field_starts[-1], NO_TEXT).astype(np.int32)
        )
        distinct.append(texts)
        field_starts.append(field_starts[-1] + len(texts))
    texts = pa.concat_arrays(distinct) if distinct else pa.array([], pa.large_string())
    tokens = pc.utf8_split_whitespace(texts)
    encoded = pc.dictionary_encode(tokens.flatten())
    text_of = pc.list_parent_indices(tokens).to_numpy().astype(np.int64)
    words = _folded(encoded.dictionary)
    text_of, codes = unique_pairs(text_of, encoded.indices.to_numpy().astype(np.int64), len(words))
    has_words = np.bincount(text_of, minlength=len(texts)) > 0
    word_counts = np.bincount(codes, minlength=len(words))
    return SearchIndex(
        size=size,
        words=words,
        text_starts=np.searchsorted(text_of, np.flatnonzero(has_words)),
        has_words=has_words,
        codes=codes.astype(np.int32),
        word_counts=word_counts,
        word_starts=np.cumsum(word_counts) - word_counts,
        postings=_texts_by_word(text_of, codes, len(texts)),
        record_texts=np.stack(record_texts) if record_texts else np.zeros((0, 0), np.int32),
        field_starts=np.asarray(field_starts, dtype=np.int64),
    )


def _texts_by_word(text_of: np.ndarray, codes: np.ndarray, texts: int) -> np.ndarray:
    """Return the texts of the (text, word) pairs (sorted by text) ordered by word, each word's
    texts ascending: one sort of (word, text) keys, as the stable argsort by word orders them
    (which took 0.8 s for a million records' pairs, the sort 0.1 s)."""
    keys = np.sort(codes.astype(np.int64) * max(texts, 1) + text_of)
    return (keys % max(texts, 1)).astype(np.int32)


def _distinct_texts(field: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """Return each record's code into the field's distinct texts (-1 for none), and the texts."""
    if field.dtype == object:  # a list field: its distinct lists, their items space-separated
        codes, lists = pd.factorize(field.to_numpy(), use_na_sentinel=True)
        texts = pa.array([" ".join(items) for items in lists], pa.large_string())
        return codes, texts
    codes, texts = pd.factorize(field.astype("string"), use_na_sentinel=True)
    # Arrow-backed distinct texts may come as a ChunkedArray (e.g. none at all), which
    # concat_arrays refuses.
    texts = pa.array(texts, pa.large_string())
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    return np.asarray(codes), texts


def _folded(words: pa.Array) -> pa.Array:
    """Return the distinct words accent-folded and lower-cased (ASCII words in one pass)."""
    folded = pc.utf8_lower(words)
    other = pc.invert(pc.string_is_ascii(words))
    if pc.any(other).as_py():
        positions = pc.indices_nonzero(other)
        keys = [fold_accents(w) for w in words.take(positions).to_pylist()]
        folded = pc.replace_with_mask(folded, other, pa.array(keys, folded.type))
    return folded.cast(pa.large_string())
