"""Text normalisation shared by column matching, countries, taxonomies and the gazetteer."""

import re
import unicodedata

import numpy as np
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

# Each byte's form in a key of plain-ASCII text: letters lower-cased, digits kept, any other
# byte a separator (a space).
_KEY_BYTES = np.full(256, ord(" "), dtype=np.uint8)
_KEY_BYTES[ord("0") : ord("9") + 1] = np.arange(ord("0"), ord("9") + 1)
_KEY_BYTES[ord("a") : ord("z") + 1] = np.arange(ord("a"), ord("z") + 1)
_KEY_BYTES[ord("A") : ord("Z") + 1] = np.arange(ord("a"), ord("z") + 1)


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
    folded = ascii_keys(distinct)
    other = pc.invert(pc.string_is_ascii(distinct))
    if pc.any(other).as_py():
        positions = pc.indices_nonzero(other)
        keys = [normalise_key(w) for w in distinct.take(positions).to_pylist()]
        folded = pc.replace_with_mask(folded, other, pa.array(keys, pa.string()))
    rebuilt = pa.ListArray.from_arrays(tokens.offsets, folded.take(words.indices))
    joined = pc.utf8_trim(pc.replace_substring_regex(pc.binary_join(rebuilt, " "), " +", " "), " ")
    keys = pd.Series(joined.to_numpy(zero_copy_only=False), index=texts.index, dtype="string")
    return keys.mask(texts.isna())


def ascii_keys(texts: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Return `normalise_key` of each plain-ASCII text, as text of the same Arrow type (missing
    stays missing; a text with other characters gets a key that means nothing), made on the
    bytes of all texts at once: a regex replace costs about a microsecond per text."""
    texts = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
    if not len(texts):
        return texts
    kind, texts = texts.type, texts.cast(pa.large_string())
    offsets, raw = utf8_bytes(texts)
    key = _KEY_BYTES[raw[offsets[0] : offsets[-1]]]
    offsets = offsets - offsets[0]
    # A run of separators becomes the one space after a letter or digit of the same text (none
    # at a text's start); one left at a text's end is trimmed below.
    word = key != ord(" ")
    keep = word.copy()
    keep[1:] |= word[:-1]
    first = offsets[:-1][offsets[1:] > offsets[:-1]]
    keep[first] = word[first]
    # Each text starts earlier by the bytes dropped before it (few: no running sum of all).
    kept_offsets = offsets - np.searchsorted(np.flatnonzero(~keep), offsets)
    keys = pa.LargeStringArray.from_buffers(
        len(texts), pa.py_buffer(kept_offsets), pa.py_buffer(key[keep])
    )
    return pc.if_else(pc.is_valid(texts), pc.utf8_rtrim(keys, " "), None).cast(kind)


def utf8_bytes(texts: pa.LargeStringArray) -> tuple[np.ndarray, np.ndarray]:
    """Return the offsets of `texts` (one more than texts: text i is raw[offsets[i]:offsets[i +
    1]]) and the UTF-8 bytes they index, both in place (no copy)."""
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64)
    offsets = offsets[texts.offset : texts.offset + len(texts) + 1]
    data = texts.buffers()[2]
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    return offsets, raw


def slugify(text: str) -> str:
    """Return the URL slug of a taxonomy value: runs of non-alphanumerics become '-'."""
    return _NON_ALNUM.sub("-", fold_accents(str(text))).strip("-")
