"""Text vectors for matching offers, needs and descriptions: TF-IDF views and a meaning view.

Paraphrases share few words ("PV" / "solar photovoltaic", "sepsis" / "bloodstream infection"),
so each text is compared through four views, concatenated into one L2-normalised sparse row
(a dot product is the cosine similarity of the weighted views):
- words: TF-IDF of word unigrams and bigrams;
- chars: TF-IDF of character 3-5-grams inside words ("exporters" ~ "export");
- groups: the synonym groups of data/files/term_synonyms.json a text names, and acronyms
  spelled out ("security operations centre" ~ "SOC");
- meaning: a static sentence embedding (model2vec, distilled from all-MiniLM-L6-v2 and stored
  in data/files/text_model, see its README), which relates words that never co-occur here.
Nothing is fetched: the model is a file of the repository, loaded once per process.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp

from data.text import fold_accents

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

FILES = Path(__file__).resolve().parent.parent / "data" / "files"
SYNONYMS_PATH = FILES / "term_synonyms.json"
TEXT_MODEL_PATH = FILES / "text_model"
# How much each view of a text counts in its vector, relative to the others (each view is
# normalised, weighted, and the concatenation normalised again). Measured with
# bench/partners.py: without "meaning" top-3 recall was 88 %, with it 96 % (docs/performance.md).
VIEW_WEIGHTS = {"words": 0.6, "chars": 0.5, "groups": 0.62, "meaning": 1.0}


@dataclass(frozen=True)
class TextMatrix:
    """Unit vectors of texts, one row a text: the TF-IDF views sparse, the meaning view dense.

    Together a row is one L2-normalised vector; kept apart, a product of many rows with a
    few stays a sparse product plus a small dense one (dense columns in a sparse matrix
    made it ~2x slower).
    """

    sparse: sp.csr_matrix
    dense: np.ndarray

    def __len__(self) -> int:
        return self.sparse.shape[0]

    def __getitem__(self, rows) -> "TextMatrix":
        return TextMatrix(self.sparse[rows], self.dense[rows])

    def rows_between(self, start: int, stop: int) -> "TextMatrix":
        """Return rows `start:stop` as views of this matrix's arrays (scipy's slice copies)."""
        indptr = self.sparse.indptr
        first, last = int(indptr[start]), int(indptr[stop])
        arrays = (self.sparse.data[first:last], self.sparse.indices[first:last],
                  np.asarray(indptr[start : stop + 1]) - indptr.dtype.type(first))  # fmt: skip
        shape = (stop - start, self.sparse.shape[1])
        return TextMatrix(sp.csr_matrix(arrays, shape=shape, copy=False), self.dense[start:stop])


@dataclass(frozen=True)
class TextVectors:
    """The vectors of the distinct texts of a list, and which of them each text of it is."""

    codes: np.ndarray
    distinct: TextMatrix


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
    table = pd.DataFrame({"raw": distinct, "text": folded, "groups": groups}, index=distinct)
    return table.loc[series.to_numpy()].reset_index(drop=True)


def fit_vectors(texts: list[str]) -> TextVectors:
    """Fit the views on the distinct `texts`; return their vectors and each text's code."""
    # Each distinct text is vectorised once, and kept once: offers, needs and descriptions
    # repeat across clusters, and a vector per repetition cost GBs at a million records.
    # Imported here: scikit-learn takes seconds to import, and only partner matching needs it.
    from sklearn.feature_extraction.text import TfidfVectorizer

    codes, distinct = pd.factorize(pd.Series(texts, dtype=object).fillna("").astype(str))
    vectorizers = (
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), stop_words="english",
                        sublinear_tf=True, min_df=1, token_pattern=r"(?u)\b\w[\w&-]*\b"),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1),
        TfidfVectorizer(analyzer="word", token_pattern=r"\S+", sublinear_tf=True, min_df=1),
    )  # fmt: skip
    return TextVectors(codes.astype(np.int32), _combine(vectorizers, prepare_texts(list(distinct))))


def _combine(vectorizers: tuple["TfidfVectorizer", ...], table: pd.DataFrame) -> TextMatrix:
    columns = (table["text"], table["text"], table["groups"])
    parts = []
    weights = [VIEW_WEIGHTS[view] for view in ("words", "chars", "groups")]
    for vectorizer, column, weight in zip(vectorizers, columns, weights, strict=True):
        matrix = _fit(vectorizer, column.tolist())
        parts.append(unit_rows(matrix) * weight if matrix.shape[1] else matrix)
    # No text had any word at all (e.g. no descriptions): one empty column, all similarities 0.
    sparse = sp.hstack(parts, format="csr") if parts else sp.csr_matrix((len(table), 0))
    if not sparse.shape[1]:
        sparse = sp.csr_matrix((len(table), 1))
    dense = meaning_vectors(table["raw"].tolist()) * VIEW_WEIGHTS["meaning"]
    # The norm of the whole row (sparse and dense views), so that a dot product is a cosine.
    norms = np.sqrt(np.asarray(sparse.multiply(sparse).sum(axis=1)).ravel() + (dense**2).sum(1))
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0).astype(np.float32)
    return TextMatrix((sp.diags(scale) @ sparse).tocsr(), dense * scale[:, None])


def _fit(vectorizer: "TfidfVectorizer", values: list[str]) -> sp.csr_matrix:
    try:
        return vectorizer.fit_transform(values)
    except ValueError:  # empty vocabulary: no text has a word of this view
        return sp.csr_matrix((len(values), 0))


def cosine(rows: TextMatrix, columns: TextMatrix) -> np.ndarray:
    """Return the dense matrix of cosine similarities of two sets of text vectors, in [0, 1].

    The meaning view can point two texts apart (a cosine below 0): that is no match, 0.
    """
    # columns @ rows.T, not rows @ columns.T: transposing the few `rows` is cheap, while
    # transposing a large `columns` (every offer) would copy it on every call.
    sparse = np.asarray((columns.sparse @ rows.sparse.T).T.todense(), dtype=np.float32)
    return np.clip(sparse + rows.dense @ columns.dense.T, 0.0, 1.0)


@cache
def _text_model():
    # Imported here: model2vec loads in ~1 s, and only partner matching needs it.
    from model2vec import StaticModel

    return StaticModel.from_pretrained(TEXT_MODEL_PATH, force_download=False)


def meaning_vectors(texts: list[str]) -> np.ndarray:
    """Return the unit-length sentence embeddings of texts (a zero row for an empty text)."""
    model = _text_model()
    if not texts:
        return np.zeros((0, model.dim), dtype=np.float32)
    # One process: forking workers inside a web server is not ours to do.
    vectors = model.encode(texts, use_multiprocessing=False).astype(np.float32)
    return unit_rows(vectors)


def unit_rows(matrix):
    """Return `matrix` (dense or sparse) with rows scaled to unit length (zero rows stay)."""
    from sklearn.preprocessing import normalize  # see fit_vectors: imported on first use

    return normalize(matrix)
