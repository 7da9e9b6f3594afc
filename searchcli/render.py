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

from .models import Document, Hit, SearchResult
from .text import clean_line, clean_text, safe_name

if TYPE_CHECKING:
    from .reports import IndexReport, IndexStats, Skip
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


def byline(author: str | None, site: str | None) -> list[str]:
    """The author and the site's name, those the document gives."""
    return [clean_line(v) for v in (author and f"by {author}", site) if v]


def hit_renderable(hit: Hit) -> RenderableType:
    # A grid, not one line of text: a long title wraps under its own indent
    # (column 5, as the lines below) and the score stays on its first line.
    head = Table.grid(padding=(0, 0, 0, 1))
    head.add_column(width=4, no_wrap=True)
    head.add_column(overflow="fold")
    head.add_column(no_wrap=True, min_width=6)
    head.add_row(
        Text(f"{hit.rank:>3}.", DIM),
        safe(hit.title or "(untitled)", TITLE_STYLE),
        Text(f" {hit.score:.2f}", DIM),
    )
    meta = where(hit.source, hit.path)
    for part in byline(hit.author, hit.site):
        meta.append(f"  {part}", style=DIM)
    if hit.duplicates:  # near-identical copies folded into this hit
        meta = Text.assemble((f"+{len(hit.duplicates)} similar  ", "magenta"), meta)
    if hit.date:  # the day first, where a long source cannot push it off the line
        meta = Text.assemble((f"{clean_line(hit.date)[:10]}  ", DIM), meta)
    lines: list[RenderableType] = [meta]
    if hit.snippet.text:
        lines.append(snippet_text(hit.snippet.text, hit.snippet.highlights))
    if hit.explain is not None:
        from .render_explain import explain_renderable

        lines.append(explain_renderable(hit.explain))
    return Group(head, Padding(Group(*lines), (0, 0, 1, 5)))


def where(source: str, path: str) -> Text:
    """Where a document lives, for people: its file's absolute path (undecodable bytes
    and control characters as \\xNN), then its own source when it has one (a URL);
    the source alone for a document that came from no file."""
    if not path or path == "-":
        return safe(source, "cyan")
    shown = safe_name(path)
    text = Text(shown, style="cyan")
    if source and not shown.endswith(source) and source != "file://" + shown:
        text.append(f"  {clean_line(source)}", style=DIM)
    return text


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


def print_document(
    console: Console,
    doc: Document,
    title_spans: Iterable[tuple[int, int]] = (),
    body_spans: Iterable[tuple[int, int]] = (),
    copies: tuple[str, ...] = (),
) -> None:
    """The whole document; spans (offsets into clean_line(title), clean_text(body))
    are highlighted; `copies` are the ids of its near-duplicates. Notices kept out of
    the body follow it, dim."""
    title = safe(doc.title or "(untitled)", TITLE_STYLE)
    body = Text(clean_text(doc.body))
    for text, spans in ((title, title_spans), (body, body_spans)):
        for start, end in spans:
            text.stylize(MATCH_STYLE, start, end)
    console.print(title)
    console.print(where(doc.source, doc.path))
    # the date in full, as stored: the time and its offset when the document gave them
    parts = [f"date {clean_line(doc.date)}"] if doc.date else []
    parts += [*byline(doc.author, doc.site), f"id {clean_line(doc.id)}"]
    console.print(Text("  ".join(parts), style=DIM))
    if copies:
        console.print(
            Text.assemble(
                (f"{len(copies)} near-duplicate{'s' if len(copies) > 1 else ''}: ", "magenta"),
                clean_line(", ".join(copies)),
            )
        )
    console.print()
    console.print(body)
    if doc.notices:
        console.print()
        console.print(Text("Notices", style=f"{DIM} bold"))
        for notice in doc.notices:
            console.print(Text(clean_text(notice), style=DIM))


def print_stats(console: Console, stats: IndexStats) -> None:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style=DIM)
    table.add_column()
    table.add_row("index", safe(stats.path))
    if stats.chosen_by:
        table.add_row("chosen", safe(stats.chosen_by))
    table.add_row("documents", f"{stats.documents:,}")
    table.add_row("size", human_bytes(stats.size_bytes))
    table.add_row("segments", str(stats.segments))
    if stats.shards:
        table.add_row("shards", str(stats.shards))
    table.add_row("fields", ", ".join(stats.fields))
    table.add_row("schema", str(stats.schema_version))
    table.add_row("last update", stats.last_update or "unknown")
    table.add_row("sources", safe("\n".join(stats.roots) or "(stdin only)"))
    choice = stats.choice
    table.add_row("exclude", safe("\n".join(choice.get("exclude") or ()) or "(none)"))
    table.add_row("include", safe("\n".join(choice.get("include") or ()) or "(all files)"))
    table.add_row("hidden files", "indexed" if choice.get("hidden") else "left out")
    ignore_files = choice.get("ignore_files", True)
    table.add_row("ignore files", "honoured" if ignore_files else "disregarded (--no-ignore)")
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
        f"{report.unchanged} unchanged, {len(report.skipped)} skipped"
        + "".join(f", {n} {what}" for n, what in _passed(report) if n)
        + f" in {report.seconds:.2f} s"
    )


def _passed(report: IndexReport) -> tuple[tuple[int, str], ...]:
    """What the file choice left out, said only when there is some."""
    return ((report.hidden, "hidden"), (report.ignored, "ignored"))


def pass_line(path: str, why: str) -> Text:
    """A file or folder the ignore rules left out, and the rule (--verbose)."""
    return Text.assemble(("left out ", DIM), safe_name(path), ": ", clean_line(why))


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
        options += "".join(f", {k} {v}" for k, v in (("since", w.since), ("until", w.until)) if v)
        table.add_row(
            safe(w.name, TITLE_STYLE),
            safe(w.query),
            safe(options),  # watches.json may have been edited by hand
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
