"""The timeline as a horizontal bar chart, one row a period, fitted to the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .text import clean_line
from .timeline import Timeline

BAR_STYLE = "cyan"
DIM = "dim"
_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: int, top: int, width: int) -> str:
    """`value` of `top` as a bar of at most `width` cells, to an eighth of a cell;
    any value above zero shows at least a sliver."""
    if value <= 0 or top <= 0 or width <= 0:
        return ""
    eighths = max(1, round(value / top * width * 8))
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def _label(timeline: Timeline, label: str, start: str) -> str:
    return f"{start} {label[-3:]}" if timeline.by == "week" else label


def print_timeline(console: Console, err: Console, timeline: Timeline) -> None:
    buckets = timeline.buckets
    if buckets:
        labels = [_label(timeline, b.label, b.start.isoformat()) for b in buckets]
        counts = [f"{b.count:,}" for b in buckets]
        if timeline.undated:
            labels.append("no date")
            counts.append(f"{timeline.undated:,}")
        label_w = max(len(x) for x in labels)
        count_w = max(len(x) for x in counts)
        width = max(10, console.width - label_w - count_w - 4)
        top = max(b.count for b in buckets)
        table = Table(box=None, show_header=False, padding=(0, 1), pad_edge=False)
        table.add_column(style=DIM, no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        table.add_column(style=BAR_STYLE, no_wrap=True)
        for label, count, b in zip(labels, counts, buckets, strict=False):
            table.add_row(label, count, bar(b.count, top, width))
        if timeline.undated:
            table.add_row(labels[-1], counts[-1], "(in no period)", style=DIM)
        console.print(table)
    dated = timeline.total - timeline.undated
    summary = f"{timeline.total:,} results for {clean_line(timeline.query)!r}"
    if buckets:
        unit = timeline.by + ("s" if len(buckets) != 1 else "")
        summary += f": {dated:,} dated, in {len(buckets)} {unit}"
    if timeline.undated:
        summary += f"; {timeline.undated:,} without a date"
    if timeline.mode == "any" and timeline.total:
        summary += " (matching any of the words)"
    err.print(Text(summary, style=DIM))
