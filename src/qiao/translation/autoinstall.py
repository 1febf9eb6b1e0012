"""First-run model install for `qiao serve`: in the background, never in the way."""

from __future__ import annotations

import logging
import threading

from django.conf import settings

logger = logging.getLogger("qiao.translation")


def start_background_install() -> threading.Thread | None:
    """If no models are installed and auto-install is on, fetch zh↔en in a thread."""
    from qiao.translation import services

    if services.is_ready():
        logger.info("translation ready: %s", services.status_message())
        return None
    if not settings.QIAO_TRANSLATE_AUTO_INSTALL:
        logger.warning("translation off: %s", services.status_message())
        return None

    def run() -> None:
        from qiao.engines.translate import InstallError, install_models

        logger.info("translation models missing; installing zh↔en in the background")
        try:
            install_models([("zh", "en"), ("en", "zh")], services.models_dir(), timeout=30)
        except (InstallError, OSError) as exc:
            logger.warning(
                "translation models could not be installed (%s); machine translation stays "
                "off, word look-up works. Install later with `qiao translate install zh en "
                "[--from PATH]`.", exc)
            return
        services.reset_service()
        logger.info("translation ready: %s", services.status_message())

    thread = threading.Thread(target=run, name="qiao-translate-install", daemon=True)
    thread.start()
    return thread
