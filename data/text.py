"""Text normalisation shared by column matching, countries, taxonomies and the gazetteer."""

import re
import unicodedata

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Any run of characters that are not letters or digits (in any script).
_NON_ALNUM = re.compile(r"[\W_]+")
# Letters that NFKD does not decompose into a base letter plus an accent.
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "þ": "th",
        "ð": "d",
    }
)


def fold_accents(text: str) -> str:
    """Return `text` lower-cased with accents and special letters folded to ASCII."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def normalise_key(text: str) -> str:
    """Return a matching key: accent-folded, lower case, punctuation runs as one space."""
    return _NON_ALNUM.sub(" ", fold_accents(str(text))).strip()


def normalise_keys(texts: pd.Series) -> pd.Series:
    """Return `normalise_key` of every text (missing stays missing), each distinct word folded
    once: the key of a text is the keys of its whitespace-separated words joined by a space
    (folding and punctuation runs never cross whitespace), and words repeat far more than
    texts (a million distinct names share some ten thousand words)."""
    values = pa.array(texts.astype("string").to_numpy(dtype=object, na_value=None), pa.string())
    tokens = pc.utf8_split_whitespace(values)
    words = pc.dictionary_encode(tokens.flatten())
    distinct = words.dictionary
    # Plain-ASCII words (most, and every number) in one vectorised pass; the rest one by one.
    folded = pc.utf8_trim(
        pc.replace_substring_regex(pc.utf8_lower(distinct), "[^a-z0-9]+", " "), " "
    )
    other = pc.invert(pc.string_is_ascii(distinct))
    if pc.any(other).as_py():
        positions = pc.indices_nonzero(other)
        keys = [normalise_key(w) for w in distinct.take(positions).to_pylist()]
        folded = pc.replace_with_mask(folded, other, pa.array(keys, pa.string()))
    rebuilt = pa.ListArray.from_arrays(tokens.offsets, folded.take(words.indices))
    joined = pc.utf8_trim(pc.replace_substring_regex(pc.binary_join(rebuilt, " "), " +", " "), " ")
    keys = pd.Series(joined.to_numpy(zero_copy_only=False), index=texts.index, dtype="string")
    return keys.mask(texts.isna())


def slugify(text: str) -> str:
    """Return the URL slug of a taxonomy value: runs of non-alphanumerics become '-'."""
    return _NON_ALNUM.sub("-", fold_accents(str(text))).strip("-")
