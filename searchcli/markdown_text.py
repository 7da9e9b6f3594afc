"""Markdown files: front matter, title, and the text a reader sees.

The body is what the rendered page shows, one block a line (a paragraph, a heading, a list
item, a table row, a line of code), blocks of different kinds apart by a blank line: no `#`,
`>`, list bullets, emphasis markers, link targets, HTML tags or comments, reference
definitions. Link text, image alt text, code (inline and fenced) and table cells stay.

markdown-it-py (the CommonMark parser Rich itself uses) is imported only when a Markdown
file is parsed, never by a search.
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

from searchcli.dates import first_date
from searchcli.formats import TITLE_MAX, Parsed
from searchcli.text import truncate

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_HTML_DROP = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style)\b.*?(?:</\1\s*>|\Z)", re.DOTALL | re.IGNORECASE
)
_TAG = re.compile(r"<[^>]*>")
_BLANK_RUNS = re.compile(r"\n{3,}")
# Blocks that start a new paragraph of the text; a list's items (tight lists hide their
# paragraphs) and a table's rows follow each other line by line.
_NEW_BLOCK = frozenset(
    "heading_open blockquote_open bullet_list_open ordered_list_open table_open hr".split()
)
CELL_GAP = "  "  # between the cells of a table row
NESTING = 20  # CommonMark's default depth; markdown-it drops what is nested deeper
# markdown-it-py is linear but slow on dense markup (about 20-50 us per bracket, star or
# cell): a file with more markup than this (weighted by cost) is indexed as its source
# text, so no file costs more than a few seconds. Debian's largest changelogs (0.9 MB)
# weigh about 80,000.
MARKUP_MAX = 100_000
TITLE_HEAD = 65_536  # when the whole file is not rendered, its title comes from its start


def parse_markdown(text: str) -> Parsed:
    """Title from front matter `title:`, else the first level-1 heading (else the first
    heading of any level), else the first line of text; headings lose their markup. A
    heading that opens the text and repeats the title is left out of the body.
    Date from front matter (the keys of dates.DATE_KEYS, first usable one);
    source from `source:` or `url:`. Body: the text a reader sees."""
    meta: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        meta = front_matter(match.group(1) or "")
        text = text[match.end() :]
    tokens = _tokens(text)
    if tokens is None:  # too much markup, too deep, or the parser failed: the source as it is
        body, heading = text, _title(_tokens(text[:TITLE_HEAD].rsplit("\n", 1)[0]) or [])
    else:
        body, heading = _render(tokens), _title(tokens)
    title = _scalar(meta.get("title")) or heading or _first_line(tokens or [], body)
    if tokens and tokens[0].type == "heading_open" and len(title) <= TITLE_MAX:
        first, _, rest = body.partition("\n")
        if " ".join(first.split()) == " ".join(title.split()):
            body = rest.lstrip("\n")  # the title again: .txt drops a repeated title line too
    source = _scalar(meta.get("source")) or _scalar(meta.get("url"))
    return Parsed(truncate(title, TITLE_MAX), body, source=source, date=first_date(meta))


def _scalar(value: Any) -> str | None:
    """A front-matter value usable as text: strings, and numbers YAML typed as such."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def front_matter(block: str) -> dict[str, Any]:
    """YAML front matter as a dict ({} when it is not a mapping or not valid YAML).

    PyYAML is imported only here, when a file has front matter.
    """
    import yaml

    try:
        loaded = yaml.safe_load(block)
    except (yaml.YAMLError, ValueError, RecursionError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


@cache
def _parser() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"maxNesting": NESTING}).enable(["table", "strikethrough"])
    # Link targets are never shown, so skip their URL normalisation (a quarter of the
    # parse time on link-heavy files), and accept every target as a link: a
    # [label](javascript:...) is then its label, not literal brackets.
    md.normalizeLink = md.normalizeLinkText = _same  # type: ignore[method-assign,assignment]
    md.validateLink = _accept  # type: ignore[method-assign,assignment]
    return md


def _same(url: str) -> str:
    return url


def _accept(url: str) -> bool:
    return True


def _tokens(text: str) -> list[Any] | None:
    """The parsed blocks, or None when the text should be indexed as it is."""
    markup = 3 * text.count("[") + 2 * text.count("|") + sum(text.count(c) for c in "*_`<&")
    if markup > MARKUP_MAX:
        return None
    try:
        tokens = list(_parser().parse(text))
    except Exception:  # a third-party parser's bug must not cost the run: fall back
        return None
    if any(tok.level >= NESTING - 1 for tok in tokens):
        return None  # something was nested deeper than the parser goes: text was dropped
    return tokens


def _render(tokens: list[Any]) -> str:
    lines: list[str] = []
    row: list[str] | None = None
    items = 0  # list items open: a list inside one goes on line by line
    for tok in tokens:
        kind = tok.type
        if kind in ("list_item_open", "list_item_close"):
            items += 1 if kind == "list_item_open" else -1
        elif kind == "inline":
            text = _inline(tok.children or [], " ")
            if row is not None:
                row.append(text)
            elif text:
                lines.append(text)
        elif kind in _NEW_BLOCK or (kind == "paragraph_open" and not tok.hidden):
            if not (items and kind.endswith("list_open")):
                lines.append("")
        elif kind in ("fence", "code_block"):
            lines += ["", tok.content.rstrip("\n"), ""]
        elif kind == "html_block":
            lines += ["", _html_text(tok.content), ""]
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            lines.append(CELL_GAP.join(cell for cell in row if cell))
            row = None
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def _inline(children: list[Any], softbreak: str) -> str:
    parts: list[str] = []
    for tok in children:
        kind = tok.type
        if kind in ("text", "text_special", "code_inline"):
            parts.append(tok.content)
        elif kind == "softbreak":
            parts.append(softbreak)
        elif kind == "hardbreak":
            parts.append("\n")
        elif kind == "image":
            parts.append(_inline(tok.children or [], softbreak))
        elif kind == "html_inline" and tok.content[:3].lower() == "<br":
            parts.append(" ")
    return "".join(parts).strip()


def _html_text(block: str) -> str:
    """The text of a raw HTML block: comments, scripts, styles and tags removed."""
    text = html.unescape(_TAG.sub(" ", _HTML_DROP.sub("", block)))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _first_line(tokens: list[Any], body: str) -> str:
    """The first line as written (a paragraph's first source line, not the paragraph)."""
    for tok in tokens:
        if tok.type == "inline":
            line = _inline(tok.children or [], "\n").split("\n", 1)[0].strip()
            if line:
                return line
        elif tok.type in ("fence", "code_block", "html_block"):
            break
    return body.strip().split("\n", 1)[0].strip()


def _title(tokens: list[Any]) -> str:
    """The first level-1 heading, else the first heading of the highest level there is."""
    best: tuple[int, str] | None = None
    for i, tok in enumerate(tokens[:-1]):
        if tok.type != "heading_open":
            continue
        level = int(tok.tag[1:])
        text = " ".join(_inline(tokens[i + 1].children or [], " ").split())
        if text and (best is None or level < best[0]):
            best = (level, text)
            if level == 1:
                break
    return best[1] if best else ""
