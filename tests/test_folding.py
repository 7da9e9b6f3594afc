"""Folded results in every output format, paging, `show` and `similar`, on planted copies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_neardup import article, edit

from searchcli import Searcher, build_index
from searchcli.cli import cli

COMMON = "zebrafish"  # a word every document has, at different frequencies


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve stories; stories 0, 3 and 7 come in three, two and two copies."""
    tmp = tmp_path_factory.mktemp("folding")
    recs = []
    for i in range(12):
        body = f"{(COMMON + ' ') * (12 - i)} {article(100 + i)}"
        recs.append({"id": f"s{i:02}", "title": f"Story {i}", "body": body})
    recs.append({"id": "s00-copy", "title": "Story 0 again", "body": recs[0]["body"]})
    recs.append({"id": "s00-fix", "title": "Story 0", "body": edit(recs[0]["body"], 1, 0.01)})
    recs.append({"id": "s03-copy", "title": "Story 3", "body": recs[3]["body"] + " kara"})
    recs.append({"id": "s07-copy", "title": "Seven", "body": recs[7]["body"]})
    path = tmp / "docs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    build_index([str(path)], str(tmp / "ix"))
    return tmp / "ix"


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def ids(stdout: str) -> list[str]:
    return [json.loads(line)["id"] for line in stdout.splitlines()]


def test_each_story_once_at_its_best_rank(index: Path) -> None:
    with Searcher(index) as s:
        every = s.search(COMMON, limit=50, fold=False)
        folded = s.search(COMMON, limit=50)
    assert every.total == 16 and every.folded == 0
    assert folded.total == 12 and folded.folded == 4
    assert sum(1 + len(h.duplicates) for h in folded.hits) == every.total
    best_rank = {}
    for hit in every.hits:
        best_rank.setdefault(hit.id.split("-")[0], hit.id)
    assert [h.id for h in folded.hits] == list(best_rank.values())
    by_id = {h.id: h.duplicates for h in folded.hits}
    story0 = {"s00", "s00-copy", "s00-fix"}
    (first0,) = story0 & set(by_id)
    assert set(by_id[first0]) == story0 - {first0}
    assert [h.rank for h in folded.hits] == list(range(1, 13))


def test_pages_of_folded_results_do_not_overlap(index: Path) -> None:
    whole = ids(run("search", COMMON, "--index", str(index), "-n", "12", "--jsonl").stdout)
    paged = []
    for page in (1, 2, 3):
        got = run(
            "search", COMMON, "--index", str(index), "-n", "5", "--page", str(page), "--jsonl"
        )
        paged += ids(got.stdout)
    assert paged == whole and len(set(whole)) == 12


def test_json_jsonl_tsv_paths_and_the_terminal(index: Path) -> None:
    base = ("search", COMMON, "--index", str(index))
    data = json.loads(run(*base, "--json").stdout)
    assert data["total"] == 12 and data["folded"] == 4
    assert sorted(len(h["duplicates"]) for h in data["hits"] if h["duplicates"]) == [1, 1, 2]
    lines = [json.loads(x) for x in run(*base, "--jsonl").stdout.splitlines()]
    assert [h["duplicates"] for h in lines] == [h["duplicates"] for h in data["hits"]]
    header, *rows = run(*base, "--tsv").stdout.splitlines()
    column = header.split("\t").index("duplicates")
    cells = {r.split("\t")[2]: r.split("\t")[column] for r in rows}
    for hit in data["hits"]:
        assert cells[hit["id"]] == (json.dumps(hit["duplicates"]) if hit["duplicates"] else "")
    unfolded = json.loads(run(*base, "--json", "--no-fold", "-n", "20").stdout)
    assert unfolded["total"] == 16 and all(h["duplicates"] == [] for h in unfolded["hits"])
    terminal = run(*base)
    assert terminal.stdout.count("+2 similar") == 1 and terminal.stdout.count("+1 similar") == 2
    assert "1-10 of 12 stories (4 near-duplicates folded)" in terminal.stderr
    assert "similar" not in run(*base, "--no-fold").stdout
    assert len(run(*base, "--paths").stdout.splitlines()) == 1  # one file holds them all


def test_batch_folds_and_trec_runs_do_not(index: Path) -> None:
    got = CliRunner().invoke(cli, ["batch", "-", "--index", str(index)], input=f"q1\t{COMMON}\n")
    assert json.loads(got.stdout)["total"] == 12
    trec = CliRunner().invoke(
        cli, ["batch", "-", "--index", str(index), "--trec"], input=f"q1\t{COMMON}\n"
    )
    assert len(trec.stdout.splitlines()) == 16


def test_show_lists_the_copies(index: Path) -> None:
    shown = run("show", "s00", "--index", str(index))
    assert "2 near-duplicates: s00-copy, s00-fix" in shown.stdout
    data = json.loads(run("show", "s07-copy", "--index", str(index), "--json").stdout)
    assert data["duplicates"] == ["s07"]
    assert (
        json.loads(run("show", "s01", "--index", str(index), "--json").stdout)["duplicates"] == []
    )


def test_similar_finds_related_stories_without_the_copies(tmp_path: Path) -> None:
    shared = article(500, 80)
    recs = [
        {"id": "base", "title": "Base", "body": shared + " " + article(501, 80)},
        {"id": "base-copy", "title": "Base copy", "body": shared + " " + article(501, 80)},
        {"id": "related", "title": "Related", "body": shared + " " + article(502, 80)},
        *({"id": f"other{i}", "title": "Other", "body": article(600 + i)} for i in range(6)),
    ]
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    ix = str(tmp_path / "ix")
    build_index([str(path)], ix)
    got = run("similar", "base", "--index", ix, "--jsonl")
    assert got.exit_code == 0
    found = ids(got.stdout)
    assert found[0] == "related" and "base" not in found and "base-copy" not in found
    every = ids(run("similar", "base", "--index", ix, "--jsonl", "--no-fold").stdout)
    assert every[0] == "base-copy" and "base" not in every
    data = json.loads(run("similar", "base", "--index", ix, "--json", "-n", "1").stdout)
    assert data["query"] == "base" and [h["id"] for h in data["hits"]] == ["related"]
    header = run("similar", "base", "--index", ix, "--tsv").stdout.splitlines()[0]
    assert header.startswith("rank\tscore\tid")
    assert run("similar", "base", "--index", ix, "--paths").stdout == f"{path}\n"
    terminal = run("similar", "base", "--index", ix)
    assert "Related" in terminal.stdout
    page2 = ids(run("similar", "base", "--index", ix, "--jsonl", "-n", "1", "--page", "2").stdout)
    assert page2 == found[1:2]


def test_similar_with_an_unknown_id_is_an_error(index: Path) -> None:
    got = run("similar", "no-such-id", "--index", str(index))
    assert got.exit_code == 2 and got.stdout == ""
    assert "no document with id 'no-such-id'" in got.stderr


def test_similar_with_nothing_alike_finds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    recs = [{"id": f"d{i}", "title": "", "body": article(700 + i)} for i in range(3)]
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    build_index([str(path)], str(tmp_path / "ix"))
    got = run("similar", "d0", "--index", str(tmp_path / "ix"), "--jsonl")
    assert ids(got.stdout) == [] or got.exit_code == 0
    assert got.exit_code in (0, 1)
