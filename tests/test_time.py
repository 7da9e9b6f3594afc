"""--since/--until, --sort, --recent and the timeline, on real dated Reuters records."""

from __future__ import annotations

import json
import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from _reuters import reuters  # noqa: F401  (the fixture)
from click.testing import CliRunner

from searchcli import QueryError, Searcher, build_index
from searchcli.cli import cli
from searchcli.schema import terms
from searchcli.timefilter import DAY, moment_of, parse_bound, parse_half_life

Reuters = tuple[Path, list[dict[str, Any]]]


def day(record: dict[str, Any]) -> str | None:
    return record["date"][:10] if record.get("date") else None


def with_word(records: list[dict[str, Any]], word: str) -> list[dict[str, Any]]:
    """The records a one-word query must match, found without the engine."""
    term = terms(word)[0]
    return [r for r in records if term in terms(r["title"]) or term in terms(r["body"] or "")]


def every_hit(s: Searcher, query: str, **kw: Any) -> list[Any]:
    return list(s.search(query, limit=10_000, snippets=False, suggest=False, **kw).hits)


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# -- parsing bounds ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2026-11-27", False, date(2026, 11, 27)),
        ("2026-11-27", True, date(2026, 11, 27)),
        ("2026-11", False, date(2026, 11, 1)),
        ("2026-11", True, date(2026, 11, 30)),
        ("1988-02", True, date(1988, 2, 29)),  # a leap year
        ("2026", False, date(2026, 1, 1)),
        ("2026", True, date(2026, 12, 31)),
        (" 2026-3-5 ", False, date(2026, 3, 5)),
        ("7d", False, date(2026, 3, 24)),
        ("2w", True, date(2026, 3, 17)),
        ("1m", False, date(2026, 2, 28)),  # 31 March less a month: the month's last day
        ("3m", False, date(2025, 12, 31)),
        ("1y", False, date(2025, 3, 31)),
        ("0d", True, date(2026, 3, 31)),
    ],
)
def test_bounds(text: str, end: bool, expected: date) -> None:
    assert parse_bound(text, end=end, today=date(2026, 3, 31)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13", "not a real date"),
        ("2026-02-30", "not a real date"),
        ("0000", "not a real date"),
        ("99999y", "not a real date"),
        ("yesterdayish", "is not a date; use a day (2026-11-27)"),
        ("", "is not a date"),
        ("7x", "is not a date"),
        ("26-11-27", "is not a date"),
        ("2026-11-27T10:00", "is not a date"),
    ],
)
def test_bad_bounds(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=re.escape(message)):
        parse_bound(text, end=False)


@pytest.mark.parametrize(
    ("text", "days"), [("30d", 30), ("12h", 0.5), ("2w", 14), ("1.5d", 1.5), ("1y", 365.25)]
)
def test_half_life(text: str, days: float) -> None:
    assert parse_half_life(text) == days


@pytest.mark.parametrize("text", ["0d", "-3d", "fast", "", "30", "d"])
def test_bad_half_life(text: str) -> None:
    with pytest.raises(QueryError, match="not a half-life"):
        parse_half_life(text)


def test_a_date_is_on_the_day_it_was_written() -> None:
    late = moment_of("2026-11-27T23:30:00-05:00")
    assert late is not None and date.fromordinal(late // DAY) == date(2026, 11, 27)
    assert late % DAY == 23 * 3600 + 30 * 60
    z = moment_of("1987-02-26T15:01:01Z")
    assert z == datetime(1987, 2, 26, 15, 1, 1).toordinal() * DAY + 15 * 3600 + 61
    assert moment_of("2026-11-27") == date(2026, 11, 27).toordinal() * DAY
    assert moment_of("not a date") is None and moment_of(None) is None


# -- filtering, on the Reuters sample ------------------------------------------------


@pytest.mark.parametrize(
    ("since", "until", "low", "high"),
    [
        ("1987-03", "1987-03", "1987-03-01", "1987-03-31"),
        ("1987-04-30", "1987-04-30", "1987-04-30", "1987-04-30"),
        ("1987-06-01", None, "1987-06-01", "9999-12-31"),
        (None, "1987-03-15", "0001-01-01", "1987-03-15"),
        ("1987", "1987", "1987-01-01", "1987-12-31"),
        ("1988", None, "1988-01-01", "9999-12-31"),
    ],
)
def test_window_total_is_exact(
    reuters: Reuters,  # noqa: F811
    since: str | None,
    until: str | None,
    low: str,
    high: str,
) -> None:
    index, records = reuters
    expected = {r["id"] for r in with_word(records, "oil") if day(r) and low <= day(r) <= high}
    with Searcher(index) as s:
        result = s.search("oil", since=since, until=until, limit=3)
        assert result.total == len(expected)  # every match counted, not just the page
        assert {h.id for h in every_hit(s, "oil", since=since, until=until)} == expected


def test_offset_dates_count_on_the_day_written(reuters: Reuters) -> None:  # noqa: F811
    with Searcher(reuters[0]) as s:
        assert "offset-1" in {h.id for h in every_hit(s, "oil", since="1987-04-30")}
        assert "offset-1" not in {h.id for h in every_hit(s, "oil", since="1987-05-01")}


def test_undated_documents_only_without_a_filter_and_last_in_date_order(
    reuters: Reuters,  # noqa: F811
) -> None:
    with Searcher(reuters[0]) as s:
        assert {"undated-1", "undated-2"} <= {h.id for h in every_hit(s, "oil")}
        assert not {"undated-1", "undated-2"} & {h.id for h in every_hit(s, "oil", until="2100")}
        for order in ("date", "-date"):
            hits = every_hit(s, "oil", sort=order, mode="any")
            assert [h.date is None for h in hits][-2:] == [True, True]
            assert all(h.date for h in hits[:-2])


@pytest.mark.parametrize("order", ["date", "-date"])
def test_sort_by_date(reuters: Reuters, order: str) -> None:  # noqa: F811
    with Searcher(reuters[0]) as s:
        hits = [h for h in every_hit(s, "oil", sort=order) if h.date]
        moments = [moment_of(h.date) for h in hits]
        assert moments == sorted(moments, reverse=order == "-date")  # type: ignore[type-var]
        # pages continue one another
        first = s.search("oil", sort=order, limit=5, page=1).hits
        second = s.search("oil", sort=order, limit=5, page=2).hits
        assert [h.id for h in first + second] == [h.id for h in every_hit(s, "oil", sort=order)][
            :10
        ]


def test_sort_by_date_keeps_documents_with_every_word_first(reuters: Reuters) -> None:  # noqa: F811
    index, records = reuters
    both = {r["id"] for r in with_word(records, "oil")} & {
        r["id"] for r in with_word(records, "prices")
    }
    with Searcher(index) as s:
        hits = every_hit(s, "oil prices", sort="-date")
        assert {h.id for h in hits[: len(both)]} == both
        assert len(hits) > len(both)


def test_recent_decays_scores_by_age(reuters: Reuters) -> None:  # noqa: F811
    with Searcher(reuters[0]) as s:
        plain = {h.id: h.score for h in every_hit(s, "oil", mode="any")}
        recent = every_hit(s, "oil", mode="any", recent="30d")
        dated = [h for h in recent if h.date]
        newest = max(moment_of(h.date) or 0 for h in dated)
        for h in dated:
            age_days = (newest - (moment_of(h.date) or 0)) / DAY
            assert h.score == pytest.approx(plain[h.id] * 0.5 ** (age_days / 30), rel=1e-12)
        assert [h.score for h in dated] == sorted((h.score for h in dated), reverse=True)
        assert [h.date for h in recent[len(dated) :]] == [None, None]  # undated last


def test_bad_options_are_query_errors(reuters: Reuters) -> None:  # noqa: F811
    with Searcher(reuters[0]) as s:
        with pytest.raises(QueryError, match="is after --until"):
            s.search("oil", since="1987-05", until="1987-03")
        with pytest.raises(QueryError, match="unknown sort"):
            s.search("oil", sort="newest")
        with pytest.raises(QueryError, match="leave out --sort"):
            s.search("oil", sort="date", recent="7d")
        with pytest.raises(QueryError, match="not a half-life"):
            s.search("oil", recent="soon")


def test_dates_survive_incremental_runs_and_several_segments(tmp_path: Path, write_jsonl) -> None:  # type: ignore[no-untyped-def]
    first = write_jsonl(
        [{"id": "a", "title": "tin", "body": "tin", "date": "2001-05-02"}], "a.jsonl"
    )
    build_index([str(first)], str(tmp_path / "ix"))
    from searchcli import update_index

    second = write_jsonl(
        [
            {"id": "b", "title": "tin", "body": "tin tin", "date": "2003-01-09T10:00:00+01:00"},
            {"id": "c", "title": "tin", "body": "tin"},
        ],
        "b.jsonl",
    )
    update_index([str(first), str(second)], str(tmp_path / "ix"))
    with Searcher(tmp_path / "ix") as s:
        assert [h.id for h in every_hit(s, "tin", sort="-date")] == ["b", "a", "c"]
        assert [h.id for h in every_hit(s, "tin", since="2002")] == ["b"]
        assert [h.id for h in every_hit(s, "tin", until="2001-05-02")] == ["a"]


# -- the timeline --------------------------------------------------------------------


@pytest.mark.parametrize("by", [None, "day", "week", "month", "year"])
def test_timeline_counts_equal_search_totals(reuters: Reuters, by: str | None) -> None:  # noqa: F811
    with Searcher(reuters[0]) as s:
        line = s.timeline("oil", by=by, since="1987-03-10", until="1987-06-30")
        assert line.buckets and line.undated == 0
        for bucket in line.buckets:
            total = s.search("oil", since=bucket.start, until=bucket.end, limit=1).total
            assert total == bucket.count, bucket
        assert sum(b.count for b in line.buckets) == line.total
        assert s.search("oil", since="1987-03-10", until="1987-06-30").total == line.total
        # one bucket after another, empty ones kept
        for a, b in zip(line.buckets, line.buckets[1:], strict=False):
            assert (b.start - a.end).days == 1


def test_timeline_whole_span(reuters: Reuters) -> None:  # noqa: F811
    index, records = reuters
    expected = with_word(records, "oil")
    with Searcher(index) as s:
        line = s.timeline("oil")
    assert line.by == "week"  # February to October: too many days, few enough weeks
    assert line.total == len(expected)
    assert line.undated == sum(1 for r in expected if not day(r)) == 2
    assert any(b.count == 0 for b in line.buckets)  # May has no Reuters stories
    assert all(b.start.weekday() == 0 and b.end.weekday() == 6 for b in line.buckets)
    assert line.buckets[0].start <= date.fromisoformat(min(filter(None, map(day, expected))))


def test_timeline_command_outputs(reuters: Reuters) -> None:  # noqa: F811
    index = str(reuters[0])
    as_json = invoke("timeline", "oil", "--by", "month", "--json", "--index", index)
    assert as_json.exit_code == 0
    data = json.loads(as_json.stdout)
    assert [b["label"] for b in data["buckets"]][:3] == ["1987-02", "1987-03", "1987-04"]
    assert data["undated"] == 2 and data["by"] == "month"
    tsv = invoke("timeline", "oil", "--by", "month", "--tsv", "--index", index)
    rows = [line.split("\t") for line in tsv.stdout.splitlines()]
    assert rows[0] == ["start", "end", "label", "count"]
    assert rows[2][:3] == ["1987-03-01", "1987-03-31", "1987-03"]
    assert rows[-1] == ["", "", "undated", "2"]
    assert sum(int(r[3]) for r in rows[1:]) == data["total"]
    chart = invoke("timeline", "oil", "--by", "month", "--index", index)
    assert "1987-03" in chart.stdout and "█" in chart.stdout and "no date" in chart.stdout
    assert "2 without a date" in chart.stderr
    none = invoke("timeline", "xylophonist", "--index", index)
    assert none.exit_code == 1 and none.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "oil", "--since", "1987-13"], "not a real date"),
        (["search", "oil", "--since", "1987-05", "--until", "1987-03"], "is after --until"),
        (["search", "oil", "--until", "last tuesday"], "is not a date"),
        (["search", "oil", "--recent=fast"], "not a half-life"),
        (["search", "oil", "--recent=0d"], "not a half-life"),
        (["search", "oil", "--recent", "--sort", "date"], "leave out --sort"),
        (["timeline", "oil", "--since", "1987-02-30"], "not a real date"),
        (["timeline", "oil", "--by", "decade"], "Invalid value for '--by'"),
        (["batch", "-", "--since", "soon"], "is not a date"),
    ],
)
def test_bad_time_options_exit_2(reuters: Reuters, args: list[str], message: str) -> None:  # noqa: F811
    result = CliRunner().invoke(cli, [*args, "--index", str(reuters[0])], input="q1\toil\n")
    assert result.exit_code == 2
    assert message in result.stderr and result.stdout == ""


def test_cli_time_options(reuters: Reuters) -> None:  # noqa: F811
    index = str(reuters[0])
    # --recent without a value before the query words: the words stay words
    recent = invoke("search", "--recent", "oil", "--jsonl", "--index", index)
    hits = [json.loads(line) for line in recent.stdout.splitlines()]
    assert recent.exit_code == 0 and hits[0]["date"] >= hits[-1]["date"]
    newest = invoke("search", "oil", "--sort", "-date", "--tsv", "--index", index, "-n", "3")
    dates = [line.split("\t")[6] for line in newest.stdout.splitlines()[1:]]
    assert dates == sorted(dates, reverse=True) and dates[0].startswith("1987-10")
    window = invoke(
        "search", "oil", "--since", "1987-04", "--until", "1987-04", "--json", "--index", index
    )
    data = json.loads(window.stdout)
    assert all(h["date"].startswith("1987-04") for h in data["hits"]) and data["total"] > 10
    assert invoke("search", "oil", "--since", "1y", "--index", index).exit_code == 1
    batch = CliRunner().invoke(
        cli, ["batch", "-", "--until", "1987-03-31", "--index", index], input="q1\toil\n"
    )
    line = json.loads(batch.stdout)
    assert line["qid"] == "q1" and all(h["date"] < "1987-04" for h in line["hits"])


@pytest.mark.parametrize("how", ["empty", "half", "last-byte-cut", "deleted"])
def test_a_damaged_date_column_says_rebuild(reuters: Reuters, tmp_path: Path, how: str) -> None:  # noqa: F811
    """Whoosh keeps no checksums: a date column cut short must not silently drop dates."""
    import shutil

    work = tmp_path / "index"
    shutil.copytree(reuters[0], work)
    (column,) = work.glob("data-*/MAIN_*.moment.col")
    size = column.stat().st_size
    if how == "deleted":
        column.unlink()
    else:
        os.truncate(column, {"empty": 0, "half": size // 2, "last-byte-cut": size - 1}[how])
    for args in (["search", "oil", "--since", "1987-03"], ["timeline", "oil"]):
        result = CliRunner().invoke(cli, [*args, "--index", str(work)])
        assert result.exit_code == 2 and result.stdout == ""
        assert "the moment column ends before dated document" in result.stderr
        assert f"searchcli index --rebuild --index {work}" in result.stderr
    assert invoke("search", "oil", "--index", str(work)).exit_code == 0  # no dates needed
