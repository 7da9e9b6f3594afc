"""The sums of BM25F scoring (ranking.py), with as much of the per-posting work in C as
the exact result allows.

Each function gives the dict the plain loop gives, key for key, in the same order, with
every float computed by the same operations in the same order: a missing value counts
as 0.0, and 0.0 + x is x exactly (no score or frequency is negative), so a value that
would only be added to 0.0 is copied instead, by dict(zip(...)) and dict.update.
"""

from __future__ import annotations

from collections.abc import Sequence

Postings = tuple[Sequence[int], Sequence[float]]  # doc numbers, term frequencies


def field_sums(fields: list[tuple[float, Postings]]) -> dict[int, float]:
    """doc -> sum over `fields` (weight, postings) of weight * tf, added field after
    field in that order, the documents in the order they were first met."""
    if not fields:
        return {}
    *heads, (weight, (ids, tfs)) = fields
    last = dict(zip(ids, tfs if weight == 1.0 else [weight * tf for tf in tfs], strict=True))
    if not heads:
        return last
    (first_weight, (first_ids, first_tfs)), *middle = heads
    sums = dict(zip(first_ids, [first_weight * tf for tf in first_tfs], strict=True))
    for w, (more_ids, more_tfs) in middle:
        get = sums.get
        sums.update({d: get(d, 0.0) + w * tf for d, tf in zip(more_ids, more_tfs, strict=True)})
    # the last field: the documents met before get its value added, the others copy it
    add = last.get
    sums = {d: s + add(d, 0.0) for d, s in sums.items()}
    drop = last.pop
    for d in sums:
        drop(d, None)
    sums.update(last)
    return sums


def add_into(total: dict[int, float], more: dict[int, float]) -> None:
    """total[d] = total.get(d, 0.0) + more[d] for each d of `more` in its order.
    `more` is used up (the documents `total` has are taken out of it)."""
    for d in total.keys() & more.keys():
        total[d] += more.pop(d)
    total.update(more)


def sum_at(fields: list[tuple[float, dict[int, float]]], doc: int) -> float | None:
    """`field_sums` for one document, from each field's doc -> tf (None: in no field)."""
    total: float | None = None
    for weight, tfs in fields:
        tf = tfs.get(doc)
        if tf is not None:
            total = weight * tf if total is None else total + weight * tf
    return total
