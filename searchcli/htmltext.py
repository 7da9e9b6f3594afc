"""HTML pages: the main text and the page's metadata, through trafilatura.

    parse_page(text) -> Parsed   body = the main text (no navigation, sidebars, footers,
                                 comments); title, author, site name, canonical URL and
                                 publication date (htmldate's original date) from the page

trafilatura (which brings htmldate and lxml) is imported inside `_extract`, the first
time an HTML page is read: a search never imports it.

When trafilatura finds no main text (a short page, a table of links), drops most of
the page's text (reference pages whose every part is content), cannot parse the page,
or the page is too big for it to finish in a few seconds, the body is the page's whole
text, read by formats.parse_html.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from searchcli.formats import TITLE_MAX, Parsed, parse_html
from searchcli.text import normalise_date, truncate

# trafilatura's cost grows with the page's length, its number of elements and its long
# attribute values; past these a page is read whole rather than risk a long stall.
MAX_CHARS = 2 * 1024 * 1024
MAX_ELEMENTS = 20_000
LONG_ATTRIBUTE = 2_000  # longer values (inline images as data: URLs) are dropped first

# A page of fewer words than this is short: it is read whole, there is nothing to gain.
SHORT_PAGE = 50
# The main text is kept when it holds at least this share of the page's words, or this
# many words: below both, extraction lost the page (or it has none) and the whole text
# is a better body.
MIN_SHARE = 0.2
MIN_WORDS = 60

# htmldate's extensive search (dates in the visible text, not only in markup) finds more
# dates right on news pages; see bench/reading.py.
EXTENSIVE_DATES = True

# trafilatura's output elements that start a line of their own
_BLOCKS = frozenset({"p", "head", "list", "item", "quote", "table", "row", "lb", "graphic"})
_WORD = re.compile(r"\w+")
_NOT_CONTENT = frozenset({"noscript", "template", "svg", "math"})
# A private-use character, never in a page's own text once marked (see _mark_end)
LINE_MARK = "\ue000"
# HTML elements that end a word: a browser starts a new box or line at them
_HTML_BLOCKS = frozenset(
    "address article aside blockquote br caption dd details div dl dt figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table "
    "td th tr ul".split()
)


def parse_page(text: str, *, extensive_dates: bool = EXTENSIVE_DATES) -> Parsed:
    """The page's main text and metadata; its whole text when there is no main text."""
    whole = parse_html(text)
    found = _extract(text, extensive_dates) if len(text) <= MAX_CHARS else None
    if found is None:
        return whole
    title = _clean(found.title or "") or whole.title
    body = _tree_text(found.body, title) if found.body is not None else ""
    main_words = len(_WORD.findall(body))
    whole_words = len(_WORD.findall(whole.body))
    if whole_words < SHORT_PAGE or (
        main_words < MIN_WORDS and main_words < MIN_SHARE * whole_words
    ):
        body = whole.body
    site: str | None = _clean(found.sitename or "")
    if not site or site.casefold() == title.casefold():  # a part of <title> taken wrongly
        site = whole.site
    return Parsed(
        truncate(title, TITLE_MAX),
        body,
        source=whole.source or found.url,  # the canonical link first, as the page asks
        date=_same_day_with_time(found.date, whole.date),
        author=_clean(found.author or "") or whole.author,
        site=site,
    )


def _same_day_with_time(day: str | None, stamp: Any) -> Any:
    """htmldate's day; the page's own timestamp instead when it names the same day, so
    that the time of day is kept."""
    if not day:
        return stamp
    full = normalise_date(stamp)
    return full if full is not None and full[:10] == day[:10] else day


def _extract(text: str, extensive_dates: bool) -> Any:
    """trafilatura's document (main text as an XML tree, plus metadata), or None."""
    import trafilatura
    from trafilatura.settings import set_date_params
    from trafilatura.utils import load_html

    _quiet_loggers()
    # The page is untrusted and lxml and trafilatura are large: whatever either raises on
    # it (ValueError, lxml's ParserError, a RecursionError, an IndexError in a heuristic)
    # means this page is read whole, never that the run stops.
    try:
        tree = load_html(text)
        if tree is None or not _tame(tree):
            return None
        return trafilatura.bare_extraction(
            tree,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            fast=False,  # with the fallback extractors, for pages the main one misreads
            date_extraction_params=set_date_params(extensive_dates),
        )
    except Exception:
        return None


def _quiet_loggers() -> None:
    """trafilatura and its helpers log every page they give up on; without a handler of
    the application's own, Python would print those lines on stderr. Skips are ours to
    report. An application that configures logging still gets the records."""
    for name in ("trafilatura", "htmldate", "courlan", "justext", "readability"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(logging.NullHandler())


def _tame(tree: Any) -> bool:
    """Make the tree cheap to extract from and drop what is never text: very long
    attribute values, Sphinx's `¶` header links, noscript/template/svg/math; mark block
    ends inside quotations. False when it has too many elements to extract in a few
    seconds."""
    count = 0
    doomed = []
    for element in tree.iter():
        count += 1
        if count > MAX_ELEMENTS:
            return False
        attrib = element.attrib
        for name, value in attrib.items():
            if len(value) > LONG_ATTRIBUTE:
                del attrib[name]
        if element.tag in _NOT_CONTENT or (
            element.tag == "a" and "headerlink" in attrib.get("class", "").split()
        ):
            doomed.append(element)
    for element in doomed:
        _drop(element)
    for quote in tree.iter("blockquote"):
        for element in quote.iterdescendants(*_HTML_BLOCKS):
            _mark_end(element)
    return True


def _mark_end(element: Any) -> None:
    """End a block's text with LINE_MARK. Inside a quotation trafilatura trims the text of
    each nested block and joins them with nothing between ("on top oftitle - the title"):
    a mark survives the trimming, and _tree_text makes it a line break."""
    last = element[-1] if len(element) else None
    if last is None:
        element.text = (element.text or "") + LINE_MARK
    else:
        last.tail = (last.tail or "") + LINE_MARK


def _drop(element: Any) -> None:
    """Remove an element but keep the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def _tree_text(body: Any, title: str) -> str:
    """trafilatura's XML tree as text: one line per block, inline elements (code, hi,
    ref) inside the line with the spaces around them as they were. A newline in the
    page's source is a line break only inside a code block. A first heading that repeats
    the title is the page's headline: the title has its own field (as in .txt files)."""
    from lxml import etree

    if len(body) and body[0].tag == "head" and not (body.text or "").strip():
        if _clean("".join(body[0].itertext())).casefold() == title.casefold():
            _drop(body[0])
    parts: list[str] = []
    in_code = 0
    for event, element in etree.iterwalk(body, events=("start", "end")):
        code = _block_code(element)
        block = element.tag in _BLOCKS or code
        edge = "\n" if block else " " if element.tag == "cell" else ""
        if event == "start":
            in_code += code
            parts.append(edge)
            parts.append(_unwrapped(element.text, in_code))
        else:
            in_code -= code
            parts.append(edge)
            if element is not body:
                parts.append(_unwrapped(element.tail, in_code))
    text = "".join(parts).replace(LINE_MARK, "\n")
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _unwrapped(text: str | None, in_code: int) -> str:
    if not text:
        return ""
    return text if in_code else text.replace("\n", " ")


def _block_code(element: Any) -> bool:
    """A code block (its own line or lines), not `inline code` inside a sentence."""
    if element.tag != "code":
        return False
    parent = element.getparent()
    return parent is None or parent.tag in ("body", "list", "quote") or "\n" in (element.text or "")


def _clean(value: str) -> str:
    """A metadata value on one line, without LINE_MARK or a heading's trailing `¶`."""
    return " ".join(value.replace(LINE_MARK, " ").split()).rstrip("¶").rstrip()
