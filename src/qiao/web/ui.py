"""What the pages offer to choose from, and small URL helpers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

#: Interests offered at onboarding: (topic name as stored, label, emoji).
INTERESTS: list[tuple[str, Any, str]] = [
    ("food", gettext_lazy("Food"), "🍜"),
    ("travel", gettext_lazy("Travel"), "✈️"),
    ("pets", gettext_lazy("Pets"), "🐱"),
    ("fashion", gettext_lazy("Fashion"), "👗"),
    ("daily", gettext_lazy("Daily life"), "☕"),
    ("photography", gettext_lazy("Photography"), "📷"),
    ("fitness", gettext_lazy("Fitness"), "🏃"),
    ("books", gettext_lazy("Books"), "📚"),
    ("music", gettext_lazy("Music"), "🎵"),
    ("art", gettext_lazy("Art and design"), "🎨"),
    ("home", gettext_lazy("Home and living"), "🏡"),
    ("study", gettext_lazy("Study and languages"), "✏️"),
]

CONTENT_LANGUAGE_NAMES = {
    "zh": gettext_lazy("Chinese (中文)"),
    "en": gettext_lazy("English"),
}


#: The language-mix steps (accounts.services.LANGUAGE_MIX_STEPS) as the pages name them;
#: "" is the site default.
LANGUAGE_MIX_LABELS = {
    "": gettext_lazy("Site default"),
    "0.9": gettext_lazy("Mostly my language"),
    "0.7": gettext_lazy("Some of both"),
    "0.5": gettext_lazy("Half and half"),
}


def language_mix_choices(current: float | None) -> list[tuple[str, Any, bool]]:
    """(value, label, selected) for the language-mix control; a value set through the API
    between the steps selects the nearest step."""
    values = [v for v in LANGUAGE_MIX_LABELS if v]
    chosen = "" if current is None else min(values, key=lambda v: abs(float(v) - current))
    return [(v, label, v == chosen) for v, label in LANGUAGE_MIX_LABELS.items()]


def content_languages() -> list[tuple[str, Any]]:
    return [
        (code, CONTENT_LANGUAGE_NAMES.get(code, code)) for code in settings.QIAO_CONTENT_LANGUAGES
    ]


def current_language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def default_read_languages() -> list[str]:
    return ["zh"] if current_language().startswith("zh") else ["en"]


def qs(params: dict[str, Any]) -> str:
    return urlencode({k: v for k, v in params.items() if v})


def feed_url(params: dict[str, str], cursor: str | None) -> str | None:
    if not cursor:
        return None
    return f"{reverse('web:feed_more')}?{qs({**params, 'cursor': cursor})}"
