"""Periodic jobs for the embedded profile (no Celery beat): a thread in `qiao serve` that runs
each job as its own `qiao ...` subprocess, so a slow or crashing job never touches the
server's workers. With CELERY_BROKER_URL set, `qiao beat` does this instead."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time

from qiao.ops.periodic import jobs

logger = logging.getLogger("qiao.scheduler")


def start_embedded_scheduler() -> threading.Thread:
    """Run `ops.periodic.jobs()`, each as `qiao periodic NAME`; the first run of each is
    after one period."""
    planned = [(["periodic", job.name], job.every) for job in jobs()]

    def loop() -> None:
        due = {i: time.monotonic() + every for i, (_args, every) in enumerate(planned)}
        while True:
            time.sleep(5)
            now = time.monotonic()
            for i, (args, every) in enumerate(planned):
                if now < due[i]:
                    continue
                due[i] = now + every
                started = time.monotonic()
                result = subprocess.run(  # noqa: S603 - our own command, fixed arguments
                    [sys.executable, "-m", "qiao", *args],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                level = logging.INFO if result.returncode == 0 else logging.WARNING
                logger.log(
                    level,
                    "periodic job %s finished with %s in %.1fs: %s",
                    " ".join(args),
                    result.returncode,
                    time.monotonic() - started,
                    (result.stdout or result.stderr).strip().splitlines()[-1:],
                )

    thread = threading.Thread(target=loop, name="qiao-scheduler", daemon=True)
    thread.start()
    return thread
