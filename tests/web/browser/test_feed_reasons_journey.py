"""Issue 16's feed people can read and steer: a member sees why each For-you card is there,
changes the language mix above the feed (the share of cards in the other language follows),
and finds the choice in Settings — in each interface language.

The world is seeded so the outcome is exact: notes in the reader's language out-rank those
in the other language (cold start ranks by engagement), so the site default shows none of
the other language on a reader of one language, "Half and half" 10 of 20, "Mostly my
language" 2 of 20. Screenshots at 390 and 1440 px go to test-output/.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qiao.notes.models import Note, Topic
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

TITLES = {
    "en": [
        "Dumplings from scratch",
        "A slow Sunday brunch",
        "Street food in Chengdu",
        "Five-minute noodles",
        "My sourdough diary",
        "Hotpot for two",
    ],
    "zh": [
        "手工包饺子",
        "周末慢早午餐",
        "成都街头小吃",
        "五分钟拌面",
        "酸面包日记",
        "两个人的火锅",
    ],
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _seed(make_note: Any, mine: str) -> None:
    """100 notes a language (each page load marks the 20 shown as seen for three days); the
    first 12 of each have real photos (the screenshots show cards as they look)."""
    other = "zh" if mine == "en" else "en"
    authors = {
        lang: [UserFactory(read_languages=[lang]) for _ in range(6)] for lang in ("en", "zh")
    }
    food = Topic.objects.get_or_create(name="food")[0]
    now = timezone.now()
    for lang, base in ((mine, 1000), (other, 10)):
        for i in range(100):
            title = f"{TITLES[lang][i % 6]} {i + 1}"
            author = authors[lang][i % 6]
            if i < 12:
                note = make_note(author, title=title, body=title)
            else:
                note = Note.objects.create(author=author, title=title, body=title)
            Note.objects.filter(pk=note.pk).update(
                language=lang,
                like_count=base + 100 - i,
                published_at=now - timedelta(hours=i + (0 if lang == mine else 110)),
            )
            if i % 3 == 0:
                note.topics.add(food)


def _languages_on_page(page: Any) -> list[str]:
    hrefs = page.locator("#feed [data-card] a.card-link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    ids = [int(m.group(1)) for h in hrefs if (m := re.search(r"/notes/(\d+)", h or ""))]
    langs = dict(Note.objects.filter(pk__in=ids).values_list("pk", "language"))
    return [langs[i] for i in ids]


def _choose(page: Any, value: str) -> None:
    """Pick a mix above the feed and wait for the reloaded feed (htmx swaps the area)."""
    with page.expect_response(lambda r: r.url.endswith("/feed/language-mix")) as answer:
        page.select_option("#mix-select", value)
    assert answer.value.ok
    page.wait_for_selector(f'#mix-select option[value="{value}"][selected]', state="attached")
    expect(page.locator("#feed [data-card]")).to_have_count(20)


@pytest.mark.slow
@pytest.mark.parametrize("ui", ["en", "zh-hans"])
def test_reasons_and_the_language_mix(
    new_page: Any, shot: Any, settings: Any, tmp_path: Any, make_note: Any, ui: str
) -> None:
    from qiao.feed import adapter

    settings.QIAO_MODELS_DIR = tmp_path / "models"
    adapter.forget_model()
    mine = "en" if ui == "en" else "zh"
    other = "zh" if mine == "en" else "en"
    _seed(make_note, mine)
    reader = UserFactory(
        username=f"reader_{mine}", ui_language=ui, read_languages=[mine], interests=["food"]
    )
    tag = "en" if ui == "en" else "zh"

    for phone in (False, True):
        page = new_page(reader, phone=phone, locale="en-US" if ui == "en" else "zh-CN")
        if not phone:
            page.set_viewport_size({"width": 1440, "height": 900})
        page.goto("/")
        cards = page.locator("#feed [data-card]")
        expect(cards.first).to_be_visible()
        # every card says why it is there, in the interface language
        reasons = page.locator("#feed [data-card] .card-reason")
        assert reasons.count() == cards.count() == 20
        texts = reasons.all_inner_texts()
        assert all(t.strip() for t in texts)
        assert all(bool(CJK.search(t)) == (ui != "en") for t in texts)
        interest = "Because you’re into #Food" if ui == "en" else "因为你对 #美食 感兴趣"
        assert any(interest in t for t in texts)
        width = 390 if phone else 1440
        # on a phone the reason stays inside its card
        box, card_box = reasons.first.bounding_box(), cards.first.bounding_box()
        assert box["x"] + box["width"] <= card_box["x"] + card_box["width"] + 1
        shot(page, f"16-feed-reasons-{tag}-{width}")
        if phone:
            continue

        # the note overlay repeats the card's reason: "Why am I seeing this?"
        first_reason = (
            cards.first.locator(".card-reason a, .card-reason span:not(.visually-hidden)")
            .inner_text()
            .strip()
        )
        cards.first.locator("a.card-link").click()
        why = page.locator("#overlay .overlay-why")
        expect(why).to_be_visible()
        expect(why).to_contain_text("Why am I seeing this?" if ui == "en" else "为什么推荐给我？")
        expect(why).to_contain_text(first_reason)
        shot(page, f"16-overlay-why-{tag}-{width}")
        page.keyboard.press("Escape")
        expect(page.locator("#overlay")).not_to_be_visible()

        # the site default: a reader of one language sees only it
        assert _languages_on_page(page).count(other) == 0
        _choose(page, "0.5")
        assert _languages_on_page(page).count(other) == 10
        reader.refresh_from_db()
        assert reader.language_mix == 0.5
        shot(page, f"16-feed-half-and-half-{tag}-{width}")
        _choose(page, "0.9")
        assert _languages_on_page(page).count(other) == 2

        # Settings shows the choice, and the reasons' screen-reader lead is there
        page.goto("/settings")
        choice = page.get_by_role(
            "radio", name="Mostly my language" if ui == "en" else "以我的语言为主"
        )
        expect(choice).to_be_checked()
        page.locator(".mix-field").scroll_into_view_if_needed()
        shot(page, f"16-settings-mix-{tag}-{width}")
        assert not page.errors

    # the control and the feed on a phone after the change
    page = new_page(reader, phone=True, locale="en-US" if ui == "en" else "zh-CN")
    page.goto("/")
    expect(page.locator("#mix-select")).to_have_value("0.9")
    shot(page, f"16-feed-mix-control-{tag}-390")
    assert not page.errors

    # onboarding explains the choice (a new member, on a phone)
    newcomer = UserFactory(onboarded=False, ui_language=ui, read_languages=[mine])
    page = new_page(newcomer, phone=True, locale="en-US" if ui == "en" else "zh-CN")
    page.goto("/welcome")
    mix = page.locator(".mix-field")
    mix.scroll_into_view_if_needed()
    expect(
        mix.get_by_role("radio", name="Site default" if ui == "en" else "网站默认")
    ).to_be_checked()
    shot(page, f"16-onboarding-mix-{tag}-390")
    assert not page.errors
