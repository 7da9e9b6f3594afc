"""What every command shares: the group, exit codes, option decorators, consoles,
and the translation of library errors into a message and exit code 2."""

from __future__ import annotations

import functools
import itertools
import os
import sys
from collections.abc import Callable
from enum import IntEnum
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar, cast

import click

from .. import __version__
from ..errors import SearchError
from .lazy import LazyGroup

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


class SearchCLI(LazyGroup):
    """Turns library errors into a one-line message and exit code 2; loads each
    command's module only when the command is used (see `lazy`)."""

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
            _interrupted()
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if isinstance(exc.__cause__, KeyboardInterrupt):
                # Python 3.11 wraps one raised while a class is made (a module
                # loading as Ctrl-C came) in a RuntimeError: still a Ctrl-C.
                _interrupted()
            # A bug, not a user mistake: one line, and the traceback on request.
            if os.environ.get("SEARCHCLI_DEBUG"):
                raise
            fail(
                f"internal error: {type(exc).__name__}: {exc}. If it persists, "
                "`searchcli check` tells whether the index is damaged; please report "
                "it (SEARCHCLI_DEBUG=1 shows the traceback)."
            )


def _interrupted() -> NoReturn:
    # On a terminal, off the line where the terminal echoed ^C.
    click.echo("\ninterrupted" if sys.stderr.isatty() else "interrupted", err=True)
    sys.exit(130)


def _locate_index(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    """The index folder to use; why it was chosen is kept for `stats`."""
    from ..locating import locate

    where = locate(value)
    ctx.meta["searchcli.index_reason"] = where.reason
    return where.path


def index_reason() -> str:
    return str(click.get_current_context().meta.get("searchcli.index_reason", ""))


class QueryCommand(click.Command):
    """A command whose arguments are query words, which may start with "-".

    `searchcli search '-systemd timer'` is a query (NOT systemd, timer), not the
    unknown option "-s". A token that names one of the command's options is an
    option, as is any token starting with "--" (so a mistyped `--josn` still gets
    click's "No such option" with its suggestion); every other token, in order,
    is query text. `--` works as always: everything after it is query text.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value: dict[str, bool] = {}
        by_name: dict[str, click.Option] = {}
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                for name in (*param.opts, *param.secondary_opts):
                    takes_value[name] = not (param.is_flag or param.count)
                    by_name[name] = param
        options: list[str] = []
        words: list[str] = []
        rest = iter(args)
        for arg in rest:
            if arg == "--":
                words.extend(rest)
            elif arg.startswith("--") or arg in takes_value:
                options.append(arg)
                if takes_value.get(arg):
                    options.extend(itertools.islice(rest, 1))  # its value
            elif takes_value.get(arg[:2]) and _valid(by_name[arg[:2]], arg[2:], ctx):
                options.append(arg)  # "-n5": a short option with its value attached
            else:
                words.append(arg)
        return super().parse_args(ctx, [*options, "--", *words] if words else options)


def _valid(option: click.Option, value: str, ctx: click.Context) -> bool:
    """Whether `value` is one the option takes ("-n5" is -n 5, "-network" is a word)."""
    try:
        option.type.convert(value, option, ctx)
    except click.BadParameter:
        return False
    return True


def index_option(f: F) -> F:
    return click.option(
        "--index",
        "index_dir",
        type=click.Path(file_okay=False),
        callback=_locate_index,
        help="Index folder. Default: $SEARCHCLI_INDEX, else the nearest index/ in this "
        "folder or a parent, else the per-user index.",
    )(f)


def output_options(f: F) -> F:
    """The one place where record output formats are declared.

    The command gets `fmt` (one of OUTPUT_FORMATS, or None for Rich) and `nul`.
    Two formats at once exit 2 instead of the last one silently winning; `-0`
    alone means `--paths -0`, and with another format it is an error.
    """
    helps = {
        "json": "One JSON object.",
        "jsonl": "JSON lines, one a record.",
        "tsv": "Tab-separated, with a header.",
        "paths": "Only where each hit lives.",
    }

    @functools.wraps(f)
    def command(*args: Any, **kwargs: Any) -> Any:
        chosen = [name for name in OUTPUT_FORMATS if kwargs.pop(f"as_{name}")]
        if len(chosen) > 1:
            fail(f"{' and '.join('--' + c for c in chosen)} cannot be used together; choose one")
        if kwargs["nul"] and chosen and chosen != ["paths"]:
            fail(f"-0 separates --paths output; it cannot be used with --{chosen[0]}")
        kwargs["fmt"] = chosen[0] if chosen else ("paths" if kwargs["nul"] else None)
        return f(*args, **kwargs)

    options = [
        *(
            click.option(f"--{name}", f"as_{name}", is_flag=True, help=helps[name])
            for name in helps
        ),
        click.option(
            "-0", "--null", "nul", is_flag=True, help="NUL-separated paths (implies --paths)."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return cast(F, command)


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
# The version from the package itself: asking importlib.metadata would cost a
# `--version` more than the rest of it (tests check that the two agree).
@click.version_option(__version__, package_name="searchcli")
def cli() -> None:
    """Full-text search for the terminal.

    Build an index of a folder with `searchcli index PATH`, then ask it
    questions with `searchcli search WORDS`.
    """
