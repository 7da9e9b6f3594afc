"""Hypothesis: any query gives results or a clear error, and any document
round-trips through index and show and is found by a word planted in it.

Deterministic (derandomize, no example database) and bounded: each property
runs a fixed number of examples, every command under a hang guard.
"""

from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from _generated import deadline, make_words, write_corpus
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchcli import indexing
from searchcli.cli import cli
from searchcli.text import clean_body, clean_line

EXAMPLES = 250
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
HANG_GUARD = 60  # seconds; not a speed test, only a stop for a hang
STATS: dict[str, int] = {}


def invoke(args: list[str], input: str | None = None) -> Any:
    with deadline(HANG_GUARD):
        result = CliRunner().invoke(cli, args, input=input)
    STATS["commands"] = STATS.get("commands", 0) + 1
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    if result.exit_code == 2:
        assert result.stderr.startswith(("searchcli: error: ", "Usage: ")), result.stderr
        assert "internal error" not in result.stderr, result.stderr
        STATS["errors"] = STATS.get("errors", 0) + 1
    else:
        assert result.exit_code in (0, 1), (result.exit_code, result.output)
    return result


# -- queries --------------------------------------------------------------------------

VOCAB = make_words(random.Random(1), 4000)[:300]
OPERATORS = [
    "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "-", "+", '"', "'", "(", ")", "[", "]", "{",
    "}", "*", "?", "~", "~2", "^", "^2", ":", "\\", "/", "TO", "<", ">", "=", "!",
    "title:", "body:", "source:", "id:", "path:", "date:", "nofield:", ":title", "a*",
    "*", "?*", "*a*", "x~", "kari~2", "te?t", "\x00", "\x1b[31m", "...", "--", "'s",
]  # fmt: skip
ANY_CHAR = st.characters(blacklist_categories=())  # surrogates too: argv can carry them
pieces = st.one_of(st.sampled_from(OPERATORS), st.sampled_from(VOCAB), st.text(ANY_CHAR))
queries = st.one_of(
    st.text(ANY_CHAR, max_size=200),
    st.lists(pieces, max_size=12).map(" ".join),
    st.lists(pieces, max_size=12).map("".join),
    st.text(st.sampled_from('()"*?~:^-+ aAzZ09[]{}'), max_size=60),
    st.builds(lambda w, n: " ".join([w] * n), st.sampled_from(VOCAB), st.integers(50, 400)),
    st.text(ANY_CHAR, min_size=2000, max_size=6000),
)
FORMATS = [[], ["--json"], ["--jsonl"], ["--tsv"], ["--paths"], ["--paths", "-0"]]


@pytest.fixture(scope="module")
def big_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    write_corpus(root / "corpus", 3000, words=60)
    indexing.rebuild([str(root / "corpus")], str(root / "index"))
    return root / "index"


@FUZZ
@given(query=queries, fmt=st.sampled_from(FORMATS), mode=st.sampled_from([[], ["--or"]]))
def test_any_query_answers_or_fails_clearly(big_index: Path, query: str, fmt, mode) -> None:
    STATS["queries"] = STATS.get("queries", 0) + 1
    invoke(["search", "--index", str(big_index), *fmt, *mode, "-n", "5", "--", query])


@pytest.mark.parametrize(
    "query", ["a*", "*", "?*", "*a*", "ka*", "karito~2", "title:*", "ka* OR ri* OR to*", "k*~2"]
)
def test_expanding_queries_complete(big_index: Path, query: str) -> None:
    """Wildcards and fuzzy terms are capped (MAX_EXPANSION): they answer, under
    the hang guard, on a 3000-document index."""
    result = invoke(["search", "--index", str(big_index), "--json", "--", query])
    assert result.exit_code in (0, 1)
    json.loads(result.stdout)


def test_fuzzy_distance_is_capped(big_index: Path) -> None:
    from whoosh import query as wq

    from searchcli.searching import Searcher

    with Searcher(big_index) as s:
        q = s.parse("basagudinexkarito~9", "all")
        fuzzy = [leaf for leaf in q.leaves() if isinstance(leaf, wq.FuzzyTerm)]
        assert fuzzy and all(leaf.maxdist <= 2 for leaf in fuzzy)
    result = invoke(["search", "--index", str(big_index), "--", "basagudinexkarito~9"])
    assert result.exit_code in (0, 1)


# -- documents --------------------------------------------------------------------------

field_text = st.one_of(
    st.text(ANY_CHAR, max_size=300),
    st.text(st.sampled_from("a \n\t\r\x1b[]/\\\"'<>&#é\u0301\u200b\ufeff\x00\x85"), max_size=80),
)
COUNTER = iter(range(10**9))


def token() -> str:
    """A word no generated text can hold: the planted, unique search key.

    Also reseeds the global `random`, which Hypothesis seeds alike for every
    example: Whoosh names segments from it, and a repeated name overwrites the
    live segment (test_crash.py::test_a_seeded_global_random_never_overwrites...).
    """
    n = next(COUNTER)
    random.seed(f"searchcli-fuzz-{n}")
    return f"plantq{n:07d}z"


@pytest.fixture(scope="module")
def doc_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-docs") / "index"


def expect_clean(value: str) -> None:
    bad = [c for c in value if (c < " " and c not in "\n\t") or "\x7f" <= c <= "\x9f"]
    assert not bad, value
    assert "\ufffd" in value or not any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    assert unicodedata.is_normalized("NFC", value)


@FUZZ
@given(title=field_text, body=field_text, source=field_text, own_id=field_text)
def test_any_document_round_trips_and_is_found(
    doc_index: Path, title: str, body: str, source: str, own_id: str
) -> None:
    STATS["documents"] = STATS.get("documents", 0) + 1
    word = token()
    doc_id = f"{own_id}-{word}"
    # On a line of its own: the cleaner removes a stray escape sequence whole,
    # and an unterminated OSC up to the end of its line, letters included.
    record = {"id": doc_id, "title": title, "body": f"{body}\n{word}\n{body}", "source": source}
    made = invoke(["index", "-", "--index", str(doc_index)], input=json.dumps(record) + "\n")
    assert made.exit_code == 0, made.output

    found = invoke(["search", "--index", str(doc_index), "--json", "--", word])
    assert found.exit_code == 0, found.output
    (hit,) = json.loads(found.stdout)["hits"]
    shown = invoke(["show", "--index", str(doc_index), "--json", "--", hit["id"]])
    assert shown.exit_code == 0, shown.output
    doc = json.loads(shown.stdout)

    assert doc["id"] == clean_line(doc_id)
    assert doc["title"] == clean_line(title)
    assert doc["body"] == clean_body(record["body"])
    assert doc["source"] == (clean_line(source) or "-")
    for value in (doc["id"], doc["title"], doc["body"], doc["source"]):
        expect_clean(value)
    assert word in doc["body"].split()


@FUZZ
@given(docs=st.lists(st.tuples(field_text, field_text), min_size=1, max_size=5))
def test_any_json_file_round_trips(doc_index: Path, docs: list[tuple[str, str]]) -> None:
    """The same through a .json file (an array of records) re-indexed in place."""
    STATS["json files"] = STATS.get("json files", 0) + 1
    folder = doc_index.parent / "files"
    folder.mkdir(exist_ok=True)
    words = [token() for _ in docs]
    records = [{"title": t, "body": f"{b}\n{w}"} for (t, b), w in zip(docs, words, strict=True)]
    (folder / "docs.json").write_text(json.dumps(records), encoding="utf-8")
    made = invoke(["index", str(folder), "--index", str(doc_index) + "-files"])
    assert made.exit_code == 0, made.output
    for (title, _), word in zip(docs, words, strict=True):
        found = invoke(["search", "--index", str(doc_index) + "-files", "--json", "--", word])
        (hit,) = json.loads(found.stdout)["hits"]
        assert hit["title"] == clean_line(title)


def test_zz_report_fuzz_counts() -> None:
    """Prints how many examples ran (pytest -s): the figures for the issue."""
    print(f"\nfuzz: {STATS}")
