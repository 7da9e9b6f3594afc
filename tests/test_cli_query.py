"""`searchcli search` reads a leading `-word` as query text, not as an option."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from searchcli import build_index
from searchcli.cli import cli


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("cliq")
    records = [
        {"id": "timer", "title": "", "body": "a timer unit for cron jobs"},
        {"id": "systemd", "title": "", "body": "a systemd timer unit"},
        {"id": "network", "title": "", "body": "network settings"},
    ]
    docs = folder / "docs.jsonl"
    docs.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    build_index([str(docs)], str(folder / "ix"))
    return str(folder / "ix")


def search(*args: str) -> tuple[int, list[str], str]:
    result = CliRunner().invoke(cli, ["search", *args], catch_exceptions=False)
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    return result.exit_code, ids, result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("-systemd timer",),  # one argument, as the shell passes a quoted query
        ("-systemd", "timer"),
        ("timer", "-systemd"),
        ("--", "-systemd", "timer"),  # `--` still works
        ("-systemd", "timer", "-n", "5"),  # options after the query still work
        ("-n5", "-systemd", "timer"),  # and a short option with its value attached
    ],
)
def test_leading_minus_word_is_a_query(index: str, args: tuple[str, ...]) -> None:
    code, ids, err = search("--index", index, "--jsonl", *args)
    assert (code, ids, err) == (0, ["timer"], "")


def test_minus_word_that_starts_like_an_option_is_a_word(index: str) -> None:
    # "-network" begins with "-n" (--limit), but "etwork" is no number
    code, ids, _ = search("--index", index, "--jsonl", "--or", "-network", "settings", "timer")
    assert code == 0 and "network" not in ids and set(ids) == {"timer", "systemd"}


def test_limit_still_applies(index: str) -> None:
    assert len(search("--index", index, "--jsonl", "unit")[1]) == 2
    assert len(search("--index", index, "--jsonl", "-n", "1", "unit")[1]) == 1


def test_a_mistyped_long_option_is_still_an_error(index: str) -> None:
    code, ids, err = search("--index", index, "--josn", "timer")
    assert code == 2 and ids == [] and "No such option" in err and "--json" in err


def test_only_options_is_still_missing_words(index: str) -> None:
    code, _, err = search("--index", index, "-n", "3")
    assert code == 2 and "Missing argument" in err


def test_quoted_phrase_with_stop_words_from_the_command_line(index: str) -> None:
    assert search("--index", index, "--jsonl", '"a timer unit"')[:2] == (0, ["timer"])
    assert search("--index", index, "--jsonl", '"timer a unit"')[:2] == (1, [])
