"""Library tests of indexing: incremental sync, rebuild, stats, errors."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from _reuters import reuters  # noqa: F401,F811  (the fixture)

from searchcli import (
    IndexNotFound,
    SchemaMismatch,
    Searcher,
    build_index,
    index_stats,
    store,
    update_index,
)


def ids(index_dir: Path, query: str) -> list[str]:
    with Searcher(index_dir) as s:
        return [h.id for h in s.search(query, limit=50).hits]


def touch_later(path: Path) -> None:
    """Change mtime surely, even on file systems with coarse timestamps."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def test_build_indexes_every_corpus_document(corpus_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    report = build_index([str(corpus_copy)], str(index_dir))
    assert report.rebuilt and report.skipped == ()
    stats = index_stats(str(index_dir))
    assert stats.documents == report.added > 7
    assert stats.roots == (str(corpus_copy),)
    assert {"title", "body", "source", "id", "date", "path"} <= set(stats.fields)


def test_incremental_run_reads_only_what_changed(corpus_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    first = update_index([str(corpus_copy)], str(index_dir))  # no index yet: builds one
    assert first.added > 0

    again = update_index([str(corpus_copy)], str(index_dir))
    assert (again.added, again.updated, again.removed) == (0, 0, 0)
    assert again.unchanged == first.added

    # add one file, change one, delete one
    (corpus_copy / "new_note.md").write_text("# Zeppelin hangar\n\nA zeppelin hangar opens.\n")
    soup = corpus_copy / "lentil_soup.md"
    soup.write_text(soup.read_text() + "\nServe with quinceberry chutney.\n")
    touch_later(soup)
    (corpus_copy / "001_river_cleanup.txt").unlink()

    report = update_index([str(corpus_copy)], str(index_dir))
    assert (report.added, report.updated, report.removed) == (1, 1, 1)
    assert report.unchanged == first.added - 2
    assert ids(index_dir, "zeppelin") == ["new_note.md"]
    assert ids(index_dir, "quinceberry") == ["lentil_soup.md"]
    assert "001_river_cleanup.txt" not in ids(index_dir, "river OR cleanup")
    assert index_stats(str(index_dir)).documents == first.added


def test_changed_jsonl_record_replaces_old_version(tmp_path: Path, write_jsonl) -> None:  # type: ignore[no-untyped-def]
    docs = write_jsonl(
        [
            {"id": "a", "title": "Alpha", "body": "original wording"},
            {"id": "b", "title": "Beta", "body": "stays the same"},
        ]
    )
    index_dir = tmp_path / "ix"
    update_index([str(docs)], str(index_dir))
    write_jsonl(
        [
            {"id": "a", "title": "Alpha", "body": "revised wording"},
            {"id": "b", "title": "Beta", "body": "stays the same"},
        ]
    )
    touch_later(docs)
    report = update_index([str(docs)], str(index_dir))
    assert report.updated == 2 and report.added == 0 and report.removed == 0
    assert ids(index_dir, "original") == []
    assert ids(index_dir, "revised") == ["a"]
    assert index_stats(str(index_dir)).documents == 2


def test_rebuild_swaps_in_a_new_data_folder(corpus_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    build_index([str(corpus_copy)], str(index_dir))
    before = store.read_current(str(index_dir))["data"]
    build_index([str(corpus_copy)], str(index_dir))
    after = store.read_current(str(index_dir))["data"]
    assert before != after
    data_dirs = [p.name for p in index_dir.iterdir() if p.name.startswith("data-")]
    assert data_dirs == [after]  # the old one is cleaned up
    assert ids(index_dir, "karabakh")[0] == "000_9c47cbdf3046b2eb.txt"


def test_failed_rebuild_leaves_old_index_working(
    corpus_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "ix"
    build_index([str(corpus_copy)], str(index_dir))
    expected = ids(index_dir, "karabakh")

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "switch_current", broken)
    with pytest.raises(Exception, match="No space left"):
        build_index([str(corpus_copy)], str(index_dir))
    monkeypatch.undo()
    assert ids(index_dir, "karabakh") == expected
    assert len([p for p in index_dir.iterdir() if p.name.startswith("data-")]) == 1


def test_duplicate_ids_keep_the_first_and_report_the_rest(tmp_path: Path, write_jsonl) -> None:  # type: ignore[no-untyped-def]
    docs = write_jsonl([{"id": "x", "body": "first copy"}, {"id": "x", "body": "second copy"}])
    report = build_index([str(docs)], str(tmp_path / "ix"))
    assert report.added == 1
    assert len(report.skipped) == 1 and "duplicate id" in report.skipped[0].reason
    assert ids(tmp_path / "ix", "copy") == ["x"]


def test_missing_index_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFound, match="searchcli index"):
        Searcher(tmp_path / "nothing")


def test_index_from_other_schema_version_asks_for_rebuild(
    corpus_index: Path, tmp_path: Path
) -> None:
    import shutil

    copy = tmp_path / "old"
    shutil.copytree(corpus_index, copy)
    current = store.read_current(str(copy))
    store.switch_current(str(copy), str(copy / current["data"]), current["schema"] - 1)
    with pytest.raises(SchemaMismatch, match="--rebuild"):
        Searcher(copy)
    # and a rebuild fixes it
    build_index([str(Path(__file__).parent.parent / "corpus")], str(copy))
    assert ids(copy, "karabakh")


def test_stdin_records_are_indexed(tmp_path: Path) -> None:
    import io

    stream = io.BytesIO(b'{"id": "s1", "title": "Piped", "body": "came through a pipe"}\n')
    report = build_index(["-"], str(tmp_path / "ix"), stdin=stream)
    assert report.added == 1
    assert ids(tmp_path / "ix", "pipe") == ["s1"]


def test_indexing_leaves_the_callers_random_sequence_alone(
    corpus_copy: Path, tmp_path: Path
) -> None:
    import random

    random.seed(5)
    expected = [random.random() for _ in range(3)]
    random.seed(5)
    update_index([str(corpus_copy)], str(tmp_path / "ix"))
    assert [random.random() for _ in range(3)] == expected


def test_skips_are_reported_again_while_the_bad_file_is_unchanged(
    tmp_path: Path, write_jsonl
) -> None:  # type: ignore[no-untyped-def]
    docs = tmp_path / "docs.jsonl"
    docs.write_text('{"id": "a", "body": "fine"}\n{not json\n', encoding="utf-8")
    (tmp_path / "empty.txt").write_text("")
    first = update_index([str(tmp_path)], str(tmp_path / "ix"))
    again = update_index([str(tmp_path)], str(tmp_path / "ix"))
    assert again.unchanged == 1 and again.added == 0
    assert sorted(map(str, again.skipped)) == sorted(map(str, first.skipped))
    assert len(first.skipped) == 2 and any(s.line == 2 for s in again.skipped)


def test_an_index_inside_the_indexed_folder_is_not_indexed(corpus_copy: Path) -> None:
    index_dir = corpus_copy / "index"  # as with `searchcli index .` and the default ./index
    first = update_index([str(corpus_copy)], str(index_dir))
    again = update_index([str(corpus_copy)], str(index_dir))
    assert (again.added, again.skipped) == (0, ())
    assert index_stats(str(index_dir)).documents == first.added


QUERIES_FOR_SAME_ANSWERS = [
    "oil prices",
    "crude",
    '"the company said"',
    '"to be or not to be"',
    '"bank of england"',
    "title:oil",
    "oil -crude",
    "prices OR dividend",
    'cocoa AND "the bahia"',
    "mln dlrs",
]


def test_block_length_statistics_change_no_answer(
    reuters: tuple[Path, list[dict[str, Any]]],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The build leaves out Whoosh's per-block length statistics (writers.BLOCK_LENGTHS):
    the same documents built with them give the same hits, totals and scores."""
    from searchcli import writers

    index, records = reuters
    source = tmp_path / "reuters.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    monkeypatch.setattr(writers, "BLOCK_LENGTHS", True)
    build_index([str(source)], str(tmp_path / "with-lengths"))

    def answers(index_dir: Path) -> list[Any]:
        with Searcher(index_dir) as s:
            return [
                (r.total, [(h.id, h.score) for h in r.hits])
                for q in QUERIES_FOR_SAME_ANSWERS
                for mode in ("all", "any")
                for r in [s.search(q, limit=20, mode=mode)]
            ]

    found = answers(index)
    assert sum(total for total, _ in found) > 100  # the queries find things
    assert found == answers(tmp_path / "with-lengths")
