"""Issue 18's journey in a real Chromium: an author posts a clip from the composer (a
resumable upload with a progress bar, typed captions), waits while it is processed, and a
reader sees it in the waterfall with its play badge and plays it in the note — with the
keyboard, captions showing — in English at 1440 px and in Chinese on a 390-px phone. In the
English case the captions are Chinese: the reader gets them translated (a LibreTranslate
stand-in on 127.0.0.1) and "Show original" switches to the Chinese track.
Screenshots: test-output/18*.png."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from qiao.engines.media.video import synth
from qiao.events.models import EngagementEvent
from qiao.notes.models import Note, NoteClip
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CASES = {
    "en": {
        "locale": "en-US",
        "phone": False,
        "ui": "en",
        "ready": "Ready to post.",
        "publish": "Publish",
        "processing": "Processing your video",
        "title": "Lanterns at the night market",
        "captions": "0:00 我喜欢猫\n0:02 好吃",
    },
    "zh": {
        "locale": "zh-CN",
        "phone": True,
        "ui": "zh-hans",
        "ready": "可以发布了。",
        "publish": "发布",
        "processing": "视频处理中",
        "title": "夜市的灯笼",
        "captions": "0:00 大家好\n0:02 看这些灯笼",
    },
}


@pytest.fixture
def threaded_tasks(settings: Any) -> None:
    """The embedded profile's in-process worker, so the author really waits for the
    transcode (the rest of the suite runs tasks inline)."""
    settings.TASKS = {"default": {"BACKEND": "qiao.ops.tasks_backend.ThreadBackend", "QUEUES": []}}


@pytest.fixture(scope="module")
def clip_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synth.make_clip(
        tmp_path_factory.mktemp("journey") / "market.mp4",
        width=640,
        height=360,
        fps=24,
        seconds=4.0,
    )


@pytest.mark.parametrize("case", ["en", "zh"])
def test_post_a_clip_wait_for_it_and_play_it(
    new_page: Any,
    shot: Any,
    clip_file: Path,
    threaded_tasks: None,
    case: str,
    request: pytest.FixtureRequest,
) -> None:
    c = CASES[case]
    translated = case == "en"
    if translated:
        request.getfixturevalue("libre")
    author = UserFactory(
        username=f"lin_{case}",
        display_name="Lin",
        ui_language=c["ui"],
        read_languages=["en"] if case == "en" else ["zh"],
    )
    page = new_page(author, phone=c["phone"], locale=c["locale"])
    if not c["phone"]:
        page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/compose")
    page.set_input_files("#video", str(clip_file))
    status = page.locator("[data-video-status]")
    expect(status).to_have_text(re.compile(re.escape(c["ready"])), timeout=60_000)
    expect(page.locator("[data-video-progress]")).to_have_attribute("value", "100")
    page.locator("#title").fill(c["title"])
    page.locator("details.captions-pick summary").click()
    page.locator("#captions").fill(c["captions"])
    shot(page, f"18a-compose-{case}-{'390' if c['phone'] else '1440'}", full_page=True)
    page.get_by_role("button", name=c["publish"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/notes/\d+$"), timeout=60_000)
    note = Note.objects.get(title=c["title"])
    processing = page.get_by_text(c["processing"])
    if NoteClip.objects.get(note=note).state != NoteClip.State.READY:
        expect(processing.first).to_be_visible()
        shot(page, f"18b-processing-{case}-{'390' if c['phone'] else '1440'}")
    # The page polls and reloads itself once the worker has published the note.
    expect(page.locator("video.player-video")).to_be_visible(timeout=90_000)
    note.refresh_from_db()
    assert note.status == Note.Status.PUBLISHED

    reader = UserFactory(
        username=f"sam_{case}",
        ui_language=c["ui"],
        read_languages=["en"] if case == "en" else ["zh"],
    )
    page2 = new_page(reader, phone=c["phone"], locale=c["locale"])
    if not c["phone"]:
        page2.set_viewport_size({"width": 1440, "height": 900})
    page2.goto("/")
    card = page2.locator("[data-card]", has_text=c["title"])
    expect(card).to_be_visible()
    expect(card.locator(".card-play")).to_be_attached()
    expect(card.locator(".card-duration")).to_contain_text("0:04")
    shot(page2, f"18c-waterfall-{case}-{'390' if c['phone'] else '1440'}")
    card.locator("a.card-link").click()
    dialog = page2.locator("#overlay")
    video = dialog.locator("video.player-video")
    expect(video).to_be_visible()
    video.focus()
    page2.keyboard.press("k")  # the player's keyboard: k plays and pauses
    page2.wait_for_function(
        "() => { const v = document.querySelector('#overlay video'); "
        "return v && v.currentTime > 1.0; }",
        timeout=30_000,
    )
    showing = (
        "() => Array.from(document.querySelector('#overlay video').textTracks)"
        ".filter(t => t.mode === 'showing').map(t => t.language)"
    )
    if translated:
        assert page2.evaluate(showing) == ["en"]
        toggle = dialog.get_by_role("button", name="Show original")
        expect(dialog.locator(".captions-bar")).to_contain_text("Captions translated from")
        shot(page2, f"18d-note-playing-{case}-{'390' if c['phone'] else '1440'}")
        toggle.click()
        assert page2.evaluate(showing) == ["zh-Hans"]
        expect(dialog.get_by_role("button", name="Show translation")).to_be_visible()
        video.focus()
    else:
        assert page2.evaluate(showing) == ["zh-Hans"]
        shot(page2, f"18d-note-playing-{case}-{'390' if c['phone'] else '1440'}")
    page2.keyboard.press("k")
    page2.keyboard.press("Escape")  # closes the overlay; the watch time is reported
    expect(dialog).to_be_hidden()
    kinds: set[str] = set()
    for _ in range(50):  # the page reports within a second of the overlay closing
        kinds = set(
            EngagementEvent.objects.filter(user_id=reader.pk, note_id=note.pk).values_list(
                "kind", flat=True
            )
        )
        if {"play", "watch"} <= kinds:
            break
        page2.wait_for_timeout(100)
    assert {"play", "watch"} <= kinds, kinds
    assert not page.errors and not page2.errors, (page.errors, page2.errors)
