"""Output for programs: JSON, JSON lines, TSV and paths, with stable keys.

Every writer takes a binary stream so that file names that are not valid
UTF-8 round-trip byte for byte (they travel as surrogate escapes inside str).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from typing import IO, Any

from .models import Hit

HIT_KEYS = (
    *("rank", "score", "id", "title", "source", "path", "date", "author", "site"),
    *("snippet", "highlights", "duplicates"),
)
TSV_KEYS = tuple(k for k in HIT_KEYS if k != "highlights")  # offsets make no sense in a table


def dumps(obj: Any) -> str:
    """One line of JSON; non-ASCII kept readable, control characters escaped."""
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))


def _utf8(text: str) -> bytes:
    """Text as it was read: file names that are not UTF-8 get their own bytes back."""
    return text.encode("utf-8", "surrogateescape")


def _json_bytes(text: str) -> bytes:
    # Always valid UTF-8: a file name's undecodable byte (a lone surrogate in
    # str) becomes the JSON escape "\udcXX", which json.loads turns back into
    # the same str, and os.fsencode into the original byte.
    return text.encode("utf-8", "backslashreplace")


def write_json(out: IO[bytes], obj: Any) -> None:
    out.write(_json_bytes(json.dumps(obj, ensure_ascii=False, indent=2) + "\n"))


def write_jsonl(out: IO[bytes], objs: Iterable[Any]) -> None:
    for obj in objs:
        out.write(_json_bytes(dumps(obj) + "\n"))


_TSV_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
# Every other control character, and a file name's undecodable bytes (lone
# surrogates in str), become \xNN: a TSV cell never carries a raw escape.
_TSV_SPECIAL = re.compile(r"[\\\x00-\x1f\x7f-\x9f\udc80-\udcff]")


def _tsv_escape(m: re.Match[str]) -> str:
    ch = m.group()
    code = ord(ch)
    return _TSV_ESCAPES.get(ch) or f"\\x{code - 0xDC00 if code >= 0xDC00 else code:02x}"


def tsv_field(value: object) -> str:
    """A TSV cell: tab, newline, CR and backslash as \\t \\n \\r \\\\, other control
    characters as \\xNN, None as empty."""
    if value is None:
        return ""
    if isinstance(value, list):  # a JSON array: ids may hold commas and spaces
        value = dumps(value) if value else ""
    return _TSV_SPECIAL.sub(_tsv_escape, str(value))


def write_tsv(out: IO[bytes], hits: Iterable[Hit], header: bool = True) -> None:
    if header:
        out.write(_utf8("\t".join(TSV_KEYS) + "\n"))
    for hit in hits:
        row = hit.to_dict()
        out.write(_utf8("\t".join(tsv_field(row[k]) for k in TSV_KEYS) + "\n"))


def hit_location(hit: Hit) -> str:
    """Where a hit lives: its file when it came from one, else its source."""
    return hit.path if hit.path and hit.path != "-" else hit.source


def write_paths(
    out: IO[bytes], hits: Iterable[Hit], nul: bool = False, escape: bool = False
) -> None:
    """Each distinct location once, in rank order, like `grep -l`.

    Raw bytes for programs (with `nul`, any file name round-trips); `escape`, for a
    terminal, shows control characters and undecodable bytes as \\xNN, as `ls` does.
    """
    from .text import safe_name  # only for a terminal: JSON and pipes never need it

    end = b"\0" if nul else b"\n"
    seen: set[str] = set()
    for hit in hits:
        where = hit_location(hit)
        if where in seen:
            continue
        seen.add(where)
        out.write((_utf8(safe_name(where)) if escape else os.fsencode(where)) + end)
