"""Template helpers: responsive pictures, avatars, linkified note text, compact counts."""

from __future__ import annotations

import functools
import re
import threading
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from django import template
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from qiao.core.text import link_tokens, normalize_topic

register = template.Library()


@register.simple_tag
def picture(pic: Any, sizes: str, eager: bool = False, css: str = "") -> SafeString:
    """A <picture> with WebP and JPEG srcsets, intrinsic size, and placeholder data."""
    if pic is None:
        return format_html('<div class="ph ph-empty {}"></div>', css)
    webp = (
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', pic.srcset_webp, sizes)
        if pic.srcset_webp
        else ""
    )
    return format_html(
        '<picture class="ph {css}" data-color="{color}" data-blurhash="{bh}">{webp}'
        '<img src="{src}" srcset="{srcset}" sizes="{sizes}" width="{w}" height="{h}" '
        'alt="{alt}" loading="{loading}" decoding="async"></picture>',
        css=css,
        color=pic.color,
        bh=pic.blurhash,
        webp=webp,
        src=pic.src,
        srcset=pic.srcset_jpeg,
        sizes=sizes,
        w=pic.width,
        h=pic.height,
        alt=pic.alt,
        loading="eager" if eager else "lazy",
    )


@register.filter
def shape(pic: Any) -> str:
    """ "portrait", "square" or "landscape": the frame a note's photos share, from its first
    photo (3:4 up to 4:3, as RedNote frames them); the other photos fit inside it."""
    width, height = getattr(pic, "width", 0) or 0, getattr(pic, "height", 0) or 0
    if not width or not height:
        return "portrait"
    ratio = width / height
    return "portrait" if ratio < 0.875 else "landscape" if ratio > 1.15 else "square"


@register.simple_tag
def avatar(user: Any, size: str = "sm") -> SafeString:
    """The user's photo, or their initial on their colour; decorative (the name is beside)."""
    if user is None:
        return mark_safe("")
    if user.avatar:
        return format_html(
            '<img class="avatar avatar-{}" src="{}" alt="" width="96" height="96" loading="lazy">',
            size,
            default_storage.url(user.avatar),
        )
    initial = (user.display_name or user.username or "?")[:1].upper()
    return format_html(
        '<span class="avatar avatar-{} avatar-initial" data-color="{}" '
        'aria-hidden="true">{}</span>',
        size,
        user.avatar_color,
        initial,
    )


_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_EN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")


def _word(word: str) -> str:
    return f'<span class="w">{conditional_escape(word)}</span>'


_warming = threading.Lock()
_warm_started = False


def segmenter_ready(wait: bool = False) -> bool:
    """Whether jieba and CC-CEDICT are loaded (2–4 s and ~200 MB, once per process).

    The first page that needs them starts loading them in a thread and is rendered without
    word wrapping, so no reader waits for the dictionary; pages after that have tappable
    words. `wait=True` loads them now (tests, warm-up)."""
    global _warm_started
    from qiao.engines.translate import lookup

    if lookup.get_cedict.cache_info().currsize and lookup._jieba.cache_info().currsize:
        return True
    if wait:
        lookup.segment_words("火锅")
        return True
    with _warming:
        if not _warm_started:
            _warm_started = True
            threading.Thread(
                target=lookup.segment_words, args=("火锅",), daemon=True, name="qiao-lookup-warmup"
            ).start()
    return False


def _wrap_words(text: str, language: str) -> str:
    """Escape `text`, wrapping each word a learner can look up in <span class="w">.

    Chinese is segmented server-side (jieba re-cut to CC-CEDICT words, the same cut the
    look-up uses, so tapping 火锅 looks up 火锅); English words are found by a pattern."""
    if not text:
        return ""
    if language == "zh" and not segmenter_ready():
        language = "en"  # English words only until the dictionary has loaded
    if language != "zh" or not _HAN_RE.search(text):
        if language not in ("zh", "en"):
            return str(conditional_escape(text))
        out, pos = [], 0
        for m in _EN_WORD_RE.finditer(text):
            out += [str(conditional_escape(text[pos : m.start()])), _word(m.group())]
            pos = m.end()
        out.append(str(conditional_escape(text[pos:])))
        return "".join(out)
    return _wrap_chinese(text)


@functools.lru_cache(maxsize=512)
def _wrap_chinese(text: str) -> str:
    """Chinese text with its words wrapped (~6 ms per 1,000 characters, so popular notes
    are kept: at most 512 texts of ≤ 2,000 characters)."""
    from qiao.engines.translate.lookup import segment_words

    out, pos = [], 0
    for word, start, end in segment_words(text):
        if _HAN_RE.search(word) or _EN_WORD_RE.fullmatch(word):
            out += [str(conditional_escape(text[pos:start])), _word(word)]
            pos = end
    out.append(str(conditional_escape(text[pos:])))
    return "".join(out)


def _topic_query(topic: str) -> str:
    """A topic for a query string: ASCII delimiters escaped, Chinese kept readable."""
    return "".join(ch if ord(ch) > 127 else quote(ch, safe="") for ch in topic)


def _rich(text: str, language: str = "") -> SafeString:
    """Escape `text`; link its #topics, @mentions and URLs as `core.text.link_tokens` cuts
    them (the cut extraction and translation use, so "感谢@chef_lin推荐" links chef_lin and
    leaves 推荐 a word); wrap the words between for look-up."""
    out: list[str] = []
    for token in link_tokens(text or ""):
        if token.kind == "topic":
            out.append(
                str(
                    format_html(
                        '<a class="tag" href="{}?topic={}">{}</a>',
                        reverse("web:home"),
                        _topic_query(normalize_topic(token.value)),
                        token.text,
                    )
                )
            )
        elif token.kind == "mention":
            out.append(
                str(
                    format_html(
                        '<a class="mention" href="{}">{}</a>',
                        reverse("web:profile", args=[token.value]),
                        token.text,
                    )
                )
            )
        elif token.kind == "url":
            href = token.value if "://" in token.value else f"https://{token.value}"
            out.append(
                str(
                    format_html(
                        '<a href="{}" rel="nofollow noopener ugc" target="_blank">{}</a>',
                        href,
                        token.text,
                    )
                )
            )
        else:  # text, and e-mail addresses (shown, not linked)
            out.append(
                _wrap_words(token.text, language)
                if token.kind == "text"
                else str(conditional_escape(token.text))
            )
    return mark_safe("".join(out).replace("\n", "<br>"))  # noqa: S308 - every part escaped


@register.simple_tag
def characters_url(*texts: str) -> str:
    """The look-up that shows pinyin texts (a title, a body) in characters."""
    return f"{reverse('web:characters')}?{urlencode([('text', t) for t in texts if t])}"


@register.filter(needs_autoescape=False)
def rich(text: str) -> SafeString:
    """Escape note or comment text, then link #topics, @mentions and URLs; keep newlines."""
    return _rich(text)


@register.filter(needs_autoescape=False)
def rich_words(text: str, language: str = "") -> SafeString:
    """`rich`, with the words wrapped for look-up when `language` is "zh" or "en" (the view
    passes "" when the reader needs no look-up: text in their own first language)."""
    return _rich(text, language or "")


@register.filter(needs_autoescape=False)
def words(text: str, language: str = "") -> SafeString:
    """Escaped plain text (a title) with its words wrapped for look-up."""
    return mark_safe(_wrap_words(text or "", language or ""))  # noqa: S308 - escaped


@register.filter
def html_lang(code: str | None) -> str:
    """A BCP 47 tag for a `lang` attribute: zh -> zh-Hans; "" for unknown."""
    base = (code or "").split("-")[0].lower()
    if not base or base == "und":
        return ""
    if base == "zh":
        low = (code or "").lower()
        if low.endswith("latn"):
            return "zh-Latn"  # pinyin: Chinese in Latin letters
        return "zh-Hant" if low.endswith("hant") else "zh-Hans"
    return base


@register.filter
def ago(moment: datetime | None) -> str:
    """ "just now" under a minute (never "0 minutes ago"), else the largest unit: "5 minutes
    ago", "3 days ago" ("5 分钟前")."""
    if moment is None:
        return ""
    if timezone.now() - moment < timedelta(minutes=1):
        return str(pgettext("time", "just now"))
    return str(_("%(time)s ago") % {"time": timesince(moment, depth=1)})


@register.filter
def compact(value: int | None) -> str:
    """1234 -> 1.2k (or 1234 -> 1234, 12345 -> 1.2万 in Chinese)."""
    n = int(value or 0)
    if get_language() and get_language().startswith("zh"):
        if n >= 10_000:
            return f"{n / 10_000:.1f}".rstrip("0").rstrip(".") + "万"
        return str(n)
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}".rstrip("0").rstrip(".") + "m"
    if n >= 1_000:
        return f"{n / 1_000:.1f}".rstrip("0").rstrip(".") + "k"
    return str(n)


@register.simple_tag(takes_context=True)
def unread_count(context: template.Context) -> int:
    from qiao.accounts.models import User

    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not isinstance(user, User):
        return 0
    cached = getattr(request, "_qiao_unread", None)
    if cached is None:
        from qiao.social.read import unread_count as count

        cached = count(user)
        request.__dict__["_qiao_unread"] = cached  # header and tab bar share one query
    return int(cached)


def _saves_data(request: Any) -> bool:
    """The browser asked for less data (`Save-Data: on`, sent by data-saver modes)."""
    return request is not None and request.headers.get("Save-Data", "").strip().lower() == "on"


@register.simple_tag(takes_context=True)
def autoplay_ok(context: template.Context) -> bool:
    """Clips may start muted when in view: the member turned it on in settings and the
    browser does not ask to save data (the page's script also checks the connection's
    `saveData`, `prefers-reduced-data` and `prefers-reduced-motion`)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(getattr(user, "autoplay_videos", False)) and not _saves_data(request)


@register.simple_tag(takes_context=True)
def clip_source(context: template.Context, clip: Any) -> Any:
    """The rendition a player starts with: the smallest on a data-saving connection, else the
    largest up to 720p (the script moves a large screen up to the largest one)."""
    if clip is None:
        return None
    return clip.rendition(360 if _saves_data(context.get("request")) else 720)


@register.simple_tag(takes_context=True)
def messaging_unread(context: template.Context) -> dict[str, int]:
    """Unread direct messages and waiting requests, for the header (once per request)."""
    from qiao.accounts.models import User

    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not isinstance(user, User):
        return {"messages": 0, "requests": 0}
    cached = getattr(request, "_qiao_dm_unread", None)
    if cached is None:
        from qiao.messages.access import unread_totals

        cached = unread_totals(user)
        request.__dict__["_qiao_dm_unread"] = cached
    return dict(cached)
