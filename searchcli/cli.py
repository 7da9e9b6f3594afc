"""The `searchcli` command: thin click glue over the library.

Results go to stdout, everything else (progress, summaries, warnings, errors)
to stderr. Rich is imported only by commands that draw for people, so
`--jsonl` and friends start quickly.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from enum import IntEnum
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from .errors import QueryError, SearchError
from .models import Hit, SearchResult, Skip

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
                f"internal error: {type(exc).__name__}: {exc}. "
                "Please report it; SEARCHCLI_DEBUG=1 shows the traceback."
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


def query_options(f: F) -> F:
    options = [
        click.option(
            "-n",
            "--limit",
            default=10,
            show_default=True,
            type=click.IntRange(1),
            help="Hits to show.",
        ),
        click.option("--or", "mode", flag_value="any", help="Rank documents that match any word."),
        click.option("--and", "mode", flag_value="all", help="Every word must match."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def stdout_bytes() -> IO[bytes]:
    return sys.stdout.buffer


@click.group(cls=SearchCLI, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="searchcli")
def cli() -> None:
    """Full-text search for the terminal.

    Build an index of a folder with `searchcli index PATH`, then ask it
    questions with `searchcli search WORDS`.
    """


# -- index ---------------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@index_option
@click.option("--rebuild", is_flag=True, help="Build anew; the old index serves until done.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["txt", "md", "html", "json", "jsonl"]),
    help="Parse every file as this format, whatever its extension.",
)
@click.option(
    "--wait",
    type=click.FloatRange(0),
    default=5.0,
    show_default=True,
    help="Seconds to wait for another indexing run to finish.",
)
@click.option("-v", "--verbose", is_flag=True, help="List every skipped file and why.")
@click.option("--strict", is_flag=True, help="Exit 2 when any file or record was skipped.")
@click.option("--json", "as_json", is_flag=True, help="Print the run's report as JSON.")
def index(
    paths: tuple[str, ...],
    index_dir: str,
    rebuild: bool,
    fmt: str | None,
    wait: float,
    verbose: bool,
    strict: bool,
    as_json: bool,
) -> None:
    """Index PATHS (files, folders, or - for JSON lines on stdin).

    Incremental: new files are added, changed ones re-read, deleted ones
    removed. Without PATHS, the folders the index was built from (or
    ./corpus for a new index).
    """
    from . import indexing
    from .render import report_line, skip_line

    if not paths:
        paths = tuple(indexing.recorded_roots(index_dir)) or indexing.DEFAULT_PATHS
    missing = [p for p in paths if p != "-" and not os.path.lexists(p)]
    if missing:
        fail(f"no such file or folder: {missing[0]}")
    stdin = sys.stdin.buffer if "-" in paths else None
    _, err = consoles()

    def on_skip(s: Skip) -> None:
        if verbose:
            err.print(skip_line(s), soft_wrap=True)

    run = indexing.rebuild if rebuild else indexing.update
    with _progress(err) as progress:
        report = run(
            list(paths),
            index_dir,
            fmt=fmt,
            stdin=stdin,
            on_skip=on_skip,
            progress=progress,
            wait=wait,
        )
    if as_json:
        from .serialize import write_json

        write_json(stdout_bytes(), report.to_dict())
    err.print(report_line(report))
    if report.skipped and not verbose:
        reasons: dict[str, int] = {}
        for s in report.skipped:
            reasons[s.reason.split(" (")[0]] = reasons.get(s.reason.split(" (")[0], 0) + 1
        detail = "; ".join(f"{n} {r}" for r, n in sorted(reasons.items(), key=lambda x: -x[1]))
        warn(f"{len(report.skipped)} skipped ({detail}); --verbose lists them")
    if strict and report.skipped:
        sys.exit(ExitStatus.ERROR)


class _progress:
    """A Rich progress bar on stderr when it is a terminal; otherwise nothing."""

    def __init__(self, err: Console) -> None:
        self.err = err
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> Callable[[int, int], None] | None:
        if not self.err.is_terminal:
            return None
        from rich.progress import Progress

        self.bar = Progress(console=self.err, transient=True)
        self.bar.start()
        self.task = self.bar.add_task("indexing", total=None)
        return self.update

    def update(self, done: int, total: int) -> None:
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


# -- search --------------------------------------------------------------------


def emit_hits(result: SearchResult, fmt: str | None, nul: bool) -> None:
    """Print a result in the chosen format (None: Rich, for people)."""
    from . import serialize

    out = stdout_bytes()
    if fmt == "json":
        serialize.write_json(out, result.to_dict())
    elif fmt == "jsonl":
        serialize.write_jsonl(out, (h.to_dict() for h in result.hits))
    elif fmt == "tsv":
        serialize.write_tsv(out, result.hits)
    elif fmt == "paths":
        serialize.write_paths(out, result.hits, nul=nul)
    else:
        from .render import print_result

        console, err = consoles()
        print_result(console, err, result)
        return
    out.flush()
    if result.suggestion and not result.hits:
        warn(f"did you mean: {result.suggestion}")


@cli.command()
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
@output_options
def search(
    words: tuple[str, ...],
    index_dir: str,
    limit: int,
    mode: str | None,
    page: int,
    fmt: str | None,
    nul: bool,
) -> None:
    """Search the index for WORDS.

    \b
    Query language:
      peace agreement      documents with every word (short queries)
      peace OR truce       either word;  NOT war, -war  excludes
      "peace agreement"    the exact phrase
      title:armenia        a word in one field (title, body, source)
      negot*  negotiate~   wildcard, and typo-tolerant (fuzzy) match
    """
    from .searching import Searcher

    with Searcher(index_dir) as searcher:
        result = searcher.search(" ".join(words), limit=limit, page=page, mode=mode or "auto")
    emit_hits(result, fmt, nul)
    sys.exit(ExitStatus.FOUND if result.total else ExitStatus.NOT_FOUND)


# -- batch ---------------------------------------------------------------------


def read_query_lines(stream: IO[str]) -> Iterator[tuple[int, str, str]]:
    """(line number, qid, query) for `qid<TAB>query` or bare `query` lines."""
    for lineno, line in enumerate(stream, 1):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        qid, tab, text = line.partition("\t")
        if not tab:
            qid, text = str(lineno), line
        yield lineno, qid.strip(), text


@cli.command()
@click.argument("queries", default="-", type=click.File("r", encoding="utf-8", errors="replace"))
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
def batch(
    queries: IO[str],
    index_dir: str,
    limit: int,
    mode: str | None,
    trec_tag: str | None,
    depth: int,
    no_snippets: bool,
) -> None:
    """Run many queries from QUERIES (a file, or - for stdin), one a line.

    Each line is `qid<TAB>query`, or just a query (its line number is its
    qid). Prints one JSON line a query, or a TREC run with --trec.
    """
    from .searching import Searcher
    from .serialize import dumps

    out = sys.stdout
    found = False
    bad = 0
    with Searcher(index_dir) as searcher:
        for lineno, qid, text in read_query_lines(queries):
            try:
                result = searcher.search(
                    text,
                    limit=depth if trec_tag else limit,
                    mode=mode or "auto",
                    snippets=not (trec_tag or no_snippets),
                    suggest=not trec_tag,
                )
            except QueryError as exc:
                warn(f"line {lineno}: {exc}; skipped")
                bad += 1
                continue
            found = found or result.total > 0
            if trec_tag:
                out.writelines(_trec_lines(qid, result.hits, trec_tag))
            else:
                out.write(dumps({"qid": qid, **result.to_dict()}) + "\n")
    out.flush()
    if bad:
        warn(f"{bad} line(s) skipped")
    sys.exit(ExitStatus.FOUND if found else ExitStatus.NOT_FOUND)


def _trec_lines(qid: str, hits: tuple[Hit, ...], tag: str) -> Iterator[str]:
    for hit in hits:
        doc_id = "_".join(hit.id.split()) or "-"
        yield f"{qid} Q0 {doc_id} {hit.rank} {hit.score:.6f} {tag}\n"


# -- stats ---------------------------------------------------------------------


@cli.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
def stats(index_dir: str, as_json: bool) -> None:
    """Show what the index holds: documents, size, fields, sources."""
    from .indexing import stats as index_stats

    info = index_stats(index_dir)
    if as_json:
        from .serialize import write_json

        write_json(stdout_bytes(), info.to_dict())
        return
    from .render import print_stats

    console, _ = consoles()
    print_stats(console, info)


@cli.command()
@click.argument("doc_id")
@index_option
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
def show(doc_id: str, index_dir: str, as_json: bool) -> None:
    """Print the stored document with id DOC_ID."""
    from .searching import Searcher

    with Searcher(index_dir) as searcher:
        doc = searcher.document(doc_id)
    if doc is None:
        warn(f"no document with id {doc_id!r}")
        sys.exit(ExitStatus.NOT_FOUND)
    if as_json:
        from .serialize import write_json

        write_json(stdout_bytes(), doc.to_dict())
        return
    from .render import print_document

    console, _ = consoles()
    print_document(console, doc)


@cli.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
def check(index_dir: str, as_json: bool) -> None:
    """Verify the index: every segment opens, every stored document reads,
    the document count matches the manifest. Exit 2 when damaged."""
    from .checking import check_index

    report = check_index(index_dir)
    if as_json:
        from .serialize import write_json

        write_json(stdout_bytes(), report.to_dict())
    else:
        click.echo(f"{report.documents} documents checked", err=True)
        for problem in report.problems:
            warn(problem)
    if not report.ok:
        fail(
            f"index {index_dir} is damaged. Rebuild it with: "
            f"searchcli index --rebuild --index {index_dir}"
        )
    click.echo("index is healthy", err=True)


def main() -> None:
    cli(prog_name="searchcli")
