"""Text helpers shared by services: normalisation, #topics and @mentions."""

from __future__ import annotations

import re
import unicodedata

# A topic is "#" (or the full-width "＃" of Chinese keyboards) followed by letters, digits or
# underscores in any script (#火锅, #cat_life, #OOTD), ended by whitespace, punctuation, emoji
# or another "#". Weibo/Xiaohongshu style "#火锅#" and the app's own "#火锅[话题]#" work too: the
# closing "#" belongs to the tag unless a Latin letter or digit follows at once ("#火锅#真香"
# is one tag and text, "#cats#dogs" two tags). A tag of digits only ("#1", "day #3") is not
# a topic, nor is the "#anchor" of a URL. Extraction (`extract_topics`) and the
# links drawn in a note's text (`topic_spans`) share this one reading, so every #tag a reader
# can tap is a topic of the note it sits in.
TOPIC_RE = re.compile(r"[#＃](?![0-9]+(?!\w))(\w{1,30})(?:\[话题\])?(?:[#＃](?![A-Za-z0-9]))?")
URL_RE = re.compile(r"https?://[^\s<]+")
MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{3,30})")


def normalize(text: str) -> str:
    """NFC, Unix newlines, no trailing spaces or control characters."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.strip()


def normalize_topic(raw: str) -> str:
    """The stored form of a topic name: width folded (ＯＯＴＤ -> ootd), lower case, without
    the "#" marks or the app's "[话题]" suffix, at most 40 characters."""
    text = unicodedata.normalize("NFKC", raw or "").strip().strip("#").replace("[话题]", "")
    return unicodedata.normalize("NFC", text.strip("#").strip().lower())[:40]


def topic_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, topic name) of every #tag in `text`, in order."""
    urls = [m.span() for m in URL_RE.finditer(text or "")]
    spans = []
    for match in TOPIC_RE.finditer(text or ""):
        topic = normalize_topic(match.group(1))
        if topic and not any(a <= match.start() < b for a, b in urls):
            spans.append((match.start(), match.end(), topic))
    return spans


def extract_topics(text: str) -> list[str]:
    """The distinct topics of `text`, in order of first use."""
    return list(dict.fromkeys(name for _start, _end, name in topic_spans(text)))


def extract_mentions(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for match in MENTION_RE.finditer(text or ""):
        seen.setdefault(match.group(1).lower(), None)
    return list(seen)
