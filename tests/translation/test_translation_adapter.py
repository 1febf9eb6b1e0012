"""Translation wired into the platform: detection on save, ahead-of-time note translation,
readers' versions, author versions, retries when the engine is down, API limits, look-up."""

from __future__ import annotations

from typing import Any

import pytest

from qiao.notes.models import Note
from qiao.social.models import Comment
from qiao.translation import services as tr
from qiao.translation.models import NoteVersion, PendingTranslation

pytestmark = pytest.mark.django_db


def test_languages_are_detected_on_save(
    make_user: Any, make_note: Any, api_as: Any, run_tasks: None
) -> None:
    author = make_user()
    zh = make_note(author, title="成都火锅真的绝了", body="麻辣锅底配毛肚 #火锅")
    en = make_note(author, title="Best bagel in Brooklyn", body="Everything bagel, still warm.")
    assert Note.objects.get(pk=zh.pk).language == "zh"
    assert Note.objects.get(pk=en.pk).language == "en"
    api_as(author).post(f"/notes/{zh.pk}/comments", {"body": "这个 pizza 太好吃了"})
    api_as(author).post(f"/notes/{zh.pk}/comments", {"body": "👍👍"})
    langs = dict(Comment.objects.values_list("body", "language"))
    assert langs == {"这个 pizza 太好吃了": "zh", "👍👍": "und"}
    api_as(author).patch("/me", {"bio": "I love dumplings and my cat."})
    author.refresh_from_db()
    assert author.bio_language == "en"
    board = api_as(author).post("/boards", {"name": "美食收藏"}).json()
    from qiao.social.models import Board

    assert Board.objects.get(pk=board["id"]).language == "zh"


def test_public_notes_are_translated_ahead_of_time(
    make_user: Any, make_note: Any, libre: Any, api_as: Any
) -> None:
    note = make_note(make_user(), title="我喜欢火锅", body="火锅好吃 #火锅 @nobody")
    version = NoteVersion.objects.get(note=note, language="en")
    assert version.is_machine and version.engine == "libretranslate"
    assert "hot pot" in version.title
    assert "#火锅" in version.body and "@nobody" in version.body  # protected spans survive
    reader = make_user(read_languages=["en"])
    r = api_as(reader).get(f"/notes/{note.pk}/translation")
    assert r.status_code == 200
    data = r.json()
    assert data["machine"] and data["source"] == "zh" and data["source_name"] == "Chinese"
    # a Chinese reader gets nothing to translate
    assert (
        api_as(make_user(read_languages=["zh"])).get(f"/notes/{note.pk}/translation").status_code
        == 204
    )


def test_private_notes_are_not_sent_to_engines(make_user: Any, make_note: Any, libre: Any) -> None:
    make_note(make_user(), title="我的日记", body="只给自己看", visibility="private")
    assert libre.calls == []


def test_engine_down_note_still_posts_and_retries_later(
    make_user: Any, make_note: Any, libre: Any
) -> None:
    libre.down = True
    note = make_note(make_user(), title="我喜欢猫", body="猫")
    assert Note.objects.filter(pk=note.pk).exists()
    pending = PendingTranslation.objects.get(note=note)
    assert pending.attempts == 1 and "503" in pending.last_error
    assert not NoteVersion.objects.filter(note=note).exists()
    libre.down = False
    PendingTranslation.objects.filter(note=note).update(
        next_attempt_at=pending.created_at
        if hasattr(pending, "created_at")
        else "2000-01-01T00:00:00Z"
    )
    assert tr.retry_pending() == 1
    assert NoteVersion.objects.filter(note=note, language="en").exists()
    assert not PendingTranslation.objects.filter(note=note).exists()


def test_no_engine_at_all_degrades_quietly(
    make_user: Any, make_note: Any, api_as: Any, settings: Any
) -> None:
    settings.QIAO_TRANSLATE_ENGINES = ["bergamot"]  # no model installed in tests
    tr.reset_service()
    note = make_note(make_user(), title="我喜欢猫", body="猫")
    assert not tr.is_ready()
    assert "No translation models are installed" in tr.status_message()
    reader = api_as(make_user(read_languages=["en"]))
    assert reader.get(f"/notes/{note.pk}/translation").status_code == 204
    r = reader.post("/translate", {"text": "我喜欢猫", "target": "en"})
    assert r.status_code == 503 and r.json()["error"]["code"] == "translation_unavailable"


def test_edit_invalidates_machine_translations(
    make_user: Any, make_note: Any, libre: Any, api_as: Any, run_tasks: None
) -> None:
    author = make_user()
    note = make_note(author, title="我喜欢猫", body="猫")
    first = NoteVersion.objects.get(note=note, language="en").title
    api_as(author).patch(f"/notes/{note.pk}", {"title": "我喜欢火锅"})
    second = NoteVersion.objects.get(note=note, language="en").title
    assert first != second and "hot pot" in second


def test_author_version_is_preferred_and_labelled(
    make_user: Any, make_note: Any, libre: Any, api_as: Any
) -> None:
    author = make_user()
    note = make_note(author, title="我喜欢火锅", body="火锅好吃")
    client = api_as(author)
    prefill = client.get(f"/notes/{note.pk}/versions/en/prefill").json()
    assert prefill["machine"] and "hot pot" in prefill["title"]
    r = client.client.put(
        f"/api/v1/notes/{note.pk}/versions/en",
        {"title": "I love hot pot", "body": "Hot pot is delicious."},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {client.token}",
    )
    assert r.status_code == 200 and r.json()["machine"] is False
    reader = api_as(make_user(read_languages=["en"]))
    data = reader.get(f"/notes/{note.pk}/translation").json()
    assert data["title"] == "I love hot pot" and data["engine"] == "author"
    other = api_as(make_user())
    r = other.client.put(
        f"/api/v1/notes/{note.pk}/versions/en",
        {"title": "hijack"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {other.token}",
    )
    assert r.status_code == 403


def test_editing_the_original_flags_the_authors_version(
    make_user: Any, make_note: Any, libre: Any, api_as: Any
) -> None:
    author = make_user()
    note = make_note(author, title="我喜欢火锅", body="火锅好吃")
    client = api_as(author)
    client.client.put(
        f"/api/v1/notes/{note.pk}/versions/en",
        {"title": "I love hot pot", "body": "Hot pot is delicious."},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {client.token}",
    )
    assert client.get(f"/notes/{note.pk}/versions/en/prefill").json()["stale"] is False
    client.patch(f"/notes/{note.pk}", {"body": "火锅好吃，但是太辣了"})
    prefill = client.get(f"/notes/{note.pk}/versions/en/prefill").json()
    # kept (it is the author's writing) but flagged, until the author saves it again
    assert prefill == {
        "title": "I love hot pot",
        "body": "Hot pot is delicious.",
        "machine": False,
        "stale": True,
    }
    client.client.put(
        f"/api/v1/notes/{note.pk}/versions/en",
        {"title": "I love hot pot", "body": "Tasty, but too spicy."},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {client.token}",
    )
    assert client.get(f"/notes/{note.pk}/versions/en/prefill").json()["stale"] is False
    # an edit that leaves the text alone (topics only) flags nothing
    client.patch(f"/notes/{note.pk}", {"topics": ["food"]})
    assert client.get(f"/notes/{note.pk}/versions/en/prefill").json()["stale"] is False


def test_translate_api_limits(make_user: Any, api_as: Any, api: Any, libre: Any) -> None:
    client = api_as(make_user())
    assert api.post("/translate", {"text": "猫", "target": "en"}).status_code == 401
    assert client.post("/translate", {"text": "  ", "target": "en"}).status_code == 400
    r = client.post("/translate", {"text": "猫" * 20_000, "target": "en"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "too_long"
    r = client.post("/translate", {"text": "hello", "target": "tlh"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "unsupported_language"
    r = client.post("/translate", {"text": "我喜欢猫", "target": "en"})
    assert r.status_code == 200 and r.json()["text"] == "[en] I like cat"
    again = client.post("/translate", {"text": "我喜欢猫", "target": "en"}).json()
    assert again["cached"] is True
    assert len(libre.calls) == 1


def test_comment_and_bio_translation_respect_permissions(
    make_user: Any, make_note: Any, libre: Any, api_as: Any, api: Any
) -> None:
    author = make_user(bio="我喜欢猫")
    note = make_note(author, visibility="followers")
    comment = Comment.objects.create(note=note, author=author, body="火锅好吃", language="zh")
    assert api.get(f"/comments/{comment.pk}/translation", target="en").status_code == 404
    follower = make_user(read_languages=["en"])
    api_as(follower).post(f"/users/{author.username}/follow")
    r = api_as(follower).get(f"/comments/{comment.pk}/translation")
    # 火锅 is a glossary term ("hot pot"): the engine sees the rest of the sentence
    assert r.status_code == 200 and r.json()["text"] == "hot pot [en] delicious"
    r = api.get(f"/users/{author.username}/bio/translation", target="en")
    assert r.status_code == 200 and "cat" in r.json()["text"]


def test_word_lookup_works_without_models(api: Any) -> None:
    r = api.get("/lookup", text="我喜欢吃火锅")
    assert r.status_code == 200
    words = {w["word"]: w for w in r.json()}
    assert words["喜欢"]["pinyin"] == "xǐhuan"
    assert any("like" in m for m in words["喜欢"]["meanings"])
    assert words["火锅"]["pinyin"] == "huǒguō"
    assert any(m.replace(" ", "").startswith("hotpot") for m in words["火锅"]["meanings"])
    assert api.get("/lookup", text="").status_code == 400


def test_note_responses_carry_translations_when_asked(
    make_user: Any, make_note: Any, libre: Any, api: Any
) -> None:
    note = make_note(make_user(), title="我喜欢猫", body="猫")
    detail = api.get(f"/notes/{note.pk}", lang="en").json()
    assert detail["translation"]["title"] == "[en] I like cat"
    assert api.get(f"/notes/{note.pk}").json()["translation"] is None
    listed = api.get("/notes", lang="en").json()["items"]
    assert listed[0]["translation"]["machine"] is True
