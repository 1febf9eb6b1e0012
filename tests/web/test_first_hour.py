"""What a newcomer met in the first hour (issue 12), one test per finding: hashtags that are
topics, chips in the interface language, an honest translation state, the demo sign-in on the
log-in page, "just now", plurals, the photo credits."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from qiao.core.text import extract_topics, normalize_topic, topic_spans
from qiao.translation.models import NoteVersion
from qiao.web.templatetags.qiao_web import ago, rich

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#火锅# 好吃", ["火锅"]),
        ("吃了#火锅#真香", ["火锅"]),  # Weibo style: the closing # ends the tag
        ("#火锅[话题]# #成都[话题]#", ["火锅", "成都"]),  # as the app copies them
        ("＃ＯＯＴＤ today", ["ootd"]),  # full-width, from a Chinese keyboard
        ("#Cats #cats #CATS", ["cats"]),
        ("#cats#dogs", ["cats", "dogs"]),
        ("day #3 of #learnchinese", ["learnchinese"]),  # digits alone are not a topic
        ("see https://example.com/#anchor #ok", ["ok"]),  # nor a URL's fragment
    ],
)
def test_hashtags_are_read_one_way(text: str, expected: list[str]) -> None:
    assert extract_topics(text) == expected
    # every #tag the text links goes to one of the note's topics
    linked = re.findall(r'href="/\?topic=([^"]+)"', str(rich(text)))
    assert [normalize_topic(unquote(t)) for t in linked] == [
        name for _a, _b, name in topic_spans(text)
    ]


def test_a_tapped_hashtag_opens_a_page_with_its_note(client: Client, make_note: Any) -> None:
    """The dead-hashtag category: whatever the tag's form in the text, its link opens a
    topic page that lists the note."""
    notes = [
        make_note(title="Kitten", body="New friend ＃Cats"),
        make_note(title="Hot pot", body="周末吃了#火锅[话题]#"),
        make_note(title="Trip", body="Off we go #Travel"),
        make_note(title="旅行日记", body="出发！#旅行"),
    ]
    for note in notes:
        page = client.get(f"/notes/{note.pk}").content.decode()
        links = re.findall(r'class="tag" href="(/\?topic=[^"]+)"', page)
        assert links, note.title
        for link in links:
            assert note.title in client.get(link).content.decode(), (note.title, link)
    # #travel and #旅行 are one topic page
    travel = client.get("/?topic=travel").content.decode()
    assert "Trip" in travel and "旅行日记" in travel


def test_topic_chips_and_search_speak_the_interface_language(
    client: Client, make_note: Any
) -> None:
    for i in range(3):
        make_note(title=f"Trip {i}", body="#travel")
        make_note(title=f"旅行 {i}", body="#旅行")
    cache.clear()  # popular topics are cached for a minute
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'class="chip"[^>]*href="/\?topic=travel"[^>]*>Travel<', english)
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert re.search(r'class="chip"[^>]*href="/\?topic=travel"[^>]*>旅行<', chinese)
    assert chinese.count('href="/?topic=travel"') == 1  # one chip for #travel and #旅行
    found = client.get("/search?q=旅行&kind=topics", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert '#旅行 <span class="muted">6</span>' in found.content.decode()


def test_no_dead_translate_button_without_an_engine(
    client: Client, make_user: Any, make_note: Any, settings: Any
) -> None:
    """No engine installed: the author's own version where there is one, word look-up
    always, and a plain sentence where a reader expects a translation."""
    from qiao.translation import services

    settings.QIAO_TRANSLATE_ENGINES = []
    services.reset_service()
    try:
        assert not services.is_ready()
        reader = make_user(read_languages=["en"], ui_language="en")
        client.force_login(reader)
        plain = make_note(title="周末去成都", body="吃了火锅")
        html = client.get(f"/notes/{plain.pk}").content.decode()
        assert "Machine translation is not installed on this server." in html
        assert "tr-btn" not in html  # no Translate button that cannot work
        assert "data-words" in html  # look-up still works
        bilingual = make_note(title="熊猫基地", body="早上去看熊猫")
        NoteVersion.objects.create(
            note=bilingual,
            language="en",
            title="Panda base",
            body="Pandas in the morning",
            is_machine=False,
            engine="author",
        )
        html = client.get(f"/notes/{bilingual.pk}").content.decode()
        assert "Panda base" in html and "Author&#x27;s English version" in html
        assert "not installed" not in html
        welcome = Client()
        welcome.force_login(make_user(onboarded=False))
        assert "Machine translation is not installed" in welcome.get("/welcome").content.decode()
    finally:
        services.reset_service()


def test_the_login_page_offers_the_demo_while_its_password_works(
    client: Client, make_user: Any
) -> None:
    from qiao.accounts.demo import DEMO_PASSWORD

    cache.clear()
    assert "qiao-demo-pass" not in client.get("/login").content.decode()  # no demo here
    demo = make_user(username="demo")
    demo.set_password(DEMO_PASSWORD)
    demo.save()
    cache.clear()
    assert "qiao-demo-pass" in client.get("/login").content.decode()
    demo.set_password("the owner changed it 42")
    demo.save()
    cache.clear()
    assert "qiao-demo-pass" not in client.get("/login").content.decode()


def test_just_now_not_zero_minutes_ago() -> None:
    now = timezone.now()
    assert ago(now - timedelta(seconds=20)) == "just now"
    assert ago(now - timedelta(minutes=5)) == "5\xa0minutes ago"  # Django's timesince
    assert ago(now - timedelta(days=3, hours=4)) == "3\xa0days ago"


def test_creator_viewer_sentences_agree_in_number() -> None:
    from django.template import Context, Template

    template = Template(
        "{% load i18n %}{% blocktranslate count counter=c with v=v %}{{ counter }} of your "
        "{{ v }} viewers does not read the language a note they saw is written in.{% plural %}"
        "{{ counter }} of your {{ v }} viewers do not read the language a note they saw is "
        "written in.{% endblocktranslate %}"
    )
    assert "1 of your 4 viewers does not" in template.render(Context({"c": 1, "v": 4}))
    assert "2 of your 4 viewers do not" in template.render(Context({"c": 2, "v": 4}))
    from django.template.loader import get_template

    dashboard = get_template("creators/dashboard.html").template.source  # type: ignore[attr-defined] # the Django backend's template
    assert "count counter=cross.cross_viewers" in dashboard


def test_photo_credits_page_and_api(client: Client, api: Any) -> None:
    page = client.get("/about/photos").content.decode()
    assert page.count('class="credit"') >= 150
    assert "gcompris-qt-data" in page and "CC BY-SA 4.0" in page
    assert 'href="/about/photos"' in client.get("/login").content.decode()  # footer link
    rows = api.get("/about/photos", lang="zh").json()
    assert len(rows) >= 150 and all(r["alt"] and r["licence"] and r["package"] for r in rows)
    assert any("猫" in r["alt"] for r in rows)


def test_the_admin_front_page_says_translation_is_off(
    client: Client, make_user: Any, settings: Any
) -> None:
    from qiao.translation import services

    settings.QIAO_TRANSLATE_ENGINES = []
    services.reset_service()
    try:
        admin = make_user(is_staff=True, is_superuser=True)
        client.force_login(admin)
        page = client.get("/admin/").content.decode()
        assert "Machine translation is off" in page and "qiao translate install zh en" in page
    finally:
        services.reset_service()


def test_the_edit_page_labels_its_photos_and_styles_its_picker(
    client: Client, make_note: Any
) -> None:
    note = make_note(title="Two photos", n_images=2)
    client.force_login(note.author)
    html = client.get(f"/notes/{note.pk}/edit").content.decode()
    labels = re.findall(
        r'<span class="keep-check"><input type="checkbox" name="keep"[^>]*> '
        r"Keep this photo</span>",
        html,
    )
    assert len(labels) == 2  # visible, beside each photo
    assert 'class="pick-input" id="images"' in html and 'class="pick" for="images"' in html


@pytest.mark.parametrize(
    ("size", "shape"),
    [
        ((300, 400), "portrait"),
        ((240, 320), "portrait"),
        ((600, 600), "square"),
        ((640, 600), "square"),
        ((1024, 766), "landscape"),
        ((320, 240), "landscape"),
        ((1600, 400), "landscape"),
        ((0, 0), "portrait"),
    ],
)
def test_a_notes_photos_share_the_first_photos_frame(size: tuple[int, int], shape: str) -> None:
    """A landscape photo is not cut into a tall frame (and enlarged ~2.3x to fill it): the
    carousel takes the first photo's shape, 3:4 to 4:3, and shows every photo whole."""
    from types import SimpleNamespace

    from qiao.web.templatetags.qiao_web import shape as frame

    assert frame(SimpleNamespace(width=size[0], height=size[1])) == shape


def test_the_note_page_frames_a_landscape_photo_as_landscape(
    client: Client, make_user: Any, image_bytes: Any
) -> None:
    from qiao.notes.services import ImageInput, create_note

    author = make_user()
    note = create_note(
        author, title="Wall", body="", images=[ImageInput(data=image_bytes(w=800, h=600))]
    )
    client.force_login(make_user())
    page = client.get(f"/notes/{note.pk}").content.decode()
    assert 'class="carousel carousel-landscape"' in page
    assert "Send this note in a message" in page  # the DM link, not a second "Send"
