"""Near-duplicates on the news set: what folding changes, how precise the groups are,
and what detecting them costs at index time.

    python bench/duplicates.py slots INDEX        # top-10 slots taken by copies, before/after
    python bench/duplicates.py sample INDEX -n 40 # groups to judge by hand, printed as pairs
    python bench/duplicates.py cost --docs 50249  # index build without and with detection

INDEX is an index of the news set (`searchcli index ../shared/data/news/*.jsonl`).
"slots": for each query of bench/queries.txt, how many of the top 10 hits are a
near-duplicate of a hit ranked above them, unfolded (before) and folded (after);
and, as the issue measured it, for grouped Reuters stories, whether searching one
copy's title puts two copies into the same top 10. "cost": builds of the first
--docs news records from JSON lines, in this process, alternating the order of
the two kinds of build; wall time and CPU time (this process and its workers).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _corpus import QUERIES, default_data_dir, read_news

from searchcli import Searcher, build_index, dupstore
from searchcli.opening import open_index


def load_groups(index: str) -> list[list[str]]:
    ix, data_dir, _ = open_index(index)
    groups = dupstore.read_groups(data_dir, ix.latest_generation())
    if groups is None:
        sys.exit(f"{index} has no near-duplicate groups: index it with this version")
    return groups


def copies_taking_slots(ids: list[str], group_of: dict[str, int]) -> int:
    """Hits that are a near-duplicate of a hit ranked above them."""
    seen: set[int] = set()
    taken = 0
    for doc_id in ids:
        group = group_of.get(doc_id)
        if group is None:
            continue
        taken += group in seen
        seen.add(group)
    return taken


def slots(index: str) -> None:
    groups = load_groups(index)
    group_of = {doc_id: g for g, ids in enumerate(groups) for doc_id in ids}
    queries = [q for q in QUERIES.read_text(encoding="utf-8").splitlines() if q.strip()]
    before = after = with_copies = 0
    with Searcher(index) as s:
        for q in queries:
            unfolded = [h.id for h in s.search(q, fold=False, snippets=False).hits]
            folded = [h.id for h in s.search(q, snippets=False).hits]
            taken = copies_taking_slots(unfolded, group_of)
            before += taken
            with_copies += taken > 0
            after += copies_taking_slots(folded, group_of)
        print(f"groups: {len(groups)}, documents in them: {sum(map(len, groups))}")
        print(
            f"top-10 slots taken by a near-duplicate of a higher hit, {len(queries)} queries: "
            f"{before} of {10 * len(queries)} unfolded ({with_copies} queries affected), "
            f"{after} folded"
        )
        titled = {}
        for ids in groups:
            docs = [s.document(i) for i in ids if i.startswith("reuters-")]
            title = next((d.title for d in docs if d and d.title.strip()), "")
            if len(docs) == len(ids) and title:
                titled[tuple(ids)] = title
        rng = random.Random(10)
        sample = rng.sample(sorted(titled), min(40, len(titled)))
        both_before = both_after = 0
        for ids in sample:
            title = titled[ids]
            unfolded = [h.id for h in s.search(title, fold=False, snippets=False).hits]
            folded = [h.id for h in s.search(title, snippets=False).hits]
            both_before += sum(i in unfolded for i in ids) >= 2
            both_after += sum(i in folded for i in ids) >= 2
        print(
            f"title of one copy searched, {len(sample)} Reuters groups: two copies in the "
            f"top 10 in {both_before} unfolded, {both_after} folded"
        )


def _shingles(text: str) -> set[tuple[str, ...]]:
    from searchcli.neardup import SHINGLE_WORDS, words_of

    words = words_of("", text)
    return {tuple(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def sample(index: str, count: int, seed: int) -> None:
    """Each sampled group's members against its first, with their exact Jaccard similarity."""
    groups = load_groups(index)
    rng = random.Random(seed)
    with Searcher(index) as s:
        for n, ids in enumerate(rng.sample(groups, min(count, len(groups))), 1):
            docs = [s.document(i) for i in ids]
            first = docs[0]
            assert first is not None
            print(f"=== group {n}: {len(ids)} documents")
            for doc in docs[1:]:
                assert doc is not None
                a, b = _shingles(first.body or first.title), _shingles(doc.body or doc.title)
                jaccard = len(a & b) / max(len(a | b), 1)
                print(f"--- {first.id} ~ {doc.id}: Jaccard {jaccard:.2f}")
                for d in (first, doc):
                    print(f"  [{d.id}] {d.title[:90]}")
                    print(f"      {' '.join(d.body.split())[:400]}")


def _cpu() -> float:
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


class _NoDuplicates(dupstore.DupTracker):
    """Detection switched off: what a build cost before it existed."""

    def add(self, doc: Any) -> None:
        pass

    def write(self, data_dir: str, generation: int) -> None:
        pass


def cost(docs: int, rounds: int) -> None:
    data = default_data_dir()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "news.jsonl"
        with src.open("w", encoding="utf-8") as f:
            for rec in read_news(data, limit=docs):
                f.write(json.dumps(rec) + "\n")
        figures: dict[str, list[tuple[float, float]]] = {"without": [], "with": []}
        for r in range(rounds):
            order = ["without", "with"] if r % 2 == 0 else ["with", "without"]
            for kind in order:
                original = dupstore.DupTracker
                if kind == "without":
                    dupstore.DupTracker = _NoDuplicates  # type: ignore[misc]
                try:
                    wall, cpu = time.perf_counter(), _cpu()
                    build_index([str(src)], str(Path(tmp) / f"ix-{kind}"))
                    figures[kind].append((time.perf_counter() - wall, _cpu() - cpu))
                finally:
                    dupstore.DupTracker = original  # type: ignore[misc]
                print(
                    f"{kind} detection: {figures[kind][-1][0]:.1f} s wall, "
                    f"{figures[kind][-1][1]:.1f} s CPU",
                    flush=True,
                )
        best = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in figures.items()}
        print(f"{docs} documents, best of {rounds}:")
        for kind, (wall, cpu) in best.items():
            print(f"  {kind:>7} detection: {wall:6.1f} s wall, {cpu:6.1f} s CPU")
        print(
            f"  slower by {best['with'][0] / best['without'][0] - 1:+.0%} wall, "
            f"{best['with'][1] / best['without'][1] - 1:+.0%} CPU"
        )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = p.add_subparsers(dest="what", required=True)
    sub.add_parser("slots").add_argument("index")
    s = sub.add_parser("sample")
    s.add_argument("index")
    s.add_argument("-n", type=int, default=40)
    s.add_argument("--seed", type=int, default=7)
    c = sub.add_parser("cost")
    c.add_argument("--docs", type=int, default=50_249)
    c.add_argument("--rounds", type=int, default=1)
    args = p.parse_args(argv)
    if args.what == "slots":
        slots(args.index)
    elif args.what == "sample":
        sample(args.index, args.n, args.seed)
    else:
        cost(args.docs, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
