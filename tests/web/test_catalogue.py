"""The Chinese catalogue is complete and its compiled .mo matches the .po (no gettext needed)."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import qiao

LC = Path(qiao.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def _entries() -> list[dict[str, str]]:
    """A small .po reader: msgctxt / msgid / msgid_plural / msgstr / msgstr[0], fuzzy flags."""
    entries: list[dict[str, str]] = []
    current: dict[str, str] = {}
    key = ""
    for raw in (LC / "django.po").read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current:
                entries.append(current)
            current, key = {}, ""
            continue
        if line.startswith("#,") and "fuzzy" in line:
            current["fuzzy"] = "1"
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            current[key] += ast.literal_eval(line)
            continue
        key, _sep, value = line.partition(" ")
        current[key] = ast.literal_eval(value)
    return entries


def test_every_string_is_translated_and_none_is_fuzzy() -> None:
    entries = [e for e in _entries() if e.get("msgid")]
    assert len(entries) > 300
    untranslated = [e["msgid"] for e in entries
                    if not (e.get("msgstr") or e.get("msgstr[0]"))]
    assert untranslated == []
    assert [e["msgid"] for e in entries if e.get("fuzzy")] == []


def test_compiled_catalogue_matches_the_po() -> None:
    with (LC / "django.mo").open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = []
    for e in _entries():
        if not e.get("msgid"):
            continue
        if "msgid_plural" in e:
            got = mo.ngettext(e["msgid"], e["msgid_plural"], 1)
            want = e["msgstr[0]"]
        elif "msgctxt" in e:
            got, want = mo.pgettext(e["msgctxt"], e["msgid"]), e["msgstr"]
        else:
            got, want = mo.gettext(e["msgid"]), e["msgstr"]
        if got != want:
            stale.append(e["msgid"])
    assert stale == [], "run compilemessages (see docs/web.md)"
