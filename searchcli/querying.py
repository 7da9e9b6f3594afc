"""From query text to a Whoosh query tree.

The rule: a query is plain words unless it uses the query language in a form that
cannot be ordinary text:

- `"a phrase"`; `title:word`, `body:word`, `source:word` (only these field names);
- `AND`, `OR`, `NOT` in capitals, as words of their own (when the rest of the query
  is not in capitals too);
- `-word` (must not) and `+word` (must) at the start of a word, never inside one:
  `Nagorno-Karabakh` and `0-dimensional` are two words each;
- `pre*` (a wildcard after letters) and `word~` (fuzzy).

A quoted phrase matches exactly the documents with its words in that order, stop
words included (they are indexed for this, see schema.py); a CJK word of more than
two characters is a phrase of its bigrams. Either way the phrase's content words
rank the documents it matches, by BM25F like every other word. `-word` and `NOT
word` exclude in every mode, and every query counts its matches exactly, however
many are shown.

`?` is always punctuation (the end of a question, never a one-letter wildcard), and
a hyphen inside a word only separates words. Plain words go straight to a
`BM25FQuery` without Whoosh's parser; text with syntax goes through the parser, and
the bare words in its tree are then turned into BM25F queries too, so both rank alike.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from typing import Any

from whoosh import matching
from whoosh import query as wq

from .exact import ExactAndNot, Exhaustive
from .patterns import lazy_compile
from .phrases import ExactPhrase, WithinAnd
from .ranking import ALL, ANY, BM25FQuery, weighted_terms
from .schema import (
    CJK,
    index_terms,
    is_cjk_term,
    is_stop_term,
    term_of,
    terms,
    tokens,
)

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

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        """A fixed score for every match, as Whoosh gives a pattern that expands to two
        terms or more; Whoosh scores one that expands to a single term by BM25, so the
        score depended on how many terms a segment (or shard) happened to hold."""
        m = super().matcher(searcher, context)  # type: ignore[misc]
        if not getattr(self, "constantscore", False) or not m.is_active():
            return m
        return matching.ConstantScoreWrapperMatcher(m, getattr(self, "boost", 1.0))


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
            (wq.Phrase, ExactPhrase),
            (wq.And, WithinAnd),
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
    """`NOT x` and `-x` exclude x in every mode: in an Or, `NOT x` must not add every
    document without x; in an And, and for `-x`, the exclusion is an ExactAndNot."""

    def fix(node: wq.Query) -> wq.Query:
        if type(node) is wq.AndNot:
            return ExactAndNot(node.a, node.b)
        if isinstance(node, (wq.Or, wq.And)):
            nots = [c for c in node.subqueries if isinstance(c, wq.Not)]
            rest = [c for c in node.subqueries if not isinstance(c, wq.Not)]
            if nots and rest:
                kind = type(node) if type(node) in (wq.Or, wq.And) else wq.And
                positive = rest[0] if len(rest) == 1 else kind(rest, boost=node.boost)
                return ExactAndNot(positive, wq.Or([n.query for n in nots]))
        return node

    return q.accept(fix)


@functools.cache
def _parser_class() -> Any:
    """Whoosh's query parser, imported for the first query with syntax (plain words
    never need it), with a CJK rule: a word that analyses into several CJK bigrams
    ("数据库") is a phrase of them, so that it matches the word and not its bigrams
    scattered about."""
    from whoosh.qparser import QueryParser

    class _Parser(QueryParser):  # type: ignore[misc]
        def multitoken_query(
            self, spec: str, texts: list[str], fieldname: str, termclass: Any, boost: float
        ) -> wq.Query:
            if any(is_cjk_term(t) for t in texts):
                return self.phraseclass(fieldname, texts, boost=boost)
            return super().multitoken_query(spec, texts, fieldname, termclass, boost)

    return _Parser


def _make_parser(schema: Any, mode: str) -> Any:
    from whoosh.qparser import AndGroup, FuzzyTermPlugin, OrGroup, PlusMinusPlugin
    from whoosh.qparser import plugins as qplugins

    parser = _parser_class()(None, schema, group=OrGroup if mode == ANY else AndGroup)
    parser.add_plugin(qplugins.MultifieldPlugin(list(SEARCH_FIELDS)))
    # Ranges and single quotes misfire on ordinary text ("[1]", "don't").
    parser.remove_plugin_class(qplugins.RangePlugin)
    parser.remove_plugin_class(qplugins.SingleQuotePlugin)
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(PlusMinusPlugin())
    return parser


_SYNTAX = re.compile(r'"|(?:^|\s)[+-](?=\w)|\b(?:title|body|source):|\w\*|\w~')
# A CJK run of three characters or more is a phrase of bigrams: syntax too.
_CJK_PHRASE = lazy_compile(f"[{CJK}]{{3}}")
_OPERATORS = re.compile(r"(?:^|\s)(?:AND|OR|NOT)(?=\s|$)")
# What the parser must not see as syntax: a hyphen inside a word, any question mark.
_PUNCTUATION = re.compile(r"(?<=\w)-(?=\w)|\?")


def has_syntax(text: str) -> bool:
    """Whether `text` uses the query language (see the module's docstring)."""
    if _SYNTAX.search(text) or (not text.isascii() and _CJK_PHRASE.search(text)):
        return True
    # capitals are operators only beside lower-case words, not in a shouted sentence
    return _OPERATORS.search(text) is not None and text != text.upper()


def _mergeable(q: Any, require: str) -> bool:
    return type(q) is BM25FQuery and q.boost == 1 and (q.require == require or len(q.wterms) == 1)


class PhraseMatch(wq.And):  # type: ignore[misc]
    """A phrase as a query: the documents with the exact phrase (`phrase`, one Phrase a
    field), scored by its content words with BM25F (`words`) plus Whoosh's bonus for
    the phrase itself. In a ranked Or the words move out to score every document the
    query matches, as they did before phrases were exact; see `_rescore`."""

    def __init__(self, subqueries: list[wq.Query], boost: float = 1.0) -> None:
        super().__init__(subqueries, boost=boost)

    @property
    def words(self) -> BM25FQuery | None:
        first = self.subqueries[0]
        return first if isinstance(first, BM25FQuery) else None

    @property
    def phrase(self) -> wq.Query:
        return self.subqueries[-1]


def _phrase_match(phrase: wq.Query, words: list[str]) -> wq.Query:
    content = [w for w in words if not is_stop_term(w)]
    if not content:  # "is not": stop words only, nothing for BM25F to rank by
        return PhraseMatch([phrase])
    return PhraseMatch([BM25FQuery(weighted_terms(content), SEARCH_FIELDS, ALL), phrase])


def _rescore(q: wq.Query, ranked: bool) -> wq.Query:
    """Bare words (an Or of the same term in each search field) become BM25F queries,
    merged per Or / And so that repeated words count; a phrase becomes a PhraseMatch.
    In a ranked Or the phrases' words score every document the Or matches (a long
    question with a quoted title in it ranks as its words do), while only the
    documents with the exact phrase match through it."""
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
            inline = type(c) is kind or (kind is wq.And and type(c) is PhraseMatch)
            flat.extend(c.subqueries if inline and c.boost == 1 else [c])
        optional: list[BM25FQuery] = []
        if kind is wq.Or and ranked:
            phrases = [c for c in flat if type(c) is PhraseMatch and c.words and c.boost == 1]
            optional = [w for c in phrases if (w := c.words) is not None]
            flat = [c.phrase if any(c is p for p in phrases) else c for c in flat]
        mine: list[BM25FQuery] = [c for c in flat if _mergeable(c, require)]
        if len(mine) > 1:
            rest = [c for c in flat if not any(c is m for m in mine)]
            flat = [_merged(mine, require), *rest]
        core = flat[0] if len(flat) == 1 and node.boost == 1 else kind(flat, boost=node.boost)
        if not optional:
            return core
        # the phrases' words add to the score of whatever the Or matched
        return wq.AndMaybe(core, _merged(optional, ANY))

    def swap(node: wq.Query) -> wq.Query:
        if type(node) is wq.Or:
            if (w := words_of(node, wq.Term)) is not None:
                return BM25FQuery(weighted_terms(w), SEARCH_FIELDS)
            if (w := words_of(node, wq.Phrase)) is not None:
                # a phrase of one word ("matches") is that word, with no phrase bonus
                return (
                    BM25FQuery(weighted_terms(w), SEARCH_FIELDS)
                    if len(w) == 1
                    else _phrase_match(node, w)
                )
            return merge(node, wq.Or, ANY)
        if type(node) is wq.And:
            return merge(node, wq.And, ALL)
        return node

    return q.accept(swap)


def _merged(queries: list[BM25FQuery], require: str) -> BM25FQuery:
    counts: dict[str, int] = {}
    for c in queries:
        for t, n in c.wterms:
            counts[t] = counts.get(t, 0) + n
    return BM25FQuery(tuple(counts.items()), SEARCH_FIELDS, require)


def _plain_words(text: str) -> str:
    """The words of a query with every operator character removed."""
    return " ".join(tokens(text))


def content_words(text: str) -> int:
    """How many non-stop words a query has (operators and field names aside); a CJK
    run counts as one word, however many bigrams it has."""
    return sum(1 for w in tokens(text) if is_cjk_term(w) or term_of(w))


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
        self._schema = schema
        self._parsers: dict[str, Any] = {}  # made for the first query with syntax

    def parse(self, text: str, mode: str) -> wq.Query:
        """The query tree for `text`; input the parser cannot make sense of is
        searched as plain words rather than rejected."""
        if not has_syntax(text):
            words = terms(text)
            if words or not index_terms(text):
                return BM25FQuery(weighted_terms(words), SEARCH_FIELDS, mode)
            # stop words only ("to be or not to be"): nothing to rank by, but the
            # words themselves are indexed, so they are searched as a phrase
            text = f'"{_plain_words(text)}"'
        text = _PUNCTUATION.sub(" ", text)
        kind = ANY if mode == ANY else ALL
        parser = self._parsers.get(kind)
        if parser is None:
            parser = self._parsers[kind] = _make_parser(self._schema, kind)
        try:
            q = parser.parse(text, normalize=False)
        except Exception:  # Whoosh's parser raises a variety of errors on odd input
            q = None
        if q is None or q is wq.NullQuery or _has_errors(q):
            q = parser.parse(_plain_words(text), normalize=False)
        q = _rescore(q, ranked=mode == ANY).normalize()
        return Exhaustive(_bound(_negations_exclude(q)))
