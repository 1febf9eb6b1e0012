"""The command line and start-up (issue 12, item 6): `qiao --help` lists every command, every
option says what it does and its default, bench errors say what to do, `qiao seed` prepares a
fresh home, "Serving on" comes once the site answers, plain output on a terminal, and the
translation download is retried with backoff, not on every start."""

from __future__ import annotations

import argparse
import http.server
import io
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError

from qiao import cli
from qiao.core.logging import PlainFormatter, log_format
from qiao.ops import server
from qiao.ops.management.commands import bench as bench_command
from qiao.translation import autoinstall

OURS = sorted(name for name, app in get_commands().items() if app == "qiao.ops")
DJANGO_OPTIONS = {
    "help",
    "version",
    "verbosity",
    "settings",
    "pythonpath",
    "traceback",
    "no_color",
    "force_color",
    "skip_checks",
}


def test_help_lists_every_command_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["--help"])
    out = capsys.readouterr().out
    listed = {line.split()[0] for line in out.splitlines() if line.startswith("  ")}
    assert set(OURS) <= listed and {"migrate", "createsuperuser"} <= listed
    assert {"serve", "seed", "train", "search", "translate", "bench"} <= set(OURS)
    for name in OURS:
        [line] = [ln for ln in out.splitlines() if ln.split()[:1] == [name]]
        assert len(line.split(maxsplit=1)) == 2 and len(line) <= 100, line


def _actions(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.Action]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                found += [(f"{sub_name} {n}", a) for n, a in _actions(sub)]
        elif action.dest not in DJANGO_OPTIONS:
            found.append((action.dest, action))
    return found


@pytest.mark.parametrize("name", OURS)
def test_every_option_says_what_it_does_and_its_default(name: str) -> None:
    command = load_command_class("qiao.ops", name)
    parser = command.create_parser("qiao", name)
    assert command.help
    for dest, action in _actions(parser):
        assert action.help, f"qiao {name}: {dest} has no help"
        text = parser.formatter_class(prog="qiao")._get_help_string(action) or ""
        flag = isinstance(action, (argparse._StoreTrueAction, argparse._StoreFalseAction))
        if (
            not flag
            and action.default not in (None, "", [], argparse.SUPPRESS)
            and (action.option_strings or action.nargs in ("?", "*"))
        ):
            assert "default" in text, f"qiao {name}: {dest} hides its default"


def test_bench_says_which_extra_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "needs.py").write_text(
        "import qiao_bench_only_pkg\n\ndef main(argv):\n    return 0\n"
    )
    (tmp_path / "data.py").write_text(
        "def main(argv):\n    open('/nonexistent/translit_dev.json')\n"
    )
    assert {"sacrebleu", "implicit", "psutil"} <= bench_command.bench_extra()
    monkeypatch.setattr(bench_command, "BENCH_DIR", tmp_path)
    monkeypatch.setattr(bench_command, "bench_extra", lambda: {"qiao_bench_only_pkg"})
    with pytest.raises(CommandError, match=r"pip install -e '\.\[bench\]'"):
        call_command("bench", "needs")
    with pytest.raises(CommandError, match="(?s)cannot read its data.*--data"):
        call_command("bench", "data")


def test_names_data_may_be_a_file_of_the_folder(tmp_path: Path) -> None:
    from qiao.engines.names.paths import names_data_dir

    (tmp_path / "names").mkdir()
    (tmp_path / "names" / "translit_dev.json").write_text("{}")
    for given in (tmp_path, tmp_path / "names", tmp_path / "names" / "translit_dev.json"):
        assert names_data_dir(given) == tmp_path / "names"
    with pytest.raises(FileNotFoundError):
        names_data_dir(tmp_path / "nowhere")


def test_serving_is_announced_once_the_site_answers(capsys: pytest.CaptureFixture[str]) -> None:
    ready = threading.Event()

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if ready.is_set() else 503)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        port = httpd.server_address[1]
        thread = server.announce_when_serving(f"0.0.0.0:{port}", "Serving on X", timeout=20)
        deadline = time.monotonic() + 0.6
        while time.monotonic() < deadline:  # polls, answered 503: nothing printed yet
            thread.join(0.05)
        assert "Serving on" not in capsys.readouterr().out
        ready.set()
        thread.join(10)
        assert capsys.readouterr().out.count("Serving on X") == 1
    finally:
        httpd.shutdown()


def test_terminal_output_is_plain_and_pipes_get_json(monkeypatch: pytest.MonkeyPatch) -> None:
    assert log_format("json") == "json" and log_format("plain") == "plain"
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal
    assert log_format("") == "json"

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Tty())
    assert log_format("") == "plain"
    record = logging.makeLogRecord(
        {"msg": "translation off", "levelno": logging.WARNING, "levelname": "WARNING"}
    )
    assert PlainFormatter().format(record) == "warning: translation off"


def test_a_failed_download_is_retried_with_backoff_not_on_every_start(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qiao.engines.translate import InstallError

    settings.QIAO_MODELS_DIR = tmp_path
    settings.QIAO_TRANSLATE_AUTO_INSTALL = True
    calls: list[float] = []

    def offline(*args: Any, **kwargs: Any) -> None:
        calls.append(time.time())
        raise InstallError("no network")

    monkeypatch.setattr("qiao.engines.translate.install_models", offline)
    monkeypatch.setattr("qiao.translation.services.is_ready_safely", lambda: False)
    stop = threading.Event()
    thread = autoinstall.start_background_install(stop=stop)
    assert thread is not None
    for _ in range(100):
        if autoinstall.read_state().failures:
            break
        time.sleep(0.05)
    stop.set()
    thread.join(5)
    state = autoinstall.read_state()
    assert len(calls) == 1 and state.failures == 1
    assert state.next_attempt - state.last_attempt == autoinstall.FIRST_RETRY
    # the next start, an hour is not over: no attempt, and one plain line says so
    stop = threading.Event()
    again = autoinstall.start_background_install(stop=stop)
    assert again is not None
    again.join(0.3)
    stop.set()
    again.join(5)
    assert len(calls) == 1
    line = autoinstall.operator_line()
    assert "qiao translate install zh en" in line and "next try in 1 h" in line
    # later failures wait longer, up to a week
    state.failed(state.next_attempt, "still offline")
    assert state.next_attempt - state.last_attempt == 2 * autoinstall.FIRST_RETRY
    for _ in range(20):
        state.failed(state.next_attempt, "offline")
    assert state.next_attempt - state.last_attempt == autoinstall.MAX_RETRY


@pytest.mark.slow
@pytest.mark.embedded
def test_seed_prepares_a_fresh_home_itself(tmp_path: Path) -> None:
    env = {**os.environ, "QIAO_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "qiao.settings"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "qiao",
            "seed",
            "--users",
            "2",
            "--notes",
            "3",
            "--images",
            "1",
            "--no-search-index",
            "--quiet",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Seeded 3 users, 3 notes" in done.stdout  # the demo account and two more
    assert "no such table" not in done.stderr
