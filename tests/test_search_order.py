"""The ranking the searcher computes in one pass is the ranking of Whoosh's collectors.

`Searcher` scores every match of a query once (the total is exact, and the
near-duplicate folding needs them all) and picks the best from those scores; a
deeper page reuses them. These tests compare that pick with what Whoosh's own
top-N collector returns for the same query tree, ties included: equal scores
are ordered by document number, as Whoosh orders them. (`_run` then orders each
run of equal scores by document id, ties.py, so that a sharded index ranks as a
plain one: what is compared here is its one-pass pick, `_ranked`.)
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from searchcli import Searcher, build_index
from searchcli.searching import best

QUERIES = [
    "harbour",
    "harbour festival",
    "river cleanup volunteers",
    "gold silver",
    "gold OR silver",
    '"gold medal"',
    '"gold medal" silver',
    "gold -silver",
    "gold NOT silver",
    "title:gold",
    "gol*",
    "silvr~",
    "gold silver copper tin zinc",  # long: any word
    "+gold copper",
    '"the river"',
    "coffee",  # nothing
]


@pytest.fixture(scope="module")
def tied_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Documents made of few words, many of them identical: plenty of equal scores."""
    import json

    rng = random.Random(11)
    words = "gold silver copper tin zinc medal river harbour the of".split()
    folder = tmp_path_factory.mktemp("tied")
    lines = []
    for i in range(300):
        body = " ".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
        title = rng.choice(["gold", "silver", "news", "river news"])
        lines.append(json.dumps({"id": f"d{i}", "title": title, "body": body}) + "\n")
    (folder / "docs.jsonl").write_text("".join(lines), encoding="utf-8")
    index = folder / "index"
    build_index([str(folder / "docs.jsonl")], str(index))
    return index


def whoosh_top(searcher: Searcher, text: str, mode: str, depth: int) -> list[tuple[float, int]]:
    q = searcher.parse(text, mode)
    whoosh = searcher._searcher  # the Whoosh searcher inside
    results = whoosh.search(q, limit=depth, optimize=False)
    return [(hit.score or 0.0, hit.docnum) for hit in results]


@pytest.mark.parametrize("mode", ["any", "all", "all-first"])
@pytest.mark.parametrize("depth", [1, 3, 10, 1000])
def test_one_pass_ranks_as_whoosh_collects(
    tied_index: Path, corpus_index: Path, mode: str, depth: int
) -> None:
    for index in (tied_index, corpus_index):
        with Searcher(index) as s:
            for text in QUERIES:
                q = s.parse(text, mode)
                total, ranked = s._ranked(q, depth)
                expected = whoosh_top(s, text, mode, depth)
                assert ranked == expected, (index.name, text, mode)
                assert total == len(s._searcher.search(q, limit=None, optimize=False))


def test_a_deeper_read_reuses_the_scores(tied_index: Path) -> None:
    with Searcher(tied_index) as s:
        q = s.parse('"gold medal" OR silver', "any")
        first = s._matches(q)
        assert s._run(q, 5)[1] == s._run(q, 50)[1][:5]
        assert s._matches(q) is first  # not computed again


@pytest.mark.parametrize("seed", range(5))
def test_best_is_a_full_sort(seed: int) -> None:
    rng = random.Random(seed)
    scores = {d: float(rng.randint(0, 20)) for d in rng.sample(range(5000), 2000)}

    def full(n: int) -> list[tuple[float, int]]:
        return sorted(((s, d) for d, s in scores.items()), key=lambda p: (-p[0], p[1]))[:n]

    for depth in (1, 7, 100, 1999, 2000, 5000):
        assert best(scores, depth) == full(depth)
    assert best({}, 10) == []
