"""From query text to a Whoosh query tree.

The rule: a query is plain words unless it uses the query language in a form that
cannot be ordinary text:

- `"a phrase"`; `title:word`, `body:word`, `source:word` (only these field names);
- `AND`, `OR`, `NOT` in capitals, as words of their own (when the rest of the query
  is not in capitals too);
- `-word` (must not) and `+word` (must) at the start of a word, never inside one:
  `Nagorno-Karabakh` and `0-dimensional` are two words each;
- `pre*` (a wildcard after letters) and `word~` (fuzzy).

`?` is always punctuation (the end of a question, never a one-letter wildcard), and
a hyphen inside a word only separates words. Plain words go straight to a
`BM25FQuery` without Whoosh's parser; text with syntax goes through the parser, and
the bare words in its tree are then turned into BM25F queries too, so both rank alike.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Any

from whoosh import query as wq
from whoosh.qparser import (
    AndGroup,
    FuzzyTermPlugin,
    MultifieldParser,
    OrGroup,
    PlusMinusPlugin,
    QueryParser,
)
from whoosh.qparser import plugins as qplugins

from .ranking import ALL, ANY, BM25FQuery, weighted_terms
from .schema import WORD_RE, terms

SEARCH_FIELDS = ("title", "body")

# A wildcard or fuzzy term expands to at most this many index terms, so that
# `a*` on a large index answers in bounded time; a fuzzy term allows at most
# this many edits (`word~9` would walk most of the term dictionary).
MAX_EXPANSION = 512
MAX_EDITS = 2


class _Bounded:
    """Mixin: cap the index terms a multi-term query expands to."""

    def _btexts(self, ixreader: Any) -> Iterable[bytes]:
        return itertools.islice(super()._btexts(ixreader), MAX_EXPANSION)  # type: ignore[misc]


class BoundedPrefix(_Bounded, wq.Prefix):
    pass


class BoundedWildcard(_Bounded, wq.Wildcard):
    pass


class BoundedFuzzyTerm(_Bounded, wq.FuzzyTerm):
    pass


def _bound(q: wq.Query) -> wq.Query:
    def swap(node: wq.Query) -> wq.Query:
        for plain, bounded in (
            (wq.FuzzyTerm, BoundedFuzzyTerm),
            (wq.Prefix, BoundedPrefix),
            (wq.Wildcard, BoundedWildcard),
        ):
            if type(node) is plain:
                copy = bounded.__new__(bounded)
                copy.__dict__.update(node.__dict__)
                if isinstance(copy, wq.FuzzyTerm):
                    copy.maxdist = min(copy.maxdist, MAX_EDITS)
                return copy
        return node

    return q.accept(swap)


def _negations_exclude(q: wq.Query) -> wq.Query:
    """In an Or, `NOT x` must still exclude x, not add every document without x."""

    def fix(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.Or):
            nots = [c for c in node.subqueries if isinstance(c, wq.Not)]
            if nots:
                rest = [c for c in node.subqueries if not isinstance(c, wq.Not)]
                if not rest:
                    return node
                positive = rest[0] if len(rest) == 1 else wq.Or(rest, boost=node.boost)
                return wq.AndNot(positive, wq.Or([n.query for n in nots]))
        return node

    return q.accept(fix)


def _make_parser(schema: Any, group: Any) -> QueryParser:
    parser = MultifieldParser(list(SEARCH_FIELDS), schema, group=group)
    # Ranges and single quotes misfire on ordinary text ("[1]", "don't").
    parser.remove_plugin_class(qplugins.RangePlugin)
    parser.remove_plugin_class(qplugins.SingleQuotePlugin)
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(PlusMinusPlugin())
    return parser


_SYNTAX = re.compile(r'"|(?:^|\s)[+-](?=\w)|\b(?:title|body|source):|\w\*|\w~')
_OPERATORS = re.compile(r"(?:^|\s)(?:AND|OR|NOT)(?=\s|$)")
# What the parser must not see as syntax: a hyphen inside a word, any question mark.
_PUNCTUATION = re.compile(r"(?<=\w)-(?=\w)|\?")


def has_syntax(text: str) -> bool:
    """Whether `text` uses the query language (see the module's docstring)."""
    if _SYNTAX.search(text):
        return True
    # capitals are operators only beside lower-case words, not in a shouted sentence
    return _OPERATORS.search(text) is not None and text != text.upper()


def _mergeable(q: Any, require: str) -> bool:
    return type(q) is BM25FQuery and q.boost == 1 and (q.require == require or len(q.wterms) == 1)


def _rescore(q: wq.Query, ranked: bool) -> wq.Query:
    """Bare words (an Or of the same term in each search field) become BM25F queries,
    merged per Or / And so that repeated words count; in a ranked query a phrase also
    scores its words one by one, the exact phrase adding a bonus."""
    fields = set(SEARCH_FIELDS)

    def words_of(node: Any, kind: type) -> list[str] | None:
        subs = node.subqueries
        if len(subs) != len(fields) or any(type(s) is not kind for s in subs):
            return None
        if {s.fieldname for s in subs} != fields:
            return None
        texts = {tuple(s.words) if kind is wq.Phrase else (s.text,) for s in subs}
        return list(texts.pop()) if len(texts) == 1 else None

    def merge(node: Any, kind: Any, require: str) -> wq.Query:
        flat: list[Any] = []
        for c in node.subqueries:
            flat.extend(c.subqueries if type(c) is kind and c.boost == 1 else [c])
        mine: list[BM25FQuery] = [c for c in flat if _mergeable(c, require)]
        if len(mine) > 1:
            counts: dict[str, int] = {}
            for c in mine:
                for t, n in c.wterms:
                    counts[t] = counts.get(t, 0) + n
            rest = [c for c in flat if not any(c is m for m in mine)]
            flat = [BM25FQuery(tuple(counts.items()), SEARCH_FIELDS, require), *rest]
        return flat[0] if len(flat) == 1 and node.boost == 1 else kind(flat, boost=node.boost)

    def swap(node: wq.Query) -> wq.Query:
        if type(node) is wq.Or:
            if (w := words_of(node, wq.Term)) is not None:
                return BM25FQuery(weighted_terms(w), SEARCH_FIELDS)
            if (w := words_of(node, wq.Phrase)) is not None and (ranked or len(w) == 1):
                words = BM25FQuery(weighted_terms(w), SEARCH_FIELDS)
                return words if len(w) == 1 else wq.Or([words, node])
            return merge(node, wq.Or, ANY)
        if type(node) is wq.And:
            return merge(node, wq.And, ALL)
        return node

    return q.accept(swap)


def _plain_words(text: str) -> str:
    """The words of a query with every operator character removed."""
    return " ".join(WORD_RE.findall(text))


def content_words(text: str) -> int:
    """How many non-stop words a query has (operators and field names aside)."""
    return len(terms(_plain_words(text)))


def _has_errors(q: wq.Query) -> bool:
    return (
        any(
            isinstance(node, wq.Query) and node.__class__.__name__ == "ErrorQuery"
            for node in q.leaves()
        )
        if hasattr(q, "leaves")
        else False
    )


class QueryBuilder:
    """Builds query trees for one schema; `mode` is "any", "all" or "all-first"."""

    def __init__(self, schema: Any) -> None:
        self._parsers = {ALL: _make_parser(schema, AndGroup), ANY: _make_parser(schema, OrGroup)}

    def parse(self, text: str, mode: str) -> wq.Query:
        """The query tree for `text`; input the parser cannot make sense of is
        searched as plain words rather than rejected."""
        if not has_syntax(text):
            return BM25FQuery(weighted_terms(terms(text)), SEARCH_FIELDS, mode)
        text = _PUNCTUATION.sub(" ", text)
        parser = self._parsers[ANY if mode == ANY else ALL]
        try:
            q = parser.parse(text, normalize=False)
        except Exception:  # Whoosh's parser raises a variety of errors on odd input
            q = None
        if q is None or q is wq.NullQuery or _has_errors(q):
            q = parser.parse(_plain_words(text), normalize=False)
        q = _rescore(q, ranked=mode == ANY).normalize()
        return _bound(_negations_exclude(q))
