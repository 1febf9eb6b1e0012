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
    untranslated = [e["msgid"] for e in entries if not (e.get("msgstr") or e.get("msgstr[0]"))]
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


# --- every string in the code is in the catalogue ----------------------------------------
import re  # noqa: E402 - kept with the check that uses it

SRC = Path(qiao.__file__).parent
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}
PGETTEXT = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
TRANSLATE_TAG = re.compile(
    r"""{%\s*(?:translate|trans)\s+(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')"""
    r"""(?:\s+context\s+(?:"([^"]*)"|'([^']*)'))?"""
)
BLOCK_TAG = re.compile(
    r"{%\s*blocktrans(?:late)?\b(?P<opts>[^%]*)%}(?P<body>.*?)"
    r"(?:{%\s*plural\s*%}(?P<plural>.*?))?{%\s*endblocktrans(?:late)?\s*%}",
    re.S,
)
VARIABLE = re.compile(r"{{\s*([\w.]+)\s*}}")


def _python_msgids() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "engines" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            index = 0 if name in GETTEXT else 1 if name in PGETTEXT else -1
            if (
                index >= 0
                and len(node.args) > index
                and isinstance(node.args[index], ast.Constant)
                and isinstance(node.args[index].value, str)
            ):
                found.add(node.args[index].value)
    return found


def _block_text(text: str, trimmed: bool) -> str:
    text = VARIABLE.sub(lambda m: f"%({m.group(1)})s", text.replace("%", "%%"))
    if trimmed:
        text = " ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    return text


def _template_msgids() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        for m in TRANSLATE_TAG.finditer(source):
            found.add(
                (m.group(1) if m.group(1) is not None else m.group(2))
                .replace("\\'", "'")
                .replace('\\"', '"')
            )
        for m in BLOCK_TAG.finditer(source):
            found.add(_block_text(m.group("body"), "trimmed" in m.group("opts")))
    return found


def test_every_string_in_the_code_is_in_the_catalogue() -> None:
    """What `makemessages` would extract (Python gettext calls with a literal, {% translate %}
    and {% blocktranslate %}) is all in django.po, so no page ships half in English."""
    catalogue = {e["msgid"] for e in _entries() if e.get("msgid")}
    missing = sorted((_python_msgids() | _template_msgids()) - catalogue)
    assert missing == [], "\n".join(missing)
