"""One parser per document format: decoded text (or a JSON value) in, raw fields out.

Markdown's parser, which renders the text through markdown-it-py, is in markdown_text.py.
The parsers only find the fields. Cleaning (control characters, NFC), date form, ids and
defaults are applied in one place, documents.py, so every format is treated alike.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from searchcli.dates import dateline, first_date
from searchcli.text import truncate

FORMATS: tuple[str, ...] = ("txt", "md", "html", "json", "jsonl")
EXTENSIONS: dict[str, str] = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
TITLE_MAX = 200  # a "first line" longer than this is a paragraph, not a title


def format_of(path: str) -> str:
    """The format a file's extension implies; txt for anything unknown."""
    return EXTENSIONS.get(os.path.splitext(path)[1].lower(), "txt")


@dataclass(frozen=True)
class Parsed:
    """The fields a parser found; None where the document does not say."""

    title: str
    body: str
    source: str | None = None
    date: Any = None  # ISO 8601 text (dates.py), or a value documents.py normalises
    id: str | None = None
    author: str | None = None
    site: str | None = None  # the site's name (HTML pages: og:site_name)


class RecordError(ValueError):
    """A JSON record that cannot become a document; the message is the reason."""


def _first_line(lines: list[str]) -> tuple[int, str] | None:
    for i, line in enumerate(lines):
        if line.strip():
            return i, line.strip()
    return None


def _squash(text: str) -> str:
    return " ".join(text.split())


# -- .txt: the news layout ---------------------------------------------------------------


def parse_txt(text: str) -> Parsed:
    """The first non-empty line is the title; if the next non-empty line repeats it, that
    copy is dropped; the rest is the body. A first line longer than TITLE_MAX is a
    paragraph, not a title: it stays in the body and the title is its shortened start.
    Date: a dateline among the first few lines after the title (dates.dateline)."""
    lines = text.split("\n")
    first = _first_line(lines)
    if first is None:
        return Parsed("", "")
    i, title = first
    if len(title) > TITLE_MAX:
        return Parsed(truncate(title, TITLE_MAX), text, date=dateline(lines[i + 1 :]))
    rest = lines[i + 1 :]
    again = _first_line(rest)
    if again is not None and _squash(again[1]) == _squash(title):
        rest = rest[again[0] + 1 :]
    return Parsed(title, "\n".join(rest), date=dateline(rest))


# -- .html -------------------------------------------------------------------------------

_HIDDEN = frozenset({"script", "style", "noscript", "template", "svg", "math"})
_BLOCKS = frozenset(
    "address article aside blockquote br dd details div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table "
    "tbody td tfoot th thead tr ul caption".split()
)
_DATE_META = frozenset(
    {"date", "article:published_time", "dc.date", "dcterms.date", "pubdate", "publish_date"}
)


class _HTMLText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.hidden = 0  # depth inside elements whose text is not content
        self.pre = 0  # depth inside <pre>, where source newlines are line breaks
        self.capture: str | None = None  # "title" or "h1" while inside the first one
        self.title: list[str] = []
        self.h1: list[str] = []
        self.seen_title = self.seen_h1 = False
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "title" and not self.seen_title and not self.hidden:
            self.capture, self.seen_title = "title", True
        elif tag == "h1" and not self.seen_h1 and not self.hidden:
            self.capture, self.seen_h1 = "h1", True
        if tag == "meta":
            name = (a.get("name") or a.get("property") or a.get("itemprop") or "").lower()
            if name in _DATE_META:
                self.meta.setdefault("date", a.get("content", ""))
            elif name in ("og:url", "author", "og:site_name"):
                self.meta.setdefault(name, a.get("content", ""))
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self.meta.setdefault("canonical", a.get("href", ""))
        elif tag == "time" and a.get("datetime"):
            self.meta.setdefault("time", a["datetime"])
        if tag == "pre":
            self.pre += 1
        if tag in _BLOCKS:
            self.chunks.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN or tag in ("title", "h1"):
            return  # <script/>, <title/>: nothing inside
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and self.hidden:
            self.hidden -= 1
        if tag == self.capture:
            self.capture = None
        if tag == "pre" and self.pre:
            self.pre -= 1
        if tag in _BLOCKS:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if self.capture == "title":
            self.title.append(data)
            return
        if self.hidden:
            return
        if self.capture == "h1":
            self.h1.append(data)
        self.chunks.append(data if self.pre else _fold_spaces(data))


def _fold_spaces(data: str) -> str:
    """A text chunk with its white space runs folded to one space, the ones at its edges
    included: in `Return <code>True</code> if` the spaces around the tag separate words."""
    inner = " ".join(data.split())
    if not inner:
        return " " if data else ""
    return (" " if data[0].isspace() else "") + inner + (" " if data[-1].isspace() else "")


def parse_html(text: str) -> Parsed:
    """Title from <title>, else the first <h1>, else the first line of text. Body: the text
    outside script/style/noscript/template (and svg/math), one line per block element.
    Date from <meta> (date, article:published_time, ...) or the first <time datetime>;
    source from <link rel="canonical">, else <meta property="og:url">; author and site
    name from <meta name="author"> and <meta property="og:site_name">.

    This is the whole text of the page; htmltext.parse_page keeps only the main text."""
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    lines = (_squash(line) for line in "".join(parser.chunks).split("\n"))
    body = "\n".join(line for line in lines if line)
    title = _squash("".join(parser.title)) or _squash("".join(parser.h1))
    title = truncate(title or body.split("\n", 1)[0], TITLE_MAX)
    meta = parser.meta
    source = meta.get("canonical") or meta.get("og:url") or None
    date = meta.get("date") or meta.get("time")
    author, site = meta.get("author") or None, meta.get("og:site_name") or None
    return Parsed(title, body, source=source, date=date, author=author, site=site)


# -- JSON records ------------------------------------------------------------------------

BODY_KEYS = ("body", "text", "content")
SOURCE_KEYS = ("source", "url")


def parse_record(record: Any) -> Parsed:
    """One JSON object as fields. Raises RecordError with the reason when the record is not
    an object, a field has the wrong type, or there is no text at all.

    Strings only, except `id`, which may be an integer. null counts as absent. The body is
    the first non-empty of body/text/content. A record with a title but an empty body is
    kept (a headline-only news brief is still worth finding); one with neither is skipped.
    """
    if not isinstance(record, dict):
        raise RecordError(f"record is a JSON {_json_type(record)}, not an object")
    body = _first_text(record, BODY_KEYS)
    title = _text_field(record, "title") or ""
    if not body.strip() and not title.strip():
        raise RecordError("no body (expected a non-empty 'body', 'text' or 'content' string)")
    own_id = record.get("id")
    if own_id is not None and not isinstance(own_id, str):
        if isinstance(own_id, bool) or not isinstance(own_id, int):
            raise RecordError(f"'id' must be a string or an integer, not {_json_type(own_id)}")
        own_id = str(own_id)
    source = _first_text(record, SOURCE_KEYS) or None
    return Parsed(title, body, source=source, date=first_date(record), id=own_id)


def _text_field(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    raise RecordError(f"'{key}' must be a string, not {_json_type(value)}")


def _first_text(record: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = _text_field(record, key)
        if value is not None and value.strip():
            return value
    return ""


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"
