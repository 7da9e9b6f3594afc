"""Generated corpora and small helpers shared by the robustness tests.

Everything is deterministic (a seeded Random) and written under a folder the
test gives (its tmp_path), big enough to make an indexing run last a few seconds.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Syllables make plenty of distinct, pronounceable words, so the index has a
# realistic number of terms rather than a handful repeated.
_SYLLABLES = (
    "ka ri to mu sa le vo ne di pa gu shi ro te ba lo mi ze fa qu nor tel vas pin dor"
).split()

# A word that only the second version of a corpus holds (see modify_corpus).
NEW_WORD = "zephyrnew"


def make_words(rng: random.Random, n: int) -> list[str]:
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def doc_path(root: Path, i: int) -> Path:
    return root / f"part{i % 10:02d}" / f"doc{i:05d}.txt"


def marker(i: int) -> str:
    """The word planted in document i only."""
    return f"marker{i:05d}"


def write_doc(
    root: Path, i: int, rng: random.Random, vocab: list[str], extra: str = "", words: int = 100
) -> None:
    path = doc_path(root, i)
    path.parent.mkdir(parents=True, exist_ok=True)
    title = " ".join(rng.choice(vocab) for _ in range(5))
    body = " ".join(rng.choice(vocab) for _ in range(words))
    path.write_text(f"{title}\n\n{body} {marker(i)} {extra}\n", encoding="utf-8")


def write_corpus(root: Path, n_files: int, seed: int = 1, words: int = 100) -> None:
    """n_files news-layout .txt files in ten sub-folders."""
    rng = random.Random(seed)
    vocab = make_words(rng, 4000)
    for i in range(n_files):
        write_doc(root, i, rng, vocab, words=words)


def modify_corpus(root: Path, n_files: int, seed: int = 2) -> dict[str, list[int]]:
    """The second version of a write_corpus folder: every third file rewritten
    (with NEW_WORD), every tenth deleted (when not rewritten), a tenth more added."""
    rng = random.Random(seed)
    vocab = make_words(random.Random(1), 4000)
    changed = list(range(0, n_files, 3))
    deleted = [i for i in range(1, n_files, 10) if i % 3]
    added = list(range(n_files, n_files + n_files // 10))
    for i in changed + added:
        write_doc(root, i, rng, vocab, NEW_WORD)
    for i in deleted:
        doc_path(root, i).unlink()
    return {"changed": changed, "deleted": deleted, "added": added}


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("SEARCHCLI_INDEX", None)
    env["NO_COLOR"] = "1"
    return env


def searchcli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "searchcli", *args]


def run_searchcli(*args: str, **kw) -> subprocess.CompletedProcess[str]:
    """`python -m searchcli ARGS` in a fresh process, output captured as text."""
    return subprocess.run(
        searchcli_command(*args), capture_output=True, text=True, env=child_env(), **kw
    )


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail with TimeoutError instead of hanging (a FIFO opened for reading, an
    expansion that never ends). Not a speed test: only a stop for a hang."""

    def expired(*_: Any) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
