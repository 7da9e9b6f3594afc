"""Finding and parsing documents: every format, and every kind of broken or hostile input."""

from __future__ import annotations

import io
import json
import os
import socket
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchcli import documents
from searchcli.documents import FORMATS, SourceFile, parse_file, parse_stream, walk
from searchcli.errors import BadDocument
from searchcli.models import Document, Skip
from searchcli.text import clean_body, clean_line, clean_text, decode_bytes, normalise_date

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SEED = CORPUS / "000_9c47cbdf3046b2eb.txt"


def source(path: Path | str) -> SourceFile:
    """The SourceFile walk() gives for a file named directly."""
    skips: list[Skip] = []
    found = list(walk([str(path)], skips.append))
    assert not skips, skips
    (sf,) = found
    return sf


def parse(path: Path, fmt: str | None = None, **kw: int) -> list[Document | Skip]:
    return list(parse_file(source(path), fmt, **kw))


def one(path: Path, fmt: str | None = None) -> Document:
    (doc,) = parse(path, fmt)
    assert isinstance(doc, Document)
    return doc


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def walked(*paths: Path | str) -> tuple[list[SourceFile], list[Skip]]:
    skips: list[Skip] = []
    files = list(walk([str(p) for p in paths], skips.append))
    return files, skips


def reasons(skips: list[Skip]) -> dict[str, str]:
    return {os.path.basename(s.path): s.reason for s in skips}


def bad(path: Path, fmt: str | None = None, **kw: int) -> str:
    with pytest.raises(BadDocument) as info:
        list(parse_file(source(path), fmt, **kw))
    assert info.value.path == str(path)
    return info.value.reason


# -- .txt --------------------------------------------------------------------------------


def test_seed_article_title_is_not_repeated_in_body() -> None:
    doc = one(SEED)
    assert doc.title == "Azerbaijan reiterates willingness for relations with Armenia"
    assert doc.id == doc.source == SEED.name
    assert doc.path == str(SEED)
    assert doc.date is None
    assert doc.title not in doc.body
    assert doc.body.startswith("EU can contribute to stability")
    assert "News Service AA" in doc.body
    assert "Karabakh" in doc.body


def test_txt_title_without_repeat_and_blank_lines_before(tmp_path: Path) -> None:
    doc = one(write(tmp_path / "a.txt", "\n\n  Rail strike ends  \nTalks succeeded.\n\nMore.\n"))
    assert doc.title == "Rail strike ends"
    assert doc.body == "Talks succeeded.\n\nMore."


def test_txt_only_an_identical_second_line_is_dropped(tmp_path: Path) -> None:
    doc = one(write(tmp_path / "a.txt", "Title here\n\nTitle  here \n\nTitle here\nBody\n"))
    assert doc.body == "Title here\nBody"  # the third copy is body text
    doc = one(write(tmp_path / "b.txt", "Title here\nTitle here, continued\n"))
    assert doc.body == "Title here, continued"


def test_txt_long_first_line_is_a_paragraph_not_a_title(tmp_path: Path) -> None:
    para = "word " * 100
    doc = one(write(tmp_path / "a.txt", para + "\nsecond\n"))
    assert len(doc.title) <= 200 and doc.title.endswith("…")
    assert doc.body.startswith("word word") and doc.body.endswith("second")


def test_crlf_newlines(tmp_path: Path) -> None:
    doc = one(write(tmp_path / "a.txt", b"Title\r\nTitle\r\n\r\nBody line\r\nnext\r\n"))
    assert (doc.title, doc.body) == ("Title", "Body line\nnext")


# -- .md ---------------------------------------------------------------------------------


def test_markdown_front_matter(tmp_path: Path) -> None:
    text = (
        "---\ntitle: 'Budget: the vote'\ndate: 2024-03-01\nurl: https://x.example/b\n"
        "tags: [a, b]\n---\n# Heading\n\nThe *council* voted.\n"
    )
    doc = one(write(tmp_path / "n.md", text))
    assert doc.title == "Budget: the vote"
    assert doc.date == "2024-03-01"
    assert doc.source == "https://x.example/b"
    assert doc.body == "Heading\n\nThe council voted."  # a heading, not the title
    assert "tags" not in doc.body


def test_markdown_heading_title_and_odd_front_matter(tmp_path: Path) -> None:
    doc = one(write(tmp_path / "h.md", "intro line\n```\n# not a heading\n```\n## Sub\n# Real #\n"))
    assert doc.title == "Real"
    assert doc.source == "h.md" and doc.date is None
    # closing #s dropped; a long space run (quadratic for a backtracking regex) is fine
    doc = one(write(tmp_path / "c.md", "# C# notes ##\n#" + " " * 50_000 + "Spaced ###\n"))
    assert doc.title == "C# notes"
    doc = one(write(tmp_path / "s.md", "## Only a second level\ntext\n"))
    assert doc.title == "Only a second level"
    doc = one(write(tmp_path / "p.md", "\nJust prose here.\nMore prose.\n"))
    assert doc.title == "Just prose here."
    # invalid YAML, a list, a non-string title: fall back to the heading, never crash
    for fm in ("title: [unclosed\n", "- a\n- b\n", "title: {a: 1}\ndate: not a date\n"):
        doc = one(write(tmp_path / "y.md", f"---\n{fm}---\n# Fallback\nbody\n"))
        assert (doc.title, doc.date, doc.body) == ("Fallback", None, "body")


# -- .html -------------------------------------------------------------------------------

HTML = """<!doctype html><html><head>
<title> Caf&eacute; &amp; bar
 reopens </title>
<meta property="article:published_time" content="2024-05-02T08:00:00+02:00">
<meta property="og:url" content="https://og.example/x">
<link rel="canonical" href="https://canon.example/x">
<style>p { color: red }</style><script>var secret = "tracking";</script>
</head><body><h1>Other heading</h1>
<p>First&nbsp;paragraph   with
  spaces.</p><p>Second &lt;b&gt; literal</p>
<ul><li>one</li><li>two</li></ul><br>tail<noscript>enable js</noscript>
<template><p>hidden template</p></template><svg><title>icon</title></svg>
</body></html>"""


def test_html_fields(tmp_path: Path) -> None:
    doc = one(write(tmp_path / "p.html", HTML))
    assert doc.title == "Other heading"  # a page's one <h1> is its headline
    assert doc.date == "2024-05-02T08:00:00+02:00"  # htmldate's day, with the page's time
    assert doc.source == "https://canon.example/x"  # canonical before og:url
    assert (doc.author, doc.site) == (None, "og.example")  # no site name: the host
    assert doc.body == (
        "Other heading\nFirst paragraph with spaces.\nSecond <b> literal\none\ntwo\ntail"
    )
    for hidden in ("secret", "color", "enable js", "hidden template", "icon"):
        assert hidden not in doc.body


def test_html_fallbacks(tmp_path: Path) -> None:
    text = '<h1>Main <em>story</em></h1><p>Text</p><time datetime="2024-01-05">5 Jan</time>'
    text += '<meta property="og:url" content="https://og.example/y">'
    doc = one(write(tmp_path / "p.htm", text))
    assert (doc.title, doc.date, doc.source) == ("Main story", "2024-01-05", "https://og.example/y")
    doc = one(write(tmp_path / "q.html", "<div>plain page</div><div>second</div>"))
    assert (doc.title, doc.source, doc.body) == ("plain page", "q.html", "plain page\nsecond")


def test_html_unclosed_and_broken_markup(tmp_path: Path) -> None:
    # how html.parser reads the broken part differs between Python versions: no crash,
    # and the good part is there
    doc = one(write(tmp_path / "b.html", "<p>ok</p><div <<a href='x>text & more</p></b><script>x"))
    assert (doc.title, doc.body.split("\n")[0]) == ("ok", "ok")
    doc = one(write(tmp_path / "c.html", "<p>a<title>late</title>b</p><pre>  l1\n  l2</pre>"))
    assert (doc.title, doc.body) == ("late", "ab\nl1\nl2")


def test_html_meta_charset_used_when_not_utf8(tmp_path: Path) -> None:
    data = '<meta charset="koi8-r"><title>Привет</title><p>мир</p>'.encode("koi8-r")
    doc = one(write(tmp_path / "r.html", data))
    assert (doc.title, doc.body) == ("Привет", "мир")


# -- .json and .jsonl --------------------------------------------------------------------


def test_json_array_ids_sources_dates(tmp_path: Path) -> None:
    records = [
        {"id": "own", "title": "A", "body": "alpha", "url": "https://a", "date": "2024-02-03"},
        {"title": "B", "text": "beta", "date": "Tue, 04 Jun 2024 10:20:30 +0000"},
        {"id": 17, "content": "gamma", "source": "feed", "date": "someday"},
    ]
    items = parse(write(tmp_path / "d" / "x.json", json.dumps(records)))
    assert [(d.id, d.title, d.body, d.source, d.date) for d in items] == [  # type: ignore[union-attr]
        ("own", "A", "alpha", "https://a", "2024-02-03"),
        ("x.json#2", "B", "beta", "x.json", "2024-06-04T10:20:30+00:00"),
        ("17", "", "gamma", "feed", None),
    ]


def test_json_file_holding_json_lines_is_read_as_lines(tmp_path: Path) -> None:
    items = parse(write(tmp_path / "n.json", '{"body": "one"}\n{"body": 2}\n\n{"body": "x"}\n'))
    assert [(getattr(i, "id", None), getattr(i, "line", None)) for i in items] == [
        ("n.json#1", None),
        (None, 2),
        ("n.json#4", None),
    ]


def test_json_single_object_has_no_record_number(tmp_path: Path) -> None:
    doc = one(write(tmp_path / "o.json", '{"title": "T", "body": "B"}'))
    assert (doc.id, doc.title, doc.body, doc.source) == ("o.json", "T", "B", "o.json")


def test_json_wrong_types_are_reported_not_indexed(tmp_path: Path) -> None:
    records: list[object] = [
        {"body": 42},
        {"body": ["a", "list"]},
        {"body": {"a": 1}},
        {"title": "no body"},  # a headline-only record is kept
        {"body": "   "},
        {"title": 5, "body": "x"},
        {"id": [1], "body": "x"},
        {"id": True, "body": "x"},
        {"source": 3, "body": "x"},
        "a string",
        None,
        {"body": "good", "date": {"day": 1}},  # a date of the wrong type is just no date
        {"id": "dup", "body": "first"},
        {"id": "dup", "body": "second"},
    ]
    items = parse(write(tmp_path / "w.json", json.dumps(records)))
    skips = {s.line: s.reason for s in items if isinstance(s, Skip)}
    assert skips == {
        1: "'body' must be a string, not number",
        2: "'body' must be a string, not array",
        3: "'body' must be a string, not object",
        5: "no body (expected a non-empty 'body', 'text' or 'content' string)",
        6: "'title' must be a string, not number",
        7: "'id' must be a string or an integer, not array",
        8: "'id' must be a string or an integer, not boolean",
        9: "'source' must be a string, not number",
        10: "record is a JSON string, not an object",
        11: "record is a JSON null, not an object",
        14: "duplicate id 'dup'",
    }
    docs = [d for d in items if isinstance(d, Document)]
    assert [(d.id, d.title, d.body, d.date) for d in docs] == [
        ("w.json#4", "no body", "", None),
        ("w.json#12", "", "good", None),
        ("dup", "", "first", None),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[1, 2", "invalid JSON: Expecting ',' delimiter at line 1"),
        ('"just a string"', "JSON is neither an object nor an array of objects"),
        ('{"body": 1}', "'body' must be a string, not number"),
        ("[" * 100_000 + "]" * 100_000, "invalid JSON: maximum recursion depth exceeded"),
        ("9" * 5000, "invalid JSON: Exceeds the limit (4300 digits)"),
        (" \n\t ", "empty"),
    ],
)
def test_json_file_level_failures(tmp_path: Path, text: str, reason: str) -> None:
    assert bad(write(tmp_path / "f.json", text)).startswith(reason)


def test_jsonl_malformed_lines_are_reported_with_line_numbers(tmp_path: Path) -> None:
    lines = [
        '{"id": "a", "title": "One", "body": "first"}',
        "",
        "{not json",
        '{"body": "third", "url": "https://u"}',
        "[1, 2]",
        '{"title": "T", "body": 3}',
        '{"body": "' + "9" * 10 + '"}   ',
        "   ",
        '{"body": "last"',
    ]
    items = parse(write(tmp_path / "l.jsonl", "\n".join(lines) + "\n"))
    assert [(type(i).__name__, getattr(i, "id", None), i.line if isinstance(i, Skip) else None)
            for i in items] == [
        ("Document", "a", None),
        ("Skip", None, 3),
        ("Document", "l.jsonl#4", None),
        ("Skip", None, 5),
        ("Skip", None, 6),
        ("Document", "l.jsonl#7", None),
        ("Skip", None, 9),
    ]  # fmt: skip
    skips = [i for i in items if isinstance(i, Skip)]
    assert skips[0].reason.startswith("invalid JSON: Expecting property name")
    assert skips[1].reason == "record is a JSON array, not an object"
    assert str(skips[0]) == f"{tmp_path / 'l.jsonl'}:3: {skips[0].reason}"


def test_jsonl_long_line_is_skipped_and_the_rest_read(tmp_path: Path) -> None:
    long = json.dumps({"body": "x" * 5000})
    text = '{"body": "before"}\n' + long + '\n{"body": "after"}\n'
    items = parse(write(tmp_path / "big.jsonl", text), max_bytes=1000)
    assert [getattr(i, "body", None) for i in items] == ["before", None, "after"]
    assert items[1] == Skip(str(tmp_path / "big.jsonl"), "line too long (over 1000 bytes)", 2)


def test_jsonl_with_bom_and_utf16(tmp_path: Path) -> None:
    text = '{"body": "één"}\n{"body": "two"}\n'
    for name, data in [
        ("a.jsonl", b"\xef\xbb\xbf" + text.encode()),
        ("b.jsonl", text.encode("utf-16")),
        ("c.jsonl", b"\xff\xfe\x00\x00" + text.encode("utf-32-le")),
    ]:
        items = parse(write(tmp_path / name, data))
        assert [d.body for d in items] == ["één", "two"], name  # type: ignore[union-attr]


def test_jsonl_blank_only_is_empty(tmp_path: Path) -> None:
    assert bad(write(tmp_path / "e.jsonl", "\n  \n\n")) == "empty"


def test_format_is_forced(tmp_path: Path) -> None:
    path = write(tmp_path / "records.txt", '{"body": "one"}\n{"body": "two"}\n')
    assert [d.id for d in parse(path, "jsonl")] == ["records.txt#1", "records.txt#2"]  # type: ignore[union-attr]
    assert one(path).title == '{"body": "one"}'  # by extension it is plain text
    assert one(write(tmp_path / "page.txt", "<title>T</title>b"), "html").title == "T"
    with pytest.raises(ValueError, match="unknown format"):
        parse_file(source(path), "pdf")
    assert set(FORMATS) == {"txt", "md", "html", "json", "jsonl"}


def test_parse_stream() -> None:
    data = b'{"id": "s1", "body": "from stdin"}\nnot json\n\n{"title": "T", "text": "x"}\n'
    items = list(parse_stream(io.BytesIO(data)))
    assert items[0] == Document("s1", "", "from stdin", "-", "-", None)
    assert isinstance(items[1], Skip) and (items[1].path, items[1].line) == ("-", 2)
    assert items[2] == Document("-#4", "T", "x", "-", "-", None)
    named = list(parse_stream(io.StringIO('{"body": "t"}\n'), name="feed"))
    assert named == [Document("feed#1", "", "t", "feed", "feed", None)]


# -- decoding, binary, sizes -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary (PNG image)"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 20, "binary (ELF executable)"),
        (b"PK\x03\x04\x14\x00", "binary (ZIP archive)"),
        (b"%PDF-1.7\n", "binary (PDF document)"),
        (b"text then a NUL\x00 byte", "binary (NUL bytes)"),
        (bytes(range(1, 32)) * 20, "binary (control bytes)"),
        (b"", "empty"),
        (b" \n\t\r\n  ", "empty"),
        (b"\xef\xbb\xbf  \n", "empty"),
    ],
)
def test_unusable_files(tmp_path: Path, data: bytes, reason: str) -> None:
    for ext in ("txt", "md", "html", "json", "jsonl"):
        assert bad(write(tmp_path / f"f.{ext}", data)) == reason, ext


@pytest.mark.parametrize(
    ("name", "text"),
    [("a.html", "<html><script>x()</script><p> </p></html>"), ("b.txt", "\x1b[31m\x1b[0m\n")],
)
def test_no_text_left_after_parsing(tmp_path: Path, name: str, text: str) -> None:
    assert bad(write(tmp_path / name, text)) == "no text"


def test_nul_after_the_sniffed_head_is_stripped(tmp_path: Path) -> None:
    doc = one(write(tmp_path / "a.txt", b"Title\n" + b"x" * 9000 + b"\x00tail"))
    assert doc.body.endswith("xtail") and "\x00" not in doc.body


def test_encodings(tmp_path: Path) -> None:
    assert one(write(tmp_path / "u16.txt", "Überschrift\nKörper\n".encode("utf-16"))).body == (
        "Körper"
    )
    assert (
        one(write(tmp_path / "be.txt", b"\xfe\xff" + "Ti\nBo\n".encode("utf-16-be"))).title == "Ti"
    )
    assert one(write(tmp_path / "sig.txt", "\ufeffTitle\nbody".encode())).title == "Title"
    cp = one(write(tmp_path / "cp.txt", b"Caf\xe9 \x93quoted\x94\nbody \x80 5"))
    assert (cp.title, cp.body) == ("Café “quoted”", "body € 5")
    latin = one(write(tmp_path / "l1.txt", b"Stra\xdfe \x81\nbody"))
    assert latin.title == "Straße"  # 0x81 is no cp1252 character: latin-1, then dropped


def test_nfc_normalisation(tmp_path: Path) -> None:
    doc = one(write(tmp_path / "a.txt", "Cafe\u0301\nAzərbaycan e\u0301"))
    assert doc.title == "Café" and doc.body == "Azərbaycan é"


def test_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "big.txt", "Title\n" + "x" * 3000)
    assert bad(path, max_bytes=2048) == "too large (2.9 KiB, limit 2.0 KiB)"
    assert one(path).title == "Title"  # the default cap is 10 MiB
    records = write(tmp_path / "big.json", json.dumps([{"body": "x" * 3000}]))
    assert len(parse(records, max_bytes=100)) == 1  # .json has its own, larger cap
    monkeypatch.setattr(documents, "JSON_MAX_BYTES", 1024)
    assert bad(records, max_bytes=100) == "too large (2.9 KiB, limit 1.0 KiB)"


def test_large_sparse_file_is_skipped_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:
        f.truncate(200 * 1024 * 1024)  # 200 MiB of holes: costs no disk
    assert bad(path) == "too large (200.0 MiB, limit 10.0 MiB)"


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "secret.txt", "Title\nbody")
    sf = source(path)
    real_open = os.open

    def deny(p: str, *a: int) -> int:
        if p == str(path):
            raise PermissionError(13, "Permission denied", p)
        return real_open(p, *a)

    monkeypatch.setattr(os, "open", deny)
    with pytest.raises(BadDocument, match="unreadable \\(permission denied\\)"):
        list(parse_file(sf))


def test_unreadable_file_for_real(tmp_path: Path) -> None:
    path = write(tmp_path / "secret.txt", "Title\nbody")
    path.chmod(0)
    if os.access(path, os.R_OK):
        pytest.skip("this user (root) reads files whatever their mode")
    assert bad(path) == "unreadable (permission denied)"


def test_file_replaced_by_fifo_after_walk_does_not_block(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "x")
    sf = source(path)
    path.unlink()
    os.mkfifo(path)
    with pytest.raises(BadDocument, match="not a regular file \\(FIFO\\)"):
        parse_file(sf)
    path.unlink()
    with pytest.raises(BadDocument, match="file vanished"):
        parse_file(sf)


# -- hostile text ------------------------------------------------------------------------

HOSTILE = (
    "Ti\x1b[31mtle\x1b[0m\x07 \x1b]0;pwned\x07here\n"
    "body \x1b]52;c;ZWNobyBoaQ==\x07copied \x1b]8;;https://evil\x1b\\link\x1b]8;;\x1b\\ "
    "\x1bP+q544e\x1b\\dcs \x9b31m c1 \x7fdel \x1b(B charset\tTab [bold red]markup[/]\x1b"
)


@pytest.mark.parametrize("ext", ["txt", "md", "html"])
def test_control_sequences_never_reach_fields(tmp_path: Path, ext: str) -> None:
    doc = one(write(tmp_path / f"h.{ext}", HOSTILE))
    assert doc.title.startswith("Title here")  # in HTML the newline is just a space
    for text in (doc.title, doc.body, doc.source):
        assert not any(ord(c) < 32 and c not in "\n\t" or 0x7F <= ord(c) <= 0x9F for c in text)
    for gone in ("pwned", "ZWNob", "evil", "544e", "(B"):
        assert gone not in doc.body
    assert "copied link dcs 31m c1 del" in doc.body  # a bare C1 CSI: only the byte goes
    assert "Tab [bold red]markup[/]" in doc.body  # Rich markup is text; render escapes it


def test_control_sequences_in_json_fields(tmp_path: Path) -> None:
    record = {"id": "a\nb\x1b[2J", "title": "t\u001b]52;c;eA==\u0007x", "body": "b\ud800\u0000y",
              "source": "s\x1b[1mrc", "date": "2024-01-01\x1b[0m"}  # fmt: skip
    doc = one(write(tmp_path / "h.json", json.dumps(record)))
    assert (doc.id, doc.title, doc.body, doc.source) == ("a b", "tx", "b\ufffdy", "src")
    json.dumps(doc.to_dict(), ensure_ascii=False).encode("utf-8")  # no lone surrogates


def test_clean_helpers() -> None:
    assert clean_text("a\r\nb\rc\fd") == "a\nb\nc\nd"
    assert clean_text("unterminated \x1b]52;c;eA== osc\nnext line") == "unterminated \nnext line"
    assert clean_line("  many \n\t spaces ") == "many spaces"
    assert decode_bytes(b"\xff\xfe" + "hi".encode("utf-16-le")) == "hi"
    assert clean_text("x" * 10) == "x" * 10
    assert (
        clean_body(" a \t\n\n\n\nb  \n" + " " * 100_000 + "c \n")
        == "a\n\nb\n" + " " * 100_000 + "c"
    )


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2024-03-01", "2024-03-01"),
        ("20240301", "2024-03-01"),
        ("2024-03-01T10:20:30.123Z", "2024-03-01T10:20:30+00:00"),
        ("2024-03-01 10:20", "2024-03-01T10:20:00"),
        ("Fri, 01 Mar 2024 10:20:30 +0100", "2024-03-01T10:20:30+01:00"),
        ("March 1, 2024", "2024-03-01"),
        ("1 Mar 2024", "2024-03-01"),
        ("2024/03/01", "2024-03-01"),
        ("2024-02-30", None),
        ("yesterday", None),
        ("", None),
        ("9" * 1000, None),
        ("Fri, 99 Foo 2024 99:99:99", None),
        (20240301, "2024-03-01"),
        (None, None),
    ],
)
def test_dates(value: object, iso: str | None) -> None:
    assert normalise_date(value) == iso


# -- walking -----------------------------------------------------------------------------


def test_walk_sorted_filtered_with_keys(tmp_path: Path) -> None:
    for name in ("b.md", "a.txt", "c.html", "d.htm", "e.json", "f.jsonl", "g.markdown",
                 "h.TXT", "skip.png", "skip", ".hidden.txt", "sub/z.txt", "sub/deep/y.md",
                 ".git/x.txt", "sub/.cache/w.txt", "with space.txt"):  # fmt: skip
        write(tmp_path / name, "x")
    files, skips = walked(tmp_path)
    assert skips == []
    assert [f.key for f in files] == [
        "a.txt", "b.md", "c.html", "d.htm", "e.json", "f.jsonl", "g.markdown", "h.TXT",
        "sub/deep/y.md", "sub/z.txt", "with space.txt",
    ]  # fmt: skip
    assert files[0].path == os.path.join(str(tmp_path), "a.txt")
    assert files[0].size == 1 and files[0].mtime_ns == os.stat(files[0].path).st_mtime_ns
    assert list(walk([str(tmp_path)], print)) == files  # deterministic
    again, skips = walked(tmp_path / "sub", tmp_path)  # named twice: walked once
    outside = [f.key for f in files if not f.key.startswith("sub/")]
    assert [f.key for f in again] == ["deep/y.md", "z.txt", *outside]
    assert skips == [Skip(str(tmp_path / "sub"), "folder already walked through another path")]


def test_walk_file_named_directly_and_missing_paths(tmp_path: Path) -> None:
    odd = write(tmp_path / "dir" / ".notes.weird", "Title\nbody")
    files, skips = walked(odd, tmp_path / "nope", tmp_path / "dir")
    assert [(f.key, f.path) for f in files] == [(".notes.weird", str(odd))]
    assert skips == [Skip(str(tmp_path / "nope"), "no such file or folder")]
    assert one(odd).title == "Title"  # unknown extension: parsed as text


def test_walk_links_loops_and_special_files(tmp_path: Path) -> None:
    root = tmp_path / "root"
    write(root / "real" / "doc.txt", "x")
    (root / "loop").symlink_to(root)  # back to the folder it is in
    (root / "real" / "up").symlink_to("..")
    (root / "self.txt").symlink_to("self.txt")  # a link to itself
    (root / "dangling.txt").symlink_to(tmp_path / "missing")
    (root / "alias").symlink_to(root / "real")  # the same folder twice
    (root / "file_link.txt").symlink_to(root / "real" / "doc.txt")
    os.mkfifo(root / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(root / "sock"))
        files, skips = walked(root)
    finally:
        sock.close()
    assert [f.key for f in files] == ["file_link.txt", "real/doc.txt"]
    assert reasons(skips) == {
        "alias": "folder already walked through another path",
        "dangling.txt": "dangling symlink",
        "loop": "symlink loop (links back to a folder it is inside)",
        "pipe.txt": "not a regular file (FIFO)",
        "self.txt": "symlink loop",
        "sock": "not a regular file (socket)",
        "up": "symlink loop (links back to a folder it is inside)",
    }
    files, skips = walked(root / "self.txt", root / "dangling.txt", root / "pipe.txt")
    assert files == [] and [s.reason for s in skips] == [
        "symlink loop", "dangling symlink", "not a regular file (FIFO)"]  # fmt: skip


def test_walk_devices_named_directly() -> None:
    _, skips = walked("/dev/null")
    assert skips == [Skip("/dev/null", "not a regular file (character device)")]


def test_walk_unreadable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "ok" / "a.txt", "x")
    write(tmp_path / "locked" / "b.txt", "x")
    real_scandir = os.scandir

    def scandir(path: str):  # type: ignore[no-untyped-def]
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(documents.os, "scandir", scandir)
    files, skips = walked(tmp_path)
    assert [f.key for f in files] == ["ok/a.txt"]
    assert skips == [Skip(str(tmp_path / "locked"), "unreadable folder (permission denied)")]


def test_walk_unreadable_folder_for_real(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    write(locked / "b.txt", "x")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("this user (root) lists folders whatever their mode")
        _, skips = walked(tmp_path)
    finally:
        locked.chmod(0o755)
    assert skips == [Skip(str(locked), "unreadable folder (permission denied)")]


def test_walk_odd_names(tmp_path: Path) -> None:
    raw = os.fsencode(str(tmp_path)) + b"/caf\xe9 bad.txt"
    with open(raw, "wb") as f:
        f.write(b"Latin name\nbody")
    write(tmp_path / "new\nline.txt", "Newline name\nbody")
    write(tmp_path / "esc\x1b[31m.txt", "Escape name\nbody")
    files, _ = walked(tmp_path)
    assert sorted(f.key for f in files) == [
        "caf\\xe9 bad.txt", "esc\\x1b[31m.txt", "new\\x0aline.txt"]  # fmt: skip
    by_key = {f.key: f for f in files}
    latin = by_key["caf\\xe9 bad.txt"]
    assert os.fsencode(latin.path) == raw  # the path still opens the file
    doc = one(Path(latin.path))
    assert (doc.title, doc.id, doc.source) == ("Latin name", "caf\\xe9 bad.txt", "caf\\xe9 bad.txt")
    (item,) = parse_file(by_key["new\\x0aline.txt"])
    assert isinstance(item, Document) and item.source == "new\\x0aline.txt"
    json.dumps(item.to_dict(), ensure_ascii=False).encode("utf-8")


def test_walk_deeply_nested(tmp_path: Path) -> None:
    deep = tmp_path
    for _ in range(120):
        deep = deep / "d"
    write(deep / "bottom.txt", "x")
    files, skips = walked(tmp_path)
    assert skips == [] and [f.key for f in files] == ["d/" * 120 + "bottom.txt"]


def test_bundled_corpus_parses_cleanly() -> None:
    files, skips = walked(CORPUS)
    assert skips == []
    assert {os.path.splitext(f.key)[1] for f in files} >= {
        ".txt",
        ".md",
        ".html",
        ".json",
        ".jsonl",
    }
    docs = [d for f in files for d in parse_file(f)]
    assert all(isinstance(d, Document) and d.title and d.body for d in docs)
    ids = [d.id for d in docs]  # type: ignore[union-attr]
    assert len(ids) == len(set(ids))
    assert sum("karabakh" in d.body.lower() for d in docs) == 1  # type: ignore[union-attr]


# -- properties --------------------------------------------------------------------------

FORBIDDEN = {chr(c) for c in [*range(32), *range(0x7F, 0xA0)]} - {"\n", "\t"}


def assert_clean(text: str, *, one_line: bool = False) -> None:
    assert not FORBIDDEN & set(text), repr(text)
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in text)
    if one_line:
        assert "\n" not in text and "\t" not in text
    text.encode("utf-8")


@given(st.text())
def test_clean_text_leaves_no_controls_and_is_idempotent(text: str) -> None:
    cleaned = clean_text(text)
    assert_clean(cleaned)
    assert clean_text(cleaned) == cleaned
    assert_clean(clean_line(text), one_line=True)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
records = st.dictionaries(
    st.sampled_from(["id", "title", "body", "text", "content", "source", "url", "date", "x"]),
    json_values,
)


def assert_item(item: Document | Skip) -> None:
    if isinstance(item, Skip):
        assert item.reason and (item.line is None or item.line >= 1)
        return
    for text in (item.id, item.title, item.source):
        assert_clean(text, one_line=True)
    assert_clean(item.body)
    assert item.id and item.source
    assert item.date is None or item.date[:4].isdigit()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=600), fmt=st.sampled_from(FORMATS))
def test_any_bytes_give_documents_or_a_reason(data: bytes, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f.{fmt}"
        path.write_bytes(data)
        try:
            items = list(parse_file(source(path)))
        except BadDocument as exc:
            assert exc.reason
            return
        for item in items:
            assert_item(item)


@settings(max_examples=80, deadline=None)
@given(st.lists(records | json_values, max_size=5))
def test_any_json_records_give_documents_or_reasons(values: list[object]) -> None:
    lines = b"\n".join(json.dumps(v).encode() for v in values)
    items = list(parse_stream(io.BytesIO(lines)))
    assert len(items) == len(values)
    for item in items:
        assert_item(item)


def _interrupt_at(step: int, functions: set[Any]) -> Any:
    """A trace function that raises KeyboardInterrupt at the `step`-th line or return
    of the given functions, as a Ctrl-C handled there would (Python unsets a trace
    function that raised, so it fires once). Not at the opener's return of a plain
    int: Python handles signals after a call or a loop's jump, and none comes between
    its last line and the file object taking the descriptor."""
    count = 0

    def local(frame: Any, event: str, arg: object) -> Any:
        nonlocal count
        if event == "line" or (event == "return" and not isinstance(arg, int)):
            count += 1
            if count == step:
                raise KeyboardInterrupt
        return local

    return lambda frame, event, arg: local if frame.f_code in functions else None


@pytest.mark.parametrize("fmt", ["txt", "jsonl"])
def test_ctrl_c_while_a_file_is_opened_is_an_interrupt_never_a_skip(
    tmp_path: Path, fmt: str
) -> None:
    """At every step of opening a file, a Ctrl-C comes out as KeyboardInterrupt, and
    the descriptor is closed once: a double close raised "Bad file descriptor", which
    replaced the interrupt and made the run skip the file and carry on."""
    import gc
    import sys

    path = write(
        tmp_path / f"a.{fmt}", '{"title": "T", "body": "b"}\n' if fmt == "jsonl" else "T\n\nb\n"
    )
    sf = source(path)
    functions = {
        f.__code__ for f in vars(documents).values() if callable(f) and hasattr(f, "__code__")
    }
    functions.add(os.fdopen.__code__)
    canary = os.open(path, os.O_RDONLY)  # a descriptor a second close could hit
    fds = len(os.listdir("/proc/self/fd"))
    try:
        for step in range(1, 500):
            sys.settrace(_interrupt_at(step, functions))
            try:
                docs = list(parse_file(sf))
            except KeyboardInterrupt:
                pass
            else:  # past the last step: read in full
                assert [d.title for d in docs if isinstance(d, Document)] == ["T"]
                break
            finally:
                sys.settrace(None)
            assert os.fstat(canary)
            gc.collect()  # the traceback's frames may still hold the file object
            assert len(os.listdir("/proc/self/fd")) == fds, f"a descriptor leaked at step {step}"
        else:
            raise AssertionError("never read the file in full")
    finally:
        os.close(canary)
