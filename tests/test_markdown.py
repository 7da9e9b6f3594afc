"""Markdown files as the text a reader sees: every construct, titles, front matter, limits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from searchcli.documents import parse_file, walk
from searchcli.markdown_text import MARKUP_MAX, NESTING, parse_markdown
from searchcli.models import Document, Skip

# A page in the layout of the tldr pages (written for this test).
TLDR = """# git get-tar-commit-id

> Extract the commit ID from an archive made by `git archive`.
> More information: <https://git-scm.com/docs/git-get-tar-commit-id>.

- Print the commit ID of a **tar** archive:

`git get-tar-commit-id < {{path/to/archive.tar}}`

- Print it for a _gzipped_ archive:

`gzip -dc {{path/to/archive.tar.gz}} | git get-tar-commit-id`
"""


def body(text: str) -> str:
    return parse_markdown(text).body


def test_tldr_page_reads_as_text() -> None:
    parsed = parse_markdown(TLDR)
    assert parsed.title == "git get-tar-commit-id"
    assert parsed.body == (
        "Extract the commit ID from an archive made by git archive. More information: "
        "https://git-scm.com/docs/git-get-tar-commit-id.\n\n"
        "Print the commit ID of a tar archive:\n\n"
        "git get-tar-commit-id < {{path/to/archive.tar}}\n\n"
        "Print it for a gzipped archive:\n\n"
        "gzip -dc {{path/to/archive.tar.gz}} | git get-tar-commit-id"
    )


@pytest.mark.parametrize(
    ("source", "text"),
    [
        (
            "Some *em*, **strong**, ***both***, _u_ and ~~gone~~ words.",
            "Some em, strong, both, u and gone words.",
        ),
        ('A [link](https://x.example/a "T") and ![a logo](logo.png).', "A link and a logo."),
        (
            "A [reference][r] and a [collapsed][].\n\n[r]: https://x.example/r\n[collapsed]: /c",
            "A reference and a collapsed.",
        ),
        (
            "Mail <me@x.example> or see <https://x.example>.",
            "Mail me@x.example or see https://x.example.",
        ),
        ("Run `make -j2` now.", "Run make -j2 now."),
        ("```python\nx = 1  # not a heading\n\ny = 2\n```", "x = 1  # not a heading\n\ny = 2"),
        ("    indented code\n    more", "indented code\nmore"),
        ("> quoted\n> > deeper", "quoted\n\ndeeper"),
        ("- one\n- two\n  - nested\n1. first\n2. second", "one\ntwo\nnested\n\nfirst\nsecond"),
        ("| a | *b* |\n|---|---|\n| 1 | `x` |\n|  | y |", "a  b\n1  x\ny"),
        ("Setext heading\n==============\n\ntext", "Setext heading\n\ntext"),
        ("para one\nsame para\n\npara two", "para one same para\n\npara two"),
        ("line  \nbreak and a<br>tag", "line\nbreak and a tag"),
        ("Escaped \\*stars\\* &amp; &copy; entities", "Escaped *stars* & © entities"),
        ("text <!-- a comment --> more\n\n<!-- block\ncomment -->\n\nend", "text  more\n\nend"),
        (
            "<details><summary>More &amp; more</summary>\n\nhidden?\n</details>",
            "More & more\n\nhidden?",
        ),
        ("<div>\n<script>var x = 1;</script><b>bold</b> html\n</div>", "bold html"),
        ("a\n\n---\n\nb", "a\n\nb"),
        ("## Heading with `code` and [link](u) ##", "Heading with code and link"),
    ],
)
def test_markdown_constructs(source: str, text: str) -> None:
    assert body("# Title\n\n" + source) == text


def test_no_markup_left_in_a_real_looking_readme() -> None:
    readme = (
        "# Tool\n\n[![build](https://ci.example/badge.svg)](https://ci.example)\n\n"
        "## Install\n\n```sh\npip install tool\n```\n\n**Note:** see [the docs][d].\n\n"
        "[d]: https://docs.example/tool\n"
    )
    text = body(readme)
    assert text == "build\n\nInstall\n\npip install tool\n\nNote: see the docs."
    for syntax in ("#", "**", "](", "[d]", "docs.example", "```", "badge"):
        assert syntax not in text


@pytest.mark.parametrize(
    ("source", "title"),
    [
        ("# **Bold** _title_ with [a link](u)\n\ntext", "Bold title with a link"),
        ("## Second\n\n# First\n", "First"),  # a level-1 heading wins
        ("### Three\n\n## Two\n", "Two"),  # else the highest level there is
        ("Underlined\n---\n\ntext", "Underlined"),
        ("```\n# in a fence\n```\n\n## Real", "Real"),
        ("\nJust prose, *with* emphasis.\nMore prose.\n", "Just prose, with emphasis."),
        ("# C# notes ##\n", "C# notes"),
        ("---\ntitle: 'From: front matter'\n---\n# Heading\n", "From: front matter"),
        ("---\ntitle: 2024\n---\n# Heading\n", "2024"),
        ("---\ntitle: [a, list]\n---\n# Heading\n", "Heading"),
    ],
)
def test_titles(source: str, title: str) -> None:
    assert parse_markdown(source).title == title


def test_title_heading_not_repeated_in_body_but_other_headings_kept() -> None:
    parsed = parse_markdown("# Report\n\nIntro.\n\n# Report\n\n## Details\n\nMore.")
    assert parsed.body == "Intro.\n\nReport\n\nDetails\n\nMore."
    fm = parse_markdown("---\ntitle: Other\n---\n# Report\n\nIntro.")
    assert fm.body == "Report\n\nIntro."
    long = "# " + "word " * 60 + "\n\nIntro."  # a heading too long to be the whole title
    assert parse_markdown(long).body.startswith("word word")


@pytest.mark.parametrize(
    ("front", "date"),
    [
        ("date: 2026-11-27", "2026-11-27"),
        ("date: 2026-11-27 10:31:00 +03:00", "2026-11-27T10:31:00+03:00"),
        ("date: 2026-11-27T10:31:00Z", "2026-11-27T10:31:00+00:00"),
        ("date: '27 Nov 2026'", "2026-11-27"),
        ("date: November 27, 2026", "2026-11-27"),
        ("published: 2026-11-27", "2026-11-27"),
        ("date: TBD\npublished: 2026-11-27", "2026-11-27"),  # first usable key wins
        ("date: 2026-01-01\npublished: 2026-11-27", "2026-01-01"),
        ("date: 1795775460", "2026-11-27T10:31:00+00:00"),
        ("date: not a date", None),
        ("date: 2026-02-30", None),
        ("date: [2026, 11, 27]", None),
        ("date: {year: 2026}", None),
        ("date: true", None),
        ("date:", None),
    ],
)
def test_front_matter_dates(front: str, date: str | None) -> None:
    parsed = parse_markdown(f"---\n{front}\n---\n# Note\n\ntext\n")
    assert parsed.date == date
    assert parsed.body == "text"  # a bad date costs nothing else


def test_too_much_markup_is_indexed_as_source_with_a_clean_title() -> None:
    dense = "# **Dense** page\n\n" + "[x] " * (MARKUP_MAX // 3 + 1)
    parsed = parse_markdown(dense)
    assert parsed.title == "Dense page"
    assert parsed.body == dense  # every word kept, syntax and all
    assert body("# Light\n\n" + "[x] " * 100) == ("[x] " * 100).strip()


def test_nesting_deeper_than_the_parser_goes_keeps_every_word() -> None:
    deep = ">" * (NESTING + 5) + " buried words\n\n# After\n\ntail words"
    parsed = parse_markdown(deep)
    assert "buried words" in parsed.body and "tail words" in parsed.body
    lists = "".join("  " * i + f"- item{i}\n" for i in range(NESTING * 2))
    assert f"item{NESTING * 2 - 1}" in body(lists)


@pytest.mark.parametrize(
    "hostile",
    ["[" * 50_000, "*a" * 40_000, "x" + "`" * 50_000, "<" * 50_000, "[a](" * 20_000, "\\" * 50_000],
)
def test_hostile_markdown_never_fails_and_keeps_text(hostile: str) -> None:
    parsed = parse_markdown(hostile)
    assert isinstance(parsed.body, str)
    letters = sorted(set(c for c in hostile if c.isalpha()))
    assert all(c in parsed.body + parsed.title for c in letters)


def test_markdown_file_through_the_pipeline(tmp_path: Path) -> None:
    path = tmp_path / "tldr.md"
    path.write_text("---\ndate: 2026-11-27\n---\n" + TLDR.replace("\n", "\r\n"), encoding="utf-8")
    skips: list[Skip] = []
    (sf,) = walk([str(path)], skips.append)
    (doc,) = parse_file(sf)
    assert isinstance(doc, Document)
    assert (doc.title, doc.date) == ("git get-tar-commit-id", "2026-11-27")
    assert doc.body.startswith("Extract the commit ID") and "](" not in doc.body


def test_a_search_imports_neither_markdown_it_nor_the_date_layouts(corpus_index: Path) -> None:
    code = (
        "import sys\n"
        "from searchcli.cli import main\n"
        f"sys.argv = ['searchcli', 'search', '--index', {str(corpus_index)!r}, 'library']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('markdown_it', 'searchcli.dates',"
        " 'searchcli.markdown_text', 'yaml'))), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "library" in done.stdout.lower()
    assert done.stderr.strip().splitlines()[-1] == "[]"
