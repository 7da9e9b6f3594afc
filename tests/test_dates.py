"""Dates from every format, as ISO 8601: field values, JSON keys, .txt datelines, display."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchcli.cli import cli
from searchcli.dates import DATE_KEYS, dateline, first_date, normalise_date
from searchcli.documents import parse_file, walk
from searchcli.formats import parse_txt
from searchcli.models import Document, Skip
from searchcli.text import normalise_date as text_normalise_date

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2026-11-27", "2026-11-27"),
        ("20261127", "2026-11-27"),
        ("2026-11-27T10:31:00Z", "2026-11-27T10:31:00+00:00"),
        ("2026-11-27T10:31:00.123456789+03:00", "2026-11-27T10:31:00+03:00"),
        ("2026-11-27T10:31:00+0300", "2026-11-27T10:31:00+03:00"),
        ("2026-11-27T10:31:00+03:00[Europe/Istanbul]", "2026-11-27T10:31:00+03:00"),
        ("Fri Nov 27 07:31:00 +0000 2026", "2026-11-27T07:31:00+00:00"),  # Twitter's created_at
        ("2026-11-27 10:31", "2026-11-27T10:31:00"),  # no zone named: local time as given
        ("2026-11-27 10:31 GMT+3", "2026-11-27T10:31:00+03:00"),
        ("2026-11-27 10:31 (UTC-05:30)", "2026-11-27T10:31:00-05:30"),
        ("2026-11-27 10:31 CEST", "2026-11-27T10:31:00+02:00"),
        ("2026-11-27 10:31 CST", "2026-11-27T10:31:00"),  # three zones share CST
        ("Fri, 27 Nov 2026 10:31:00 +0300", "2026-11-27T10:31:00+03:00"),
        ("Fri, 27 Nov 26 10:31:00 GMT", "2026-11-27T10:31:00+00:00"),  # RFC 822 year
        ("November 27, 2026", "2026-11-27"),
        ("Nov. 27, 2026", "2026-11-27"),
        ("Nov 27 2026", "2026-11-27"),
        ("27 Nov 2026", "2026-11-27"),
        ("27th November, 2026 at 3:05 p.m.", "2026-11-27T15:05:00"),
        ("Friday, 27 November 2026", "2026-11-27"),
        ("Sept. 3, 2026", "2026-09-03"),
        ("27.11.2026", "2026-11-27"),
        ("2026/11/27", "2026-11-27"),
        ("27/11/2026", "2026-11-27"),
        ("11/27/2026", "2026-11-27"),
        ("04/04/2026", "2026-04-04"),
        (1795775460, "2026-11-27T10:31:00+00:00"),
        (1795775460.75, "2026-11-27T10:31:00+00:00"),
        ("1795775460", "2026-11-27T10:31:00+00:00"),
        (1795775460123, "2026-11-27T10:31:00+00:00"),  # milliseconds: 13 digits
        ("1795775460123", "2026-11-27T10:31:00+00:00"),
        (20261127, "2026-11-27"),
        (date(2026, 11, 27), "2026-11-27"),
        (datetime(2026, 11, 27, 10, 31, 5, 999), "2026-11-27T10:31:05"),
        (
            datetime(2026, 11, 27, 10, 31, tzinfo=timezone(timedelta(hours=3))),
            "2026-11-27T10:31:00+03:00",
        ),
    ],
)
def test_dates_parsed(value: object, iso: str) -> None:
    assert normalise_date(value) == iso
    assert text_normalise_date(value) == iso  # the old entry point still works


@pytest.mark.parametrize(
    "value",
    [
        "05/06/2026",  # May or June
        "2026-02-30",
        "31.04.2026",
        "2026-11-27 25:61",
        "27 Nov 26",  # no time, two-digit year: not RFC 2822, too vague otherwise
        "Nov 2026",
        "2026",
        "2.3.1",
        "1.2.2026.5",
        "+90 312 555 12 34",
        "yesterday",
        "TBD",
        "",
        "   ",
        "9" * 1000,
        "27 Nov 2026 and then some words",
        "Fri, 99 Foo 2026 99:99:99",
        0,
        -1795775460,
        12345,  # a count, not a moment
        99_999_999_999,  # between seconds and milliseconds: neither
        10**20,
        float("nan"),
        float("inf"),
        True,
        None,
        ["2026-11-27"],
        {"date": "2026-11-27"},
    ],
)
def test_not_dates(value: object) -> None:
    assert normalise_date(value) is None


def test_first_usable_key_wins_in_order() -> None:
    assert DATE_KEYS == ("date", "published", "pubDate", "datePublished", "created_at")
    record = {k: f"2026-11-{20 + i}" for i, k in enumerate(DATE_KEYS)}
    for key in DATE_KEYS:
        assert first_date(record) == record[key]
        record[key] = "not a date"
    assert first_date(record) is None
    assert first_date({"created_at": 1795775460, "title": "x"}) == "2026-11-27T10:31:00+00:00"
    assert first_date({"Date": "2026-11-27"}) is None  # keys are exact


def _json_docs(tmp_path: Path, records: list[dict[str, object]]) -> list[Document]:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    skips: list[Skip] = []
    (sf,) = walk([str(path)], skips.append)
    docs = list(parse_file(sf))
    assert all(isinstance(d, Document) for d in docs)
    return docs  # type: ignore[return-value]


@pytest.mark.parametrize("key", DATE_KEYS)
@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2026-11-27T10:31:00+03:00", "2026-11-27T10:31:00+03:00"),
        ("Fri, 27 Nov 2026 10:31:00 +0300", "2026-11-27T10:31:00+03:00"),
        (1795775460, "2026-11-27T10:31:00+00:00"),
        (1795775460.5, "2026-11-27T10:31:00+00:00"),
        ("1795775460", "2026-11-27T10:31:00+00:00"),
        (1795775460000, "2026-11-27T10:31:00+00:00"),
        ("soon", None),
        ({"day": 27}, None),
        (None, None),
    ],
)
def test_each_json_key_and_format(tmp_path: Path, key: str, value: object, iso: str | None) -> None:
    (doc,) = _json_docs(tmp_path, [{"title": "T", "body": "B", key: value}])
    assert doc.date == iso
    assert (doc.title, doc.body) == ("T", "B")  # a bad date never costs the document


def test_json_date_priority_in_a_file(tmp_path: Path) -> None:
    docs = _json_docs(
        tmp_path,
        [
            {"body": "a", "created_at": "2026-01-01", "date": "2026-11-27"},
            {"body": "b", "date": "", "pubDate": "Fri, 27 Nov 2026 10:31:00 GMT"},
            {"body": "c", "date": "never", "datePublished": "2026-11-27"},
        ],
    )
    assert [d.date for d in docs] == ["2026-11-27", "2026-11-27T10:31:00+00:00", "2026-11-27"]


NEWS = "Council approves the budget\n\n{line}\n\nThe council voted on Tuesday.\n"


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("27.11.2026", "2026-11-27"),
        ("November 27, 2026", "2026-11-27"),
        ("2026-11-27 10:31 GMT+3", "2026-11-27T10:31:00+03:00"),
        ("27 Nov 2026", "2026-11-27"),
        ("Nov. 27, 2026", "2026-11-27"),
        ("27/11/2026", "2026-11-27"),
        ("Published: 27 November 2026, 10:31", "2026-11-27T10:31:00"),
        ("ANKARA (AA) - Nov 27, 2026", "2026-11-27"),
        ("By Jane Doe | City Desk | 27.11.2026", "2026-11-27"),
        ("Friday, 27 November 2026 10:31 am EST", "2026-11-27T10:31:00-05:00"),
        ("Published 26 Nov 2026, last updated 27 Nov 2026", "2026-11-26"),
        ("Updated on 27 Nov 2026 at 10:31 local time", "2026-11-27T10:31:00"),
        ("Date: 20 Apr 1993 19:15:13 GMT", "1993-04-20T19:15:13+00:00"),
        ("For Immediate Release                  April 15, 1993", "1993-04-15"),
        ("WASHINGTON (AP) - APRIL 15, 1993", "1993-04-15"),
    ],
)
def test_txt_datelines(line: str, iso: str) -> None:
    assert parse_txt(NEWS.format(line=line)).date == iso


@pytest.mark.parametrize(
    "line",
    [
        "Founded in 1998, the club now has 300 members",  # a year alone
        "Call +90 312 555 12 34 or 0312 555 1234",  # a phone number
        "Version 2.3.1 fixes the crash",
        "Tide tool 2.4 released",
        "05/06/2026",  # ambiguous day and month
        "31.02.2026",  # no such day: no date, and the document is kept
        "27 Nov 2026 25:61",
        "The agreement signed on 27 Nov 2020 still holds.",  # prose that mentions a date
        "Deal of 27.11.2020 expires",
        "27 Nov 2026 " + "x" * 120,  # a paragraph, not a dateline
        "News Service AA",
        "On Wednesday",
        ">Date: Mon, 19 Apr 1993 13:39:39 GMT",  # quoted mail: another message's date
        "|> Date: 16 Apr 1993 09:27:10 -0400",
        "SINCE FEBRUARY 26, 1985, WHEN IT WAS 843.90.",  # prose in capitals
    ],
)
def test_txt_lines_that_are_not_datelines(line: str) -> None:
    assert parse_txt(NEWS.format(line=line)).date is None


def test_a_hard_wrapped_sentence_is_not_a_dateline() -> None:
    wrapped = "Seminar planned\n\nThe company will hold a seminar in Tokyo on\nMarch 12, 1987.\n"
    assert parse_txt(wrapped).date is None
    stacked = "Seminar planned\nNews Service AA\nMarch 12, 1987\n\nBody.\n"
    assert parse_txt(stacked).date == "1987-03-12"
    labelled = "Seminar planned\nPublished:\nMarch 12, 1987\n\nBody.\n"
    assert parse_txt(labelled).date == "1987-03-12"


def test_dateline_only_near_the_top_and_never_the_title() -> None:
    top = ["Subtitle", "", "Agency", "Author", "Desk", "Section"]
    assert dateline([*top[:5], "27 Nov 2026"]) == "2026-11-27"  # 5th non-empty line
    assert dateline([*top, "27 Nov 2026"]) is None  # 6th: body text by then
    assert parse_txt("27 Nov 2026\n\nBody text.\n").date is None
    repeated = "Title 27.11.2026\nTitle 27.11.2026\n\n27 Nov 2026\n"
    assert parse_txt(repeated).date == "2026-11-27"


def test_bundled_corpus_dates() -> None:
    found = {}
    for sf in walk([str(CORPUS)], lambda skip: None):
        for doc in parse_file(sf):
            assert isinstance(doc, Document)
            found[doc.id] = doc.date
    assert found["000_9c47cbdf3046b2eb.txt"] is None  # the seed article names only a weekday
    assert found["lentil_soup.md"] == "2026-02-03"
    assert found["rail-2026-bus-replacement"] == "2026-11-09T08:30:00+01:00"
    assert found["release_notes.md"] is None
    assert sum(d is not None for d in found.values()) == 10


def test_date_shown_in_results_and_show_at_80_columns(tmp_path: Path) -> None:
    records = [
        {
            "id": "long",
            "title": "Harbour [bold]festival[/bold]",
            "source": "https://news.example.org/" + "very-long-path/" * 6,
            "pubDate": "Fri, 27 Nov 2026 10:31:00 +0300",
            "body": "The harbour festival returns with boats.",
        },
        {"id": "none", "title": "Undated harbour note", "body": "harbour"},
    ]
    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    ix = str(tmp_path / "ix")
    runner = CliRunner()
    env = {"COLUMNS": "80", "NO_COLOR": "1"}
    assert runner.invoke(cli, ["index", str(data), "--index", ix], env=env).exit_code == 0
    found = runner.invoke(cli, ["search", "festival", "--index", ix], env=env)
    lines = found.stdout.splitlines()
    assert "[bold]festival[/bold]" in lines[0]  # markup shown as text
    assert lines[1].split()[0] == "2026-11-27"  # first, where a long source cannot hide it
    assert "https://news.example.org/" + "very-long-path/" * 6 in "".join(lines[1:5]).replace(
        " ", ""
    )
    assert all(len(line) <= 80 for line in lines)
    undated = runner.invoke(cli, ["search", "note", "--index", ix], env=env).stdout
    # no date, no gap: the line starts with the file's absolute path
    assert undated.splitlines()[1].split()[0].startswith("/")
    assert str(data) in "".join(undated.splitlines()[1:4]).replace(" ", "")
    shown = runner.invoke(cli, ["show", "long", "--index", ix], env=env).stdout.splitlines()
    assert "date 2026-11-27T10:31:00+03:00  id long" in shown


def test_bench_counts_dates_and_markdown_syntax(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import dates_markdown  # bench/ is on sys.path (conftest.py)

    docs = tmp_path / "md"
    docs.mkdir()
    (docs / "a.md").write_text("---\ndate: 2026-11-27\n---\n# A\n\n**b** [c](d)\n")
    news = tmp_path / "data" / "news"
    news.mkdir(parents=True)
    records = [
        {"id": "r1", "title": "Oil", "body": "Prices rose.", "date": "1987-02-26T15:01:01Z"},
        {"id": "n1", "title": "Post", "body": "Re: the 1998 thread, version 2.3.1"},
    ]
    (news / "docs-000.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    dates_markdown.markdown(docs)
    dates_markdown.news(tmp_path / "data", 10)
    out = capsys.readouterr().out
    assert "1 files" in out and "with a front-matter date: 1" in out
    assert re.search(r"emphasis \*\* +2 +0", out) and re.search(r"link target \]\( +1 +0", out)
    assert "JSON 'date' (Reuters): 1/1 right" in out
    assert ".txt with no dateline written: 0 dates found" in out
    assert "'%d.%m.%Y'             found 1/1, right 1" in out
    assert "'%d/%m/%Y'             found 1/1, right 1" in out  # the 26th: unambiguous
