"""`qiao translate install|status|retry` — manage machine-translation models and jobs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from tqdm import tqdm

from qiao.engines.translate import InstallError, install_models, translation_status
from qiao.ops.commands import QiaoCommand


class Command(QiaoCommand):
    help = "Install translation models, show their state, or retry failed note translations."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        install = sub.add_parser("install", help="install models for a language pair, both ways")
        install.add_argument("languages", nargs="*", default=["zh", "en"], help="the two languages")
        install.add_argument(
            "--from",
            dest="source",
            default=None,
            help="URL, folder or archive to install from (air-gapped servers)",
        )
        install.add_argument("--sha256", default=None, help="expected hash of an archive")
        install.add_argument(
            "--one-way", action="store_true", help="only the first→second direction"
        )
        status = sub.add_parser("status", help="which pairs are installed")
        status.add_argument("--verify", action="store_true", help="re-hash every file")
        sub.add_parser("retry", help="retry note translations that failed earlier")

    def handle(self, *args: Any, **opts: Any) -> None:
        from qiao.translation import services

        action = opts["action"]
        if action == "status":
            status = translation_status(services.models_dir(), verify=opts["verify"])
            self.stdout.write(status.message)
            return
        if action == "retry":
            self.stdout.write(f"Translated {services.retry_pending(limit=1000)} notes.")
            return
        langs = opts["languages"]
        if len(langs) != 2:
            raise CommandError("give two languages, e.g. `qiao translate install zh en`")
        a, b = langs
        pairs = [(a, b)] if opts["one_way"] else [(a, b), (b, a)]
        bars: dict[str, tqdm] = {}

        def progress(label: str, done: int, total: int | None) -> None:
            bar = bars.get(label)
            if bar is None:
                bar = bars[label] = tqdm(total=total or None, desc=label, unit="B", unit_scale=True)
            bar.update(done - bar.n)

        try:
            manifest = install_models(
                pairs,
                services.models_dir(),
                opts["source"],
                progress=progress,
                sha256=opts["sha256"],
            )
        except InstallError as exc:
            raise CommandError(f"installation failed, nothing was changed: {exc}") from exc
        finally:
            for bar in bars.values():
                bar.close()
        services.reset_service()
        installed = ", ".join(f"{s}→{t}" for s, t in manifest.installed_pairs())
        self.stdout.write(self.style.SUCCESS(f"Installed: {installed}"))
