"""CLI tests in-process with CliRunner: stdout and stderr checked separately."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchcli.cli import cli

SEED = "000_9c47cbdf3046b2eb.txt"


@pytest.fixture(scope="module")  # stopped before other files run commands in subprocesses
def servers():  # type: ignore[no-untyped-def]
    from _served import Servers

    started = Servers()
    yield started
    started.stop_all()


@pytest.fixture(params=["in-process", "served"])
def run(request, servers, corpus_index: Path):  # type: ignore[no-untyped-def]
    """Every case runs twice: in-process with CliRunner, and as a user's shell runs it,
    the real `searchcli` client answered by a real `searchcli serve` (tests/_served.py)."""
    if request.param == "served":
        keep = {os.path.realpath(corpus_index)}
        request.addfinalizer(lambda: servers.stop_all(keep))
        return servers.invoke

    def invoke(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        runner = CliRunner()
        return runner.invoke(cli, list(args), input=input, env=env, catch_exceptions=False)

    return invoke


def test_every_command_has_help(run) -> None:  # type: ignore[no-untyped-def]
    for name, command in cli.commands.items():
        assert command.help, f"{name} has no help text"
        result = run(name, "--help")
        assert result.exit_code == 0 and "Usage:" in result.stdout


def test_index_then_search_as_a_user_would(run, corpus_copy: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ix = str(tmp_path / "ix")
    built = run("index", str(corpus_copy), "--index", ix)
    assert built.exit_code == 0
    assert built.stdout == ""  # a summary is for people: stderr
    assert "added" in built.stderr and "0 skipped" in built.stderr

    found = run("search", "karabakh", "--index", ix)
    assert found.exit_code == 0
    assert "Azerbaijan reiterates willingness" in found.stdout
    assert "of 1 results" in found.stderr and "results" not in found.stdout

    again = run("index", str(corpus_copy), "--index", ix)
    assert "0 added, 0 updated, 0 removed" in again.stderr


def test_index_without_paths_resyncs_recorded_folders(
    run, corpus_copy: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    ix = str(tmp_path / "ix")
    run("index", str(corpus_copy), "--index", ix)
    (corpus_copy / "late.md").write_text("# Late arrival\n\nA xylophone recital.\n")
    result = run("index", "--index", ix)
    assert result.exit_code == 0 and "1 added" in result.stderr
    assert run("search", "xylophone", "--index", ix, "--paths").exit_code == 0


def test_index_env_variable(run, corpus_copy: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = {"SEARCHCLI_INDEX": str(tmp_path / "env-ix")}
    assert run("index", str(corpus_copy), env=env).exit_code == 0
    assert run("search", "karabakh", "--jsonl", env=env).exit_code == 0


def test_json_output(run, corpus_index: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("search", "karabakh", "--index", str(corpus_index), "--json")
    data = json.loads(result.stdout)
    assert set(data) == {"query", "total", "page", "limit", "mode", "suggestion", "folded", "hits"}
    hit = data["hits"][0]
    assert list(hit) == [
        "rank",
        "score",
        "id",
        "title",
        "source",
        "path",
        "date",
        "author",
        "site",
        "snippet",
        "highlights",
        "duplicates",
    ]
    assert hit["id"] == SEED and hit["rank"] == 1
    for start, end in hit["highlights"]:
        assert hit["snippet"][start:end].lower().endswith("karabakh")
    assert result.stderr == ""


def test_jsonl_output_one_hit_a_line(run, corpus_index: Path) -> None:  # type: ignore[no-untyped-def]
    result = run(
        "search", "river OR city OR train", "--index", str(corpus_index), "--jsonl", "-n", "3"
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert [json.loads(line)["rank"] for line in lines] == [1, 2, 3]


def test_tsv_output(run, corpus_index: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("search", "karabakh", "--index", str(corpus_index), "--tsv")
    header, row = result.stdout.splitlines()
    assert header.split("\t") == [
        "rank",
        "score",
        "id",
        "title",
        "source",
        "path",
        "date",
        "author",
        "site",
        "snippet",
        "duplicates",
    ]
    cells = row.split("\t")
    assert len(cells) == 11 and cells[2] == SEED and cells[10] == ""


def test_paths_output_and_nul(run, corpus_index: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("search", "karabakh", "--index", str(corpus_index), "--paths")
    assert result.stdout.strip().endswith(SEED)
    nul = run("search", "karabakh OR lentil", "--index", str(corpus_index), "--paths", "-0")
    parts = nul.stdout_bytes.split(b"\0")
    assert parts[-1] == b"" and len(parts) >= 3
    assert all(Path(p.decode()).is_file() for p in parts[:-1])
    assert len(set(parts)) == len(parts)  # each file once, like grep -l


def test_nothing_found_exits_1_with_empty_stdout(run, corpus_index: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("search", "qqqqzzzz", "--index", str(corpus_index), "--jsonl")
    assert result.exit_code == 1 and result.stdout == ""


def test_suggestion_in_json(run, corpus_index: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("search", "karabkah", "--index", str(corpus_index), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["suggestion"] == "karabakh"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "x", "--index", "{tmp}/none"], "searchcli index"),
        (["stats", "--index", "{tmp}/none"], "searchcli index"),
        (["index", "{tmp}/no-such-folder", "--index", "{tmp}/ix"], "no such file or folder"),
        (["search", "   ", "--index", "{corpus_index}"], "empty query"),
        (["search", "x", "-n", "0", "--index", "{corpus_index}"], "Invalid value"),
    ],
)
def test_errors_exit_2_with_a_message_on_stderr(
    run, tmp_path: Path, corpus_index: Path, args: list[str], message: str
) -> None:  # type: ignore[no-untyped-def]
    args = [a.format(tmp=tmp_path, corpus_index=corpus_index) for a in args]
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_stats_json(run, corpus_index: Path) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(run("stats", "--index", str(corpus_index), "--json").stdout)
    assert data["documents"] >= 8 and data["size_bytes"] > 0 and "title" in data["fields"]
    assert data["last_update"]


def test_show_round_trip(run, corpus_index: Path) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(run("show", SEED, "--index", str(corpus_index), "--json").stdout)
    assert data["title"].startswith("Azerbaijan reiterates")
    assert "Upper Karabakh" in data["body"]
    assert run("show", "no-such-id", "--index", str(corpus_index)).exit_code == 1


def test_batch_jsonl_and_bad_lines(run, corpus_index: Path) -> None:  # type: ignore[no-untyped-def]
    queries = "q1\tkarabakh\nlentil soup\nq3\t   \n"
    result = run("batch", "-", "--index", str(corpus_index), input=queries)
    assert result.exit_code == 0
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x["qid"] for x in lines] == ["q1", "2"]
    assert lines[0]["hits"][0]["id"] == SEED
    assert "line 3" in result.stderr


def test_batch_trec(run, corpus_index: Path) -> None:  # type: ignore[no-untyped-def]
    result = run(
        "batch",
        "-",
        "--index",
        str(corpus_index),
        "--trec",
        "mytag",
        "--depth",
        "5",
        input="7\tkarabakh OR lentil\n",
    )
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows and all(len(r) == 6 for r in rows)
    assert [r[3] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    assert {r[0] for r in rows} == {"7"} and {r[1] for r in rows} == {"Q0"}
    assert {r[5] for r in rows} == {"mytag"}
    scores = [float(r[4]) for r in rows]
    assert scores == sorted(scores, reverse=True)


def test_no_color_when_not_a_terminal(run, corpus_index: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("search", "karabakh", "--index", str(corpus_index))
    assert "\x1b" not in result.stdout and "\x1b" not in result.stderr


def test_eval_scores_a_run_file(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("1 0 a 1\n1 0 b 0\n2 0 c 2\n")
    run_file = tmp_path / "run.txt"
    # query 1 finds its one relevant document first; query 2 is missing (scores 0)
    run_file.write_text("1 Q0 a 1 2.0 t\n1 Q0 b 2 1.0 t\n")
    result = run("eval", "--qrels", str(qrels), "--run", str(run_file), "--json", "--per-query")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["scored"] == 2 and data["missing_runs"] == 1
    assert data["per_query"]["1"]["nDCG@10"] == 1.0 and data["per_query"]["2"]["MAP"] == 0.0
    assert data["means"]["nDCG@10"] == 0.5
    assert "no results" in result.stderr


def test_eval_runs_queries_against_the_index(run, corpus_index: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    queries = tmp_path / "q.tsv"
    queries.write_text("k\tkarabakh\n")
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text(f"k 0 {SEED} 1\n")
    args = ["eval", "--queries", str(queries), "--qrels", str(qrels), "--index", str(corpus_index)]
    result = run(*args)
    assert result.exit_code == 0 and "1 queries scored" in result.stdout
    assert json.loads(run(*args, "--json").stdout)["means"]["MAP"] == 1.0


@pytest.mark.parametrize(
    ("content", "message"),
    [("1 0 a\n", "qrels.tsv:1"), ("1 0 a x\n", "qrels.tsv:1")],
)
def test_eval_bad_qrels_exit_2(run, tmp_path: Path, content: str, message: str) -> None:  # type: ignore[no-untyped-def]
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text(content)
    run_file = tmp_path / "run.txt"
    run_file.write_text("1 Q0 a 1 1.0 t\n")
    result = run("eval", "--qrels", str(qrels), "--run", str(run_file))
    assert result.exit_code == 2 and message in result.stderr and result.stdout == ""


def test_eval_needs_queries_or_run(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("1 0 a 1\n")
    result = run("eval", "--qrels", str(qrels))
    assert result.exit_code == 2 and "--queries" in result.stderr


def test_paths_escape_control_characters_only_for_a_terminal() -> None:
    import io

    from searchcli.models import Hit
    from searchcli.serialize import write_paths

    hit = Hit(1, 1.0, "x", "t", "s", "/tmp/a\x1b]52;c;x\x07b\udcff.txt", None)
    raw, shown = io.BytesIO(), io.BytesIO()
    write_paths(raw, [hit], nul=True)
    write_paths(shown, [hit], escape=True)
    assert raw.getvalue() == b"/tmp/a\x1b]52;c;x\x07b\xff.txt\0"  # round-trips
    assert shown.getvalue() == b"/tmp/a\\x1b]52;c;x\\x07b\\xff.txt\n"
