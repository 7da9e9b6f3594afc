"""What every command shares: the group, exit codes, option decorators, consoles,
and the translation of library errors into a message and exit code 2."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from enum import IntEnum
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from ..errors import SearchError

if TYPE_CHECKING:
    from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])


class ExitStatus(IntEnum):
    """Like grep: 0 something found, 1 nothing found, 2 trouble."""

    FOUND = 0
    NOT_FOUND = 1
    ERROR = 2


OUTPUT_FORMATS = ("json", "jsonl", "tsv", "paths")


def consoles() -> tuple[Console, Console]:
    """(stdout console, stderr console); colour only on terminals, NO_COLOR honoured."""
    from rich.console import Console

    kw: dict[str, Any] = {"highlight": False, "markup": False, "emoji": False}
    return Console(**kw), Console(stderr=True, **kw)


def fail(message: str) -> None:
    click.echo(f"searchcli: error: {message}", err=True)
    sys.exit(ExitStatus.ERROR)


def warn(message: str) -> None:
    click.echo(f"searchcli: {message}", err=True)


class SearchCLI(click.Group):
    """Turns library errors into a one-line message and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SearchError as exc:
            fail(str(exc))
        except BrokenPipeError:
            # The reader went away (`| head`): not an error for a pipeline tool.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(ExitStatus.FOUND)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            # A bug, not a user mistake: one line, and the traceback on request.
            if os.environ.get("SEARCHCLI_DEBUG"):
                raise
            fail(
                f"internal error: {type(exc).__name__}: {exc}. If it persists, "
                "`searchcli check` tells whether the index is damaged; please report "
                "it (SEARCHCLI_DEBUG=1 shows the traceback)."
            )


def index_option(f: F) -> F:
    return click.option(
        "--index",
        "index_dir",
        envvar="SEARCHCLI_INDEX",
        default="index",
        show_default=True,
        type=click.Path(file_okay=False),
        help="Index folder (also $SEARCHCLI_INDEX).",
    )(f)


def output_options(f: F) -> F:
    """The one place where record output formats are declared."""
    options = [
        click.option("--json", "fmt", flag_value="json", help="One JSON object."),
        click.option("--jsonl", "fmt", flag_value="jsonl", help="JSON lines, one a record."),
        click.option("--tsv", "fmt", flag_value="tsv", help="Tab-separated, with a header."),
        click.option("--paths", "fmt", flag_value="paths", help="Only where each hit lives."),
        click.option("-0", "--null", "nul", is_flag=True, help="With --paths: NUL-separated."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def mode_options(f: F) -> F:
    """--or / --and: which words must match (default: chosen by query length)."""
    f = click.option("--and", "mode", flag_value="all", help="Every word must match.")(f)
    return click.option(
        "--or", "mode", flag_value="any", help="Rank documents that match any word."
    )(f)


def fold_option(f: F) -> F:
    return click.option(
        "--no-fold",
        "no_fold",
        is_flag=True,
        help="List every copy of a story (near-duplicates are folded by default).",
    )(f)


def query_options(f: F) -> F:
    f = fold_option(mode_options(f))
    return click.option(
        "-n", "--limit", default=10, show_default=True, type=click.IntRange(1), help="Hits to show."
    )(f)


def stdout_bytes() -> IO[bytes]:
    return sys.stdout.buffer


@click.group(cls=SearchCLI, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="searchcli")
def cli() -> None:
    """Full-text search for the terminal.

    Build an index of a folder with `searchcli index PATH`, then ask it
    questions with `searchcli search WORDS`.
    """
