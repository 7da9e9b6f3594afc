"""Query nodes that make Whoosh's boolean matching exact.

Two faults of Whoosh's matching showed as wrong answers: `-word` let a document
with the word through, and the total number of matches depended on how many were
shown. Both forks of Whoosh have them; these nodes wrap its own matchers.
"""

from __future__ import annotations

from typing import Any

from whoosh import matching
from whoosh import query as wq


class ExactAndNot(wq.AndNot):  # type: ignore[misc]
    """`a` without the documents of `b`. Whoosh's AndNotMatcher checks the first
    document of `a` against `b` only when `b` happens to start on it, so that one
    document leaked through (`network -interface` ranked a page with "interface" first)."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        scored = self.a.matcher(searcher, context)
        excluded = self.b.matcher(searcher, searcher.boolean_context())
        return _ExactAndNotMatcher(scored, excluded)


class _ExactAndNotMatcher(matching.AndNotMatcher):  # type: ignore[misc]
    def _find_first(self) -> None:
        if self.a.is_active() and self.b.is_active():
            self._find_next()


class Exhaustive(wq.WrappingQuery):  # type: ignore[misc]
    """Every match of the query it wraps is counted. Whoosh's collector swaps the
    matcher for a pruned one once its top-N is full (`replace(minquality)`), which
    drops documents from the count: the total depended on --limit and --page."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        return _Unpruned(self.child.matcher(searcher, context))


class _Unpruned(matching.WrappingMatcher):  # type: ignore[misc]
    def replace(self, minquality: float = 0) -> Any:
        return self if self.is_active() else matching.NullMatcher()

    def supports_block_quality(self) -> bool:
        return False
