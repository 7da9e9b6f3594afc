"""`searchcli search` and `searchcli batch`: one query for a person, many for a program."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

import click

from ..errors import QueryError
from .base import (
    ExitStatus,
    cli,
    consoles,
    fail,
    index_option,
    output_options,
    query_options,
    stdout_bytes,
    warn,
)
from .shardopts import scheduler_option
from .timeopts import TimeCommand, TimeQueryCommand, date_options, order_options

if TYPE_CHECKING:
    from ..models import Hit, SearchResult

# -- search --------------------------------------------------------------------


def emit_hits(result: SearchResult, fmt: str | None, nul: bool) -> None:
    """Print a result in the chosen format (None: Rich, for people).

    A page past the last one prints what an empty result prints in the machine
    formats (JSON still has its object, with `total`), and says so on stderr."""
    from .. import serialize

    past_end = not result.hits and result.total > 0
    out = stdout_bytes()
    if fmt == "json":
        serialize.write_json(out, result.to_dict())
    elif fmt == "jsonl":
        serialize.write_jsonl(out, (h.to_dict() for h in result.hits))
    elif fmt == "tsv":
        serialize.write_tsv(out, result.hits)
    elif fmt == "paths":
        serialize.write_paths(out, result.hits, nul=nul, escape=not nul and sys.stdout.isatty())
    elif not past_end:
        from ..render import print_result

        console, err = consoles()
        print_result(console, err, result)
        return
    out.flush()
    if past_end:
        last = -(-result.total // result.limit)
        warn(f"page {result.page} is past the last page ({last})")
    if result.suggestion and not result.hits:
        warn(f"did you mean: {result.suggestion}")


@cli.command(cls=TimeQueryCommand)
@click.argument("words", nargs=-1, required=True)
@index_option
@query_options
@click.option(
    "--page",
    default=1,
    show_default=True,
    type=click.IntRange(1),
    help="Page of results (of --limit hits each).",
)
@date_options
@order_options
@click.option("--explain", is_flag=True, help="Show how each hit's score was computed.")
@output_options
@scheduler_option
def search(
    words: tuple[str, ...],
    index_dir: str,
    limit: int,
    mode: str | None,
    page: int,
    fmt: str | None,
    nul: bool,
    no_fold: bool,
    **time: str | bool | None,
) -> None:
    """Search the index for WORDS.

    \b
    Query language:
      peace agreement      documents with every word (short queries)
      peace OR truce       either word;  NOT war, -war  excludes
      "out of memory"      the exact phrase, small words included
      数据库  マニュアル   Chinese, Japanese, Korean words, found inside text
      title:armenia        a word in one field (title, body, source)
      negot*  negotiate~   wildcard, and typo-tolerant (fuzzy) match

    \b
    Time:
      --since 2026-11 --until 2026-11-27   documents dated in that span
      --sort -date                          newest first (undated last)
      --recent / --recent=7d                favour recent documents

    \b
    Near-identical copies of a story are shown once, at the best rank, with
    "+N similar" (and "duplicates" in JSON); --no-fold lists every copy.
    """
    from ..searching import Searcher

    with Searcher(index_dir) as searcher:
        result = searcher.search(
            " ".join(words),
            limit=limit,
            page=page,
            mode=mode or "auto",
            **time,  # type: ignore[arg-type]
            fold=not no_fold,
        )
    emit_hits(result, fmt, nul)
    sys.exit(ExitStatus.FOUND if result.hits else ExitStatus.NOT_FOUND)


@cli.command(cls=TimeCommand)
@click.argument(
    "queries", default="-", type=click.File("r", encoding="utf-8", errors="replace", lazy=False)
)
@index_option
@query_options
@click.option(
    "--trec",
    "trec_tag",
    is_flag=False,
    flag_value="searchcli",
    default=None,
    help="Write a TREC run (qid Q0 docid rank score TAG) instead of JSON lines.",
)
@click.option(
    "--depth",
    default=1000,
    show_default=True,
    type=click.IntRange(1),
    help="Hits a query in a TREC run.",
)
@click.option("--no-snippets", is_flag=True, help="Skip snippets (faster).")
@date_options
@order_options
@scheduler_option
def batch(
    queries: IO[str],
    index_dir: str,
    limit: int,
    mode: str | None,
    trec_tag: str | None,
    depth: int,
    no_snippets: bool,
    no_fold: bool,
    **time: str | None,
) -> None:
    """Run many queries from QUERIES (a file, or - for stdin), one a line.

    Each line is `qid<TAB>query`, or just a query (its line number is its
    qid). Prints one JSON line a query as it is answered, or a TREC run with
    --trec (which lists every copy of a near-duplicate: it is for evaluation).
    A bad line is reported on stderr with its number and skipped.
    """
    from ..evaluation import iter_query_lines
    from ..searching import Searcher
    from ..serialize import dumps
    from ..timeplan import TimePlan

    TimePlan.make(**time)  # type: ignore[arg-type]  # bad dates stop the run here
    if trec_tag is not None and (not trec_tag or any(c.isspace() for c in trec_tag)):
        fail(f"--trec tag {trec_tag!r} must be one word")
    out = sys.stdout
    found = False
    bad = 0
    with Searcher(index_dir) as searcher:
        for lineno, qid, text in iter_query_lines(queries):
            try:
                if text is None:
                    raise QueryError(qid)
                result = searcher.search(
                    text,
                    limit=depth if trec_tag else limit,
                    mode=mode or "auto",
                    snippets=not (trec_tag or no_snippets),
                    suggest=not trec_tag,
                    **time,  # type: ignore[arg-type]
                    fold=not (trec_tag or no_fold),
                )
            except QueryError as exc:
                warn(f"line {lineno}: {exc}; skipped")
                bad += 1
                continue
            found = found or result.total > 0
            if trec_tag:
                out.writelines(trec_lines(qid, result.hits, trec_tag))
            else:
                out.write(dumps({"qid": qid, **result.to_dict()}) + "\n")
            out.flush()
    if bad:
        warn(f"{bad} line(s) skipped")
    sys.exit(ExitStatus.FOUND if found else ExitStatus.NOT_FOUND)


def trec_lines(qid: str, hits: tuple[Hit, ...], tag: str) -> Iterator[str]:
    """Run lines; an id with white space in it is written with underscores."""
    from ..evaluation import format_trec_line

    for hit in hits:
        doc_id = "_".join(hit.id.split()) or "-"
        yield format_trec_line(qid, doc_id, hit.rank, hit.score, tag) + "\n"
