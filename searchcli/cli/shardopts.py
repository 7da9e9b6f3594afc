"""The options of sharded indexes: --shards for `index`, --scheduler for the commands
that build or search (see searchcli/shards/)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import click

ENV = "SEARCHCLI_SCHEDULER"  # the same name as shards.cluster.ENV (not imported: it is light)

_SCHEDULER_HELP = (
    "Run the work of each shard as a Dask task on the cluster of this scheduler "
    "(e.g. tcp://host:8786; workers must see the same paths). Default: $SEARCHCLI_SCHEDULER, "
    "else local processes."
)


def shard_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--shards N and --scheduler ADDRESS, passed to the command."""
    command = click.option("--scheduler", metavar="ADDRESS", envvar=ENV, help=_SCHEDULER_HELP)(
        command
    )
    return click.option(
        "--shards",
        type=click.IntRange(1, 256),
        metavar="N",
        help="Build the index as N shards (with --rebuild to change the number); "
        "a sharded index stays sharded.",
    )(command)


def _set_scheduler(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """The sharded searcher reads the address from the environment (shards.cluster):
    set it for this command only."""
    if not value:
        return
    before = os.environ.get(ENV)
    os.environ[ENV] = value

    def restore() -> None:
        if before is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before

    ctx.call_on_close(restore)


scheduler_option = click.option(
    "--scheduler",
    metavar="ADDRESS",
    expose_value=False,
    callback=_set_scheduler,
    help="For a sharded index: score the shards as Dask tasks on this scheduler's "
    "cluster. Default: $SEARCHCLI_SCHEDULER, else in this process.",
)
