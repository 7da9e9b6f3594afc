"""`--explain` for people: a hit's score taken apart, as a small table under the hit."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from .explain import Explanation
from .text import clean_line

DIM = "dim"


def explain_renderable(ex: Explanation) -> RenderableType:
    table = Table(box=None, padding=(0, 1), pad_edge=False, header_style=DIM)
    for name in ("word", "field", "tf", "weight", "idf", "score"):
        table.add_column(name, justify="left" if name in ("word", "field") else "right")
    for word in ex.words:
        for i, part in enumerate(word.fields):
            table.add_row(
                clean_line(word.word) if i == 0 else "",
                part.field,
                f"{part.tf:g}",
                f"{part.weight:g}",
                f"{word.idf:.2f}" if i == 0 else "",
                f"{part.score:.3f}",
            )
    if ex.bonus:
        table.add_row("(every word)", "", "", "", "", f"{ex.bonus:.3f}")
    for other in ex.other:
        table.add_row(Text(clean_line(other.part)), "", "", "", "", f"{other.score:.3f}")
    lines: list[RenderableType] = [table]
    lengths = " + ".join(f"{f} {n}×{w:g}" for f, n, w in _weighted(ex))
    lines.append(
        Text(
            f"length {ex.dl:g} weighted words ({lengths}), average {ex.avgdl:.1f}: "
            f"n = 1 - b + b·dl/avgdl = {ex.norm:.3f}; k1 {ex.k1:g}, b {ex.b:g}, "
            f"{ex.documents:,} documents",
            style=DIM,
        )
    )
    total = f"score {ex.relevance:.3f}"
    if ex.recency is not None:
        r = ex.recency
        total += (
            f" × recency {r['factor']:.3f} (age {r['age_days']:.1f} d, half-life "
            f"{r['half_life_days']:g} d) = {ex.score:.3f}"
        )
    lines.append(Text(total, style="bold"))
    kinds = dict.fromkeys((part.part.split()[0], part.note) for part in ex.other)
    lines.extend(Text(clean_line(f"{kind}: {note}"), style=DIM) for kind, note in kinds)
    lines.extend(Text(note, style=DIM) for note in ex.notes)
    return Group(*lines)


def _weighted(ex: Explanation) -> list[tuple[str, int, float]]:
    from .ranking import FIELD_WEIGHTS

    return [(f, n, FIELD_WEIGHTS.get(f, 1.0)) for f, n in ex.lengths.items()]
