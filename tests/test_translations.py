"""Indonesian is shipped whole and compiled."""

import ast
import gettext
import re
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES"


def po_entries() -> dict[tuple[str | None, str], str]:
    """(msgctxt or None, msgid) → msgstr (the first form, for plurals) of every live entry of
    django.po."""
    entries: dict[tuple[str | None, str], str] = {}
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue
        assert "#, fuzzy" not in block or 'msgid ""\nmsgstr ""' in block, block
        context = re.search(r'^msgctxt (".*")$', block, re.M)
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
        if not msgid or not msgstr:
            continue
        joined = [
            "".join(ast.literal_eval(part) for part in group.split("\n") if part)
            for group in (msgid.group(1), msgstr.group(1))
        ]
        if joined[0]:
            entries[context and ast.literal_eval(context.group(1)), joined[0]] = joined[1]
    return entries


def test_every_string_has_an_indonesian_translation():
    untranslated = [key for key, msgstr in po_entries().items() if not msgstr]

    assert po_entries(), "django.po has no entries"
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    stale = [
        (context, msgid)
        for (context, msgid), msgstr in po_entries().items()
        if (compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)) != msgstr
    ]

    assert stale == [], "run `make messages` (compilemessages) and commit django.mo"
