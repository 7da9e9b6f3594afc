"""Rich renderables for people: results, documents, stats, index summaries.

Document text is untrusted. It only ever enters Rich as `Text` objects built
from cleaned strings (never parsed as markup), and highlights are applied as
styles on character spans, so "[bold]" or an escape sequence in an article is
shown as text or dropped, never acted on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .models import Document, Hit, IndexReport, IndexStats, SearchResult, Skip
from .text import clean_line, clean_text, safe_name

if TYPE_CHECKING:
    from .watching import Watch, WatchRun

MATCH_STYLE = "bold yellow"
TITLE_STYLE = "bold"
DIM = "dim"


def safe(text: str | None, style: str = "") -> Text:
    """Untrusted text as a Rich Text: controls removed, markup not interpreted."""
    return Text(clean_line(text or ""), style=style)


def snippet_text(snippet: str, highlights: Iterable[tuple[int, int]]) -> Text:
    """The snippet with the match spans styled. Cleaning keeps offsets valid
    because snippets are built from text that was cleaned when indexed; any
    control character that slipped through is replaced one-for-one by a space."""
    chars = [" " if (c < " " or "\x7f" <= c <= "\x9f") else c for c in snippet]
    text = Text("".join(chars))
    for start, end in highlights:
        if 0 <= start < end <= len(snippet):
            text.stylize(MATCH_STYLE, start, end)
    return text


def hit_renderable(hit: Hit) -> RenderableType:
    head = Text.assemble(
        (f"{hit.rank:>3}. ", DIM),
        safe(hit.title or "(untitled)", TITLE_STYLE),
        (f"  {hit.score:.2f}", DIM),
    )
    if hit.duplicates:
        head.append(f"  +{len(hit.duplicates)} similar", style="magenta")
    meta = safe(hit.source, "cyan")
    if hit.date:  # the day first, where a long source cannot push it off the line
        meta = Text.assemble((f"{clean_line(hit.date)[:10]}  ", DIM), meta)
    lines: list[RenderableType] = [meta]
    if hit.snippet.text:
        lines.append(snippet_text(hit.snippet.text, hit.snippet.highlights))
    return Group(head, Padding(Group(*lines), (0, 0, 1, 5)))


def print_result(console: Console, err: Console, result: SearchResult) -> None:
    for hit in result.hits:
        console.print(hit_renderable(hit), soft_wrap=False)
    shown = len(result.hits)
    if shown:
        first = result.hits[0].rank
        summary = f"{first}-{first + shown - 1} of {result.total} results"
        if result.folded:
            copies = f"{result.folded} near-duplicate{'s' if result.folded > 1 else ''}"
            summary = f"{summary[: -len('results')]}stories ({copies} folded)"
    else:
        summary = f"no results for {clean_line(result.query)!r}"
    if result.mode == "any" and result.total:
        summary += " (ranked by any of the words)"
    err.print(Text(summary, style=DIM))
    if result.suggestion:
        err.print(Text.assemble("did you mean: ", (clean_line(result.suggestion), "bold")))


def print_document(console: Console, doc: Document, copies: tuple[str, ...] = ()) -> None:
    console.print(safe(doc.title or "(untitled)", TITLE_STYLE))
    console.print(safe(doc.source, "cyan"))
    meta = Text(f"id {clean_line(doc.id)}", style=DIM)
    if doc.date:  # in full, as stored: the time and its offset when the document gave them
        meta = Text.assemble((f"date {clean_line(doc.date)}  ", DIM), meta)
    console.print(meta)
    if copies:
        console.print(
            Text.assemble(
                (f"{len(copies)} near-duplicate{'s' if len(copies) > 1 else ''}: ", "magenta"),
                clean_line(", ".join(copies)),
            )
        )
    console.print()
    console.print(Text(clean_text(doc.body)))


def print_stats(console: Console, stats: IndexStats) -> None:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style=DIM)
    table.add_column()
    table.add_row("index", safe(stats.path))
    table.add_row("documents", f"{stats.documents:,}")
    table.add_row("size", human_bytes(stats.size_bytes))
    table.add_row("segments", str(stats.segments))
    table.add_row("fields", ", ".join(stats.fields))
    table.add_row("schema", str(stats.schema_version))
    table.add_row("last update", stats.last_update or "unknown")
    table.add_row("sources", safe("\n".join(stats.roots) or "(stdin only)"))
    console.print(table)


def human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def report_line(report: IndexReport) -> Text:
    verb = "new index" if report.rebuilt else "indexed"
    return Text(
        f"{verb}: {report.added} added, {report.updated} updated, {report.removed} removed, "
        f"{report.unchanged} unchanged, {len(report.skipped)} skipped "
        f"in {report.seconds:.2f} s"
    )


def skip_line(skip: Skip) -> Text:
    """One line, whatever the file name holds (newlines, escapes, undecodable bytes)."""
    where = safe_name(skip.path) + (f":{skip.line}" if skip.line is not None else "")
    return Text.assemble(("skipped ", "yellow"), where, ": ", clean_line(skip.reason))


def watch_table(watches: Iterable[Watch]) -> Table:
    table = Table(box=None, pad_edge=False)
    for name in ("name", "query", "options", "seen", "last run"):
        table.add_column(name, style=DIM if name in ("seen", "last run") else "")
    for w in watches:
        options = f"{w.mode}, top {w.limit}" + ("" if w.fold else ", no fold")
        table.add_row(
            safe(w.name, TITLE_STYLE),
            safe(w.query),
            options,
            str(len(w.seen)),
            w.last_run or "never",
        )
    return table


def print_watch_run(console: Console, err: Console, run: WatchRun) -> None:
    for hit in run.result.hits:
        console.print(hit_renderable(hit), soft_wrap=False)
    new = run.result.total
    err.print(
        Text.assemble(
            (clean_line(run.watch.name), TITLE_STYLE),
            (f": {new} new" if new else ": nothing new", DIM),
        )
    )
