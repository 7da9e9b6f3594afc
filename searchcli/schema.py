"""The Whoosh schema and the one analysis used at index time, query time and for snippets.

One regular expression finds the tokens: words (letters and digits, with inner dots
and apostrophes), runs of Chinese, Japanese or Korean characters, and single
symbols. A word is lower-cased, accent-folded and stemmed with PyStemmer's C
Snowball stemmer through a cache. A CJK run becomes overlapping character bigrams,
as Lucene's CJK analyzer does ("数据库" -> "数据" "据库"; a lone character stays a
unigram), so a word is found inside text that has no spaces. An emoji or other
symbol (Unicode So/Sk) is a term of its own.

A stop word is indexed too, in the title and body, under a marked term ("'the") that
no query word can spell: a quoted phrase needs it ("out of memory" is not
"memory"), while ranking never sees it: it neither counts in the field length nor
in any query's plain words. Using the same functions everywhere is what keeps
query words, indexed terms and highlighted words in agreement.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Generator, Iterator
from typing import Any

import Stemmer
from whoosh import columns, fields, formats
from whoosh.analysis import Analyzer, Token

from .patterns import lazy_compile

# Bump when the schema or the analysis changes in a way that makes old indexes
# give wrong answers; such an index is refused with a message to rebuild.
SCHEMA_VERSION = 7  # 3: absolute paths; 4: author, site; 5: notices; 6: CJK, stop words;
# 7: the `moment` column (dates as numbers, for --since/--sort)

# Han, Hiragana, Katakana (half-width too) and Hangul: the scripts written without
# spaces between words (Korean has spaces, but bigrams serve it as Lucene's do).
CJK = (
    "\u1100-\u11ff\u3005-\u3007\u3041-\u309a\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff"
    "\u3131-\u318e\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7a3"
    "\ud7b0-\ud7ff\uf900-\ufaff\uff66-\uff9f\uffa0-\uffdc\U00020000-\U0003134f"
)

# Words are runs of letters/digits, with inner dots kept ("U.S", "3.5") and inner
# apostrophes too, so that "don't" and "I'm" are one word each (stop words) instead of
# leaving a stray "t" and "m", and the stemmer removes a possessive "'s". Set
# explicitly: the Whoosh forks' default pattern keeps "*" inside tokens, so
# "*important*" in Markdown would not be found by "important". CJK characters are
# not part of a word: "Python的数据库" is the word "Python" and a CJK run.
WORD_RE = lazy_compile(rf"[^\W{CJK}]+(?:[.'\u2019][^\W{CJK}]+)*")
# Every token: a word, a CJK run, or one other non-ASCII character that is not a
# space (kept when it is a symbol). ASCII text needs only WORD_RE.
# (Compiled when first used: the CJK ranges cost milliseconds, and English needs none.)
TOKEN_RE = lazy_compile(rf"{WORD_RE.pattern}|[{CJK}]+|[^\w\s\x00-\x7f]")
CJK_RE = lazy_compile(f"[{CJK}]")
_ASCII_WORD_RE = re.compile(r"\w+(?:[.'\u2019]\w+)*", re.ASCII)
SYMBOL_CATEGORIES = frozenset({"So", "Sk"})

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


# A stop word's index term: the folded word behind a mark no word can start with.
STOP_MARK = "'"
_CJK_RUN = "\x00"  # the cache's answer for a CJK run, which becomes bigrams


class _TermCache(dict[str, str]):
    """Maps a raw token to its index term: a stem, a stop word's marked term, a
    symbol itself, _CJK_RUN for a CJK run, or "" for a character that is no term."""

    def __missing__(self, token: str) -> str:
        if not token.isascii() and CJK_RE.match(token):
            return _CJK_RUN  # not kept: runs can be whole sentences
        if len(token) == 1 and not (token.isalnum() or token == "_"):
            term = token if unicodedata.category(token) in SYMBOL_CATEGORIES else ""
        else:
            w = fold(token)
            term = STOP_MARK + w if w in STOP_WORDS else _stemmer.stemWord(w)
        if len(self) < 500_000:
            self[token] = term
        return term


_TERMS = _TermCache()


def term_cache() -> dict[str, str]:
    """token -> its index term, as `term_of` looks it up (stop words as marked terms,
    a CJK run as a marker): a dict, for loops that look up many words."""
    return _TERMS


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _cjk_chars(run: str, start: int) -> list[tuple[str, int, int]]:
    """The NFKC-normalised characters of a CJK run with their offsets in the text:
    half-width "ｶﾞ" is one character "ガ" spanning two."""
    if unicodedata.is_normalized("NFKC", run):
        return [(c, start + i, start + i + 1) for i, c in enumerate(run)]
    chars: list[tuple[str, int, int]] = []
    raw = ""
    for i, c in enumerate(run):
        if chars and len(_nfkc(raw + c)) == len(chars[-1][0]):
            raw += c  # a voicing mark that joins the character before it
            chars[-1] = (_nfkc(raw), chars[-1][1], start + i + 1)
        else:
            raw = c
            chars.append((_nfkc(c), start + i, start + i + 1))
    return chars


def _cjk_terms(run: str, start: int = 0) -> Iterator[tuple[str, int, int]]:
    """(term, start, end) of the overlapping bigrams of a CJK run; a lone character
    is a unigram. Each is NFKC-normalised: half-width katakana meets its full form."""
    chars = _cjk_chars(run, start)
    if len(chars) == 1:
        yield chars[0]
        return
    for (a, s, _), (b, _, e) in zip(chars, chars[1:], strict=False):
        yield a + b, s, e


def is_stop_term(term: str) -> bool:
    return term[:1] == STOP_MARK


def is_cjk_term(term: str) -> bool:
    return not term.isascii() and CJK_RE.match(term) is not None


def tokens(text: str) -> list[str]:
    """The tokens of `text` as TOKEN_RE finds them (ASCII text has words only)."""
    return _ASCII_WORD_RE.findall(text) if text.isascii() else TOKEN_RE.findall(text)


def term_of(word: str) -> str:
    """The index term of one word or symbol, or "" when it is a stop word (or no
    term at all, or a CJK run, which has several)."""
    term = _TERMS[word]
    return "" if term[:1] in (STOP_MARK, _CJK_RUN) else term


def index_terms(text: str) -> list[str]:
    """Every index term of `text` in order of position, stop words as marked terms.
    This is the build's hot path: ASCII text takes one regex and a dict lookup a word."""
    cache = _TERMS
    if text.isascii():
        return [t for t in map(cache.__getitem__, _ASCII_WORD_RE.findall(text)) if t]
    tokens = TOKEN_RE.findall(text)
    found = list(map(cache.__getitem__, tokens))
    if _CJK_RUN not in found:
        return [t for t in found if t]
    out: list[str] = []
    for token, term in zip(tokens, found, strict=True):
        if term == _CJK_RUN:
            out.extend(t for t, _, _ in _cjk_terms(token))
        elif term:
            out.append(term)
    return out


def terms(text: str) -> list[str]:
    """Every index term of `text`, in order, stop words removed: a query's plain words."""
    return [t for t in index_terms(text) if t[0] != STOP_MARK]


def term_spans(text: str, stops: bool = False) -> Iterator[tuple[str, int, int]]:
    """(term, start, end) for each term of `text` in order, as `index_terms` finds them;
    stop words (as marked terms) only when `stops`."""
    cache = _TERMS
    for m in TOKEN_RE.finditer(text):
        term = cache[m.group()]
        if term == _CJK_RUN:
            yield from _cjk_terms(m.group(), m.start())
        elif term and (stops or term[0] != STOP_MARK):
            yield term, m.start(), m.end()


class SearchAnalyzer(Analyzer):
    """Whoosh's analyzer protocol on top of `term_spans`, for query parsing.

    With `removestops` (single query words) a stop word is dropped; without it (the
    words of a quoted phrase, see `FastText.tokenize`) it is kept as its marked
    term at its own position, the same as `FastText.index` stores it.
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
            found: Any = [(fold(value), 0, len(value))]
        else:
            found = term_spans(value, stops=not removestops)
        pos = start_pos
        for term, start, end in found:
            t.text = term
            t.stopped = is_stop_term(term)
            t.boost = 1.0
            if keeporiginal:
                t.original = value[start:end]  # type: ignore[attr-defined]
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            pos += 1
            yield t


class _Encodings(dict[int, bytes]):
    """A position's encoding as Whoosh's Positions format writes it for a term that
    occurs once in a text: the same bytes for every such term at that position."""


_SINGLE_POSITIONS = _Encodings()
_MAX_KEPT = 1 << 16


class FastText(fields.TEXT):
    """TEXT whose indexing skips Whoosh's token-object pipeline.

    `index()` turns the text into terms with one regex pass and a dict lookup a
    word, then groups positions per term: several times faster than feeding
    Token objects through a filter chain, and the terms are identical to the
    ones `SearchAnalyzer` produces for queries. A stop word's term is given a
    frequency of 0, which is what Whoosh adds up as the field's length: BM25F's
    length normalisation sees the same lengths as without stop words.
    """

    def index(self, value: Any, **kwargs: Any) -> Generator[tuple[bytes, int, float, bytes]]:
        poses: defaultdict[str, list[int]] = defaultdict(list)
        for pos, term in enumerate(index_terms(value)):
            poses[term].append(pos)
        fmt: Any = self.format
        boost = fmt.field_boost
        encode = fmt.encode
        # A text of stop words only ("Not that it is so.") still gets a length of 1:
        # Whoosh's phrase scoring cannot score a document with no length.
        short = 1 if poses and all(t[0] == STOP_MARK for t in poses) else 0
        single = _SINGLE_POSITIONS if type(fmt) is formats.Positions else {}
        for term, plist in poses.items():
            n = len(plist)
            freq = 0 if term[0] == STOP_MARK else n
            if n == 1:  # most terms of a text: their encoding is kept, not pickled again
                value = single.get(plist[0])
                if value is None:
                    value = encode(plist)
                    if plist[0] < _MAX_KEPT:
                        single[plist[0]] = value
            else:
                value = encode(plist)
            yield term.encode("utf-8"), freq or short, n * boost, value
            short = 0

    def tokenize(self, value: str, **kwargs: Any) -> Iterator[Token]:
        # Whoosh's parser tokenizes a quoted phrase here: its stop words count.
        kwargs.setdefault("removestops", False)
        return super().tokenize(value, **kwargs)

    def process_text(self, qstring: str, mode: str = "", **kwargs: Any) -> Iterator[str]:
        # ... and a single query word here: a stop word alone is no term.
        kwargs.setdefault("removestops", True)
        analyzer: Any = self.analyzer
        return (t.text for t in analyzer(qstring, mode=mode, **kwargs))


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
        author=fields.STORED(),
        site=fields.STORED(),
        # paragraphs kept out of the body (notices.py): [[position, text], ...]
        notices=fields.STORED(),
        moment=MomentColumn(),
    )
