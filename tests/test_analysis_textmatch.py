"""Text similarity of offers and needs: the real vectorisers and the shipped text model."""

import numpy as np

from analysis._textmatch import TEXT_MODEL_PATH, cosine, fit_vectors, meaning_vectors

TEXTS = [
    "introductions to venture capital funds",
    "help finding investors for our start-ups",
    "laser cutting of sheet metal",
    "cold chain logistics for vaccines",
    "refrigerated transport of medicines",
    "",
]


def test_paraphrases_without_shared_words_are_closer_than_unrelated_texts():
    similarity = cosine(*(fit_vectors(TEXTS).distinct,) * 2)
    # No content word, synonym group or acronym in common: only the meaning view relates them.
    assert similarity[0, 1] > 2 * max(similarity[0, 2], similarity[1, 2])
    assert similarity[3, 4] > 2 * max(similarity[3, 2], similarity[4, 2], similarity[3, 0])


def test_similarities_are_cosines_in_unit_range():
    similarity = cosine(*(fit_vectors(TEXTS).distinct,) * 2)
    assert similarity.min() >= 0 and similarity.max() <= 1 + 1e-6
    assert np.allclose(np.diag(similarity)[:-1], 1, atol=1e-5)
    assert similarity[-1].max() == 0  # an empty text matches nothing


def test_text_model_is_read_from_the_repository():
    vectors = meaning_vectors(["market entry services for wine exporters", ""])
    assert vectors.shape == (2, 128) and (TEXT_MODEL_PATH / "model.safetensors").is_file()
    assert np.isclose(np.linalg.norm(vectors[0]), 1, atol=1e-5)
    assert not vectors[1].any()


def test_repeated_texts_are_vectorised_once():
    texts = [TEXTS[3], TEXTS[0], TEXTS[3], None, TEXTS[5], TEXTS[0]]
    vectors = fit_vectors(texts)
    assert vectors.codes.tolist() == [0, 1, 0, 2, 2, 1]  # a missing text is the empty one
    alone = fit_vectors([TEXTS[3], TEXTS[0], TEXTS[5]]).distinct
    assert np.array_equal(vectors.distinct.dense, alone.dense)
    assert (vectors.distinct.sparse != alone.sparse).nnz == 0


def test_a_run_of_rows_is_a_view_with_the_same_vectors():
    matrix = fit_vectors(TEXTS).distinct
    run = matrix.rows_between(1, 4)
    assert np.shares_memory(run.sparse.data, matrix.sparse.data)
    assert np.shares_memory(run.sparse.indices, matrix.sparse.indices)
    assert np.array_equal(cosine(run, matrix), cosine(matrix[[1, 2, 3]], matrix))
