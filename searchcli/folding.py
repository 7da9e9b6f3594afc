"""Fold near-duplicates in a ranking: each story once, at its best rank.

Works on Whoosh document numbers but imports nothing from Whoosh: the searcher
hands in the groups as document numbers (from `dupstore`, or looked up). A folded
hit carries the other copies that matched the same query, so the unfolded list is
exactly every hit plus its duplicates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence

Ranked = tuple[float, int]  # (score, document number)
Folded = tuple[float, int, tuple[int, ...]]  # (score, document number, its matching copies)


class Groups:
    """Near-duplicate groups of one searcher's documents, by document number."""

    def __init__(self, groups: Iterable[Iterable[int | None]]) -> None:
        """`groups`: document numbers; None or a negative number for one not found."""
        self.members: list[tuple[int, ...]] = []
        self.group_of: dict[int, int] = {}
        for numbers in groups:
            docs = tuple(d for d in numbers if d is not None and d >= 0)
            if len(docs) < 2:
                continue
            for d in docs:
                self.group_of[d] = len(self.members)
            self.members.append(docs)
        # every member once, in one group: then `stories` can count through group_of
        self._members = frozenset(self.group_of)
        self._each_once = len(self._members) == sum(map(len, self.members))

    def story(self, docnum: int) -> int:
        """A key the documents of one story share: its group's first member, else itself."""
        group = self.group_of.get(docnum)
        return docnum if group is None else self.members[group][0]

    def copies(self, docnum: int) -> tuple[int, ...]:
        """The other documents of a document's group (none when it has no group)."""
        group = self.group_of.get(docnum)
        return () if group is None else tuple(d for d in self.members[group] if d != docnum)

    def fold(self, ranked: Sequence[Ranked], matched: Collection[int], want: int) -> list[Folded]:
        """The first `want` stories of `ranked` (best first). A story's copies are the
        members of its group that match the query (`matched`), whether or not
        they are within `ranked`."""
        stories: list[Folded] = []
        seen: set[int] = set()
        for score, docnum in ranked:
            if len(stories) >= want:
                break
            group = self.group_of.get(docnum)
            if group is None:
                stories.append((score, docnum, ()))
            elif group not in seen:
                seen.add(group)
                copies = tuple(d for d in self.members[group] if d != docnum and d in matched)
                stories.append((score, docnum, copies))
        return stories

    def stories(self, total: int, matched: Collection[int]) -> int:
        """How many stories `total` matching documents are, copies counted once."""
        if self._each_once:  # the matching members, counted by group in C
            hits = Counter(map(self.group_of.__getitem__, self._members.intersection(matched)))
            return total - sum(n - 1 for n in hits.values() if n > 1)
        for docs in self.members:
            found = sum(1 for d in docs if d in matched)
            if found > 1:
                total -= found - 1
        return total
