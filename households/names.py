"""How names are compared: search and duplicate detection work on normalised names."""

import re
import unicodedata

# Titles written before a name; academic degrees come after a comma and are cut with it.
LEADING_TITLES = frozenset({"h", "hj", "haji", "hajah", "hajjah", "drs", "dra", "dr", "ir", "prof"})
_NOT_A_LETTER = re.compile(r"[^a-z0-9]+")


def normalize_name(name: str) -> str:
    """`  Hj. SITI  Amínah, S.Pd.` → `siti aminah`: lower case, no accents, punctuation or
    leading titles, single spaces; what comes after a comma (degrees) is dropped."""
    name = name.split(",", 1)[0]
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = _NOT_A_LETTER.sub(" ", ascii_name.lower()).split()
    while len(words) > 1 and words[0] in LEADING_TITLES:
        words.pop(0)
    return " ".join(words)


# The same normalisation in PostgreSQL, for the registry import's set-based path: `%s` is a
# text expression. NFKD then dropping what is not ASCII is Python's encode("ascii", "ignore");
# the last step drops leading titles while a word follows them.
# tests/households/test_names.py checks that both give the same result.
NORMALIZE_NAME_SQL = (
    "regexp_replace("
    "btrim(regexp_replace(lower(regexp_replace(normalize(split_part(%s, ',', 1), NFKD),"
    " '[^\\x01-\\x7f]', '', 'g')), '[^a-z0-9]+', ' ', 'g')),"
    " '^((" + "|".join(sorted(LEADING_TITLES)) + ") )+(?=[a-z0-9])', '')"
)
