"""Options about time, shared by `search`, `batch` and `timeline`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..timefilter import BOUND_FORMS, DEFAULT_HALF_LIFE, looks_like_half_life
from .base import QueryCommand

F = TypeVar("F", bound=Callable[..., Any])


class TimeCommand(click.Command):
    """A command whose `--recent` takes an optional value: `--recent peace` means the
    default half-life and the word "peace", not a half-life called "peace"."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        fixed: list[str] = []
        for i, arg in enumerate(args):
            if arg == "--":
                fixed.extend(args[i:])
                break
            following = args[i + 1] if i + 1 < len(args) else None
            if arg == "--recent" and (following is None or not looks_like_half_life(following)):
                arg = f"--recent={DEFAULT_HALF_LIFE}"
            fixed.append(arg)
        return super().parse_args(ctx, fixed)


class TimeQueryCommand(TimeCommand, QueryCommand):
    """`search`: `--recent` with its optional value, and query words that start with "-"."""


def date_options(f: F) -> F:
    """--since / --until: inclusive calendar days."""
    f = click.option(
        "--until",
        metavar="WHEN",
        help="Only documents dated on or before WHEN (a month or year: through its end).",
    )(f)
    return click.option(
        "--since",
        metavar="WHEN",
        help=f"Only documents dated on or after WHEN: {BOUND_FORMS}.",
    )(f)


def order_options(f: F) -> F:
    """--sort and --recent."""
    f = click.option(
        "--recent",
        is_flag=False,
        flag_value=DEFAULT_HALF_LIFE,
        default=None,
        metavar="[HALF_LIFE]",
        help=f"Favour recent documents: scores halve every HALF_LIFE of age "
        f"(default {DEFAULT_HALF_LIFE}; 12h, 2w, 3m, 1y).",
    )(f)
    return click.option(
        "--sort",
        type=click.Choice(["relevance", "date", "-date"]),
        default="relevance",
        show_default=True,
        help="Order: by relevance, oldest first (date) or newest first (-date).",
    )(f)
