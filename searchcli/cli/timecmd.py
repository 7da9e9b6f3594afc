"""`searchcli timeline`: how many documents match, period by period."""

from __future__ import annotations

import sys

import click

from ..timeline import UNITS
from .base import ExitStatus, cli, consoles, index_option, mode_options, stdout_bytes
from .timeopts import date_options


@cli.command()
@click.argument("words", nargs=-1, required=True)
@index_option
@mode_options
@date_options
@click.option(
    "--by", type=click.Choice(UNITS), help="Count per day, week, month or year (default: by span)."
)
@click.option("--json", "fmt", flag_value="json", help="One JSON object.")
@click.option("--tsv", "fmt", flag_value="tsv", help="Tab-separated: start, end, label, count.")
def timeline(
    words: tuple[str, ...],
    index_dir: str,
    mode: str | None,
    since: str | None,
    until: str | None,
    by: str | None,
    fmt: str | None,
) -> None:
    """Count the documents that match WORDS per day, week, month or year.

    Every period between the first and the last match is shown, empty ones
    too; documents without a date are counted apart. A period's count is the
    total `searchcli search WORDS --since START --until END` reports for it.
    """
    from ..searching import Searcher

    with Searcher(index_dir) as searcher:
        found = searcher.timeline(
            " ".join(words), mode=mode or "auto", since=since, until=until, by=by
        )
    out = stdout_bytes()
    if fmt == "json":
        from ..serialize import write_json

        write_json(out, found.to_dict())
    elif fmt == "tsv":
        rows = [(b.start.isoformat(), b.end.isoformat(), b.label, b.count) for b in found.buckets]
        if found.undated:
            rows.append(("", "", "undated", found.undated))
        lines = ["start\tend\tlabel\tcount", *("\t".join(map(str, row)) for row in rows)]
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
    else:
        from ..charts import print_timeline

        console, err = consoles()
        print_timeline(console, err, found)
    out.flush()
    sys.exit(ExitStatus.FOUND if found.total else ExitStatus.NOT_FOUND)
