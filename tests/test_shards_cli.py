"""A sharded index as a user meets it: index, search, show, stats, check, batch, eval,
timeline, similar, incremental runs, rebuilds, damage; shards built in local processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from searchcli.cli import cli
from searchcli.shards.layout import read_set, shard_of

ADI = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "ir" / "adi"


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_routing_is_a_stable_hash_of_the_id() -> None:
    # Part of the on-disk format: an index built by another version or on another
    # machine must route every id as this one does (BLAKE2b, not Python's hash()).
    ids = ("a", "reuters-1", "doc-42", "Ünïcode", "")
    assert [shard_of(i, 7) for i in ids] == [2, 1, 5, 2, 0]
    spread = Counter(shard_of(f"doc-{n}", 4) for n in range(8000))
    assert sorted(spread) == [0, 1, 2, 3] and min(spread.values()) > 1800


@pytest.fixture
def pair(corpus_copy: Path, tmp_path: Path) -> tuple[Path, str, str]:
    plain, sharded = str(tmp_path / "plain"), str(tmp_path / "sharded")
    assert run("index", str(corpus_copy), "--index", plain).exit_code == 0
    built = run("index", str(corpus_copy), "--index", sharded, "--shards", "3")
    assert built.exit_code == 0, built.stderr
    assert "new index" in built.stderr
    return corpus_copy, plain, sharded


def _json(*args: str) -> object:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_every_command_answers_as_on_a_plain_index(pair: tuple[Path, str, str]) -> None:
    corpus, plain, sharded = pair
    stats = _json("stats", "--json", "--index", sharded)
    assert stats["shards"] == 3  # type: ignore[index]
    assert stats["documents"] == _json("stats", "--json", "--index", plain)["documents"]  # type: ignore[index]
    for words in (["river"], ["festival", "--sort", "date"], ["soup", "-n", "1", "--page", "2"]):
        assert _json("search", *words, "--json", "--index", sharded) == _json(
            "search", *words, "--json", "--index", plain
        )
    hit = _json("search", "river", "--json", "--index", sharded)["hits"][0]  # type: ignore[index]
    shown = run("show", hit["id"], "--json", "--index", sharded)
    assert shown.exit_code == 0 and json.loads(shown.stdout)["id"] == hit["id"]
    by_path = run("show", hit["path"], "--json", "--index", sharded)
    assert by_path.exit_code == 0 and hit["id"] in by_path.stdout
    checked = run("check", "--index", sharded)
    assert checked.exit_code == 0 and "healthy" in checked.stdout + checked.stderr
    for command in (
        ["batch", "-", "--tsv"],
        ["timeline", "river OR festival", "--json"],
        ["similar", hit["id"], "--json"],
    ):
        a = run(*command, "--index", sharded, input="river\nsoup lentil\n")
        b = run(*command, "--index", plain, input="river\nsoup lentil\n")
        assert (a.exit_code, a.stdout) == (b.exit_code, b.stdout), command


def test_eval_scores_a_sharded_index_as_a_plain_one(tmp_path: Path) -> None:
    if not ADI.exists():
        pytest.skip("the shared IR collections are not there")
    plain, sharded = str(tmp_path / "plain"), str(tmp_path / "sharded")
    run("index", str(ADI / "docs.jsonl"), "--index", plain)
    run("index", str(ADI / "docs.jsonl"), "--index", sharded, "--shards", "2")
    args = ["eval", "--queries", str(ADI / "queries.tsv"), "--qrels", str(ADI / "qrels.tsv")]
    a, b = _json(*args, "--json", "--index", sharded), _json(*args, "--json", "--index", plain)
    assert a == b and a["scored"] > 0  # type: ignore[index]


def test_incremental_runs_and_deletions_go_shard_by_shard(pair: tuple[Path, str, str]) -> None:
    corpus, plain, sharded = pair
    (corpus / "city_briefs.jsonl").unlink()
    records = [{"id": f"new-{n}", "title": f"note {n}", "body": f"zeppelin {n}"} for n in range(9)]
    (corpus / "extra.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    report = {}
    for index in (plain, sharded):
        result = run("index", "--index", index, "--json")
        assert result.exit_code == 0, result.stderr
        report[index] = json.loads(result.stdout)
    for key in ("added", "updated", "removed", "unchanged"):
        assert report[sharded][key] == report[plain][key], key
    assert report[sharded]["added"] == 9 and report[sharded]["removed"] > 0
    found = _json("search", "zeppelin", "--json", "-n", "20", "--index", sharded)
    assert sorted(h["id"] for h in found["hits"]) == sorted(r["id"] for r in records)  # type: ignore[index]
    shard_set = read_set(sharded)
    with_new = [d for d in shard_set.shard_dirs() if "new-" in _ids(d)]
    assert len(with_new) > 1  # the new documents were spread over the shards
    assert run("check", "--index", sharded).exit_code == 0


def _ids(shard_dir: str) -> str:
    from searchcli.store import latest_manifest

    manifest = latest_manifest(shard_dir)
    assert manifest is not None
    return " ".join(i for entry in manifest.files.values() for i in entry[2])


def test_changing_the_shard_count_needs_rebuild(pair: tuple[Path, str, str]) -> None:
    corpus, plain, sharded = pair
    old = read_set(sharded)
    refused = run("index", "--index", sharded, "--shards", "2")
    assert refused.exit_code == 2 and "--rebuild" in refused.stderr
    assert read_set(sharded) == old
    converted = run("index", "--index", plain, "--shards", "2")
    assert converted.exit_code == 2 and "--rebuild" in converted.stderr
    before = _json("search", "river", "--json", "--index", plain)
    assert run("index", "--index", sharded, "--shards", "2", "--rebuild").exit_code == 0
    assert run("index", "--index", plain, "--shards", "2", "--rebuild").exit_code == 0
    assert read_set(sharded).count == 2 and read_set(plain).count == 2
    assert sorted(os.listdir(plain)) == ["LOCK", "SHARDS", read_set(plain).name]
    assert not os.path.exists(old.folder)  # the previous set is gone once switched
    assert _json("search", "river", "--json", "--index", plain) == before


def test_standard_input_is_refused_with_a_reason(tmp_path: Path) -> None:
    result = run("index", "-", "--index", str(tmp_path / "ix"), "--shards", "2", input="{}\n")
    assert result.exit_code == 2 and "standard input" in result.stderr
    assert not (tmp_path / "ix" / "SHARDS").exists()


def test_a_damaged_shard_is_named_and_rebuilt(pair: tuple[Path, str, str]) -> None:
    corpus, plain, sharded = pair
    shard = read_set(sharded).shard_dirs()[1]
    data = Path(shard) / json.loads((Path(shard) / "CURRENT").read_text())["data"]
    for f in data.iterdir():
        if f.suffix in (".trm", ".seg") or f.name.endswith(".pst"):
            f.write_bytes(b"\0" * 64)
    found = run("search", "river", "--index", sharded)
    assert found.exit_code == 2
    assert "shard 1" in found.stderr and f"--rebuild --index {sharded}" in found.stderr
    checked = run("check", "--index", sharded)
    assert checked.exit_code != 0 and "shard 1" in checked.stdout + checked.stderr
    assert run("index", "--rebuild", "--index", sharded).exit_code == 0
    assert _json("search", "river", "--json", "--index", sharded) == _json(
        "search", "river", "--json", "--index", plain
    )


@pytest.mark.parametrize("sharded", [False, True], ids=["plain", "sharded"])
def test_searching_never_imports_dask(corpus_copy: Path, tmp_path: Path, sharded: bool) -> None:
    index = str(tmp_path / "ix")
    args = ["--shards", "2"] if sharded else []
    assert run("index", str(corpus_copy), "--index", index, *args).exit_code == 0
    code = (
        "import sys; from searchcli.cli import main; sys.argv = ['searchcli', 'search', "
        f"'river', '--jsonl', '--index', {index!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print([m for m in ('dask', 'distributed') if m in sys.modules])"
    )
    env = {k: v for k, v in os.environ.items() if k != "SEARCHCLI_SCHEDULER"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.splitlines()[-1] == "[]"
    assert '"id"' in out.stdout  # it did search


def test_searches_go_on_while_the_set_is_rebuilt(pair: tuple[Path, str, str]) -> None:
    import threading

    from searchcli import Searcher
    from searchcli.indexing import update

    corpus, plain, sharded = pair
    with Searcher(plain) as s:
        expected = [h.id for h in s.search("river", snippets=False).hits]
    done = threading.Event()
    errors: list[BaseException] = []

    def rebuild() -> None:
        try:
            for _ in range(3):
                update([str(corpus)], sharded, rebuild=True)
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=rebuild)
    thread.start()
    searched = 0
    while not done.is_set() or searched == 0:
        with Searcher(sharded) as s:  # opened while sets are switched and removed
            assert [h.id for h in s.search("river", snippets=False).hits] == expected
        searched += 1
    thread.join()
    assert not errors and searched > 1
