"""Video notes in the pages: the composer (upload widget, captions, AI labels; hidden when
this server cannot process video), the author's "processing" notice and its failure reason,
cards with the play badge and duration (muted autoplay only for members who allow it, never
on `Save-Data`), the note's player with captions in the reader's language and "Show
original", the caption files' access rules, and the strict CSP (no inline script or style)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from qiao.notes import services
from qiao.notes.models import ClipCaption, Note, NoteClip
from qiao.notes.services import ClipInput
from tests.video.conftest import upload_via_service

pytestmark = pytest.mark.django_db


def _clip_note(author: Any, data: bytes, **kw: Any) -> Note:
    upload = upload_via_service(author, data)
    kw.setdefault("title", "Market walk")
    return services.create_note(
        author,
        images=[],
        clip=ClipInput(upload_id=str(upload.pk), ai_generated=kw.pop("ai", False)),
        **kw,
    )


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _no_inline(html: str) -> None:
    assert "<script>" not in html and "<style" not in html and " style=" not in html


def test_compose_has_the_video_picker_and_hides_it_without_video_support(
    user: Any, monkeypatch: Any
) -> None:
    html = _as(user).get("/compose").content.decode()
    assert 'data-video data-endpoint="/api/v1/uploads"' in html
    assert 'name="video_upload"' in html and 'name="captions"' in html
    assert 'name="video_ai_generated"' in html and 'data-label-ai="' in html
    _no_inline(html)
    from qiao.web.views import notes as views

    monkeypatch.setattr(views, "video_support", lambda: (False, "no PyAV"))
    html = _as(user).get("/compose").content.decode()
    assert "data-video" not in html and 'name="video"' not in html


def test_posting_a_clip_from_the_page_without_javascript(
    user: Any, clip_bytes: Callable[..., bytes], run_tasks: None
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = _as(user).post(
        "/compose",
        {
            "title": "Walk",
            "status": "published",
            "video_ai_generated": "on",
            "captions": "0:00 Hello\n0:01 world",
            "video": SimpleUploadedFile("walk.mp4", clip_bytes(), content_type="video/mp4"),
        },
    )
    note = Note.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/notes/{note.pk}"
    clip = NoteClip.objects.get(note=note)
    assert clip.is_ready and clip.ai_author and note.status == Note.Status.PUBLISHED
    assert clip.captions.get().source == ClipCaption.Source.AUTHOR


def test_a_refused_form_keeps_the_chosen_video(user: Any, clip_bytes: Callable[..., bytes]) -> None:
    upload = upload_via_service(user, clip_bytes())
    r = _as(user).post(
        "/compose", {"title": "", "status": "published", "video_upload": str(upload.pk)}
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert f'value="{upload.pk}"' in html and "clip.mp4" in html


def test_the_author_sees_processing_then_the_page_reloads(
    make_user: Any, clip_bytes: Callable[..., bytes], django_capture_on_commit_callbacks: Any
) -> None:
    author = make_user()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        note = _clip_note(author, clip_bytes())
    client = _as(author)
    html = client.get(f"/notes/{note.pk}").content.decode()
    assert "Processing your video" in html and f"/notes/{note.pk}/clip-status" in html
    r = client.get(f"/notes/{note.pk}/clip-status", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "Processing your video" in r.content.decode()
    assert _as(make_user()).get(f"/notes/{note.pk}").status_code == 404
    assert Client().get(f"/notes/{note.pk}").status_code == 404
    for callback in callbacks:
        callback()
    r = client.get(f"/notes/{note.pk}/clip-status", HTTP_HX_REQUEST="true")
    assert r.status_code == 204 and r["HX-Refresh"] == "true"
    assert _as(make_user()).get(f"/notes/{note.pk}/clip-status").status_code == 403  # visible


def test_the_author_sees_why_a_clip_failed(
    make_user: Any, clip_bytes: Callable[..., bytes], run_tasks: None, monkeypatch: Any
) -> None:
    from qiao.engines.media.video import VideoRejected
    from qiao.notes import clips

    def refuse(*a: Any, **k: Any) -> Any:
        raise VideoRejected("too_long", "long")

    monkeypatch.setattr(clips, "transcode", refuse)
    author = make_user()
    note = _clip_note(author, clip_bytes())
    html = _as(author).get(f"/notes/{note.pk}").content.decode()
    assert "Your video could not be used." in html and "too long" in html
    edit = _as(author).get(f"/notes/{note.pk}/edit").content.decode()
    assert "data-video" in edit and 'name="remove_video"' in edit
    zh = _as(author).get(f"/notes/{note.pk}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "视频" in zh.content.decode()


def test_cards_show_the_play_badge_duration_and_ai_label(
    make_user: Any, clip_bytes: Callable[..., bytes], run_tasks: None
) -> None:
    author = make_user()
    note = _clip_note(author, clip_bytes(), ai=True)
    html = Client().get("/").content.decode()
    card = html[html.index(f'href="/notes/{note.pk}"') :]
    card = card[: card.index("</article>")]
    assert 'class="card-play"' in card and ">0:02<" in card
    assert "AI-generated" in card
    assert "data-autoplay" not in card  # a visitor: nothing plays by itself
    _no_inline(html)


def test_autoplay_only_when_the_member_allows_it_and_never_on_save_data(
    make_user: Any, clip_bytes: Callable[..., bytes], run_tasks: None
) -> None:
    _clip_note(make_user(), clip_bytes())
    viewer = make_user(autoplay_videos=True)
    html = _as(viewer).get("/").content.decode()
    assert re.search(r'data-autoplay="/media/clips/\d+/\w+/source\.mp4"', html)
    saving = _as(viewer).get("/", HTTP_SAVE_DATA="on").content.decode()
    assert "data-autoplay" not in saving
    off = _as(make_user()).get("/").content.decode()
    assert "data-autoplay" not in off
    r = _as(viewer).post("/settings/preferences", {"ui_language": "en", "read_languages": ["en"]})
    assert r.status_code == 302
    viewer.refresh_from_db()
    assert viewer.autoplay_videos is False


def test_the_player_has_controls_sources_and_poster(
    make_user: Any, clip_bytes: Callable[..., bytes], run_tasks: None
) -> None:
    note = _clip_note(make_user(), clip_bytes(width=640, height=360))
    clip = NoteClip.objects.get(note=note)
    html = Client().get(f"/notes/{note.pk}").content.decode()
    assert "<video" in html and " controls" in html and "playsinline" in html
    assert 'type="video/mp4"' in html and f"/media/{clip.renditions[0]['path']}" in html
    assert f"/media/{clip.poster}" in html and 'aria-label="Video: Market walk"' in html
    _no_inline(html)
    saving = Client().get(f"/notes/{note.pk}", HTTP_SAVE_DATA="on").content.decode()
    assert f"/media/{clip.renditions[0]['path']}" in saving


def test_captions_in_the_readers_language_with_show_original(
    make_user: Any, clip_bytes: Callable[..., bytes], run_tasks: None, libre: Any
) -> None:
    author = make_user(read_languages=["zh"])
    note = _clip_note(
        author, clip_bytes(), title="我喜欢猫", body="猫", captions="0:00 我喜欢猫\n0:01 好吃"
    )
    clip = NoteClip.objects.get(note=note)
    original = clip.captions.get(source=ClipCaption.Source.AUTHOR)
    assert original.language == "zh"
    machine = clip.captions.get(source=ClipCaption.Source.MACHINE, language="en")
    assert "[en] I like cat" in machine.vtt and "00:00:00.000 --> 00:00:01.000" in machine.vtt
    reader = make_user(read_languages=["en"])
    html = _as(reader).get(f"/notes/{note.pk}").content.decode()
    tracks = re.findall(r"<track [^>]+>", html)
    assert len(tracks) == 2
    assert 'srclang="en"' in tracks[0] and " default" in tracks[0]
    assert 'srclang="zh-Hans"' in tracks[1] and "data-original" in tracks[1]
    assert "data-captions-toggle" in html and "Show original" in html
    zh_reader = make_user(read_languages=["zh"])
    html = _as(zh_reader).get(f"/notes/{note.pk}").content.decode()
    tracks = re.findall(r"<track [^>]+>", html)
    assert len(tracks) == 1 and " default" in tracks[0] and "data-captions-toggle" not in html
    vtt = _as(reader).get(re.search(r'src="([^"]+\.vtt)"', tracks[0]).group(1))
    assert vtt.status_code == 200 and vtt["Content-Type"].startswith("text/vtt")
    assert vtt.content.decode().startswith("WEBVTT")


def test_caption_files_follow_the_notes_visibility(
    make_user: Any, clip_bytes: Callable[..., bytes], run_tasks: None
) -> None:
    author = make_user()
    note = _clip_note(author, clip_bytes(), captions="0:00 secret", visibility="private")
    caption = ClipCaption.objects.get()
    url = f"/notes/{note.pk}/captions/{caption.pk}.vtt"
    assert _as(author).get(url).status_code == 200
    assert _as(make_user()).get(url).status_code == 404
    assert Client().get(url).status_code == 404
    other = _clip_note(author, clip_bytes(), title="Other", visibility="public")
    assert Client().get(f"/notes/{other.pk}/captions/{caption.pk}.vtt").status_code == 404


def test_edit_labels_photos_and_the_clip_and_changes_captions(
    make_user: Any, clip_bytes: Callable[..., bytes], run_tasks: None
) -> None:
    from qiao.notes.services import ImageInput
    from tests.factories import image_bytes

    author = make_user()
    upload = upload_via_service(author, clip_bytes())
    note = services.create_note(
        author,
        title="Both",
        images=[ImageInput(data=image_bytes(seed=1)), ImageInput(data=image_bytes(seed=2))],
        clip=ClipInput(upload_id=str(upload.pk)),
    )
    first, second = note.images.all()
    client = _as(author)
    page = client.get(f"/notes/{note.pk}/edit").content.decode()
    assert 'name="ai_images"' in page and 'name="video_ai_generated"' in page
    r = client.post(
        f"/notes/{note.pk}/edit",
        {
            "title": "Both",
            "body": "",
            "topics": "",
            "visibility": "public",
            "keep": [first.pk, second.pk],
            "ai_images": [second.pk],
            "has_video": "1",
            "video_ai_generated": "on",
            "captions": "0:00 Hi there",
            "captions_before": "",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.ai_generated, second.ai_generated) == (False, True)
    clip = NoteClip.objects.get(note=note)
    assert clip.ai_author and "Hi there" in clip.captions.get().vtt
    html = Client().get(f"/notes/{note.pk}").content.decode()
    assert html.count("AI-generated") >= 2


def test_a_board_of_clips_shows_their_posters(
    make_user: Any, clip_bytes: Callable[..., bytes], run_tasks: None
) -> None:
    from qiao.social import services as social

    note = _clip_note(make_user(), clip_bytes())
    owner = make_user()
    board = social.create_board(owner, name="Clips")
    social.collect(owner, note.pk, board.pk)
    clip = NoteClip.objects.get(note=note)
    html = _as(owner).get(f"/u/{owner.username}?tab=boards").content.decode()
    assert clip.poster_variants["320"]["jpeg"] in html
