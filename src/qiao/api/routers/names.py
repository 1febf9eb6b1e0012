"""`/api/v1/names`: the Chinese-name helper over JSON."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from qiao.api import schemas as s
from qiao.api.auth import current_user, require_user
from qiao.api.errors import ERRORS
from qiao.names import services

router = Router(tags=["names"])


class SuggestIn(Schema):
    given: s.DisplayName
    surname: s.DisplayName = ""
    gender: Literal["female", "male", "neutral"] | None = None
    qualities: list[s.TopicName] = Field([], max_length=10)
    style: Literal["balanced", "sound-alike", "meaning-first"] = "balanced"


class AdoptIn(Schema):
    chinese: s.ChineseName
    pinyin: s.Pinyin = ""


class AdoptOut(Schema):
    chinese_name: str
    chinese_name_pinyin: str


@router.post("/names/suggest", response={200: dict[str, Any], **ERRORS})
def suggest(request: HttpRequest, payload: SuggestIn) -> dict[str, Any]:
    """The standard transliteration of an English name plus 5–10 Chinese-style names, each
    with pinyin, character meanings and reasons in English and Chinese; `rejected` lists
    near-misses with why (e.g. an unfortunate homophone)."""
    return services.suggest(current_user(request), **payload.dict())


@router.post("/me/chinese-name", response={200: AdoptOut, **ERRORS})
def adopt(request: HttpRequest, payload: AdoptIn) -> dict[str, Any]:
    """Use a Chinese name on my profile."""
    user = services.adopt(require_user(request), chinese=payload.chinese, pinyin=payload.pinyin)
    return {"chinese_name": user.chinese_name, "chinese_name_pinyin": user.chinese_name_pinyin}
