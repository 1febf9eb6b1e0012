"""Issue 13 on the platform: language on save (pinyin is read in characters, never
machine-translated; a language outside the site's is said plainly, never sent to the zh↔en
model), the community glossary (starter set as initial data, moderators keep it, every
engine honours it, the look-up shows it first, search expands with it), and the look-up's
readings of polyphonic characters.

Machine translation comes from the local LibreTranslate-compatible server (`libre`), which
records every text it was sent."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from qiao.engines.translate.glossary import default_glossary
from qiao.translation import services
from qiao.translation.models import GlossaryTerm, NoteVersion, PendingTranslation

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(make_user: Any) -> Any:
    from django.contrib.auth.models import Group

    user = make_user(is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return type(user).objects.get(pk=user.pk)  # reload: permissions are cached


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sent(libre: Any) -> list[str]:
    out: list[str] = []
    for call in libre.calls:
        q = call.get("q")
        out += q if isinstance(q, list) else [q]
    return out


# --- language on save -----------------------------------------------------------------

PINYIN = [("ni hao", "你好"), ("wo ai ni", "我爱你"), ("jia you", "加油"), ("xièxie nǐ", "谢谢你")]
OTHER = [("merci beaucoup, c'est magnifique", "fr"), ("muchas gracias, qué bonito", "es")]


@pytest.mark.parametrize(("text", "chars"), PINYIN)
def test_pinyin_notes_are_not_machine_translated(
    text: str, chars: str, make_user: Any, make_note: Any, libre: Any, api_as: Any
) -> None:
    note = make_note(make_user(), title=text, body=text)
    note.refresh_from_db()
    assert note.language == "zh-Latn"
    assert not NoteVersion.objects.filter(note=note).exists()
    assert not PendingTranslation.objects.filter(note=note).exists()
    assert text not in _sent(libre)
    reader = make_user(read_languages=["en"])
    html = as_user(reader).get(f"/notes/{note.pk}").content.decode()
    assert "Chinese written in pinyin" in html and "Show in characters" in html
    assert f'hx-get="/notes/{note.pk}/translation"' not in html
    r = api_as(reader).get(f"/notes/{note.pk}/translation")
    assert r.status_code == 400 and r.json()["error"]["code"] == "romanized_chinese"
    assert text not in _sent(libre)
    # characters through the look-up: the page fragment and the API agree
    assert services.pinyin_characters(text)["text"] == chars
    assert chars in Client().get("/characters", {"text": text}).content.decode()
    assert api_as(reader).get("/pinyin", text=text).json()["text"] == chars


@pytest.mark.parametrize(("text", "code"), OTHER)
def test_languages_outside_the_site_are_said_plainly(
    text: str, code: str, make_user: Any, make_note: Any, libre: Any, api_as: Any, settings: Any
) -> None:
    note = make_note(make_user(), title=text, body=text)
    note.refresh_from_db()
    assert note.language == code
    assert not PendingTranslation.objects.filter(note=note).exists()
    reader = make_user(read_languages=["en"])
    html = as_user(reader).get(f"/notes/{note.pk}").content.decode()
    name = {"fr": "French", "es": "Spanish"}[code]
    assert f"Written in {name} — translation not available" in html
    r = api_as(reader).post("/translate", {"text": text, "target": "zh"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "language_not_supported"
    assert r.json()["error"]["message"] == f"Written in {name} — translation not available"
    assert not _sent(libre)


def test_a_comment_in_pinyin_offers_characters_not_translation(
    make_user: Any, make_note: Any
) -> None:
    from qiao.social import services as social

    note = make_note(make_user(), title="周末吃火锅", body="太好吃了")
    comment = social.add_comment(make_user(), note.pk, "hao chi")
    comment.refresh_from_db()
    assert comment.language == "zh-Latn"
    html = as_user(make_user(read_languages=["en"])).get(f"/notes/{note.pk}").content.decode()
    assert f"/comments/{comment.pk}/translation" not in html
    assert "Show in characters" in html


def test_pinyin_characters_keep_punctuation_and_refuse_what_is_not_pinyin() -> None:
    got = services.pinyin_characters("ni hao! wo ai ni")
    assert got["text"] == "你好!我爱你" and got["segments"][0]["pinyin"] == "ni hao"
    with pytest.raises(services.Invalid):
        services.pinyin_characters("hello world")


# --- the community glossary --------------------------------------------------------------


def test_the_starter_glossary_is_the_initial_data() -> None:
    active = GlossaryTerm.objects.filter(status="active")
    assert active.count() == len(default_glossary())
    assert active.filter(zh="猫税", en="cat tax", source="starter").exists()
    assert services.instance_glossary().english_for("种草") == ["got me wanting it"]


def test_every_engine_call_honours_the_instance_glossary(moderator: Any, libre: Any) -> None:
    first = services.translate_text("今天交了电子榨菜", "en", "zh")
    assert "电子榨菜" in "".join(_sent(libre))
    services.add_term(moderator, zh="电子榨菜", en="comfort video", kind="slang")
    second = services.translate_text("今天交了电子榨菜", "en", "zh")
    assert "comfort video" in second.text and second.text != first.text
    assert "glossary:" in second.model_version  # a new term misses the old cache entry
    services.retire_term(moderator, GlossaryTerm.objects.get(zh="电子榨菜").pk)
    assert services.instance_glossary().english_for("电子榨菜") == []


def test_only_moderators_keep_the_glossary(
    make_user: Any, moderator: Any, api_as: Any, api: Any
) -> None:
    member = make_user()
    body = {"zh": "电子榨菜", "en": "comfort video", "kind": "slang"}
    assert api_as(member).post("/glossary", body).status_code == 403
    assert api.post("/glossary", body).status_code == 401
    r = api_as(moderator).post("/glossary", body)
    assert r.status_code == 201 and r.json()["en"] == "comfort video"
    assert api_as(moderator).post("/glossary", body).json()["error"]["code"] == "duplicate_term"
    term_id = r.json()["id"]
    assert api_as(member).patch(f"/glossary/{term_id}", {"en": "x"}).status_code == 403
    assert api_as(member).delete(f"/glossary/{term_id}").status_code == 403
    r = api_as(moderator).patch(f"/glossary/{term_id}", {"en_variants": ["comfort vid"]})
    assert r.json()["en_variants"] == ["comfort vid"]
    assert api_as(moderator).delete(f"/glossary/{term_id}").status_code == 204
    assert api.get(f"/glossary/{term_id}").status_code == 404  # retired: moderators only
    assert api_as(moderator).get(f"/glossary/{term_id}").json()["status"] == "retired"
    # the web page: anyone browses; a member's approve is refused
    assert "猫税" in Client().get("/glossary", {"q": "cat tax"}).content.decode()
    r = as_user(member).post(f"/glossary/{term_id}", {"action": "approve"})
    assert r.status_code == 403


def test_candidates_are_shown_to_moderators_only(
    make_user: Any, moderator: Any, api_as: Any
) -> None:
    services.add_candidates([("电子榨菜", "comfort video")], suggested_by=make_user(), context="x")
    member = make_user()
    items = api_as(member).get("/glossary", status="candidate", q="电子").json()["items"]
    assert items == []  # a member asking for candidates gets the terms in use
    items = api_as(moderator).get("/glossary", status="candidate").json()["items"]
    assert [i["zh"] for i in items] == ["电子榨菜"]
    page = as_user(moderator).get("/glossary?status=candidate").content.decode()
    assert "电子榨菜" in page and "Approve" in page
    assert "电子榨菜" not in as_user(member).get("/glossary?status=candidate").content.decode()
    as_user(moderator).post(f"/glossary/{items[0]['id']}", {"action": "approve"})
    assert services.instance_glossary().english_for("电子榨菜") == ["comfort video"]


def test_the_look_up_shows_glossary_terms_first_and_every_reading(moderator: Any, api: Any) -> None:
    services.add_term(moderator, zh="电子榨菜", en="comfort video")
    words = api.get("/lookup", text="我在看电子榨菜").json()
    assert words[-1]["word"] == "电子榨菜" and words[-1]["glossary"] == ["comfort video"]
    grass = api.get("/lookup", text="种草").json()[0]
    assert grass["glossary"] == ["got me wanting it"]
    long_ = api.get("/lookup", text="长").json()[0]
    assert {r["pinyin"] for r in long_["readings"]} >= {"cháng", "zhǎng"}
    html = Client().get("/lookup", {"text": "长"}).content.decode()
    assert "cháng" in html and "zhǎng" in html
    html = Client().get("/lookup", {"text": "种草"}).content.decode()
    assert html.index("Community glossary") < html.index("got me wanting it")
    tax = api.get("/lookup", text="cat tax").json()
    assert tax[0]["word"] == "cat tax" and tax[0]["glossary"] == ["猫税"]


def test_search_expands_with_the_instance_glossary(
    make_user: Any, make_note: Any, moderator: Any
) -> None:
    from qiao.search.services import search

    note = make_note(make_user(), title="晚上看电子榨菜", body="下饭")
    assert search(None, "comfort video").items == []
    services.add_term(moderator, zh="电子榨菜", en="comfort video")
    page = search(None, "comfort video")
    assert [n.pk for n in page.items] == [note.pk] and "电子榨菜" in page.expanded
    assert search(None, "cat tax").expanded[:1] == ["猫税"]
