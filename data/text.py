"""Text normalisation shared by column matching, countries, taxonomies and the gazetteer."""

import re
import unicodedata

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


def slugify(text: str) -> str:
    """Return the URL slug of a taxonomy value: runs of non-alphanumerics become '-'."""
    return _NON_ALNUM.sub("-", fold_accents(str(text))).strip("-")
