"""Ranking quality end to end, and the query rules that protect it.

The evaluation indexes the `adi` test collection (82 documents) with the library, runs
its 35 natural-language queries in the default mode and scores them; the floors sit a
little under what the defaults reach, so a change that makes ranking worse fails here
before it shows in `bench/quality.py`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _corpus import default_data_dir

from searchcli import build_index, update_index
from searchcli.evaluation import evaluate, read_qrels, read_queries
from searchcli.querying import has_syntax
from searchcli.searching import Searcher

DATA = default_data_dir()  # $SEARCHCLI_DATA, else ../shared/data
ADI = DATA / "ir" / "adi"

# What the defaults reach on adi: nDCG@10 0.512, MAP 0.448, R@100 0.910
# (the bm25s reference: 0.494 / 0.419 / 0.910)
ADI_FLOORS = {"nDCG@10": 0.49, "MAP": 0.42, "R@100": 0.89}


@pytest.mark.skipif(
    not (ADI / "docs.jsonl").exists(),
    reason=f"test collection adi not found at {ADI} (set SEARCHCLI_DATA to the shared data folder)",
)
def test_adi_end_to_end_above_floor(tmp_path: Path) -> None:
    build_index([str(ADI / "docs.jsonl")], str(tmp_path / "index"))
    queries = read_queries(ADI / "queries.tsv")
    with Searcher(tmp_path / "index") as searcher:
        run = {
            qid: [(h.id, h.score) for h in searcher.search(q, limit=1000, snippets=False).hits]
            for qid, q in queries
        }
    report = evaluate(run, read_qrels(ADI / "qrels.tsv"))
    assert report.scored == 35
    for metric, floor in ADI_FLOORS.items():
        assert report.means[metric] >= floor, (metric, report.means)


@pytest.mark.parametrize(
    "text",
    [
        "0-dimensional biomaterials show inductive properties.",
        "Nagorno-Karabakh peace talks",
        "what are titles? and why",
        "how do e-mail systems work?",
        "results (in part) of 3.5% growth; ratio: 2/3",
        "WHAT ARE THE LAWS AND RULES OF FLOW",  # capitals all through: not operators
    ],
)
def test_natural_language_is_plain_words(text: str) -> None:
    assert not has_syntax(text)


@pytest.mark.parametrize(
    "text",
    ['"peace agreement"', "title:armenia", "karabakh NOT armenia", "karabakh -armenia"]
    + ["+peace talks", "negot*", "karabach~", "peace OR truce", "source:reuters oil"],
)
def test_query_language_is_recognised(text: str) -> None:
    assert has_syntax(text)


def open_small_index(tmp_path: Path, write_jsonl, records: list[dict[str, str]]) -> Searcher:  # type: ignore[no-untyped-def]
    build_index([str(write_jsonl(records))], str(tmp_path / "ix"))
    return Searcher(tmp_path / "ix")


def test_hyphen_and_question_mark_inside_syntax_are_punctuation(
    tmp_path: Path, write_jsonl
) -> None:  # type: ignore[no-untyped-def]
    docs = [
        {"id": "nk", "title": "Nagorno-Karabakh", "body": "talks on the region"},
        {"id": "titles", "title": "Descriptive titles", "body": "how titles are made"},
        {"id": "other", "title": "Karabakh", "body": "nothing about the north"},
    ]
    with open_small_index(tmp_path, write_jsonl, docs) as s:
        # `nagorno-karabakh` is two words, not "nagorno NOT karabakh"
        assert [h.id for h in s.search('nagorno-karabakh "talks"').hits][0] == "nk"
        # `titles?` is the word "titles", not a wildcard on the unstemmed "titles"
        assert [h.id for h in s.search('what are "descriptive" titles?').hits][0] == "titles"
        # a minus at the start of a word still excludes
        assert "other" not in [h.id for h in s.search("karabakh -north").hits]


def test_repeated_query_words_weigh_more(tmp_path: Path, write_jsonl) -> None:  # type: ignore[no-untyped-def]
    docs = [
        {"id": "a", "title": "", "body": "apple banana"},
        {"id": "b", "title": "", "body": "apple cherry"},
        {"id": "c", "title": "", "body": "banana cherry"},
    ]
    with open_small_index(tmp_path, write_jsonl, docs) as s:
        ranked = s.search("cherry apple cherry of a fruit that is cherry red", mode="any").hits
        assert [h.id for h in ranked][:1] == ["b"]
        assert {h.id for h in ranked} == {"a", "b", "c"}


def test_short_queries_list_documents_with_every_word_first(tmp_path: Path, write_jsonl) -> None:  # type: ignore[no-untyped-def]
    docs = [
        {"id": "both", "title": "", "body": "peace agreement signed after long talks"},
        {"id": "peace", "title": "Peace", "body": "peace peace peace"},
        {"id": "deal", "title": "", "body": "an agreement"},
    ]
    with open_small_index(tmp_path, write_jsonl, docs) as s:
        result = s.search("peace agreement")
        assert result.mode == "all"
        assert [h.id for h in result.hits][0] == "both"
        assert result.total == 3  # the others follow: each has one of the words
        assert [h.id for h in s.search("peace agreement", mode="all").hits] == ["both"]
        missing = s.search("peace zzzzqqq")
        assert missing.mode == "any" and missing.total == 2


def test_scores_do_not_depend_on_how_the_index_is_split_into_segments(
    tmp_path: Path,
    write_jsonl,  # type: ignore[no-untyped-def]
) -> None:
    first = write_jsonl(
        [
            {"id": "1", "title": "Peace talks", "body": "talks about peace in the region"},
            {"id": "2", "title": "", "body": "a long body about trade and peace " * 5},
        ],
        "first.jsonl",
    )
    second = write_jsonl(
        [
            {"id": "3", "title": "Trade", "body": "trade talks and a trade agreement"},
            {"id": "4", "title": "Weather", "body": "rain in the region"},
        ],
        "second.jsonl",
    )
    build_index([str(first)], str(tmp_path / "split"))
    update_index([str(first), str(second)], str(tmp_path / "split"))  # adds a segment
    build_index([str(first), str(second)], str(tmp_path / "whole"))
    query = "peace talks trade region agreement"
    with Searcher(tmp_path / "split") as split, Searcher(tmp_path / "whole") as whole:
        got = {h.id: h.score for h in split.search(query).hits}
        want = {h.id: h.score for h in whole.search(query).hits}
    assert got.keys() == want.keys() == {"1", "2", "3", "4"}
    assert got == pytest.approx(want)
