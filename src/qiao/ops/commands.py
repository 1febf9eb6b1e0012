"""What every `qiao` command shares: help that shows each option's default, a fresh home
migrated before use, and the one-line summaries `qiao --help` lists."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandParser, DjangoHelpFormatter


class DefaultsHelpFormatter(DjangoHelpFormatter):
    """Django's help layout, with "(default: …)" after every option that has a value."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        flag = isinstance(
            action,
            (
                argparse._StoreTrueAction,
                argparse._StoreFalseAction,
                argparse._StoreConstAction,
                argparse._CountAction,
            ),
        )
        if (
            text
            and "%(default)" not in text
            and not flag
            and action.default not in (None, argparse.SUPPRESS, "", [])
            and (action.option_strings or action.nargs in ("?", "*"))
        ):
            text += " (default: %(default)s)"
        return text


class QiaoCommand(BaseCommand):
    """Base of Qiao's own management commands."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kwargs.setdefault("formatter_class", DefaultsHelpFormatter)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    sub.formatter_class = DefaultsHelpFormatter
        return parser


def migrate_if_needed() -> bool:
    """Apply unapplied migrations (a fresh data folder has none); True when any ran."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return False
    call_command("migrate", interactive=False, verbosity=0)
    return True
