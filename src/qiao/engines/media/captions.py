"""Captions: parse, validate and sanitise WebVTT (and SRT, which editors export), and write
typed cues back as WebVTT.

What comes out is plain text per cue: WebVTT's own markup (``<b>``, ``<i>``, ``<c.class>``,
``<v Speaker>``, ``<ruby>``, inline timestamps) and any HTML are removed, entities decoded,
control and bidirectional-override characters dropped, text NFC-normalised; STYLE and REGION
blocks (CSS that would style the page's player) and NOTE blocks are dropped. The writer
escapes ``&``, ``<`` and ``>``, so what it produces can be served as ``text/vtt`` to a
``<track>`` element and a cue's text can be shown or translated as plain text. Cue settings
are kept only when they are one of the standard ones with a well-formed value.

Errors are :class:`CaptionRejected` with a stable ``code`` (the platform translates it), an
English ``message`` and, for parse errors, the 1-based ``line``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

CAPTION_CODES = (
    "empty",
    "too_large",
    "not_text",
    "not_webvtt",
    "bad_timestamp",
    "bad_timing",
    "too_many_cues",
    "cue_too_long",
    "no_cues",
)


class CaptionRejected(ValueError):
    def __init__(self, code: str, message: str, line: int | None = None) -> None:
        super().__init__(message if line is None else f"line {line}: {message}")
        self.code = code
        self.message = message
        self.line = line


@dataclass(frozen=True)
class CaptionPolicy:
    max_bytes: int = 512 * 1024
    max_cues: int = 5000
    max_cue_chars: int = 500
    max_cue_lines: int = 4
    #: Cues may end this many seconds after the clip (players stop at the end anyway).
    end_tolerance: float = 1.0


@dataclass(frozen=True)
class Cue:
    start: float  # seconds
    end: float
    text: str  # plain text; lines separated by "\n"
    identifier: str = ""
    settings: str = ""


@dataclass
class CaptionTrack:
    cues: list[Cue]
    language: str | None = None
    notes: list[str] = field(default_factory=list)

    def texts(self) -> list[str]:
        """The cue texts, in order (hand them to the translator)."""
        return [c.text for c in self.cues]

    def with_texts(self, texts: Sequence[str], language: str | None = None) -> CaptionTrack:
        """The same timing with other texts (a translation), sanitised again."""
        if len(texts) != len(self.cues):
            raise ValueError("one text per cue")
        cues = [replace(c, text=sanitize_text(t)) for c, t in zip(self.cues, texts, strict=True)]
        return CaptionTrack(
            [c for c in cues if c.text], language or self.language, list(self.notes)
        )

    def to_webvtt(self) -> str:
        return write_webvtt(self.cues, self.language)


_TS = re.compile(r"^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)[.,](\d{3})$")
_TIMING = re.compile(r"^(\S+)[ \t]+-->[ \t]+(\S+)(?:[ \t]+(.*))?$")
_TAG = re.compile(r"<[^>\n]*>")
_SETTING = re.compile(
    r"^(?:vertical:(?:rl|lr)|line:-?\d{1,3}(?:\.\d+)?%?(?:,(?:start|center|end))?"
    r"|position:\d{1,3}(?:\.\d+)?%(?:,(?:line-left|center|line-right))?"
    r"|size:\d{1,3}(?:\.\d+)?%|align:(?:start|center|end|left|right))$"
)
#: Characters removed from cue text: C0/C1 controls (but newline), bidi embeddings,
#: overrides and isolates (they can reverse what the rest of the page shows), BOM.
_STRIP = dict.fromkeys(
    [c for c in range(0x20) if c != 0x0A]
    + list(range(0x7F, 0xA0))
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
    + [0xFEFF, 0xFFFE]
)


def parse_timestamp(text: str, line: int | None = None) -> float:
    m = _TS.match(text.strip())
    if not m:
        raise CaptionRejected("bad_timestamp", f"{text!r} is not a timestamp (00:01.000).", line)
    hours, minutes, seconds, millis = m.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def format_timestamp(seconds: float) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def sanitize_text(text: str) -> str:
    """Plain, safe cue text: tags removed, entities decoded, controls and bidi overrides
    dropped, NFC, trimmed lines, no blank lines (a blank line would end the cue)."""
    text = _TAG.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = html.unescape(text)
    text = _TAG.sub("", text)  # "&lt;script&gt;" decodes to a tag: remove that too
    text = unicodedata.normalize("NFC", text.translate(_STRIP))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _decode(data: bytes | str, policy: CaptionPolicy) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if not raw.strip():
        raise CaptionRejected("empty", "The caption file is empty.")
    if len(raw) > policy.max_bytes:
        raise CaptionRejected(
            "too_large", f"The caption file is larger than {policy.max_bytes // 1024} KB."
        )
    if isinstance(data, str):
        text = data
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CaptionRejected("not_text", "Captions must be UTF-8 text.") from exc
    if "\x00" in text:
        raise CaptionRejected("not_text", "The caption file contains binary data.")
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse_captions(
    data: bytes | str, policy: CaptionPolicy | None = None, duration: float | None = None
) -> CaptionTrack:
    """Parse a WebVTT (or SRT) file into a sanitised, validated :class:`CaptionTrack`.

    ``duration`` (seconds) of the clip, when known: cues starting after it are dropped (a
    note says how many) and ends are clamped to it.
    """
    policy = policy or CaptionPolicy()
    text = _decode(data, policy)
    lines = text.split("\n")
    first = lines[0].strip() if lines else ""
    notes: list[str] = []
    language: str | None = None
    index = 0
    if first.startswith("WEBVTT") and (len(first) == 6 or first[6] in " \t"):
        srt = False
        index = 1
        while index < len(lines) and lines[index].strip():  # header lines
            key, _, value = lines[index].partition(":")
            if key.strip().lower() == "language" and re.fullmatch(
                r"[A-Za-z]{2,3}(-[\w]+)*", value.strip()
            ):
                language = value.strip()
            index += 1
    elif _looks_like_srt(lines):
        srt = True
        notes.append("converted_from_srt")
    else:
        raise CaptionRejected(
            "not_webvtt", "This is not a WebVTT caption file (it must start with WEBVTT).", 1
        )

    cues: list[Cue] = []
    while index < len(lines):
        while index < len(lines) and not lines[index].strip():
            index += 1
        if index >= len(lines):
            break
        block_start = index
        block: list[str] = []
        while index < len(lines) and lines[index].strip():
            block.append(lines[index])
            index += 1
        head = block[0].strip()
        if not srt and (head.startswith("NOTE") and (len(head) == 4 or head[4] in " \t")):
            continue
        if not srt and head in ("STYLE", "REGION"):
            notes.append(f"{head.lower()}_dropped")
            continue
        timing_at = next((i for i, line in enumerate(block) if "-->" in line), None)
        if timing_at is None or timing_at > 1:
            raise CaptionRejected(
                "bad_timestamp",
                "A caption block has no timing line (00:00:01.000 --> 00:00:02.000).",
                block_start + 1,
            )
        line_no = block_start + timing_at + 1
        m = _TIMING.match(block[timing_at].strip())
        if not m:
            raise CaptionRejected("bad_timestamp", "The timing line is malformed.", line_no)
        start = parse_timestamp(m.group(1), line_no)
        end = parse_timestamp(m.group(2), line_no)
        if end <= start:
            raise CaptionRejected("bad_timing", "A caption ends before it starts.", line_no)
        settings = " ".join(s for s in (m.group(3) or "").split() if _SETTING.match(s))
        identifier = sanitize_text(block[0]) if timing_at == 1 else ""
        if srt:
            identifier = ""
        cue = Cue(start, end, "\n".join(block[timing_at + 1 :]), identifier[:64], settings)
        cues.append(cue)
        if len(cues) > policy.max_cues:
            raise CaptionRejected(
                "too_many_cues", f"More than {policy.max_cues} captions.", line_no
            )
    return build_track(cues, policy, duration, language=language, notes=notes)


#: A typed caption line: a start time, optionally an end time, then the text.
#: "0:05 Hello", "1:02.5-1:04 Hi", "00:00:05.000 --> 00:00:07.000 Hi". A time has a colon,
#: so a continuation line that starts with a number ("100 people came") stays text.
_TYPED_TIME = r"(?:\d{1,2}:)?\d{1,3}:\d{2}(?:[.,]\d{1,3})?"
_TYPED_LINE = re.compile(
    rf"^\s*(?:\[)?(?P<start>{_TYPED_TIME})(?:\s*(?:-->|–|—|-|~)\s*(?P<end>{_TYPED_TIME}))?"
    rf"(?:\])?(?:\s*[|:]\s+|\s+)(?P<text>\S.*)$"
)
#: How long a typed caption with no end time stays up when no caption follows it.
TYPED_DEFAULT_SECONDS = 4.0


def parse_typed_time(text: str) -> float:
    """A time an author typed: m:ss or h:mm:ss, with optional fractions ("1:02.5");
    raises CaptionRejected("bad_timestamp")."""
    value = text.strip().replace(",", ".")
    parts = value.split(":")
    try:
        if len(parts) > 3 or any(not p for p in parts):
            raise ValueError(value)
        numbers = [float(p) if i == len(parts) - 1 else int(p) for i, p in enumerate(parts)]
    except ValueError as exc:
        raise CaptionRejected("bad_timestamp", f"{text!r} is not a time (0:05).") from exc
    if len(parts) > 1 and not all(0 <= n < 60 for n in numbers[1:]):
        raise CaptionRejected("bad_timestamp", f"{text!r} is not a time (0:05).")
    seconds = 0.0
    for n in numbers:
        seconds = seconds * 60 + n
    return seconds


def parse_typed_cues(
    text: str, policy: CaptionPolicy | None = None, duration: float | None = None
) -> CaptionTrack:
    """Captions typed by an author, one per line: ``0:05 Hello`` or ``0:05-0:08 Hello``. A
    caption without an end lasts until the next one starts (the last one
    :data:`TYPED_DEFAULT_SECONDS`); a line without a time continues the caption above it.
    Validated and sanitised like a file (:func:`build_track`)."""
    policy = policy or CaptionPolicy()
    body = _decode(text, policy)
    rows: list[tuple[float, float | None, list[str]]] = []
    for number, line in enumerate(body.split("\n"), start=1):
        if not line.strip():
            continue
        m = _TYPED_LINE.match(line)
        if m is None:
            if not rows:
                raise CaptionRejected(
                    "bad_timestamp", "A caption line must start with its time (0:05 Hello).", number
                )
            rows[-1][2].append(line)
            continue
        try:
            start = parse_typed_time(m.group("start"))
            end = parse_typed_time(m.group("end")) if m.group("end") else None
        except CaptionRejected as exc:
            raise CaptionRejected(exc.code, exc.message, number) from exc
        if end is not None and end <= start:
            raise CaptionRejected("bad_timing", "A caption ends before it starts.", number)
        rows.append((start, end, [m.group("text")]))
        if len(rows) > policy.max_cues:
            raise CaptionRejected("too_many_cues", f"More than {policy.max_cues} captions.", number)
    if not rows:
        raise CaptionRejected("no_cues", "There are no captions here.")
    rows.sort(key=lambda r: r[0])
    cues = []
    for i, (start, end, lines) in enumerate(rows):
        if end is None:
            following = next((r[0] for r in rows[i + 1 :] if r[0] > start), None)
            end = following if following is not None else start + TYPED_DEFAULT_SECONDS
            if duration is not None and following is None and start < duration:
                end = max(min(end, duration), min(start + 0.5, duration + policy.end_tolerance))
        cues.append(Cue(start, end, "\n".join(lines)))
    return build_track(cues, policy, duration)


def parse_any_captions(
    data: bytes | str, policy: CaptionPolicy | None = None, duration: float | None = None
) -> CaptionTrack:
    """A WebVTT or SRT file, or captions typed one per line (:func:`parse_typed_cues`)."""
    policy = policy or CaptionPolicy()
    text = _decode(data, policy)
    lines = text.split("\n")
    first = lines[0].strip() if lines else ""
    if first.startswith("WEBVTT") or _looks_like_srt(lines):
        return parse_captions(text, policy, duration)
    return parse_typed_cues(text, policy, duration)


def _looks_like_srt(lines: list[str]) -> bool:
    for i, line in enumerate(lines[:5]):
        if "-->" in line:
            return bool(re.match(r"^\s*\d{2}:\d{2}:\d{2},\d{3}\s+-->", line)) and (
                i == 0 or lines[i - 1].strip().isdigit()
            )
    return False


def build_track(
    cues: Iterable[Cue],
    policy: CaptionPolicy | None = None,
    duration: float | None = None,
    *,
    language: str | None = None,
    notes: list[str] | None = None,
) -> CaptionTrack:
    """Validate and sanitise cues the author typed (or that a parser or a transcriber made):
    times in order and inside the clip, text within limits; empty cues dropped."""
    policy = policy or CaptionPolicy()
    out: list[Cue] = []
    notes = list(notes or [])
    dropped = 0
    for number, cue in enumerate(cues, start=1):
        if not (cue.start >= 0 and cue.end > cue.start):
            raise CaptionRejected("bad_timing", f"Caption {number} ends before it starts.")
        text = sanitize_text(cue.text)
        if not text:
            continue
        if len(text) > policy.max_cue_chars or text.count("\n") >= policy.max_cue_lines:
            raise CaptionRejected(
                "cue_too_long",
                f"Caption {number} is longer than {policy.max_cue_chars} characters or "
                f"{policy.max_cue_lines} lines.",
            )
        start, end = cue.start, cue.end
        if duration is not None:
            if start >= duration:
                dropped += 1
                continue
            end = min(end, duration + policy.end_tolerance)
        out.append(
            Cue(
                round(start, 3),
                round(end, 3),
                text,
                sanitize_text(cue.identifier),
                cue.settings if all(_SETTING.match(s) for s in cue.settings.split()) else "",
            )
        )
        if len(out) > policy.max_cues:
            raise CaptionRejected("too_many_cues", f"More than {policy.max_cues} captions.")
    if dropped:
        notes.append(f"dropped_after_end:{dropped}")
    if not out:
        raise CaptionRejected("no_cues", "There are no captions in this file.")
    out.sort(key=lambda c: (c.start, c.end))
    return CaptionTrack(out, language, notes)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_webvtt(cues: Iterable[Cue], language: str | None = None) -> str:
    """Serialise cues as WebVTT. Text is sanitised and escaped; a cue whose text sanitises
    to nothing is left out."""
    parts = ["WEBVTT"]
    if language and re.fullmatch(r"[A-Za-z]{2,3}(-\w+)*", language):
        parts[0] += f"\nLanguage: {language}"
    for cue in cues:
        text = sanitize_text(cue.text)
        if not text or cue.end <= cue.start:
            continue
        ident = sanitize_text(cue.identifier).replace("\n", " ").replace("-->", "→")
        settings = " ".join(s for s in cue.settings.split() if _SETTING.match(s))
        timing = f"{format_timestamp(cue.start)} --> {format_timestamp(cue.end)}"
        parts.append(
            "\n".join(filter(None, [ident, f"{timing} {settings}".rstrip(), _escape(text)]))
        )
    return "\n\n".join(parts) + "\n"
