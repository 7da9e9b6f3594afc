"""Exact queries: phrases with stop words, CJK words, -word in every mode, exact totals."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchcli import Searcher, build_index
from searchcli.schema import index_terms

MODES = ("auto", "all", "any")

DOCS = {
    # order matters for the -word test: "iface" comes first in the index, and the
    # first "network" document also has "interface" (Whoosh's AndNot let it through)
    "iface": "the interface alone",
    "netiface": "a network interface card",
    "netstack": "the network stack",
    "netroute": "network routing tables",
    "oom": "The process ran out of memory and crashed.",
    "scattered": "Memory ran out. Out of time, of course, memory.",
    "reversed": "memory of out, the order is wrong",
    "isnot": "This is not a drill.",
    "notis": "Not that it is so.",
    "theend": "At the end of the day we went home.",
    "zh": "这是一个关于数据库管理的文档。",
    "zh-apart": "数据 和 据库 分开",
    "ja": "これはマニュアルです。",
    "ko": "한국어 텍스트 검색",
    "mixed": "Python的数据库接口",
    "emoji": "party time 🎉 tonight",
    "accent": "Le café est fermé à la fin",
}
PLANTED = (
    "It is not the end of the world if the build runs out of memory once, "
    "but it is the kind of thing that we would rather not see again in the logs"
)


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("phrases")
    records = [{"id": k, "title": "", "body": v} for k, v in DOCS.items()]
    records.append({"id": "planted", "title": "", "body": PLANTED})
    # many documents with "json" and none with "rst", so that a top-N fills up
    records += [
        {"id": f"json{i}", "title": "", "body": "json " * (1 + i % 7) + "filler " * i}
        for i in range(60)
    ]
    docs = folder / "docs.jsonl"
    docs.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    build_index([str(docs)], str(folder / "ix"))
    with Searcher(folder / "ix") as s:
        yield s


def found(searcher: Searcher, query: str, mode: str = "auto") -> set[str]:
    return {h.id for h in searcher.search(query, limit=200, mode=mode).hits}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"out of memory"', {"oom", "planted"}),
        ('"is not"', {"isnot", "planted"}),
        ('"the end of"', {"theend", "planted"}),
        ('"not that it is"', {"notis"}),
        ('"of course memory"', {"scattered"}),  # punctuation between words is no gap
        ('"Café est"', {"accent"}),
        ('"cafe EST fermé"', {"accent"}),  # case and accents fold, as everywhere
        ('"crashing"', {"oom"}),  # stems as everywhere
    ],
)
def test_phrase_matches_exactly_the_documents_with_it(
    searcher: Searcher, query: str, expected: set[str], mode: str
) -> None:
    assert found(searcher, query, mode) == expected


def test_words_in_another_order_or_apart_do_not_match(searcher: Searcher) -> None:
    assert found(searcher, '"memory of out"') == {"reversed"}
    assert found(searcher, '"out memory"') == set()  # "of" is not skipped
    assert found(searcher, '"is a drill"') == set()  # "not" is not skipped
    assert "scattered" not in found(searcher, '"out of memory"')


def test_plain_words_still_ignore_stop_words(searcher: Searcher) -> None:
    assert found(searcher, "out of memory") == {"oom", "scattered", "reversed", "planted"}


def test_a_quoted_single_word_ranks_as_the_word(searcher: Searcher) -> None:
    query = "process crashed drill logs {} anything"
    quoted = searcher.search(query.format('"memory"'), limit=50).hits
    plain = searcher.search(query.format("memory"), limit=50).hits
    assert [(h.id, round(h.score, 6)) for h in quoted] == [(h.id, round(h.score, 6)) for h in plain]


def test_a_query_of_stop_words_only_is_searched_as_a_phrase(searcher: Searcher) -> None:
    assert found(searcher, "is not") == {"isnot", "planted"}
    assert found(searcher, "it is not the") == {"planted"}
    assert found(searcher, "not is") == set()


def test_a_phrase_in_a_long_query_matches_only_with_the_phrase(searcher: Searcher) -> None:
    query = 'logs drill "out of memory" crashed process anything'
    result = searcher.search(query, limit=50)
    assert result.mode == "any"
    ids = {h.id for h in result.hits}
    assert {"oom", "planted", "isnot"} <= ids
    assert "scattered" not in ids and "reversed" not in ids  # memory, but no phrase


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("数据库", {"zh", "mixed"}),  # not "zh-apart": its bigrams are apart
        ("マニュアル", {"ja"}),
        ("한국어", {"ko"}),
        ("텍스트 검색", {"ko"}),
        ("python的数据库", {"mixed"}),
        ("🎉", {"emoji"}),
        ('"数据库管理"', {"zh"}),
    ],
)
def test_cjk_words_and_emoji(searcher: Searcher, query: str, expected: set[str], mode: str) -> None:
    assert found(searcher, query, mode) == expected


def test_cjk_and_latin_words_together(searcher: Searcher) -> None:
    assert found(searcher, "Python 数据库") == {"mixed"}  # the one with both
    assert found(searcher, "Python 数据库", "any") == {"mixed", "zh"}


def test_cjk_hit_snippet_highlights_the_word(searcher: Searcher) -> None:
    hit = searcher.search("数据库").hits[0]
    assert [hit.snippet.text[s:e] for s, e in hit.snippet.highlights] == ["数据库"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("query", ["network -interface", "network NOT interface"])
def test_minus_word_excludes_in_every_mode(searcher: Searcher, query: str, mode: str) -> None:
    assert found(searcher, query, mode) == {"netstack", "netroute"}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "query",
    ["json NOT rst", "json -rst", "json -filler", '"json json" filler', 'json "filler filler"'],
)
def test_total_does_not_depend_on_limit_or_page(searcher: Searcher, query: str, mode: str) -> None:
    every = searcher.search(query, limit=500, mode=mode)
    assert every.total == len(every.hits) > 0
    totals = {
        searcher.search(query, limit=limit, page=page, mode=mode).total
        for limit in (1, 3, 10)
        for page in (1, 2)
    }
    assert totals == {every.total}


WORDS = PLANTED.split()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, len(WORDS) - 1), st.integers(1, 6))
def test_any_run_of_consecutive_words_finds_its_document(
    searcher: Searcher, start: int, length: int
) -> None:
    phrase = " ".join(WORDS[start : start + length]).strip(",")
    result = searcher.search(f'"{phrase}"', limit=100)
    assert "planted" in {h.id for h in result.hits}
    # and every hit has the phrase's terms one after another
    wanted = index_terms(phrase)
    for hit in result.hits:
        have = index_terms(searcher.document(hit.id).body)  # type: ignore[union-attr]
        assert any(have[i : i + len(wanted)] == wanted for i in range(len(have) - len(wanted) + 1))
