"""normalise_keys (a column at a time) gives exactly normalise_key of every text."""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from data.text import normalise_key, normalise_keys

# Letters, accents, combining marks, compatibility forms, separators and controls Python and
# Arrow might split or fold differently.
ALPHABET = "abcXYZ09 ÄéØøßŁİı東_-.,;:'\u00a0\u2003\u0301\u0308\t\n\x1c\x1f\x7f¨ﬁ½Ⅻ™ǅ"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=ALPHABET, max_size=20)), max_size=40))
def test_a_column_is_keyed_as_each_text_alone(texts):
    values = pd.Series(texts, dtype="string")
    keys = normalise_keys(values)
    assert keys.index.equals(values.index)
    for text, key in zip(texts, keys, strict=True):
        assert pd.isna(key) if text is None else key == normalise_key(text), repr(text)


def test_real_names():
    names = pd.Series(
        ["Kraków Aerospace Valley 0001", "  Ærø  Śląsk ", "Cluster_Ⅻ–Nord", "東京 Hub"]
    )
    assert normalise_keys(names).tolist() == [normalise_key(n) for n in names]
