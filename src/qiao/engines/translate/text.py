"""Faithful handling of social text around a sentence translator.

``plan_text`` protects what must never be translated (code, URLs, e-mail addresses,
@mentions, #topics, emoji, numbers) with placeholders ``⟦0⟧``, ``⟦1⟧``..., splits the text
into lines and sentences (Chinese and English punctuation), and strips each sentence down to
the *core* an engine has to see. ``render`` puts translated cores back, restores every
protected span byte for byte and re-joins lines and paragraphs exactly as they were, with
spacing adjusted for the target script.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

PLACEHOLDER_OPEN = "⟦"
PLACEHOLDER_CLOSE = "⟧"
PLACEHOLDER = re.compile(r"⟦(\d+)⟧")
# What engines sometimes make of a placeholder: inner spaces, full-width or ASCII brackets.
_LENIENT_PLACEHOLDER = re.compile(r"[⟦〚【\[]\s*(\d+)\s*[⟧〛】\]]")

_EMOJI_BASE = (
    "\U0001f000-\U0001faff\u2600-\u27bf\u2300-\u23ff\u2b00-\u2bff\u2190-\u21ff"
    "\u3030\u303d\u3297\u3299\u00a9\u00ae\u203c\u2049\u2122\u2139\U0001f1e6-\U0001f1ff"
)
_EMOJI_MOD = "\ufe0f\ufe0e\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
_EMOJI = (
    f"(?:[{_EMOJI_BASE}][{_EMOJI_MOD}]*(?:\u200d[{_EMOJI_BASE}][{_EMOJI_MOD}]*)*"
    f"|[0-9#*]\ufe0f?\u20e3)"
)

# Characters that end a URL, a Latin handle or a Latin topic: CJK (and kana, Hangul) and
# full-width punctuation.  Chinese is written without spaces, so "感谢@chef_lin推荐" and
# "看这里https://t.co/xY12很好" must not glue the Chinese onto the span (issue 13).
_CJK_STOP = (
    "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
)
#: emoji end a URL too ("https://t.co/x👍" is the link and a thumbs-up)
_EMOJI_STOP = "\U0001f000-\U0001faff\u2600-\u27bf\u2300-\u23ff\u2b00-\u2bff"
URL_PATTERN = rf"(?:https?://|www\.)[^\s<>\"'{_CJK_STOP}{_EMOJI_STOP}]+"
#: a handle written in Latin letters ends at the first character that is not one of them;
#: a handle written in Chinese (@小明) runs to the next space or punctuation
MENTION_PATTERN = (
    r"(?<![A-Za-z0-9_@.])@(?:[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?(?![A-Za-z0-9_])"
    r"|[^\W\d_A-Za-z][\w.\-]*)"
)
#: what a closed topic ``#…#`` cannot hold: spaces, #, @, /, and sentence punctuation —
#: CJK and full-width (。，！？（）「」…) and ASCII — so "#hotpot。）#dogs" is the topic
#: hotpot, then text, then the topic dogs (issue 13)
_TOPIC_STOP = (
    "\\s#@/\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
    "\u2018-\u201f\u2026,!?;:()\\[\\]{}\"'<>"
)
TOPIC_PATTERN = (
    rf"(?<![A-Za-z0-9_#&])#[^{_TOPIC_STOP}]{{1,30}}#"
    r"|(?<![A-Za-z0-9_#&])#[A-Za-z0-9_][A-Za-z0-9_\-]*(?![A-Za-z0-9_])"
    r"|(?<![A-Za-z0-9_#&])#[^\W\d_A-Za-z][\w\-]*"
)

_PROTECT = re.compile(
    "|".join(
        [
            r"(?P<fence>```[\s\S]*?```)",
            r"(?P<code>`[^`\n]+`)",
            rf"(?P<url>{URL_PATTERN})",
            r"(?P<email>[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)",
            rf"(?P<mention>{MENTION_PATTERN})",
            rf"(?P<topic>{TOPIC_PATTERN})",
            f"(?P<emoji>(?:{_EMOJI})+)",
            r"(?P<number>(?<![A-Za-z0-9_.])\d+(?:[.,:/\-]\d+)*%?(?![A-Za-z0-9_]))",
        ]
    )
)
_TRAILING_URL_PUNCT = ".,;:!?'\")]}"

_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_CJK_END_PUNCT = "。！？；：，、…」』）】》”’"
#: Targets written without spaces between words.
NO_SPACE_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my"})

# Sentence ends: CJK enders always end a sentence; ASCII ones only before space/end.
_SENT_END = re.compile(r"(?:[。！？…]+|[!?]+|\.{1,3}(?!\d))[”’\"'」』）)\]]*\s*")
MAX_SENTENCE_CHARS = 400
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "vs",
        "etc",
        "eg",
        "ie",
        "no",
        "vol",
        "fig",
        "approx",
        "dept",
        "est",
        "inc",
        "ltd",
        "co",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mt",
        "ft",
    ]
)
_SOFT_BREAK = re.compile(r"(?<=[，,、；;：:])\s*|\s+")


def normalize_text(text: str) -> str:
    """NFC, unified line breaks, no outer whitespace: the form that is translated and cached."""
    text = unicodedata.normalize("NFC", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


@dataclass(slots=True)
class Protected:
    text: str
    spans: list[str]


def protect(text: str, fixed: list[tuple[int, int, str]] | None = None) -> Protected:
    """Replace protected spans with placeholders. ``restore(p.text, p.spans) == text``.

    ``fixed`` adds spans with a fixed rendering, ``(start, end, rendering)``: glossary terms
    (YYDS -> GOAT).  They are restored as their rendering, so the engine sees and keeps it."""
    spans: list[str] = []
    out: list[str] = []
    pos = 0
    found: list[tuple[int, int, str, str | None]] = [
        (m.start(), m.end(), m.lastgroup or "", None) for m in _PROTECT.finditer(text)
    ]
    for f_start, f_end, f_text in fixed or []:
        if not any(a < f_end and f_start < b for a, b, _k, _r in found):
            found.append((f_start, f_end, "fixed", f_text))
    found.sort()
    for start, end, _kind, rendering in found:
        if start < pos:
            continue
        if rendering is not None:
            out.append(text[pos:start])
            out.append(f"{PLACEHOLDER_OPEN}{len(spans)}{PLACEHOLDER_CLOSE}")
            spans.append(rendering)
            pos = end
            continue
        m = _PROTECT.match(text, start)
        if m is None:
            continue
        span = m.group(0)
        if m.lastgroup == "url":
            # keep a closing parenthesis that belongs to the URL, e.g. wiki links
            span = _trim_url(span)
            end = start + len(span)
        elif m.lastgroup == "mention":
            span = span.rstrip(".-")
            end = start + len(span)
            if len(span) == 1:
                continue
        out.append(text[pos:start])
        out.append(f"{PLACEHOLDER_OPEN}{len(spans)}{PLACEHOLDER_CLOSE}")
        spans.append(span)
        pos = end
    out.append(text[pos:])
    return Protected("".join(out), spans)


def restore(text: str, spans: list[str]) -> str:
    def sub(m: re.Match[str]) -> str:
        i = int(m.group(1))
        return spans[i] if i < len(spans) else m.group(0)

    return PLACEHOLDER.sub(sub, text)


def normalize_placeholders(text: str) -> str:
    """Undo what engines commonly do to placeholders (``⟦ 0 ⟧``, ``[0]``...)."""
    return _LENIENT_PLACEHOLDER.sub(lambda m: f"⟦{m.group(1)}⟧", text)


def placeholders_intact(source: str, output: str) -> bool:
    """Every placeholder of ``source`` occurs exactly once in ``output`` and no other one does."""
    return sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(output))


def _count(span: str, text: str) -> int:
    if span[:1].isdigit():  # "3" must not be found inside "13" or "3.5"
        return len(re.findall(rf"(?<![0-9.,]){re.escape(span)}(?![0-9]|[.,][0-9])", text))
    return text.count(span)


def spans_survive(spans: list[str], sent: str, output: str) -> bool:
    """Is every protected span of ``sent`` in ``output`` exactly as often (and no placeholder
    syntax invented)? Then the engine's own output can be used as it is."""
    if PLACEHOLDER.search(output) and not PLACEHOLDER.search(sent):
        return False
    return all(_count(s, output) == _count(s, sent) for s in set(spans))


def split_sentences(line: str) -> list[str]:
    """Split one line into sentences; ``"".join(result) == line``. Long runs are cut at commas
    or spaces so no piece exceeds :data:`MAX_SENTENCE_CHARS`."""
    pieces: list[str] = []
    start = 0
    for m in _SENT_END.finditer(line):
        punct = m.group(0)
        cjk = punct[0] in "。！？…"
        at_end = m.end() == len(line)
        if punct.startswith(".") and not at_end:
            word = re.search(r"(\w+)$", line[: m.start()])
            # "Mr. Smith", "J. K. Rowling", "e.g. this": not sentence ends
            if word and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1):
                continue
        if (cjk or at_end or punct[-1].isspace()) and m.end() > start:
            pieces.append(line[start : m.end()])
            start = m.end()
    if start < len(line):
        pieces.append(line[start:])
    out: list[str] = []
    for piece in pieces:
        out.extend(_cut_long(piece))
    return out


def _cut_long(piece: str) -> list[str]:
    if len(piece) <= MAX_SENTENCE_CHARS:
        return [piece]
    out: list[str] = []
    while len(piece) > MAX_SENTENCE_CHARS:
        window = piece[:MAX_SENTENCE_CHARS]
        cut = 0
        for m in _SOFT_BREAK.finditer(window):
            if m.end() > MAX_SENTENCE_CHARS // 3 and m.end() < len(window):
                cut = m.end()
        if cut == 0:
            cut = MAX_SENTENCE_CHARS
            # never cut inside a placeholder
            open_at = window.rfind(PLACEHOLDER_OPEN)
            if open_at > window.rfind(PLACEHOLDER_CLOSE):
                cut = open_at or MAX_SENTENCE_CHARS
        out.append(piece[:cut])
        piece = piece[cut:]
    if piece:
        out.append(piece)
    return out


def has_words(text: str) -> bool:
    """Is there anything to translate once placeholders are removed?"""
    return any(ch.isalpha() for ch in PLACEHOLDER.sub("", text))


_EDGE = re.compile(r"^(?:\s|⟦\d+⟧)*|(?:\s|⟦\d+⟧)*$")


@dataclass(slots=True)
class Unit:
    """A sentence: ``prefix`` and ``suffix`` (whitespace and placeholders) are kept as they are,
    ``core`` goes to the engine."""

    prefix: str
    core: str
    suffix: str


@dataclass(slots=True)
class Plan:
    pieces: list[str | Unit] = field(default_factory=list)
    spans: list[str] = field(default_factory=list)

    @property
    def units(self) -> list[Unit]:
        return [p for p in self.pieces if isinstance(p, Unit)]


def plan_text(
    text: str, *, sentences: bool = True, fixed: list[tuple[int, int, str]] | None = None
) -> Plan:
    """Protect, split into lines and sentences, and isolate what must be translated.
    ``sentences=False`` keeps whole lines (for engines that want context, such as LLMs);
    ``fixed`` are spans with a fixed rendering (glossary terms, see :func:`protect`)."""
    prot = protect(text, fixed)
    plan = Plan(spans=prot.spans)
    for line in re.split(r"(\n)", prot.text):
        if line == "\n" or not has_words(line):
            plan.pieces.append(line)
            continue
        for sentence in split_sentences(line) if sentences else [line]:
            if not has_words(sentence):
                plan.pieces.append(sentence)
                continue
            lead = re.match(r"(?:\s|⟦\d+⟧)*", sentence)
            trail = re.search(r"(?:\s|⟦\d+⟧)*$", sentence)
            a = lead.end() if lead else 0
            b = trail.start() if trail else len(sentence)
            plan.pieces.append(Unit(sentence[:a], sentence[a:b], sentence[b:]))
    return plan


def split_on_placeholders(core: str) -> list[str]:
    """``"我爱⟦0⟧和⟦1⟧"`` -> ``["我爱", "⟦0⟧", "和", "⟦1⟧"]`` (empty strings dropped)."""
    return [p for p in re.split(r"(⟦\d+⟧)", core) if p]


def _needs_space(left: str, right: str) -> bool:
    if not left or not right or left[-1].isspace() or right[0].isspace():
        return False
    return not (right[0] in ".,!?;:%)]}…" or left[-1] in "([{")


def join_fragments(parts: list[str], target: str) -> str:
    """Join translated fragments and placeholders, with spaces for space-delimited targets."""
    if target.split("-")[0] in NO_SPACE_LANGUAGES:
        return "".join(p.strip() if not PLACEHOLDER.fullmatch(p) else p for p in parts)
    out = ""
    for part in parts:
        if _needs_space(out, part):
            out += " "
        out += part
    return out


def render(plan: Plan, translations: list[str], target: str) -> str:
    """Assemble the translated text. ``translations`` has one entry per unit, in order."""
    no_space = target.split("-")[0] in NO_SPACE_LANGUAGES
    it = iter(translations)
    out: list[str] = []
    after_unit = False
    for piece in plan.pieces:
        if isinstance(piece, str):
            # "你呢？😂" -> "And you? 😂": a space-delimited target spaces what follows a sentence
            if after_unit and not no_space and out and _needs_space(out[-1], piece):
                piece = " " + piece
            out.append(piece)
            after_unit = False
            continue
        after_unit = True
        core = next(it).strip()
        prefix, suffix = piece.prefix, piece.suffix
        prev = "".join(out)
        if no_space:
            # "Good. Really." -> "好。真的。": drop the space after a CJK sentence end.
            if prev and prev[-1] in _CJK_END_PUNCT and prefix.isspace():
                prefix = ""
            if core and core[-1] in _CJK_END_PUNCT and suffix.isspace() and "\n" not in suffix:
                suffix = ""
        else:
            if _needs_space(prev, prefix or core):
                prefix = " " + prefix
            if prefix and _needs_space(prefix, core):
                prefix = prefix + " "
            if suffix and _needs_space(core, suffix):
                suffix = " " + suffix
        out.append(prefix + core + suffix)
    return separate_spans(restore("".join(out), plan.spans), plan.spans)


# --- protected spans as separate tokens (for every output, and for the web renderer) -------

#: span kinds that link somewhere and therefore must stay separate tokens
LINK_KINDS = ("url", "mention", "topic", "email")


@dataclass(frozen=True, slots=True)
class SpanToken:
    """A piece of text: ``kind`` is ``text``, ``url``, ``mention``, ``topic`` or ``email``;
    ``value`` is what it points at (the handle without ``@``, the topic without ``#``, the
    URL or address as written)."""

    kind: str
    text: str
    value: str


_LINKS = re.compile(
    "|".join(
        [
            rf"(?P<url>{URL_PATTERN})",
            r"(?P<email>[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)",
            rf"(?P<mention>{MENTION_PATTERN})",
            rf"(?P<topic>{TOPIC_PATTERN})",
        ]
    )
)


def _trim_url(span: str) -> str:
    trimmed = span.rstrip(_TRAILING_URL_PUNCT)
    while span[len(trimmed) :].startswith(")") and trimmed.count("(") > trimmed.count(")"):
        trimmed += ")"
    return trimmed


def split_spans(text: str) -> list[SpanToken]:
    """Split text into (text | url | mention | topic | email) tokens, correctly for Chinese
    written without spaces: ``"感谢@chef_lin推荐"`` -> text "感谢", mention "chef_lin", text
    "推荐"; a URL ends at the first CJK character or full-width punctuation, and trailing
    ASCII punctuation is not part of it.  ``"".join(t.text for t in tokens) == text``.
    The web renderer should build its links from these tokens."""
    out: list[SpanToken] = []
    pos = 0
    for m in _LINKS.finditer(text):
        start, end = m.span()
        if start < pos:
            continue
        kind = m.lastgroup or "text"
        span = m.group(0)
        if kind == "url":
            span = _trim_url(span)
        elif kind == "mention":
            span = span.rstrip(".-")
            if len(span) == 1:
                continue
        end = start + len(span)
        if start > pos:
            out.append(SpanToken("text", text[pos:start], text[pos:start]))
        value = {"mention": span[1:], "topic": span.strip("#")}.get(kind, span)
        out.append(SpanToken(kind, span, value))
        pos = end
    if pos < len(text):
        out.append(SpanToken("text", text[pos:], text[pos:]))
    return out


def _span_kind(span: str) -> str:
    tokens = split_spans(span)
    return tokens[0].kind if len(tokens) == 1 else "text"


_CJK_LETTERS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_GLUE_BEFORE = re.compile(rf"[A-Za-z0-9_@.#&\-{_CJK_LETTERS}]")
_GLUE_AFTER = re.compile(rf"[A-Za-z0-9_@#/\-{_CJK_LETTERS}]")
_OPENERS = "（【《「『“‘([{"
_CLOSERS = "）】》」』”’)]},.!?;:，。！？；："


def separate_spans(text: str, spans: list[str]) -> str:
    """Make every link-like protected span (URL, @mention, #topic, e-mail) a separate token
    of ``text``: a space goes between it and a letter, digit, CJK character or another span
    it touches, so ``中@sam_eats@ana_cooks中https://t.co/xY12中`` becomes
    ``中 @sam_eats @ana_cooks 中 https://t.co/xY12 中``.  Longer spans are placed first, so
    ``@amy`` inside ``@amy_lee`` is left alone."""
    links = sorted({s for s in spans if s and _span_kind(s) in LINK_KINDS}, key=len, reverse=True)
    if not links:
        return text
    covered: list[tuple[int, int]] = []
    for span in links:
        i = text.find(span)
        while i >= 0:
            j = i + len(span)
            if not any(a <= i and j <= b for a, b in covered):
                covered.append((i, j))
            i = text.find(span, i + 1)
    if not covered:
        return text
    covered.sort()
    out: list[str] = []
    pos = 0
    for i, j in covered:
        if i < pos:
            continue
        out.append(text[pos:i])
        before = "".join(out)[-1:]
        if before and before not in _OPENERS and _GLUE_BEFORE.match(before):
            out.append(" ")
        out.append(text[i:j])
        nxt = text[j : j + 1]
        if nxt and nxt not in _CLOSERS and (_GLUE_AFTER.match(nxt) or nxt in "@#"):
            out.append(" ")
        pos = j
    out.append(text[pos:])
    return re.sub(r"(?<=\S) {2,}(?=\S)", " ", "".join(out))
