"""Shared fixtures: real indexes in temp folders, built from the bundled corpus
or from documents a test writes itself."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
# The benchmarks' helpers (bench/_corpus.py: where the shared data lives, the news
# layout) serve the tests too.
sys.path.insert(0, str(REPO / "bench"))


@pytest.fixture(autouse=True)
def _private_user_index(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test may find or write the real per-user index, or one named by the caller's
    environment: the per-user data folder is a temp folder, $SEARCHCLI_INDEX unset."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
    monkeypatch.delenv("SEARCHCLI_INDEX", raising=False)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled corpus that a test may change."""
    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest)
    return dest


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled corpus, built once, for read-only tests."""
    from searchcli import build_index

    index_dir = tmp_path_factory.mktemp("corpus-index") / "index"
    build_index([str(CORPUS)], str(index_dir))
    return index_dir


@pytest.fixture
def write_jsonl(tmp_path: Path) -> Callable[[list[dict[str, object]], str], Path]:
    def write(records: list[dict[str, object]], name: str = "docs.jsonl") -> Path:
        path = tmp_path / name
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        return path

    return write
