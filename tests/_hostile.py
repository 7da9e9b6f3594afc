"""A folder of hostile and broken input, built by the tests themselves.

`build(root)` writes it and returns what a correct indexing run must do with
each entry: `good` maps a unique planted word to the file that holds it (every
one must be findable), `skips` lists (file, reason fragment, line) that the run
must report. Names are bytes so that names which are not UTF-8 stay exact.
"""

from __future__ import annotations

import json
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path

HUGE_BYTES = 200 * 1024 * 1024
DEPTH = 100


@dataclass
class Expected:
    good: dict[str, bytes] = field(default_factory=dict)  # planted word -> file path
    skips: list[tuple[bytes, str, int | None]] = field(default_factory=list)
    # Files a folder walk passes over without a word (unknown extensions).
    ignored: list[bytes] = field(default_factory=list)
    unreadable: bytes = b""  # reads fail with EACCES once a test simulates chmod 000

    def skip(self, path: bytes, reason: str, line: int | None = None) -> None:
        self.skips.append((path, reason, line))


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    pixels = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _elf() -> bytes:
    return b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x02\x00\x3e\x00" + bytes(48) + b"text hostelf"


def _zip() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("inside.txt", "hostzipped words inside an archive")
    return buf.getvalue()


def build(root: Path) -> Expected:
    root.mkdir(parents=True, exist_ok=True)
    r = os.fsencode(root)
    exp = Expected()

    def put(name: bytes, data: bytes) -> bytes:
        path = os.path.join(r, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def good(name: bytes, word: str, data: bytes) -> None:
        exp.good[word] = put(name, data)

    # Plain good documents, one a format.
    good(b"plain.txt", "hostplain", b"Plain title\n\nA body with hostplain in it.\n")
    good(b"notes.md", "hostmark", b"---\ntitle: Notes\n---\n# Notes\n\nhostmark here\n")
    good(
        b"page.html",
        "hosthtml",
        b"<html><head><title>Page</title><script>hostscript()</script></head>"
        b"<body><p>hosthtml &amp; more</p></body></html>",
    )
    good(b"one.json", "hostjsonobj", json.dumps({"title": "One", "body": "hostjsonobj"}).encode())

    # Binary content behind a text extension; and real binaries that a walk ignores.
    exp.skip(put(b"photo-disguised.txt", _png()), "binary (PNG image)")
    exp.skip(put(b"program.md", _elf()), "binary (ELF executable)")
    exp.skip(put(b"archive.html", _zip()), "binary (ZIP archive)")
    exp.ignored += [put(b"photo.png", _png()), put(b"program", _elf()), put(b"a.zip", _zip())]
    exp.skip(put(b"nul.txt", b"Title\n\nhostnul text\x00with a NUL byte\n"), "binary (NUL bytes)")

    # Text in other encodings: decoded and indexed.
    good(b"latin1.txt", "hostlatin", "Café\n\nhostlatin crème brûlée\n".encode("latin-1"))
    good(b"utf16.txt", "hostutf16", "\ufeffUTF-16 title\n\nhostutf16 body\n".encode("utf-16"))
    good(b"mixed.txt", "hostmixed", b"Mixed\n\nhostmixed caf\xc3\xa9 and caf\xe9 and \xff\xfe\n")

    # Sizes: a 200 MB file (sparse), empty, only whitespace.
    huge = put(b"huge.txt", b"")
    os.truncate(huge, HUGE_BYTES)
    exp.skip(huge, "too large (200.0 MiB, limit 10.0 MiB)")
    exp.skip(put(b"empty.txt", b""), "empty")
    exp.skip(put(b"empty\nname\xff\x1b[1m.txt", b""), "empty")  # a name to print safely
    exp.skip(put(b"blank.md", b"  \n\t\n   \r\n\n"), "empty")

    # Unreadable (chmod 000: root reads it anyway, so tests also simulate EACCES).
    exp.unreadable = put(b"secret.txt", b"Secret\n\nhostsecret\n")
    exp.good["hostsecret"] = exp.unreadable
    os.chmod(exp.unreadable, 0)

    # Links: a loop of two file links, a folder link to its own parent, a dangling one.
    os.symlink(b"loop-b.txt", os.path.join(r, b"loop-a.txt"))
    os.symlink(b"loop-a.txt", os.path.join(r, b"loop-b.txt"))
    exp.skip(os.path.join(r, b"loop-a.txt"), "symlink loop")
    exp.skip(os.path.join(r, b"loop-b.txt"), "symlink loop")
    os.makedirs(os.path.join(r, b"cycle"))
    good(b"cycle/inside.txt", "hostcycle", b"Inside\n\nhostcycle\n")
    os.symlink(b"..", os.path.join(r, b"cycle", b"up"))
    exp.skip(os.path.join(r, b"cycle", b"up"), "symlink loop")
    os.symlink(b"nowhere.txt", os.path.join(r, b"dangling.txt"))
    exp.skip(os.path.join(r, b"dangling.txt"), "dangling symlink")

    # A FIFO with a text extension: opening it for reading would block forever.
    fifo = os.path.join(r, b"pipe.txt")
    os.mkfifo(fifo)
    exp.skip(fifo, "not a regular file (FIFO)")

    # Names with spaces, a newline, bytes that are not UTF-8, control characters.
    good(b"with space.txt", "hostspace", b"Spaced\n\nhostspace\n")
    good(b"new\nline.txt", "hostnewline", b"Newline\n\nhostnewline\n")
    good(b"bad\xff\xfename.txt", "hostbadname", b"Bad name\n\nhostbadname\n")
    good(b"esc\x1b[31mred.txt", "hostescname", b"Escape name\n\nhostescname\n")
    good("ünïcödé name.txt".encode(), "hostunicode", b"Unicode\n\nhostunicode\n")

    # Deeply nested folders.
    deep = b"/".join([b"d"] * DEPTH) + b"/deep.txt"
    good(deep, "hostdeep", b"Deep\n\nhostdeep\n")

    # JSON lines with malformed lines (reported with their numbers), the rest indexed.
    lines = [
        json.dumps({"id": "jl-1", "title": "L1", "body": "hostline1"}),
        '{"id": "jl-2", "title": "broken",',
        json.dumps({"id": "jl-3", "title": "L3", "body": "hostline3"}),
        "not json at all",
        "",
        json.dumps({"id": "jl-6", "source": "neither title nor body"}),
        json.dumps([1, 2, 3]),
        json.dumps({"id": "jl-8", "body": "hostline8"}),
        json.dumps({"id": "jl-1", "body": "same id again"}),
    ]
    jl = put(b"records.jsonl", ("\n".join(lines) + "\n").encode())
    for word in ("hostline1", "hostline3", "hostline8"):
        exp.good[word] = jl
    exp.skip(jl, "invalid JSON", 2)
    exp.skip(jl, "invalid JSON", 4)
    exp.skip(jl, "no body (expected a non-empty 'body', 'text' or 'content' string)", 6)
    exp.skip(jl, "", 7)  # an array where a record should be: any reason
    exp.skip(jl, "duplicate id", 9)
    long_line = put(b"long.jsonl", b'{"body": "' + b"a" * (11 * 1024 * 1024) + b'"}\n')
    exp.skip(long_line, "line too long (over 10.0 MiB)", 1)

    # JSON with wrong types: each bad record reported with its number, the good one kept.
    records = [
        {"title": 5, "body": ["a", "list"]},
        {"body": None},
        {"title": "object body", "body": {"nested": "hostnested"}},
        "a string where a record should be",
        42,
        {"title": "Good", "body": "hosttyped", "date": {"not": "a date"}, "id": 7},
    ]
    typed = put(b"typed.json", json.dumps(records).encode())
    exp.good["hosttyped"] = typed
    for n in (1, 2, 3, 4, 5):
        exp.skip(typed, "", n)
    exp.skip(put(b"broken.json", b'{"title": "x", "body": '), "invalid JSON")
    exp.skip(put(b"deep.json", b"[" * 100_000 + b"]" * 100_000), "invalid JSON")

    # Terminal escapes and Rich markup inside a document: indexed, cleaned.
    good(
        b"escapes.txt",
        "hostescapes",
        b"\x1b]52;c;ZXZpbA==\x07Title [bold]x[/]\n\nhostescapes \x1b[2J\x9b31m body\n",
    )
    return exp
