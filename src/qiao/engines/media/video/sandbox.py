"""Run one FFmpeg job in a child process with a wall-time, CPU, memory and file-size limit.

FFmpeg parses hostile input in C. Running it inside the web or worker process would let one
file crash the process, or hold its memory and threads past the request. Each job is a
fresh ``python -m qiao.engines.media.video.worker`` that, before importing FFmpeg, lowers its
own limits with ``setrlimit`` (so no ``preexec_fn`` runs in a threaded parent):

* ``RLIMIT_AS`` — address space: an allocation past it fails inside FFmpeg (reported as
  ``resource_limit``) instead of swapping the machine;
* ``RLIMIT_CPU`` — CPU seconds: the kernel sends SIGXCPU then SIGKILL;
* ``RLIMIT_FSIZE`` — the largest file it may write (outputs and its stderr log);
* ``RLIMIT_CORE`` = 0.

The parent adds a wall-time limit: past it the child's whole process group is killed; and
the child dies with its parent (``PR_SET_PDEATHSIG``), so a worker killed with SIGKILL leaves
no transcode running. The job's request and its result travel as JSON on stdin/stdout;
stderr goes to a capped file.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qiao.engines.media.video.types import RunUsage, VideoRejected, VideoUnavailable

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[4])  # the directory holding qiao/


@dataclass(frozen=True)
class Limits:
    wall_seconds: float
    cpu_seconds: float
    memory_mb: int
    file_size_mb: int


def run_job(op: str, request: dict[str, Any], limits: Limits) -> tuple[dict[str, Any], RunUsage]:
    """Run ``op`` in a sandboxed child; return its result and what it used.

    Raises VideoRejected (the file's fault, or limits exceeded) or VideoUnavailable (the
    child could not start FFmpeg at all).
    """
    payload = json.dumps(
        {
            "op": op,
            "request": request,
            "parent": os.getpid(),
            "limits": {
                "cpu_seconds": limits.cpu_seconds,
                "memory_mb": limits.memory_mb,
                "file_size_mb": limits.file_size_mb,
            },
        }
    ).encode("utf-8")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": _PACKAGE_ROOT,
        "PYTHONDONTWRITEBYTECODE": "1",
        "MALLOC_ARENA_MAX": "2",  # glibc reserves 64 MB of address space per arena
        "OMP_NUM_THREADS": "1",
        "LANG": "C.UTF-8",
    }
    started = time.monotonic()
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "qiao.engines.media.video.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        try:
            out, _ = proc.communicate(payload, timeout=limits.wall_seconds)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            proc.communicate()
            raise VideoRejected(
                "timeout",
                f"Processing took longer than its {limits.wall_seconds:g}-second limit.",
            ) from None
        finally:
            if proc.poll() is None:  # an exception on our side: leave nothing running
                _kill_group(proc)
                proc.wait()
        wall = time.monotonic() - started
        stderr.seek(0, os.SEEK_END)
        stderr.seek(max(0, stderr.tell() - 4000))
        tail = stderr.read().decode("utf-8", "replace")
    return _interpret(proc.returncode, out, tail, wall, limits)


def _interpret(
    returncode: int, out: bytes, tail: str, wall: float, limits: Limits
) -> tuple[dict[str, Any], RunUsage]:
    message: dict[str, Any] | None = None
    lines = out.decode("utf-8", "replace").strip().splitlines()
    if lines:
        try:
            message = json.loads(lines[-1])
        except ValueError:
            message = None
    if message is not None:
        usage = RunUsage(
            cpu_seconds=float(message.get("usage", {}).get("cpu_seconds", 0.0)),
            peak_rss_mb=float(message.get("usage", {}).get("peak_rss_mb", 0.0)),
            wall_seconds=round(wall, 3),
        )
        if message.get("ok"):
            return dict(message["result"]), usage
        code, text = str(message.get("code")), str(message.get("message"))
        if code == "video_unavailable":
            raise VideoUnavailable(code, text)
        raise VideoRejected(code, text)
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise VideoRejected(
            "timeout", f"Processing used more than its {limits.cpu_seconds:g} CPU seconds."
        )
    if returncode == -signal.SIGXFSZ:
        raise VideoRejected("resource_limit", "Processing wrote more than its size limit.")
    if "MemoryError" in tail or "Cannot allocate memory" in tail or "std::bad_alloc" in tail:
        raise VideoRejected(
            "resource_limit", f"Processing needed more than {limits.memory_mb} MB of memory."
        )
    if returncode != 0 and "No module named" in tail:
        raise VideoUnavailable("video_unavailable", tail.strip().splitlines()[-1])
    raise VideoRejected(
        "processing_failed",
        f"The video could not be processed (worker exit status {returncode}).",
    )


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
