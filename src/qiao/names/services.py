"""Chinese-name helper use cases: suggest names, put the chosen one on the profile."""

from __future__ import annotations

import functools
import threading
from typing import Any, cast

from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from qiao.accounts.models import User
from qiao.accounts.services import update_profile
from qiao.core.errors import Invalid
from qiao.core.ratelimit import limit
from qiao.engines.names import NameInputError, NameRequest, NameSuggester, check_name
from qiao.engines.names.types import Gender, Style


@functools.lru_cache(maxsize=1)
def suggester() -> NameSuggester:
    return NameSuggester.default()


def warm_up_in_background() -> None:
    """Load the name tables (~1–2 s) off the request path, once per process."""
    threading.Thread(
        target=lambda: suggester().warm_up(), name="qiao-names-warmup", daemon=True
    ).start()


def suggest(
    viewer: User | None,
    *,
    given: str,
    surname: str = "",
    gender: str | None = None,
    qualities: str | list[str] = "",
    style: str = "balanced",
) -> dict[str, Any]:
    """Suggestions as a JSON-ready dict; bad input becomes Invalid with the field named."""
    limit("write", viewer.pk if viewer is not None else None)
    quals = tuple(qualities) if isinstance(qualities, list) else (qualities,)
    try:
        # NameRequest checks gender and style itself (NameInputError names the field).
        request = NameRequest(
            given=given,
            surname=surname,
            gender=cast(Gender, gender or None),
            qualities=quals,
            style=cast(Style, style),
        )
        result = suggester().suggest(request).to_dict()
    except NameInputError as exc:
        raise Invalid(str(exc), code="bad_name", fields={exc.field: [str(exc)]}) from exc
    _explain(result["transliteration"])
    return result


#: The romanization a surname was recognised in (`TransliterationPart.source`
#: "romanized-surname:<system>"), as the page says it.
SYSTEMS = {
    "pinyin": pgettext_lazy("romanization", "pinyin"),
    "wade-giles": pgettext_lazy("romanization", "Taiwanese (Wade–Giles) spelling"),
    "cantonese": pgettext_lazy("romanization", "Hong Kong (Cantonese) spelling"),
    "korean": pgettext_lazy("romanization", "Korean spelling"),
    "vietnamese": pgettext_lazy("romanization", "Vietnamese spelling"),
    "japanese": pgettext_lazy("romanization", "Japanese spelling"),
}
REGIONS = {
    "tw": pgettext_lazy("where a name form is used", "Taiwan"),
    "hk": pgettext_lazy("where a name form is used", "Hong Kong"),
    "variant": pgettext_lazy("where a name form is used", "variant"),
}


def _explain(translit: dict[str, Any]) -> None:
    """Add what the page and API clients show in words: the romanized surname that kept its
    characters ("Your surname Zhang is 张 in Chinese"), and each alternative's region."""
    translit["heritage"] = None
    for part in translit.get("parts", []):
        source = str(part.get("source", ""))
        if source.startswith("romanized-surname:"):
            system = source.split(":", 1)[1]
            translit["heritage"] = {
                "surname": part["english"],
                "chinese": part["chinese"],
                "system": system,
                "message": _(
                    "Your surname %(surname)s is %(chinese)s in Chinese (recognised as %(system)s)."
                )
                % {
                    "surname": part["english"],
                    "chinese": part["chinese"],
                    "system": SYSTEMS.get(system, system),
                },
            }
            break
    for alt in translit.get("alternative_forms", []):
        alt["region_label"] = str(REGIONS.get(alt.get("region", ""), ""))


def adopt(user: User, *, chinese: str, pinyin: str = "") -> User:
    """Put a suggested (or hand-picked) Chinese name on the user's profile."""
    chinese = (chinese or "").strip()
    if not (2 <= len(chinese) <= 4) or not all("\u4e00" <= ch <= "\u9fff" for ch in chinese):
        raise Invalid(
            _("A Chinese name has 2 to 4 Chinese characters."),
            fields={"chinese": [_("A Chinese name has 2 to 4 Chinese characters.")]},
        )
    problems = check_name(chinese[0], chinese[1:])
    serious = [p for p in problems if p.check in {"homophone", "bad_char"}]
    if serious:
        chinese_ui = (get_language() or "").startswith("zh")
        reasons = [p.reason_zh if chinese_ui else p.reason_en for p in serious]
        raise Invalid(reasons[0], code="unfortunate_name", fields={"chinese": reasons})
    return update_profile(user, chinese_name=chinese, chinese_name_pinyin=pinyin[:60])
