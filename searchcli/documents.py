"""Find input files and turn them into Document records. No Whoosh here.

    walk(paths, on_skip)      -> SourceFile for every file to index, sorted (walking.py)
    parse_file(sf, fmt=None)  -> Document, or Skip for a bad record inside a multi-record file
    parse_stream(stream)      -> the same for JSON lines read from a stream (stdin)

A file that cannot be indexed at all raises BadDocument(path, reason); a walk problem
(dangling link, loop, FIFO, unreadable folder) is passed to on_skip and the walk goes on.
Every text field leaving this module has been through text.clean_*: no control
characters, no terminal escape sequences, valid NFC Unicode.

Limits: a .txt/.md/.html file over max_bytes (MAX_BYTES, 10 MiB) is skipped whole, with
its size and the limit in the reason, never indexed in part; a .json file is parsed whole
up to JSON_MAX_BYTES (256 MiB); a .jsonl file is streamed, so any size works, and only a
single line over max_bytes is skipped (with its line number).
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Generator, Iterable, Iterator
from typing import IO, Any, cast

from searchcli.dates import normalise_date
from searchcli.errors import BadDocument
from searchcli.formats import (
    EXTENSIONS,
    FORMATS,
    Parsed,
    RecordError,
    format_of,
    parse_record,
    parse_txt,
)
from searchcli.htmltext import parse_page
from searchcli.markdown_text import parse_markdown
from searchcli.models import Document, Skip
from searchcli.text import (
    SNIFF_BYTES,
    binary_reason,
    bom_encoding,
    clean_body,
    clean_line,
    declared_charset,
    decode_bytes,
)
from searchcli.walking import SourceFile, file_kind, os_reason, walk

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "JSON_MAX_BYTES",
    "MAX_BYTES",
    "SourceFile",
    "format_of",
    "parse_file",
    "parse_stream",
    "walk",
]

MAX_BYTES = 10 * 1024 * 1024  # single-document files (txt, md, html) and each JSON line
JSON_MAX_BYTES = 256 * 1024 * 1024  # a .json file is parsed whole, so it has its own cap


# -- parsing files -----------------------------------------------------------------------


def parse_file(
    sf: SourceFile, fmt: str | None = None, max_bytes: int = MAX_BYTES
) -> Iterator[Document | Skip]:
    """The documents in one file (and Skips for bad records inside a JSON file).

    `fmt` forces a format (one of FORMATS) whatever the extension. Raises BadDocument at
    the call when the whole file cannot be used (unreadable, binary, too large, empty);
    a JSON lines file that fails to read part-way raises it while iterating.
    """
    fmt = fmt or format_of(sf.path)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt == "jsonl":
        handle = _open(sf)
        try:
            head = handle.peek(SNIFF_BYTES)[:SNIFF_BYTES]  # type: ignore[attr-defined]
            _check_head(sf, head)
        except BaseException:
            handle.close()
            raise
        return _jsonl_file(sf, handle, head, max_bytes)
    cap = max(max_bytes, JSON_MAX_BYTES) if fmt == "json" else max_bytes
    data = _read(sf, cap)
    _check_head(sf, data[:SNIFF_BYTES])
    if fmt == "json":
        return iter(_json_documents(sf, decode_bytes(data)))
    fallback = declared_charset(data) if fmt == "html" else None
    text = decode_bytes(data, fallback)
    if not text.strip():
        raise BadDocument(sf.path, "empty")
    parser = {"txt": parse_txt, "md": parse_markdown, "html": parse_page}[fmt]
    doc = _document(parser(text), sf.key, sf)
    if not doc.title and not doc.body:  # e.g. only markup, or only control characters
        raise BadDocument(sf.path, "no text")
    return iter([doc])


def _open(sf: SourceFile) -> IO[bytes]:
    """Open for reading without blocking on a FIFO swapped in since the walk.

    The descriptor is checked inside `open`'s opener, so it has one owner at
    every moment: the opener until it returns, then the file object. (Closing
    it by hand after `os.fdopen` could close it twice when Ctrl-C came between
    the two, and the second close's "Bad file descriptor" then replaced the
    interrupt.)"""
    try:
        return open(sf.path, "rb", opener=_regular_file)
    except OSError as exc:
        raise BadDocument(sf.path, _open_problem(exc)) from None
    except _NotRegular as exc:
        raise BadDocument(sf.path, str(exc)) from None


class _NotRegular(Exception):
    """A FIFO, device or socket where a file was expected; says which."""


def _regular_file(path: str, flags: int) -> int:
    fd = -1
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _NotRegular(file_kind(mode))
        os.set_blocking(fd, True)
        return fd
    except BaseException:
        if fd >= 0:
            os.close(fd)
        raise


def _open_problem(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "unreadable (permission denied)"
    if exc.errno == errno.ENOENT:
        return "file vanished before it was read"
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    return f"unreadable ({os_reason(exc)})"


def _read(sf: SourceFile, cap: int) -> bytes:
    with _open(sf) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > cap:
            raise BadDocument(sf.path, _too_large(size, cap))
        try:
            data = handle.read(min(size, cap) + 1)  # read(cap) would allocate cap bytes
            if len(data) > size:  # grew since fstat, or a size-less file such as in /proc
                data += handle.read(cap + 1 - len(data))
        except OSError as exc:
            raise BadDocument(sf.path, f"read error ({os_reason(exc)})") from None
    if len(data) > cap:  # grew since fstat
        raise BadDocument(sf.path, _too_large(len(data), cap))
    if not data:
        raise BadDocument(sf.path, "empty")
    return data


def _too_large(size: int, cap: int) -> str:
    return f"too large ({_human(size)}, limit {_human(cap)})"


def _human(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n / (1024 * 1024):.1f} MiB"


def _check_head(sf: SourceFile, head: bytes) -> None:
    reason = binary_reason(head)
    if reason is not None:
        raise BadDocument(sf.path, reason)


def _document(parsed: Parsed, default_id: str, sf: SourceFile | None, path: str = "") -> Document:
    own_id = clean_line(parsed.id) if parsed.id is not None else ""
    key = sf.key if sf is not None else path
    return Document(
        id=own_id or default_id,
        title=clean_line(parsed.title),
        body=clean_body(parsed.body),
        source=clean_line(parsed.source or "") or key,
        path=sf.path if sf is not None else path,
        date=normalise_date(parsed.date),
        author=clean_line(parsed.author or "") or None,
        site=clean_line(parsed.site or "") or None,
    )


# -- JSON and JSON lines -----------------------------------------------------------------


def _json_documents(sf: SourceFile, text: str) -> list[Document | Skip]:
    if not text.strip():
        raise BadDocument(sf.path, "empty")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{"):
            # one object a line in a file named .json: read it as the JSON lines it is
            lines = text.split("\n")
            return list(_jsonl_records(_Records(sf.key, sf.path, sf), lines, len(text)))
        raise BadDocument(sf.path, f"invalid JSON: {exc.msg} at line {exc.lineno}") from None
    except (ValueError, RecursionError) as exc:
        raise BadDocument(sf.path, f"invalid JSON: {_short(exc)}") from None
    if isinstance(value, dict):
        try:
            return [_document(parse_record(value), sf.key, sf)]
        except RecordError as exc:
            raise BadDocument(sf.path, str(exc)) from None
    if not isinstance(value, list):
        raise BadDocument(sf.path, "JSON is neither an object nor an array of objects")
    records = _Records(sf.key, sf.path, sf)
    return [records.item(value, n) for n, value in enumerate(value, 1)]


class _Records:
    """Turns the N-th record of a multi-record source into a Document or a Skip."""

    def __init__(self, key: str, path: str, sf: SourceFile | None) -> None:
        self.key, self.path, self.sf = key, path, sf
        self.ids: set[str] = set()

    def item(self, value: Any, n: int) -> Document | Skip:
        try:
            doc = _document(parse_record(value), f"{self.key}#{n}", self.sf, self.path)
        except RecordError as exc:
            return Skip(self.path, str(exc), line=n)
        if doc.id in self.ids:
            return Skip(self.path, f"duplicate id {doc.id!r}", line=n)
        self.ids.add(doc.id)
        return doc

    def line(self, raw: bytes | str, n: int) -> Document | Skip | None:
        """One JSON line: None for a blank line, else a Document or a Skip."""
        text = raw if isinstance(raw, str) else decode_bytes(raw)
        if not text.strip():
            return None
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            return Skip(self.path, f"invalid JSON: {exc.msg} at column {exc.colno}", line=n)
        except (ValueError, RecursionError) as exc:
            return Skip(self.path, f"invalid JSON: {_short(exc)}", line=n)
        return self.item(value, n)


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _jsonl_file(
    sf: SourceFile, handle: IO[bytes], head: bytes, max_bytes: int
) -> Iterator[Document | Skip]:
    with handle:
        encoding, _ = bom_encoding(head)
        if encoding not in (None, "utf-8"):  # UTF-16/32 lines: decode whole, under the cap
            data = handle.read(JSON_MAX_BYTES + 1)
            if len(data) > JSON_MAX_BYTES:
                raise BadDocument(sf.path, _too_large(len(data), JSON_MAX_BYTES))
            lines: Iterable[bytes | str | None] = decode_bytes(data).split("\n")
        else:
            lines = _capped_lines(handle, max_bytes, sf.path)
        found = yield from _jsonl_records(_Records(sf.key, sf.path, sf), lines, max_bytes)
    if not found:
        raise BadDocument(sf.path, "empty")


def _jsonl_records(
    records: _Records, lines: Iterable[bytes | str | None], max_bytes: int
) -> Generator[Document | Skip, None, bool]:
    """Yields what each line holds; returns whether any line was not blank."""
    found = False
    for n, raw in enumerate(lines, 1):
        if raw is None:
            found = True
            yield Skip(records.path, f"line too long (over {_human(max_bytes)})", line=n)
            continue
        if n == 1 and isinstance(raw, bytes) and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        item = records.line(raw, n)
        if item is not None:
            found = True
            yield item
    return found


def _capped_lines(handle: IO[bytes], cap: int, path: str) -> Iterator[bytes | None]:
    """Lines of a binary stream; None in place of a line longer than cap (which is
    read past in chunks, never held whole)."""
    while True:
        try:
            line = handle.readline(cap + 1)
        except OSError as exc:
            raise BadDocument(path, f"read error ({os_reason(exc)})") from None
        if not line:
            return
        if len(line) <= cap or (len(line) == cap + 1 and line.endswith(b"\n")):
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = handle.readline(1 << 20)
        yield None


def parse_stream(stream: IO[bytes] | IO[str], name: str = "-") -> Iterator[Document | Skip]:
    """Documents from JSON lines on a stream (e.g. sys.stdin.buffer). Ids default to
    `name#N`; source and path to `name`. A text stream works too."""
    records = _Records(name, name, None)
    lines: Iterable[Any]
    if isinstance(stream.read(0), str):
        lines = iter(stream.readline, "")
    else:
        lines = _capped_lines(cast(IO[bytes], stream), MAX_BYTES, name)
    yield from _jsonl_records(records, lines, MAX_BYTES)
