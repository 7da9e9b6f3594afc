"""Library tests of searching: query language, ranking modes, snippets."""

from __future__ import annotations

from pathlib import Path

import pytest

from searchcli import QueryError, Searcher, build_index
from searchcli.highlight import make_snippet
from searchcli.schema import terms

SEED = "000_9c47cbdf3046b2eb.txt"


@pytest.fixture(scope="module")
def searcher(corpus_index: Path):  # type: ignore[no-untyped-def]
    with Searcher(corpus_index) as s:
        yield s


def hit_ids(searcher: Searcher, query: str, **kw: object) -> list[str]:
    return [h.id for h in searcher.search(query, limit=50, **kw).hits]  # type: ignore[arg-type]


def test_karabakh_finds_seed_first_with_highlight(searcher: Searcher) -> None:
    result = searcher.search("karabakh")
    top = result.hits[0]
    assert top.id == SEED
    spans = top.snippet.highlights
    assert spans
    assert all(top.snippet.text[s:e].lower().endswith("karabakh") for s, e in spans)


def test_analysis_stems_folds_accents_and_drops_stop_words() -> None:
    assert terms("The Negotiations negotiated") == ["negoti", "negoti"]
    assert terms("Azərbaycan") == terms("azerbaycan") == ["azerbaycan"]
    assert terms("*important*") == ["import"]


def test_accent_folding_in_search(tmp_path: Path, write_jsonl) -> None:  # type: ignore[no-untyped-def]
    docs = write_jsonl([{"id": "az", "title": "Azərbaycan", "body": "Bakı şəhəri"}])
    build_index([str(docs)], str(tmp_path / "ix"))
    with Searcher(tmp_path / "ix") as s:
        assert [h.id for h in s.search("azerbaycan").hits] == ["az"]
        assert [h.id for h in s.search("baki").hits] == ["az"]


@pytest.mark.parametrize(
    ("query", "must", "must_not"),
    [
        ('"peace agreement"', {SEED}, set()),
        ("title:armenia", {SEED}, set()),
        ("karabakh NOT armenia", set(), {SEED}),
        ("karabakh -armenia", set(), {SEED}),
        ("karaba*", {SEED}, set()),
        ("karabach~", {SEED}, set()),
        ("azerbaijan OR lentil", {SEED, "lentil_soup.md"}, set()),
    ],
)
def test_query_language(searcher: Searcher, query: str, must: set[str], must_not: set[str]) -> None:
    found = set(hit_ids(searcher, query))
    assert must <= found
    assert not (must_not & found)


def test_short_queries_need_every_word_long_ones_any(searcher: Searcher) -> None:
    both = searcher.search("karabakh lentil")  # no document has both
    assert both.mode == "any" and both.total >= 2  # fell back to any word
    assert searcher.search("karabakh lentil", mode="all").total == 0
    one = searcher.search("karabakh armenia")
    assert one.mode == "all" and [h.id for h in one.hits] == [SEED]
    question = "what did the president say about relations with armenia and the region"
    assert searcher.search(question).mode == "any"


@pytest.mark.parametrize("query", ['"unbalanced', "(((", "title:", "foo:bar", "a AND", ":::", "[x"])
def test_odd_input_is_searched_not_rejected(searcher: Searcher, query: str) -> None:
    searcher.search(query)  # no exception: results or none


def test_empty_query_is_a_query_error(searcher: Searcher) -> None:
    with pytest.raises(QueryError):
        searcher.search("   ")


def test_paging(searcher: Searcher) -> None:
    everything = hit_ids(searcher, "the city OR river OR trains OR library", mode="any")
    assert len(everything) >= 4
    page2 = searcher.search("the city OR river OR trains OR library", limit=2, page=2, mode="any")
    assert [h.id for h in page2.hits] == everything[2:4]
    assert [h.rank for h in page2.hits] == [3, 4]


def test_suggestion_only_when_it_finds_something(searcher: Searcher) -> None:
    result = searcher.search("karabkah")
    assert result.total == 0 and result.suggestion == "karabakh"
    assert searcher.search("qqqqzzzz").suggestion is None


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [("negotiatoins", "negotiations"), ("timetabel", "timetable"), ("libary", "library")],
)
def test_suggestion_respells_typos_as_real_words(searcher: Searcher, typo: str, fixed: str) -> None:
    assert searcher.search(typo).suggestion == fixed


def test_suggestion_when_not_every_word_was_found(searcher: Searcher) -> None:
    result = searcher.search("peace agreemnt")
    assert result.mode == "any" and result.total >= 1
    assert result.suggestion == "peace agreement"


def test_snippet_offsets_point_at_matches() -> None:
    text = "Intro words. " * 30 + "The peace agreement was signed.\nPeace   holds. " + "tail " * 40
    snip = make_snippet(text, {"peac", "agreement"})
    assert snip.text.startswith("…") and snip.text.endswith("…")
    marked = [snip.text[s:e] for s, e in snip.highlights]
    assert marked == ["peace", "agreement", "Peace"]
    assert "\n" not in snip.text and "  " not in snip.text


def test_snippet_without_matches_is_the_opening() -> None:
    snip = make_snippet("Short body.", {"zzz"})
    assert snip.text == "Short body." and snip.highlights == ()
