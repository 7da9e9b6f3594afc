"""Equal scores in a ranking are ordered by document id: the same order whatever the
index's layout (one index, or shards, or an index whose documents were added in
another order), where document numbers would give the order of indexing.

Plain Python: the searcher hands in how to read an id and every match's score.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping

Ranked = list[tuple[float, int]]  # (score, document number), best first


def settle(
    ranked: Ranked,
    depth: int,
    id_of: Callable[[int], str],
    every_match: Callable[[], Mapping[int, float]],
    key: Callable[[float, int], Hashable] | None = None,
) -> Ranked:
    """The first `depth` of `ranked` (read one deeper, best first), each run of equal
    `key(score, document number)` (the score by default) ordered by id. When the run
    at the end goes on past `depth`, all of it is read from every match (document
    number: score), so that the smallest ids are the ones kept."""
    tie: Callable[[float, int], Hashable] = key or (lambda score, d: score)
    out: Ranked = []
    start = 0
    while start < min(len(ranked), depth):
        first = tie(*ranked[start])
        end = start
        while end < len(ranked) and tie(*ranked[end]) == first:
            end += 1
        run = ranked[start:end]
        if end == len(ranked) and len(ranked) > depth:  # tied beyond what was read
            run = [(s, d) for d, s in every_match().items() if tie(s, d) == first]
        if len(run) > 1:
            run.sort(key=lambda pair: id_of(pair[1]))
        out.extend(run[: depth - start])
        start = end
    return out
