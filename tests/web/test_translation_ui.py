"""Translation in the web app (issue 7, "In the product"): the Translate control, auto-
translate, stored versions in lists, authors' own versions, word look-up, escaping.

Machine translation comes from a real local LibreTranslate-compatible server
(`libre`, tests/fakes.py), which counts its calls."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from qiao.social import services as social
from qiao.translation import services
from qiao.translation.models import CachedTranslation, NoteVersion


@pytest.fixture(autouse=True)
def _dictionary_loaded() -> None:
    """Pages wrap Chinese words once jieba + CC-CEDICT are loaded (in a thread on first
    use); load them now so every page here has tappable words."""
    from qiao.web.templatetags.qiao_web import segmenter_ready

    segmenter_ready(wait=True)


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _html(client: Client, url: str, **kw: Any) -> str:
    response = client.get(url, **kw)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _block(html: str, block_id: str) -> str:
    start = html.rindex("<div", 0, html.index(f'id="{block_id}"'))
    return html[start : html.index('<p class="tr-bar"', start) + 600]


def test_translate_shows_only_on_text_in_languages_the_reader_does_not_read(
    make_user: Any, make_note: Any, libre: Any
) -> None:
    # An engine is installed (`libre`); without one there is no Translate button at all
    # (tests/web/test_first_hour.py).
    note = make_note(make_user(), title="周末吃火锅", body="火锅太好吃了")
    zh = social.add_comment(make_user(), note.pk, "我也喜欢火锅")
    en = social.add_comment(make_user(), note.pk, "Looks delicious, where is this?")
    en_reader = as_user(make_user(read_languages=["en"]))
    page = _html(en_reader, f"/notes/{note.pk}")
    assert f'hx-get="/notes/{note.pk}/translation"' in page
    assert f'hx-get="/comments/{zh.pk}/translation"' in page
    assert f"/comments/{en.pk}/translation" not in page
    assert page.count('<span class="tr-idle">Translate</span>') == 2

    zh_reader = as_user(make_user(read_languages=["zh"], ui_language="zh-hans"))
    zh_reader.cookies["django_language"] = "zh-hans"
    page = _html(zh_reader, f"/notes/{note.pk}")
    assert f"/notes/{note.pk}/translation" not in page
    assert f"/comments/{zh.pk}/translation" not in page
    # The reader's interface language decides the label: 翻译 for the English comment.
    assert f'hx-get="/comments/{en.pk}/translation"' in page
    assert '<span class="tr-idle">翻译</span>' in page
    both = as_user(make_user(read_languages=["zh", "en"]))
    assert "tr-btn" not in _html(both, f"/notes/{note.pk}")


def test_translate_replaces_the_text_with_show_original(
    make_user: Any, make_note: Any, libre: Any
) -> None:
    note = make_note(make_user(), title="我喜欢火锅", body="火锅好吃 #美食#")
    comment = social.add_comment(make_user(), note.pk, "我喜欢猫")
    reader = as_user(make_user(read_languages=["en"]))
    html = _html(reader, f"/notes/{note.pk}/translation", HTTP_HX_REQUEST="true")
    assert f'id="note-text-{note.pk}"' in html and "is-translated" in html
    assert 'class="tr-orig"' in html and "hidden" in html.split('class="tr-orig"')[1][:200]
    assert "hot pot" in html and "delicious" in html
    assert "Translated from Chinese" in html and "Show original" in html
    assert "data-tr-toggle" in html and 'data-translation="Show translation"' in html
    assert '<a class="tag"' in html  # topics stay links in the translation
    html = _html(reader, f"/comments/{comment.pk}/translation", HTTP_HX_REQUEST="true")
    assert f'id="ctext-{comment.pk}"' in html and "cat" in html
    assert "Translated from Chinese" in html and "Show original" in html


def test_auto_translate_shows_the_translation_first(
    make_user: Any, make_note: Any, libre: Any
) -> None:
    note = make_note(make_user(), title="我喜欢火锅", body="火锅好吃")
    comment = social.add_comment(make_user(), note.pk, "我喜欢猫")
    reader = as_user(make_user(read_languages=["en"], auto_translate=True))
    libre.calls.clear()
    page = _html(reader, f"/notes/{note.pk}")
    block = _block(page, f"note-text-{note.pk}")
    assert "is-translated" in block and "hot pot" in block
    assert "Translated from Chinese" in block and "Show original" in block
    assert libre.calls == []  # made ahead of time when the note was published
    # Comments are translated on demand: fetched as soon as they show.
    cblock = _block(page, f"ctext-{comment.pk}")
    assert 'hx-trigger="load, click"' in cblock
    # No stored translation yet: the note's block fetches one as soon as it shows.
    NoteVersion.objects.filter(note=note).delete()
    block = _block(_html(reader, f"/notes/{note.pk}"), f"note-text-{note.pk}")
    assert "is-translated" not in block and 'hx-trigger="load, click"' in block
    # Without auto-translate, the original comes first.
    plain = as_user(make_user(read_languages=["en"]))
    assert "load, click" not in _html(plain, f"/notes/{note.pk}")


def test_the_grid_uses_stored_translations_and_never_calls_an_engine(
    make_user: Any, make_note: Any, libre: Any
) -> None:
    stored = make_note(make_user(), title="我喜欢猫")
    missing = make_note(make_user(), title="火锅之夜")
    NoteVersion.objects.filter(note=missing).delete()
    auto = as_user(make_user(read_languages=["en"], auto_translate=True))
    libre.calls.clear()
    for url in ("/", "/feed", f"/u/{stored.author.username}", "/search?q=猫"):
        html = _html(auto, url)
        assert "火锅之夜" in html or url != "/"
    home = _html(auto, "/")
    assert '<h2 class="card-title" lang="en">[en] I like cat</h2>' in home
    assert '<h2 class="card-title">火锅之夜</h2>' in home
    assert libre.calls == []
    # Without auto-translate the grid shows the originals.
    assert "[en] I like cat" not in _html(as_user(make_user(read_languages=["en"])), "/")


def test_no_engine_means_a_quiet_translation_unavailable(
    make_user: Any, make_note: Any, libre: Any
) -> None:
    note = make_note(make_user(), title="我喜欢火锅", body="火锅好吃")
    comment = social.add_comment(make_user(), note.pk, "我喜欢猫")
    NoteVersion.objects.filter(note=note).delete()
    CachedTranslation.objects.all().delete()
    services.reset_service()  # and its in-memory cache
    libre.down = True
    reader = make_user(read_languages=["en"], bio="", auto_translate=True)
    client = as_user(reader)
    html = _html(client, f"/notes/{note.pk}/translation", HTTP_HX_REQUEST="true")
    assert "Translation unavailable" in html and '<span class="w">火锅</span>' in html
    assert "is-translated" not in html and "Show original" not in html
    html = _html(client, f"/comments/{comment.pk}/translation", HTTP_HX_REQUEST="true")
    assert "Translation unavailable" in html and "喜欢" in html
    block = _block(_html(client, f"/notes/{note.pk}"), f"note-text-{note.pk}")
    assert "is-translated" not in block and 'hx-trigger="load, click"' in block


def test_authors_add_edit_and_remove_their_own_version(
    make_user: Any, make_note: Any, libre: Any
) -> None:
    author = make_user(read_languages=["zh"])
    note = make_note(author, title="我喜欢火锅", body="火锅好吃")
    mine = as_user(author)
    page = _html(mine, f"/notes/{note.pk}")
    assert f'href="/notes/{note.pk}/versions/en"' in page and "Add English version" in page
    form = _html(mine, f"/notes/{note.pk}/versions/en")
    assert 'value="[en] I like hot pot"' in form  # the machine draft to edit
    assert "We filled in a machine translation" in form

    other = as_user(make_user(read_languages=["en"]))
    assert other.get(f"/notes/{note.pk}/versions/en").status_code in (403, 404)
    response = other.post(f"/notes/{note.pk}/versions/en", {"title": "Hijack", "body": "x"})
    assert response.status_code in (403, 404)
    assert not NoteVersion.objects.filter(note=note, is_machine=False).exists()
    assert Client().get(f"/notes/{note.pk}/versions/en").status_code == 302  # to log in

    response = mine.post(
        f"/notes/{note.pk}/versions/en",
        {"title": "Hot pot, my love", "body": "Hot pot is <b>great</b>"},
    )
    assert response.status_code == 302 and response["Location"] == f"/notes/{note.pk}"
    page = _html(mine, f"/notes/{note.pk}")
    assert "Your English version" in page and f"/notes/{note.pk}/versions/en/delete" in page

    # Readers of English see it first (no auto-translate needed), labelled as the author's.
    page = _html(other, f"/notes/{note.pk}")
    block = _block(page, f"note-text-{note.pk}")
    assert "is-translated" in block and "Hot pot, my love" in block
    assert "Author&#x27;s English version" in block or "Author's English version" in block
    assert "&lt;b&gt;great&lt;/b&gt;" in block and "<b>great" not in block
    assert '<h2 class="card-title" lang="en">Hot pot, my love</h2>' in _html(other, "/")
    # Chinese readers see the original; the author can edit it (form pre-filled) or remove it.
    assert "Hot pot, my love" not in _html(
        as_user(make_user(read_languages=["zh"])), f"/notes/{note.pk}"
    )
    assert 'value="Hot pot, my love"' in _html(mine, f"/notes/{note.pk}/versions/en")
    assert other.post(f"/notes/{note.pk}/versions/en/delete").status_code in (403, 404)
    assert NoteVersion.objects.filter(note=note, is_machine=False).exists()
    assert mine.post(f"/notes/{note.pk}/versions/en/delete").status_code == 302
    assert not NoteVersion.objects.filter(note=note, is_machine=False).exists()
    assert "Add English version" in _html(mine, f"/notes/{note.pk}")


def test_the_author_is_asked_to_check_their_version_after_editing_the_original(
    make_user: Any, make_note: Any, libre: Any
) -> None:
    from qiao.notes import services as notes

    author = make_user(read_languages=["zh"])
    note = make_note(author, title="我喜欢火锅", body="火锅好吃")
    mine = as_user(author)
    mine.post(f"/notes/{note.pk}/versions/en", {"title": "Hot pot", "body": "So good"})
    page = _html(mine, f"/notes/{note.pk}")
    assert "written before your last edit" not in page
    notes.update_note(author, note.pk, body="火锅好吃，但是太辣了")
    page = _html(mine, f"/notes/{note.pk}")
    assert "written before your last edit" in page and ">Check it</a>" in page
    form = _html(mine, f"/notes/{note.pk}/versions/en")
    assert "You changed the original after writing this version" in form
    assert 'value="Hot pot"' in form and "太辣了" in form  # their version beside the new text
    mine.post(f"/notes/{note.pk}/versions/en", {"title": "Hot pot", "body": "Good, too hot"})
    page = _html(mine, f"/notes/{note.pk}")
    assert "written before your last edit" not in page and ">Edit</a>" in page
    # readers are not told: it is still the author's own version
    reader = _html(as_user(make_user(read_languages=["en"])), f"/notes/{note.pk}")
    assert "Good, too hot" in reader and "written before" not in reader


def test_an_english_note_offers_a_chinese_version_and_the_form_works_without_an_engine(
    make_user: Any, make_note: Any
) -> None:
    author = make_user(read_languages=["en"], ui_language="zh-hans")
    note = make_note(author, title="Hot pot night", body="Best hot pot in town")
    mine = as_user(author)
    mine.cookies["django_language"] = "zh-hans"
    assert "添加中文版本" in _html(mine, f"/notes/{note.pk}")
    form = _html(mine, f"/notes/{note.pk}/versions/zh")
    assert 'name="title"' in form and 'value=""' in form
    response = mine.post(f"/notes/{note.pk}/versions/zh", {"title": "", "body": ""})
    assert response.status_code == 400
    response = mine.post(f"/notes/{note.pk}/versions/zh", {"title": "火锅之夜", "body": "好吃"})
    assert response.status_code == 302
    version = NoteVersion.objects.get(note=note, language="zh")
    assert not version.is_machine and version.title == "火锅之夜"


def test_word_lookup_fragment(client: Client, db: Any) -> None:
    html = _html(client, "/lookup?text=火锅")
    assert "huǒguō" in html and "hotpot" in html.replace(" ", "")
    html = _html(client, "/lookup?text=喜欢")
    assert "xǐhuan" in html and "to like" in html
    html = _html(client, "/lookup?text=eat")
    assert "吃" in html and "chī" in html
    assert "No dictionary entry" in _html(client, "/lookup?text=")
    html = _html(client, "/lookup?text=<qqxz>")
    assert "<qqxz>" not in html and "&lt;qqxz&gt;" in html


def test_words_are_wrapped_for_learners_and_links_stay_links(
    make_user: Any, make_note: Any
) -> None:
    writer = make_user(username="xiaolin")
    note = make_note(
        make_user(),
        title="周末吃火锅",
        body="我喜欢吃火锅 @xiaolin #美食# https://example.com/a?b=1 <i>不</i>",
    )
    learner = as_user(make_user(read_languages=["en"]))
    page = _html(learner, f"/notes/{note.pk}")
    block = _block(page, f"note-text-{note.pk}")
    assert "data-words" in block and 'data-lookup="/lookup"' in block
    assert '<span class="w">火锅</span>' in block and '<span class="w">喜欢</span>' in block
    assert f'<a class="mention" href="/u/{writer.username}">@xiaolin</a>' in block
    assert '<a class="tag" href="/?topic=' in block and 'href="https://example.com/a?b=1"' in block
    assert '&lt;<span class="w">i</span>&gt;' in block or "&lt;i&gt;" in block
    assert "<i>" not in block
    native = as_user(make_user(read_languages=["zh"]))
    assert 'class="w"' not in _html(native, f"/notes/{note.pk}")


def test_translated_user_text_is_escaped(make_user: Any, make_note: Any, libre: Any) -> None:
    note = make_note(
        make_user(),
        title="<img src=x onerror=alert(1)>我喜欢吃火锅，火锅好吃",
        body="<script>alert('火锅')</script>我喜欢吃火锅。火锅真好吃！",
    )
    comment = social.add_comment(make_user(), note.pk, "<b>我喜欢猫</b>")
    reader = as_user(make_user(read_languages=["en"], auto_translate=True))
    for html in (
        _html(reader, f"/notes/{note.pk}"),
        _html(reader, f"/notes/{note.pk}/translation", HTTP_HX_REQUEST="true"),
        _html(reader, f"/comments/{comment.pk}/translation", HTTP_HX_REQUEST="true"),
        _html(reader, "/"),
    ):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "<b>" not in html
    html = _html(reader, f"/notes/{note.pk}/translation", HTTP_HX_REQUEST="true")
    assert "&lt;script&gt;" in html and "hot pot" in html


def test_bio_translation_on_the_profile(make_user: Any, libre: Any) -> None:
    owner = make_user(bio="我喜欢猫和火锅", bio_language="zh", read_languages=["zh"])
    reader = as_user(make_user(read_languages=["en"]))
    page = _html(reader, f"/u/{owner.username}")
    assert f'hx-get="/u/{owner.username}/bio/translation"' in page
    html = _html(reader, f"/u/{owner.username}/bio/translation", HTTP_HX_REQUEST="true")
    assert 'id="bio-text"' in html and "cat" in html and "hot pot" in html
    assert "Translated from Chinese" in html and "Show original" in html
    auto = as_user(make_user(read_languages=["en"], auto_translate=True))
    assert 'hx-trigger="load, click"' in _html(auto, f"/u/{owner.username}")
    native = as_user(make_user(read_languages=["zh"]))
    assert "bio/translation" not in _html(native, f"/u/{owner.username}")


def test_settings_say_plainly_when_machine_translation_is_not_installed(
    make_user: Any, settings: Any
) -> None:
    settings.QIAO_TRANSLATE_ENGINES = ["bergamot"]
    settings.QIAO_MODELS_DIR = "/nonexistent-qiao-models"
    services.reset_service()
    try:
        html = _html(as_user(make_user()), "/settings")
        assert "Machine translation isn't installed on this server" in html
        assert "word look-up still works" in html
    finally:
        services.reset_service()


def test_settings_are_quiet_when_translation_works(make_user: Any, libre: Any) -> None:
    assert "isn't installed" not in _html(as_user(make_user()), "/settings")
