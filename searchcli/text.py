"""Turning untrusted bytes into clean, safe text: decoding, sniffing, control stripping.

Documents come from folders nobody vetted. Everything that leaves this module is valid
Unicode (no lone surrogates), NFC-normalised, and free of terminal control sequences and
C0/C1 control characters other than newline and tab, so no later stage (index, JSON,
terminal) has to worry about them. No Whoosh, click or Rich here.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

SNIFF_BYTES = 8192  # how much of a file is looked at to decide whether it is binary

# Leading bytes of common binary formats. A text file cannot start with any of these.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\x7fELF", "ELF executable"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"%PDF-", "PDF document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xcf\xfa\xed\xfe", "Mach-O executable"),
    (b"\xca\xfe\xba\xbe", "Java class or Mach-O file"),
    (b"\x00asm", "WebAssembly module"),
)

_MAGIC_FIRST = frozenset(magic[:1] for magic, _ in _MAGIC)

# Byte-order marks, longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# C0 controls that plain text legitimately carries; anything else this common is binary.
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\b\x1b")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in _TEXT_CONTROLS) + b"\x7f"


def bom_encoding(data: bytes) -> tuple[str | None, int]:
    """The encoding named by a byte-order mark at the start of data, and the mark's length."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None, 0


def binary_reason(head: bytes) -> str | None:
    """Why the first bytes of a file say it is not text, or None if it looks like text."""
    if head[:1] in _MAGIC_FIRST:
        for magic, what in _MAGIC:
            if head.startswith(magic):
                return f"binary ({what})"
    encoding, skip = bom_encoding(head)
    if encoding is not None and encoding != "utf-8":
        return None  # UTF-16/32 text is full of NUL bytes by design
    sample = head[skip:SNIFF_BYTES]
    if b"\x00" in sample:
        return "binary (NUL bytes)"
    if sample and len(sample.translate(None, _CONTROL_BYTES)) < len(sample) * 0.9:
        return "binary (control bytes)"
    return None


def decode_bytes(data: bytes, fallback: str | None = None) -> str:
    """Decode file contents: BOM first, then UTF-8, then `fallback` (e.g. an HTML meta
    charset), then cp1252, then latin-1 (which never fails). Newlines become \\n."""
    encoding, skip = bom_encoding(data)
    if encoding is not None:
        text = data[skip:].decode(encoding, errors="replace")
    else:
        text = _decode_unmarked(data, fallback)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _decode_unmarked(data: bytes, fallback: str | None) -> str:
    for encoding in ("utf-8", fallback, "cp1252"):
        if encoding is None:
            continue
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1", errors="replace")


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML file declares in its first KiB (<meta charset=...>), if any."""
    head = data[:1024].lower()
    at = head.find(b"charset=")
    if at < 0:
        return None
    name = head[at + 8 : at + 48].lstrip(b"\"' ")
    end = 0
    while end < len(name) and (name[end : end + 1].isalnum() or name[end : end + 1] in b"-_"):
        end += 1
    return name[:end].decode("ascii") or None


# Terminal escape sequences, removed whole: CSI (ESC [) with its parameters, the string
# commands OSC/DCS/SOS/PM/APC (ESC ] P X ^ _) up to their terminator (BEL or ST) or the end
# of the line when unterminated, and any other ESC + intermediates + final byte. Each
# alternative is linear (no nested repetition). Bare 8-bit C1 introducers are only dropped
# as characters below: in real files they are far more often mis-decoded bytes than escapes.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# What is left after the sequences: C0 except \t \n, DEL, C1, and lone surrogates
# (which JSON "\ud800" escapes produce and which no encoder will write out).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Remove escape sequences and control characters, fix newlines, normalise to NFC."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROLS.search(text):
        text = text.replace("\f", "\n").replace("\v", "\n")
        text = _SURROGATE.sub("\ufffd", text)
        text = _ESCAPES.sub("", text)
        text = _CONTROLS.sub("", text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def clean_line(text: str) -> str:
    """clean_text, then all whitespace runs (newlines too) collapsed to single spaces."""
    return " ".join(clean_text(text).split())


def clean_body(text: str) -> str:
    """clean_text, trailing spaces dropped, runs of blank lines collapsed to one."""
    text = clean_text(text)
    if " \n" in text or "\t\n" in text:  # not a regex: [ \t]+\n is quadratic on long runs
        text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


_BLANK_LINES = re.compile(r"\n{3,}")


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def safe_name(name: str) -> str:
    """A file name as printable, encodable text that stays unique: control characters and
    undecodable bytes (surrogate escapes from os.scandir) become \\xNN escapes."""
    if not _UNSAFE_NAME.search(name):
        return name
    out = []
    for ch in name:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # surrogateescape'd byte
            out.append(f"\\x{code - 0xDC00:02x}")
        elif _UNSAFE_NAME.match(ch):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def truncate(text: str, limit: int) -> str:
    """Cut text to at most `limit` characters at a word boundary, marking the cut with '…'."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def normalise_date(value: object) -> str | None:
    """ISO 8601 text for a date value, or None: see dates.normalise_date, which this
    calls (imported here only when called, so a search never loads the date layouts)."""
    from searchcli.dates import normalise_date as normalise

    return normalise(value)
