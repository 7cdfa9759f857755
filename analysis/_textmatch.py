"""Text vectors for matching offers, needs and descriptions: TF-IDF of words and characters.

Paraphrases share few words ("PV" / "solar photovoltaic", "exporters" / "market entry"), so
each text is compared as: word unigrams and bigrams, character 3-5-grams inside words (which
relate "exporters" to "export", "certified" to "certification"), and the synonym groups of
data/files/term_synonyms.json that it names (a text naming any member of a group also names
the group). Vectors are L2-normalised sparse rows: a dot product is the cosine similarity.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from data.text import fold_accents

SYNONYMS_PATH = Path(__file__).resolve().parent.parent / "data" / "files" / "term_synonyms.json"
# How much each view of a text counts in its vector (squared weights sum to 1).
VIEW_WEIGHTS = {"words": 0.6, "chars": 0.5, "groups": 0.62}


@dataclass(frozen=True)
class TextVectors:
    """A fitted vectoriser and the vectors of the texts it was fitted on."""

    vectorizers: tuple[TfidfVectorizer, ...]
    vectors: sp.csr_matrix

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        """Return the vectors of other texts in the same space."""
        return _combine(self.vectorizers, prepare_texts(texts), fit=False)


@cache
def _synonym_pattern() -> tuple[re.Pattern, dict[str, str]]:
    """Return one regex matching every synonym phrase, and phrase -> group token."""
    groups = json.loads(SYNONYMS_PATH.read_text(encoding="utf-8"))["groups"]
    token_of: dict[str, str] = {}
    for index, group in enumerate(groups):
        for phrase in group:
            token_of.setdefault(fold_accents(phrase), f"syngroup{index}")
    # Longest phrases first, so "solar panel" wins over a shorter member inside it.
    alternatives = sorted(token_of, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, alternatives)) + r")(?![\w-])")
    return pattern, token_of


# Words skipped when reading initials ("hazard analysis and critical control point" = HACCP).
_LINKING = {"and", "of", "for", "the", "in", "on", "to", "a", "an", "&"}
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,5}s?\b")
_WORD = re.compile(r"[^\W_]+")


def acronyms(text: str) -> set[str]:
    """Return the acronyms written in a text, as tokens ("SOC", "CSPs" -> "acr_soc")."""
    return {f"acr_{m.lower().removesuffix('s')}" for m in _ACRONYM.findall(text)}


def acronym_tokens(text: str, known: set[str]) -> set[str]:
    """Return the `known` acronyms a text writes or spells out, as tokens.

    Every run of 2-6 words gives the token of its initials, linking words skipped ("security
    operations centre" -> "acr_soc"); it counts when some text writes that acronym, so an
    acronym in one text meets its expansion in another (and random initials add nothing).
    """
    tokens = acronyms(text) & known
    words = [w for w in _WORD.findall(fold_accents(text)) if w not in _LINKING]
    for start in range(len(words)):
        for size in range(2, 7):
            run = words[start : start + size]
            initials = "acr_" + "".join(w[0] for w in run)
            if len(run) == size and initials in known:
                tokens.add(initials)
    return tokens


def prepare_texts(texts: list[str]) -> pd.DataFrame:
    """Return per text its folded words and its synonym-group tokens (distinct texts once)."""
    series = pd.Series(texts, dtype=object).fillna("").astype(str)
    distinct = pd.unique(series)
    pattern, token_of = _synonym_pattern()
    folded = [fold_accents(text) for text in distinct]
    known = set().union(*(acronyms(text) for text in distinct)) if len(distinct) else set()
    groups = [
        " ".join(sorted({token_of[m] for m in pattern.findall(text)} | acronym_tokens(raw, known)))
        for raw, text in zip(distinct, folded, strict=True)
    ]
    table = pd.DataFrame({"text": folded, "groups": groups}, index=distinct)
    return table.loc[series.to_numpy()].reset_index(drop=True)


def fit_vectors(texts: list[str]) -> TextVectors:
    """Fit the three views on `texts` and return the vectoriser with their vectors."""
    # Each distinct text is vectorised once (offers and needs repeat across clusters).
    codes, distinct = pd.factorize(pd.Series(texts, dtype=object).fillna("").astype(str))
    vectorizers = (
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), stop_words="english",
                        sublinear_tf=True, min_df=1, token_pattern=r"(?u)\b\w[\w&-]*\b"),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1),
        TfidfVectorizer(analyzer="word", token_pattern=r"\S+", sublinear_tf=True, min_df=1),
    )  # fmt: skip
    matrix = _combine(vectorizers, prepare_texts(list(distinct)), fit=True)
    return TextVectors(vectorizers, matrix[codes])


def _combine(
    vectorizers: tuple[TfidfVectorizer, ...], table: pd.DataFrame, *, fit: bool
) -> sp.csr_matrix:
    words, chars, groups = vectorizers
    columns = (table["text"], table["text"], table["groups"])
    parts = []
    for vectorizer, column, weight in zip(vectorizers, columns, VIEW_WEIGHTS.values(), strict=True):
        values = column.tolist()
        if fit:
            matrix = _fit(vectorizer, values)
        elif hasattr(vectorizer, "vocabulary_"):
            matrix = vectorizer.transform(values)
        else:  # nothing was fitted (no text had any word of this view)
            matrix = sp.csr_matrix((len(values), 0))
        parts.append(normalize(matrix) * weight if matrix.shape[1] else matrix)
    combined = sp.hstack(parts, format="csr")
    # No text had any word at all (e.g. no descriptions): one empty column, all similarities 0.
    return normalize(combined) if combined.shape[1] else sp.csr_matrix((len(table), 1))


def _fit(vectorizer: TfidfVectorizer, values: list[str]) -> sp.csr_matrix:
    try:
        return vectorizer.fit_transform(values)
    except ValueError:  # empty vocabulary: no text has a word of this view
        return sp.csr_matrix((len(values), 0))


def cosine(rows: sp.csr_matrix, columns: sp.csr_matrix) -> np.ndarray:
    """Return the dense matrix of cosine similarities of two sets of normalised vectors."""
    # columns @ rows.T, not rows @ columns.T: transposing the few `rows` is cheap, while
    # transposing a large `columns` (every offer) would copy it on every call.
    return np.asarray((columns @ rows.T).T.todense(), dtype=np.float32)
