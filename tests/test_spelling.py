"""'Did you mean': nearest real word first, then the most frequent; bounded work."""

from __future__ import annotations

from pathlib import Path

import pytest
from _generated import deadline

from searchcli import indexing, spelling
from searchcli.searching import Searcher


def write_docs(folder: Path, docs: list[tuple[str, str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, (title, body) in enumerate(docs):
        (folder / f"doc{i:03d}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("spelling")
    docs = [
        (f"Path handling {i}", "Join a path to another path; paths everywhere.") for i in range(40)
    ]
    docs += [("The pathlib module", "pathlib offers classes for filesystem paths.")] * 2
    # The first document with the stem "negoti" says "negotiating" in its title.
    docs += [("Negotiating rooms", "The negotiations went on; negotiators met.")]
    docs += [("Parliament's week", "The parliament sat late. Parliament's vote.")] * 5
    docs += [("A perliment", "Once misspelt: perliment.")]
    docs += [("Banks", "The bank lends.")] * 6 + [("Bunks", "A bunk bed.")] * 2
    write_docs(root / "corpus", docs)
    indexing.rebuild([str(root / "corpus")], str(root / "index"))
    return root / "index"


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [
        ("pathlb", "pathlib"),  # one edit; "path" (via "pathly") is two, though 20x as frequent
        ("negotiatoins", "negotiations"),  # the nearest form of the stem, not the first seen
        ("parliment", "parliament"),  # not "parliament's", not the rarer "perliment"
        ("bsnk", "bank"),  # "bank" and "bunk" are both one edit: the more frequent wins
        ("pathlibb", "pathlib"),
    ],
)
def test_suggestions_rank_by_distance_then_frequency(index: Path, typo: str, fixed: str) -> None:
    with Searcher(index) as s:
        result = s.search(typo)
        assert result.total == 0 and result.suggestion == fixed


def test_pathlb_suggests_what_pathlb_fuzzy_finds(index: Path) -> None:
    """The issue's case: `pathlb~` found pathlib, but the suggestion said `path`."""
    with Searcher(index) as s:
        fuzzy = s.search("pathlb~", limit=100)
        assert fuzzy.total == 2 and all("pathlib" in (h.title or "") for h in fuzzy.hits)
        assert s.search("pathlb").suggestion == "pathlib"


def test_the_distance_counts_a_swap_as_one_edit() -> None:
    assert spelling.distance("pathlb", "pathlib") == 1
    assert spelling.distance("pathlb", "path") == 2
    assert spelling.distance("timetabel", "timetable") == 1
    assert spelling.distance("kitten", "sitting") == 3
    assert spelling.distance("", "abc") == 3 and spelling.distance("abc", "abc") == 0
    assert spelling.distance("abcdef", "uvwxyz", limit=2) == 3  # stopped early


def test_a_word_too_long_to_respell_costs_no_lookup(
    index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = spelling._frequency
    monkeypatch.setattr(spelling, "_frequency", lambda r, stem: calls.append(stem) or real(r, stem))
    with Searcher(index) as s, deadline(60):  # a stop for a hang, not a speed test
        for word in ["x" * 5000, "pathlib" * 10, "q" * (spelling.MAX_WORD + 1)]:
            result = s.search(word)
            assert result.total == 0 and result.suggestion is None
    assert calls == []
    # At the bound, the work is the word's one-edit spellings and no more.
    word = ("pathlibz" * spelling.MAX_WORD)[: spelling.MAX_WORD]
    assert len(word) == spelling.MAX_WORD
    with Searcher(index) as s:
        s.search(word)
    assert 0 < len(calls) <= len(spelling.edits1(word)) + spelling.MAX_CANDIDATES * 2
