"""`qiao media status|install-model` — what this installation can do with video, and the
local speech-to-text model for automatic captions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Show video and automatic-caption support, or install a local Whisper model."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser("status", help="video processing and transcription state")
        status.add_argument(
            "--verify", action="store_true", help="re-hash the installed model's files"
        )
        install = sub.add_parser(
            "install-model", help="install a faster-whisper (CTranslate2) model directory"
        )
        install.add_argument(
            "source",
            help="a folder, a .tar.gz/.zip archive, or an http(s) URL of one (with --sha256)",
        )
        install.add_argument("--sha256", default=None, help="expected hash of an archive")

    def handle(self, *args: Any, **opts: Any) -> None:
        from qiao.core.media import transcribe_engine_name, transcribe_models_dir, transcriber
        from qiao.engines.media.transcribe import InstallError, install_model, model_status
        from qiao.engines.media.video import video_support

        if opts["action"] == "install-model":
            try:
                status = install_model(
                    opts["source"],
                    transcribe_models_dir().parent,
                    name=transcribe_models_dir().name,
                    sha256=opts["sha256"],
                )
            except InstallError as exc:
                raise CommandError(f"installation failed, nothing was changed: {exc}") from exc
            if not status.ready:
                raise CommandError(status.message)
            self.stdout.write(self.style.SUCCESS(status.message))
            if settings.QIAO_TRANSCRIBE_ENGINE not in ("auto", "local"):
                self.stdout.write(
                    f"Set QIAO_TRANSCRIBE_ENGINE=local (now "
                    f"{settings.QIAO_TRANSCRIBE_ENGINE!r}) to use it."
                )
            return
        ok, why = video_support()
        self.stdout.write(f"video: {'ready' if ok else 'unavailable'} — {why}")
        self.stdout.write(
            f"video limits: {settings.QIAO_VIDEO_MAX_SECONDS} s, "
            f"{settings.QIAO_VIDEO_MAX_BYTES // 2**20} MB, "
            f"preset {settings.QIAO_VIDEO_PRESET}"
        )
        engine = transcriber()
        name = transcribe_engine_name()
        if engine is None:
            self.stdout.write(
                f"automatic captions: off (QIAO_TRANSCRIBE_ENGINE="
                f"{settings.QIAO_TRANSCRIBE_ENGINE})"
            )
        else:
            ready, detail = engine.status()
            self.stdout.write(
                f"automatic captions: {name} {'ready' if ready else 'unavailable'} — {detail}"
            )
        model = model_status(transcribe_models_dir(), verify=opts["verify"])
        self.stdout.write(f"local model: {model.message}")
