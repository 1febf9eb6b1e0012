"""Chinese-name helper use cases: suggest names, put the chosen one on the profile."""

from __future__ import annotations

import functools
import threading
from typing import Any, cast

from django.utils.translation import get_language
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
    threading.Thread(target=lambda: suggester().warm_up(), name="qiao-names-warmup",
                     daemon=True).start()


def suggest(viewer: User | None, *, given: str, surname: str = "", gender: str | None = None,
            qualities: str | list[str] = "", style: str = "balanced") -> dict[str, Any]:
    """Suggestions as a JSON-ready dict; bad input becomes Invalid with the field named."""
    limit("write", viewer.pk if viewer is not None else None)
    quals = tuple(qualities) if isinstance(qualities, list) else (qualities,)
    try:
        # NameRequest checks gender and style itself (NameInputError names the field).
        request = NameRequest(given=given, surname=surname,
                              gender=cast(Gender, gender or None), qualities=quals,
                              style=cast(Style, style))
        return suggester().suggest(request).to_dict()
    except NameInputError as exc:
        raise Invalid(str(exc), code="bad_name", fields={exc.field: [str(exc)]}) from exc


def adopt(user: User, *, chinese: str, pinyin: str = "") -> User:
    """Put a suggested (or hand-picked) Chinese name on the user's profile."""
    chinese = (chinese or "").strip()
    if not (2 <= len(chinese) <= 4) or not all("\u4e00" <= ch <= "\u9fff" for ch in chinese):
        raise Invalid(_("A Chinese name has 2 to 4 Chinese characters."),
                      fields={"chinese": [_("A Chinese name has 2 to 4 Chinese characters.")]})
    problems = check_name(chinese[0], chinese[1:])
    serious = [p for p in problems if p.check in {"homophone", "bad_char"}]
    if serious:
        chinese_ui = (get_language() or "").startswith("zh")
        reasons = [p.reason_zh if chinese_ui else p.reason_en for p in serious]
        raise Invalid(reasons[0], code="unfortunate_name", fields={"chinese": reasons})
    return update_profile(user, chinese_name=chinese, chinese_name_pinyin=pinyin[:60])
