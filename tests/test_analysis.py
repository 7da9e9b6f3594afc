"""The one analysis (schema.py): CJK bigrams, symbols, stop words kept for phrases,
and the snippets that highlight what it matched."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from searchcli import Searcher, build_index
from searchcli.highlight import make_snippet
from searchcli.schema import index_terms, term_spans, terms


def test_chinese_runs_become_overlapping_bigrams() -> None:
    assert index_terms("数据库") == ["数据", "据库"]
    assert index_terms("库") == ["库"]  # a lone character is a unigram
    assert index_terms("数据") == ["数据"]


def test_japanese_and_korean_bigrams() -> None:
    assert index_terms("マニュアル") == ["マニ", "ニュ", "ュア", "アル"]
    assert index_terms("한국어 텍스트") == ["한국", "국어", "텍스", "스트"]


def test_half_width_katakana_meets_full_width() -> None:
    assert index_terms("ｶﾞｲﾄﾞ") == index_terms("ガイド") == ["ガイ", "イド"]
    # the offsets still point into the original text
    assert [(s, e) for _, s, e in term_spans("ｶﾞｲﾄﾞ")] == [(0, 3), (2, 5)]


def test_latin_and_cjk_in_one_word_are_split() -> None:
    assert index_terms("Python的数据库") == ["python", "的数", "数据", "据库"]
    assert index_terms("数据库API") == ["数据", "据库", "api"]


def test_emoji_and_symbols_are_terms_punctuation_is_not() -> None:
    assert terms("party 🎉 time") == ["parti", "🎉", "time"]
    # the variation selector after ❤ and the dashes and quotes are no terms
    assert terms("I ❤️ it — “really” © 2026") == ["❤", "realli", "©", "2026"]
    assert terms("thumbs 👍🏽") == ["thumb", "👍", "🏽"]


def test_stop_words_are_indexed_marked_and_dropped_from_plain_terms() -> None:
    assert index_terms("out of memory") == ["'out", "'of", "memori"]
    assert terms("out of memory") == ["memori"]
    # a stemmed content word never meets a stop word's term ("owned" stems to "own")
    assert terms("owned") == ["own"] and index_terms("own") == ["'own"]


def test_accents_still_fold() -> None:
    assert terms("Café crème") == terms("cafe creme") == ["cafe", "creme"]


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_ascii_fast_path_agrees_with_the_general_one(text: str) -> None:
    general = [t for t, _, _ in term_spans(text, stops=True)]
    assert index_terms(text) == general


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_terms_and_spans_that_agree(text: str) -> None:
    spans = list(term_spans(text, stops=True))
    assert [t for t, _, _ in spans] == index_terms(text)
    assert all(t and 0 <= s < e <= len(text) for t, s, e in spans)


def test_field_length_leaves_stop_words_out(tmp_path: Path, write_jsonl) -> None:  # type: ignore[no-untyped-def]
    docs = write_jsonl([{"id": "d", "title": "", "body": "the end of the story"}])
    build_index([str(docs)], str(tmp_path / "ix"))
    with Searcher(tmp_path / "ix") as s:
        reader = s._searcher.reader()
        assert reader.doc_field_length(0, "body") == 2  # "end", "story"


def highlighted(text: str, terms_: set[str]) -> list[str]:
    snippet = make_snippet(text, terms_)
    return [snippet.text[s:e] for s, e in snippet.highlights]


def test_snippet_highlights_a_cjk_word_once() -> None:
    text = "这是一个关于数据库管理的文档。"
    assert highlighted(text, {"数据", "据库"}) == ["数据库"]


def test_snippet_highlights_emoji() -> None:
    assert highlighted("party time 🎉 tonight", {"🎉"}) == ["🎉"]


def test_snippet_highlights_stop_words_only_inside_the_phrase() -> None:
    text = "The cache is full. The process ran out of memory at the end."
    assert highlighted(text, {"'out", "'of", "memori"}) == ["out", "of", "memory"]
    # "the" alone is not lit up, "the end" is
    assert highlighted(text, {"'the", "end"}) == ["the", "end"]
