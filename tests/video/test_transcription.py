"""Automatic captions on the platform: the configured engine (an OpenAI-compatible server on
127.0.0.1 here; "auto" picks a local model only when one is installed), captions for a clip
whose author gave none, translated like the author's; nothing when there is no sound, the
author's own captions win, a failing engine leaves the clip alone; `qiao media status` and
`qiao media install-model` (from a local folder and an archive, never a hub)."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from qiao.core.media import transcribe_engine_name, transcriber
from qiao.notes import clips, services
from qiao.notes.models import ClipCaption, NoteClip
from qiao.notes.services import ClipInput
from tests.fakes import transcription_server
from tests.video.conftest import upload_via_service

pytestmark = pytest.mark.django_db
SPOKEN = [(0.0, 0.9, "我喜欢猫"), (0.9, 1.8, "好吃")]


@pytest.fixture
def whisper_server(settings: Any) -> Any:
    with transcription_server(SPOKEN, language="chinese") as server:
        settings.QIAO_TRANSCRIBE_ENGINE = "openai"
        settings.QIAO_TRANSCRIBE_URL = server.url
        yield server


def _post(author: Any, data: bytes, **kw: Any) -> Any:
    upload = upload_via_service(author, data)
    return services.create_note(
        author,
        title=kw.pop("title", "我的猫"),
        images=[],
        clip=ClipInput(upload_id=str(upload.pk)),
        **kw,
    )


def test_a_clip_without_captions_is_transcribed_and_translated(
    make_user: Any,
    clip_bytes: Callable[..., bytes],
    run_tasks: None,
    whisper_server: Any,
    libre: Any,
) -> None:
    note = _post(make_user(), clip_bytes())
    clip = NoteClip.objects.get(note=note)
    assert clip.transcription == "done"
    assert whisper_server.calls and whisper_server.calls[0]["has_wav"]
    assert whisper_server.calls[0]["path"] == "/v1/audio/transcriptions"
    original = clip.captions.get(source=ClipCaption.Source.TRANSCRIPTION)
    assert original.language == "zh" and "我喜欢猫" in original.vtt
    english = clip.captions.get(source=ClipCaption.Source.MACHINE)
    assert english.language == "en" and "[en] I like cat" in english.vtt


def test_the_authors_captions_win_and_silent_clips_are_not_sent(
    make_user: Any, clip_bytes: Callable[..., bytes], run_tasks: None, whisper_server: Any
) -> None:
    author = make_user()
    _post(author, clip_bytes(), captions="0:00 mine")
    silent = _post(author, clip_bytes(acodec=None))
    assert whisper_server.calls == []
    assert NoteClip.objects.get(note=silent).transcription == "none"
    assert ClipCaption.objects.get().source == ClipCaption.Source.AUTHOR


def test_a_failing_engine_leaves_the_clip_published(
    make_user: Any, clip_bytes: Callable[..., bytes], run_tasks: None, settings: Any
) -> None:
    settings.QIAO_TRANSCRIBE_ENGINE = "openai"
    settings.QIAO_TRANSCRIBE_URL = "http://127.0.0.1:9/v1"  # nothing listens there
    note = _post(make_user(), clip_bytes())
    note.refresh_from_db()
    clip = NoteClip.objects.get(note=note)
    assert note.is_published and clip.is_ready and clip.transcription == "failed"
    assert not clip.captions.exists()


def test_engine_choice_from_settings(settings: Any, tmp_path: Path) -> None:
    settings.QIAO_MODELS_DIR = tmp_path
    settings.QIAO_TRANSCRIBE_ENGINE = "auto"
    assert transcribe_engine_name() == "off" and transcriber() is None
    model = tmp_path / "whisper"
    model.mkdir()
    for name in ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt"):
        (model / name).write_text(name)
    assert transcribe_engine_name() == "local"
    settings.QIAO_TRANSCRIBE_ENGINE = "off"
    assert transcriber() is None
    assert clips.transcribe(999) == "gone"


def _model_tree(root: Path) -> Path:
    model = root / "faster-whisper-tiny"
    model.mkdir(parents=True)
    for name in ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt"):
        (model / name).write_text(name)
    return model


def test_media_commands(settings: Any, tmp_path: Path) -> None:
    settings.QIAO_MODELS_DIR = tmp_path / "models"
    out = io.StringIO()
    call_command("media", "status", stdout=out)
    text = out.getvalue()
    assert "video: ready" in text and "automatic captions: off" in text
    assert "No Whisper model" in text
    source = _model_tree(tmp_path / "from")
    out = io.StringIO()
    call_command("media", "install-model", str(source), stdout=out)
    assert "installed" in out.getvalue()
    assert (tmp_path / "models" / "whisper" / "model.bin").is_file()
    archive = tmp_path / "model.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(source, arcname="faster-whisper-tiny")
    with pytest.raises(CommandError):
        call_command("media", "install-model", str(archive), "--sha256", "0" * 64)
    call_command("media", "install-model", str(archive), stdout=io.StringIO())
    out = io.StringIO()
    call_command("media", "status", "--verify", stdout=out)
    assert "automatic captions: local" in out.getvalue()
    assert "Whisper model installed" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("media", "install-model", str(tmp_path / "missing"))
