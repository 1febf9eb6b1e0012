"""First-run model install for `qiao serve`: in the background, never in the way.

When no translation engine can translate, `qiao serve` says so in one plain line with the
command that installs one (`operator_line`), and, with QIAO_TRANSLATE_AUTO_INSTALL on, tries
to download the zh↔en models in a background thread. A failed download is retried with
exponential backoff (1 hour, 2, 4 … at most a week), remembered across restarts in
`<models>/translate/autoinstall.json`: an offline server does not try again on every start,
and start-up never waits for it.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger("qiao.translation")

INSTALL_COMMAND = "qiao translate install zh en"
FIRST_RETRY = 3600.0  # seconds after the first failure
MAX_RETRY = 7 * 86400.0


@dataclass
class AttemptState:
    """What the automatic install tried so far (times are unix seconds)."""

    failures: int = 0
    last_attempt: float = 0.0
    next_attempt: float = 0.0
    last_error: str = ""

    def due(self, now: float) -> bool:
        return now >= self.next_attempt

    def failed(self, now: float, error: str) -> None:
        self.failures += 1
        self.last_attempt = now
        self.next_attempt = now + min(MAX_RETRY, FIRST_RETRY * 2 ** (self.failures - 1))
        self.last_error = error[:300]


def _state_path() -> Path:
    from qiao.translation import services

    return services.models_dir() / "autoinstall.json"


def read_state() -> AttemptState:
    try:
        raw = json.loads(_state_path().read_text(encoding="utf-8"))
        return AttemptState(**{k: raw[k] for k in asdict(AttemptState()) if k in raw})
    except (OSError, ValueError, TypeError):
        return AttemptState()


def write_state(state: AttemptState) -> None:
    path = _state_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(state)), encoding="utf-8")
    except OSError:
        logger.warning("could not record the translation install attempt in %s", path)


def _when(seconds: float) -> str:
    """ "2 h", "1 h", "45 min", "3 d"."""
    if seconds >= 1.5 * 86400:
        return f"{round(seconds / 86400)} d"
    if seconds >= 3300:
        return f"{round(seconds / 3600)} h"
    return f"{max(1, round(seconds / 60))} min"


def operator_line(now: float | None = None) -> str:
    """One plain sentence for the operator when machine translation is off ("" when on)."""
    from qiao.translation import services

    if services.is_ready_safely():
        return ""
    line = (
        f"Machine translation is off: no translation model is installed (readers still "
        f"get authors' own versions and word look-up). To turn it on, run: "
        f"{INSTALL_COMMAND}"
    )
    if settings.QIAO_TRANSLATE_AUTO_INSTALL:
        state = read_state()
        now = time.time() if now is None else now
        if state.failures and not state.due(now):
            line += (
                f" (the automatic download failed {state.failures} time"
                f"{'' if state.failures == 1 else 's'}; next try in "
                f"{_when(state.next_attempt - now)})"
            )
        else:
            line += " (downloading it in the background now)"
    return line + "."


def _attempt() -> bool:
    """One install attempt; True when translation works afterwards."""
    from qiao.engines.translate import InstallError, install_models
    from qiao.translation import services

    state = read_state()
    try:
        install_models([("zh", "en"), ("en", "zh")], services.models_dir(), timeout=30)
    except (InstallError, OSError) as exc:
        state.failed(time.time(), str(exc))
        logger.info(
            "translation models could not be downloaded (%s); next try in %s. "
            "Install by hand with `%s [--from PATH]`.",
            exc,
            _when(state.next_attempt - time.time()),
            INSTALL_COMMAND,
        )
        write_state(state)
        return False
    write_state(AttemptState())
    services.reset_service()
    logger.info("translation ready: %s", services.status_message())
    return True


def start_background_install(*, stop: threading.Event | None = None) -> threading.Thread | None:
    """If no models are installed and auto-install is on, fetch zh↔en in a thread: now if
    an attempt is due, else when it is; after a failure, again after the backoff, for as
    long as the process runs. Returns the thread (None when nothing is to be done)."""
    from qiao.translation import services

    if services.is_ready_safely() or not settings.QIAO_TRANSLATE_AUTO_INSTALL:
        return None
    stop = stop or threading.Event()

    def run() -> None:
        while not stop.is_set():
            wait = read_state().next_attempt - time.time()
            if wait > 0 and stop.wait(wait):
                return
            if _attempt():
                return

    thread = threading.Thread(target=run, name="qiao-translate-install", daemon=True)
    thread.start()
    return thread
