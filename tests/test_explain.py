"""--explain (a score taken apart) and `show ID --query` (a document with its matches)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from _reuters import reuters  # noqa: F401  (the fixture)
from click.testing import CliRunner

from searchcli import Searcher
from searchcli.cli import cli
from searchcli.explain import Explanation
from searchcli.ranking import FIELD_WEIGHTS, K1, idf
from searchcli.schema import terms

Reuters = tuple[Path, list[dict[str, Any]]]


def parts_sum(ex: Explanation) -> float:
    return sum(w.score for w in ex.words) + ex.bonus + sum(o.score for o in ex.other)


@pytest.mark.parametrize(
    ("query", "options"),
    [
        ("oil", {}),
        ("oil prices", {}),  # documents with both words get the every-word bonus
        ("oil prices", {"mode": "any"}),
        ("crude oil prices opec output", {}),  # long: ranked by any word
        ("oil oil prices", {"mode": "all"}),  # a repeated word weighs double
        ("oil", {"recent": "30d"}),
        ("oil prices", {"sort": "-date", "since": "1987-04"}),
        ('"oil prices"', {}),  # a phrase: Whoosh scores it
        ('"oil prices" opec', {"mode": "any"}),
        ("pric* crude", {}),  # a wildcard
        ("title:oil", {}),
        ("oil -opec", {}),
    ],
)
def test_parts_add_up_to_the_score(reuters: Reuters, query: str, options: dict[str, Any]) -> None:  # noqa: F811
    with Searcher(reuters[0]) as s:
        result = s.search(query, limit=8, explain=True, **options)
    assert result.hits
    for hit in result.hits:
        ex = hit.explain
        assert ex is not None and ex.score == hit.score
        factor = ex.recency["factor"] if ex.recency else 1.0
        assert math.isclose(parts_sum(ex) * factor, hit.score, rel_tol=0, abs_tol=1e-9)
        assert math.isclose(ex.relevance, parts_sum(ex), abs_tol=1e-9)
        for word in ex.words:
            assert math.isclose(sum(f.score for f in word.fields), word.score, abs_tol=1e-9)
        if not any(c in query for c in '"*:-'):
            assert not ex.other  # plain words: all of it is BM25F, nothing left over


def test_explanation_recomputes_bm25f_from_the_document(reuters: Reuters) -> None:  # noqa: F811
    index, records = reuters
    by_id = {r["id"]: r for r in records}
    with Searcher(index) as s:
        hit = s.search("oil prices", limit=1, explain=True).hits[0]
    ex = hit.explain
    assert ex is not None and ex.bonus > 0  # the best hit has both words
    record = by_id[hit.id]
    title, body = terms(record["title"]), terms(record["body"])
    # the index keeps lengths in one byte each: close, not exact, for long fields
    assert ex.lengths["title"] == pytest.approx(len(title), rel=0.1)
    assert ex.lengths["body"] == pytest.approx(len(body), rel=0.1)
    for word in ex.words:
        tfs = {f.field: f.tf for f in word.fields}
        assert tfs.get("title", 0) == title.count(word.word)
        assert tfs.get("body", 0) == body.count(word.word)
        assert word.tf == sum(FIELD_WEIGHTS[f] * n for f, n in tfs.items())
        assert word.idf == idf(ex.documents, word.df)
        expected = word.idf * (K1 + 1) * word.tf / (word.tf + K1 * ex.norm)
        assert math.isclose(word.score, expected, rel_tol=1e-2)  # lengths are stored coarsely


def test_phrases_are_explained_as_whole_parts(reuters: Reuters) -> None:  # noqa: F811
    with Searcher(reuters[0]) as s:
        hit = s.search('"oil prices"', limit=1, explain=True).hits[0]
    assert hit.explain is not None
    assert any(o.part.startswith('phrase "oil price"') for o in hit.explain.other)
    assert all(o.note for o in hit.explain.other)


def test_explain_in_json_and_on_the_terminal(reuters: Reuters) -> None:  # noqa: F811
    index = str(reuters[0])
    runner = CliRunner()
    out = runner.invoke(cli, ["search", "oil prices", "--explain", "--json", "--index", index])
    hit = json.loads(out.stdout)["hits"][0]
    ex = hit["explain"]
    total = sum(w["score"] for w in ex["words"]) + ex["bonus"]
    assert math.isclose(total, ex["score"], abs_tol=1e-9)
    assert abs(ex["score"] - hit["score"]) < 1e-6  # the hit's own score is rounded
    assert {"word", "query_count", "df", "idf", "tf", "score", "fields"} <= set(ex["words"][0])
    plain = runner.invoke(cli, ["search", "oil prices", "--json", "--index", index])
    assert "explain" not in json.loads(plain.stdout)["hits"][0]
    drawn = runner.invoke(cli, ["search", "oil prices", "--explain", "-n", "1", "--index", index])
    assert "idf" in drawn.stdout and "(every word)" in drawn.stdout
    assert f"score {ex['relevance']:.3f}" in drawn.stdout


# -- show ID --query -----------------------------------------------------------------


def test_show_query_highlights_every_match(reuters: Reuters) -> None:  # noqa: F811
    index, records = reuters
    record = next(r for r in records if r["id"] == "offset-1")
    runner = CliRunner()
    out = runner.invoke(
        cli, ["show", "offset-1", "--query", "oil prices", "--json", "--index", str(index)]
    )
    assert out.exit_code == 0
    data = json.loads(out.stdout)
    words = [record["body"][a:b] for a, b in data["highlights"]["body"]]
    assert words == ["Oil", "prices"]
    assert [record["title"][a:b] for a, b in data["highlights"]["title"]] == ["oil"]
    piped = runner.invoke(cli, ["show", "offset-1", "-q", "oil", "--index", str(index)])
    assert "Late oil report" in piped.stdout and "\x1b" not in piped.stdout  # plain text


def test_show_query_goes_through_a_pager_with_styles_on_a_terminal(
    reuters: Reuters,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rich.console import Console

    from searchcli.cli import showquery

    paged: list[str] = []
    terminal = Console(force_terminal=True, color_system="standard", width=80)
    monkeypatch.setattr(showquery, "consoles", lambda: (terminal, terminal))
    monkeypatch.setattr(showquery.click, "echo_via_pager", paged.append)
    out = CliRunner().invoke(cli, ["show", "offset-1", "-q", "prices", "--index", str(reuters[0])])
    assert out.exit_code == 0 and len(paged) == 1
    assert "\x1b[1;33mprices\x1b[0m" in paged[0]  # the match, styled, reaches the pager


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["show", "no-such-id", "-q", "oil"], 1, "no document with id or path 'no-such-id'"),
        (["show", "offset-1", "-q", "  "], 2, "--query needs at least one word"),
        (["show", "offset-1", "-q", "xylophone"], 0, "none of the query's words occur"),
    ],
)
def test_show_query_bad_input(reuters: Reuters, args: list[str], code: int, message: str) -> None:  # noqa: F811
    out = CliRunner().invoke(cli, [*args, "--index", str(reuters[0])])
    assert out.exit_code == code and message in out.stderr
