"""`qiao`: the one command-line entry point.

Every subcommand is a Django management command, so `qiao X` and `python -m django X` are the
same thing; `qiao --help` lists them all, one line each, Qiao's own first."""

from __future__ import annotations

import os
import sys

USAGE = """usage: qiao COMMAND [OPTIONS]     qiao COMMAND --help shows a command's options

Qiao runs on one machine with `qiao serve` (the first start seeds a bilingual demo; sign in
as demo / qiao-demo-pass). Settings are environment variables: docs/configuration.md.
"""
#: Qiao's own commands in the order a newcomer meets them.
ORDER = [
    "serve",
    "seed",
    "train",
    "search",
    "translate",
    "bench",
    "worker",
    "beat",
    "periodic",
    "backup",
    "restore",
]


def _first_line(text: str) -> str:
    return (text or "").strip().split("\n")[0].strip()


def _rows(rows: list[tuple[str, str]], columns: int = 100) -> list[str]:
    width = max((len(name) for name, _text in rows), default=0) + 2
    room = columns - width - 2
    return [
        f"  {name:<{width}}{text if len(text) <= room else text[: room - 1].rstrip() + '…'}"
        for name, text in rows
    ]


def command_summaries() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(Qiao's commands, the other Django commands) as (name, one-line help)."""
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    ours: list[tuple[str, str]] = []
    others: list[tuple[str, str]] = []
    for name, app in sorted(get_commands().items()):
        try:
            text = load_command_class(app, name).help
        except Exception:  # noqa: BLE001 - a command that cannot load is still listed
            text = ""
        (ours if app.startswith("qiao") else others).append((name, _first_line(text)))
    rank = {name: i for i, name in enumerate(ORDER)}
    ours.sort(key=lambda row: (rank.get(row[0], len(ORDER)), row[0]))
    return ours, others


def help_text() -> str:
    ours, others = command_summaries()
    lines = [
        USAGE,
        "Qiao commands:",
        *_rows(ours),
        "",
        "Django commands (database, users, files):",
        *_rows(others),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")
    if not argv or argv[0] in {"-h", "--help", "help"} and len(argv) == 1:
        sys.stdout.write(help_text())
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["qiao", *argv])


if __name__ == "__main__":
    main()
