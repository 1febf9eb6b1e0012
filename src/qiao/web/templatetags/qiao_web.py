"""Template helpers: responsive pictures, avatars, linkified note text, compact counts."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from qiao.core.text import MENTION_RE, TOPIC_RE, normalize_topic

register = template.Library()


@register.simple_tag
def picture(pic: Any, sizes: str, eager: bool = False, css: str = "") -> SafeString:
    """A <picture> with WebP and JPEG srcsets, intrinsic size, and placeholder data."""
    if pic is None:
        return format_html('<div class="ph ph-empty {}"></div>', css)
    webp = (format_html('<source type="image/webp" srcset="{}" sizes="{}">',
                        pic.srcset_webp, sizes) if pic.srcset_webp else "")
    return format_html(
        '<picture class="ph {css}" data-color="{color}" data-blurhash="{bh}">{webp}'
        '<img src="{src}" srcset="{srcset}" sizes="{sizes}" width="{w}" height="{h}" '
        'alt="{alt}" loading="{loading}" decoding="async"></picture>',
        css=css, color=pic.color, bh=pic.blurhash, webp=webp, src=pic.src,
        srcset=pic.srcset_jpeg, sizes=sizes, w=pic.width, h=pic.height, alt=pic.alt,
        loading="eager" if eager else "lazy",
    )


@register.simple_tag
def avatar(user: Any, size: str = "sm") -> SafeString:
    """The user's photo, or their initial on their colour; decorative (the name is beside)."""
    if user is None:
        return mark_safe("")  # noqa: S308 - constant
    if user.avatar:
        return format_html('<img class="avatar avatar-{}" src="{}" alt="" width="96" '
                           'height="96" loading="lazy">', size, default_storage.url(user.avatar))
    initial = (user.display_name or user.username or "?")[:1].upper()
    return format_html('<span class="avatar avatar-{} avatar-initial" data-color="{}" '
                       'aria-hidden="true">{}</span>', size, user.avatar_color, initial)


_TOKEN_RE = re.compile(f"(?:{TOPIC_RE.pattern})|(?:{MENTION_RE.pattern})|(https?://[^\\s<]+)")


@register.filter(needs_autoescape=False)
def rich(text: str) -> SafeString:
    """Escape note or comment text, then link #topics, @mentions and URLs; keep newlines."""
    out: list[str] = []
    pos = 0
    for match in _TOKEN_RE.finditer(text or ""):
        out.append(str(conditional_escape(text[pos:match.start()])))
        topic, mention, url = match.group(1), match.group(2), match.group(3)
        if topic:
            out.append(str(format_html('<a class="tag" href="{}?topic={}">#{}</a>',
                                       reverse("web:home"), normalize_topic(topic), topic)))
        elif mention:
            out.append(str(format_html('<a class="mention" href="{}">@{}</a>',
                                       reverse("web:profile", args=[mention]), mention)))
        else:
            out.append(str(format_html('<a href="{}" rel="nofollow noopener ugc" '
                                       'target="_blank">{}</a>', url, url)))
        pos = match.end()
    out.append(str(conditional_escape((text or "")[pos:])))
    return mark_safe("".join(out).replace("\n", "<br>"))  # noqa: S308 - every part escaped


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
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    cached = getattr(request, "_qiao_unread", None)
    if cached is None:
        from qiao.social.services import unread_count as count

        cached = request._qiao_unread = count(user)  # header and tab bar share one query
    return int(cached)
