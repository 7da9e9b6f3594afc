"""The Whoosh schema and the one analyzer used at index time, query time and for snippets.

The analyzer does everything in a single pass: one regular expression finds the
words, then each word is lower-cased, accent-folded, checked against the stop
list and stemmed with PyStemmer's C Snowball stemmer through a cache. Using the
same `terms()` function everywhere is what keeps query words, indexed terms and
highlighted words in agreement.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Generator, Iterator
from typing import Any

import Stemmer
from whoosh import columns, fields
from whoosh.analysis import Analyzer, Token

# Bump when the schema or the analysis changes in a way that makes old indexes
# give wrong answers; such an index is refused with a message to rebuild.
SCHEMA_VERSION = 3  # 3: the `moment` column (dates as numbers, for --since/--sort)

# Words are runs of letters/digits, with inner dots kept ("U.S", "3.5") and inner
# apostrophes too, so that "don't" and "I'm" are one word each (stop words) instead of
# leaving a stray "t" and "m", and the stemmer removes a possessive "'s". Set
# explicitly: the Whoosh forks' default pattern keeps "*" inside tokens, so
# "*important*" in Markdown would not be found by "important".
WORD_RE = re.compile(r"\w+(?:[.'\u2019]\w+)*")

# Letters that Unicode decomposition does not reduce to ASCII.
_EXTRA_FOLD = str.maketrans(
    {
        "ə": "e",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "ß": "ss",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
        "\u2019": "'",  # typographic apostrophe
    }
)

# The English stop list of Lucene/Snowball-based engines, kept short on purpose:
# longer lists start to remove words people do search for. The contractions are
# Snowball's.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself no nor not of off on once
    only or other our ours ourselves out over own same she should so some such than that
    the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves
    i'm you're he's she's it's we're they're i've you've we've they've i'd you'd he'd
    she'd we'd they'd i'll you'll he'll she'll we'll they'll isn't aren't wasn't weren't
    hasn't haven't hadn't doesn't don't didn't won't wouldn't shan't shouldn't can't
    cannot couldn't mustn't let's that's who's what's here's there's when's where's
    why's how's""".split()
)

_stemmer = Stemmer.Stemmer("english")
_stemmer.maxCacheSize = 0  # we keep our own cache below, which is faster than PyStemmer's


def fold(word: str) -> str:
    """Lower-case and strip accents: 'Azərbaycan' -> 'azerbaycan'."""
    word = word.lower()
    if word.isascii():
        return word
    word = unicodedata.normalize("NFKD", word).translate(_EXTRA_FOLD)
    return "".join(c for c in word if not unicodedata.combining(c))


class _TermCache(dict[str, str]):
    """Maps a raw word to its index term ("" for a stop word)."""

    def __missing__(self, word: str) -> str:
        w = fold(word)
        term = "" if w in STOP_WORDS else _stemmer.stemWord(w)
        if len(self) < 500_000:
            self[word] = term
        return term


_TERMS = _TermCache()


def term_of(word: str) -> str:
    """The index term of one word, or "" when it is a stop word."""
    return _TERMS[word]


def terms(text: str) -> list[str]:
    """Every index term of `text`, in order, stop words removed."""
    cache = _TERMS
    return [t for t in map(cache.__getitem__, WORD_RE.findall(text)) if t]


class SearchAnalyzer(Analyzer):
    """Whoosh's analyzer protocol on top of `term_of`, for query parsing.

    Positions are counted after stop-word removal, the same as `FastText.index`,
    so the phrase "peace of agreement" matches "peace agreement".
    """

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SearchAnalyzer)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            matches: Any = [(value, 0, len(value))]
        else:
            matches = ((m.group(), m.start(), m.end()) for m in WORD_RE.finditer(value))
        pos = start_pos
        for word, start, end in matches:
            term = term_of(word) if tokenize else fold(word)
            if not term:
                if removestops:
                    continue
                term, t.stopped = fold(word), True
            else:
                t.stopped = False
            t.text = term
            t.boost = 1.0
            if keeporiginal:
                t.original = word  # type: ignore[attr-defined]
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            pos += 1
            yield t


class FastText(fields.TEXT):
    """TEXT whose indexing skips Whoosh's token-object pipeline.

    `index()` turns the text into terms with one regex pass and a dict lookup a
    word, then groups positions per term: several times faster than feeding
    Token objects through a filter chain, and the terms are identical to the
    ones `SearchAnalyzer` produces for queries.
    """

    def index(self, value: Any, **kwargs: Any) -> Generator[tuple[bytes, int, float, bytes]]:
        poses: defaultdict[str, list[int]] = defaultdict(list)
        for pos, term in enumerate(terms(value)):
            poses[term].append(pos)
        fmt: Any = self.format
        boost = fmt.field_boost
        encode = fmt.encode
        for term, plist in poses.items():
            yield term.encode("utf-8"), len(plist), len(plist) * boost, encode(plist)


class MomentColumn(fields.FieldType):  # type: ignore[misc]
    """Not searchable: a fixed-width column holding each document's moment (seconds
    from 0001-01-01 to its date as written, see `timefilter`), 0 when it has none.
    A whole segment's column is read in one go to filter and sort by date."""

    indexed = False
    stored = False

    def __init__(self) -> None:
        self.column_type = columns.NumericColumn("q", default=0)

    def to_column_value(self, value: Any) -> Any:
        return int(value)

    def from_column_value(self, value: Any) -> Any:
        return int(value)


def make_schema() -> fields.Schema:
    analyzer = SearchAnalyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=FastText(analyzer=analyzer, stored=True, phrase=True),
        body=FastText(analyzer=analyzer, stored=True, phrase=True),
        # The source (URL or path) is searchable word by word: source:reuters
        source=FastText(analyzer=analyzer, stored=True),
        path=fields.STORED(),  # raw file name, may hold undecodable bytes
        date=fields.ID(stored=True, sortable=True),
        moment=MomentColumn(),
    )
