"""`qiao restore ARCHIVE --yes`: replace the database and media with a backup's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from qiao.ops.commands import QiaoCommand


class Command(QiaoCommand):
    help = "Restore a `qiao backup` archive (replaces the database; rewrites media files)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="a .tar made by `qiao backup`")
        parser.add_argument(
            "--yes", action="store_true", help="really replace the current database"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        archive = Path(opts["archive"])
        if not archive.is_file():
            raise CommandError(f"no such archive: {archive}")
        if not opts["yes"]:
            raise CommandError(
                "restore replaces the current database: stop the app "
                "servers and workers, then run again with --yes"
            )
        from qiao.ops.backup import restore

        try:
            result = restore(archive, progress=lambda msg: self.stderr.write(msg))
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored {result['engine']} database from {result['created_at']} and "
            f"{result['restored_media_files']} media files"
        )
