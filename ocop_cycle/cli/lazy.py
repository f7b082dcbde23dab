"""Command groups imported only when run, so ``ocop --help`` and each command start fast.

Importing every subcommand module at start pulled in the unit lists (numpy, shapely),
openpyxl and alembic for every call; a command now imports what it needs when it runs.
The root's help lists the groups from the registration table, without importing them.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from gettext import gettext as _
from typing import ClassVar

import typer

# typer's vendored Click: the objects TyperGroup's methods receive.
from typer import _click as click
from typer.core import MarkupMode, TyperGroup


@dataclass(frozen=True)
class LazyCommand:
    """Where a top-level command lives: ``module:attribute`` is a ``typer.Typer`` (a group)
    or a function (a single command); ``help`` is what ``ocop --help`` shows for it."""

    target: str
    help: str

    def load(self, name: str, markup: MarkupMode) -> click.Command:
        """The command as ``add_typer``/``command`` on the root would have built it."""
        module_name, _sep, attribute = self.target.partition(":")
        found = getattr(importlib.import_module(module_name), attribute)
        holder = typer.Typer(rich_markup_mode=markup, add_completion=False)
        if isinstance(found, typer.Typer):
            holder.add_typer(found, name=name)
            group = typer.main.get_command(holder)
            assert isinstance(group, TyperGroup)
            return group.commands[name]
        holder.command(name)(found)
        return typer.main.get_command(holder)


class LazyGroup(TyperGroup):
    """A group whose ``lazy_commands`` load when resolved (a subclass sets the table)."""

    lazy_commands: ClassVar[Mapping[str, LazyCommand]] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        eager = super().list_commands(ctx)
        return [*eager, *(name for name in self.lazy_commands if name not in eager)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in self.lazy_commands:
            command = self.lazy_commands[cmd_name].load(cmd_name, self.rich_markup_mode)
            self.add_command(command, cmd_name)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        # Typer's "Did you mean …" looks at loaded commands only; offer every name.
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.UsageError as error:
            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if matches:
                suggestions = ", ".join(repr(match) for match in matches)
                error.message = f"{error.message.rstrip('.')}. Did you mean {suggestions}?"
            raise

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List every command with its one-line help, importing none of the lazy ones."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            entry = self.lazy_commands.get(name)
            if entry is not None and name not in self.commands:
                rows.append((name, click.utils.make_default_short_help(entry.help, limit)))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)
