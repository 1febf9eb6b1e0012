"""`qiao backup [--output FILE]`: database dump + every media file in one tar archive."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from qiao.ops.commands import QiaoCommand


class Command(QiaoCommand):
    help = "Back up the database and all media (local disk or S3) into one tar archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            default="",
            help="archive path (default: $QIAO_HOME/backups/qiao-<time>.tar)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        from qiao.ops.backup import backup

        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        output = Path(opts["output"] or settings.QIAO_HOME / "backups" / f"qiao-{stamp}.tar")
        manifest = backup(output, progress=lambda msg: self.stderr.write(msg))
        self.stdout.write(
            f"{output}  ({manifest['engine']} database, {manifest['media_files']} media "
            f"files, {manifest['media_bytes'] / 1e6:.1f} MB)"
        )
