"""Crash safety: an `index` run killed at any moment leaves the last commit
searchable, `check` passing, and the next run completing normally.

The kill tests start real `python -m searchcli index` processes on a corpus of a
few thousand generated files, measure how long an uninterrupted run takes, then
SIGKILL fresh runs at evenly spread moments of it. Run with -s to see the table.

Damage tests truncate or delete the segment file: `search` and `check` must say
"rebuild" (exit 2), never show a traceback, and `index --rebuild` must repair it.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from _generated import (
    NEW_WORD,
    child_env,
    make_words,
    marker,
    modify_corpus,
    searchcli_command,
    write_corpus,
)
from click.testing import CliRunner
from whoosh import reading as whoosh_reading

from searchcli import checking, indexing
from searchcli.cli import cli
from searchcli.searching import Searcher

N_FILES = 1000
KILLS = 20

Fingerprint = tuple[tuple[str, int, tuple[str, ...]], ...]


def queries() -> list[str]:
    vocab = make_words(__import__("random").Random(1), 4000)
    return [
        NEW_WORD,  # only in the second version
        marker(1),  # a deleted document
        marker(N_FILES),  # an added document
        marker(3),  # a rewritten document
        vocab[100],
        f"{vocab[7]} OR {vocab[2000]}",
    ]


def fingerprint(index_dir: Path) -> Fingerprint:
    """What the index answers: for each query, the total and the matching ids."""
    with Searcher(index_dir) as s:
        out = []
        for q in queries():
            r = s.search(q, limit=10_000, snippets=False, suggest=False)
            out.append((q, r.total, tuple(sorted(h.id for h in r.hits))))
        return tuple(out)


def cli_check(index_dir: Path) -> Any:
    return CliRunner().invoke(cli, ["check", "--index", str(index_dir)])


def data_dirs(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.glob("data-*"))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A corpus at version 2, the index of version 1, and both versions' answers."""
    root = tmp_path_factory.mktemp("crash")
    corpus = root / "corpus"
    write_corpus(corpus, N_FILES)
    base = root / "base-index"
    indexing.rebuild([str(corpus)], str(base))
    pre = fingerprint(base)
    modify_corpus(corpus, N_FILES)
    post_index = root / "post-index"
    indexing.rebuild([str(corpus)], str(post_index))
    post = fingerprint(post_index)
    assert pre != post
    return {"root": root, "corpus": corpus, "base": base, "pre": pre, "post": post}


def fresh_copy(world: dict[str, Any], name: str) -> Path:
    work = world["root"] / name
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(world["base"], work)
    return work


# Whoosh's multiprocessing writer (workers forked by the run) only starts above
# writers.PARALLEL_MIN_BYTES of input; this runs the CLI with that set to 0.
PARALLEL = (
    "import sys; from searchcli import writers; writers.PARALLEL_MIN_BYTES = 0; "
    "from searchcli.cli import main; main()"
)


def start(world: dict[str, Any], work: Path, kind: str) -> subprocess.Popen[bytes]:
    args = ["index", str(world["corpus"]), "--index", str(work)]
    if kind != "incremental":
        args.append("--rebuild")
    command = searchcli_command(*args)
    if kind == "rebuild-parallel":
        command[1:3] = ["-c", PARALLEL]
    return subprocess.Popen(
        command, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def kill_at(proc: subprocess.Popen[bytes], started: float, at: float) -> bool:
    """SIGKILL proc `at` seconds after `started`; False when it had already exited.
    Its workers (forked by a parallel writer) must die with it."""
    delay = started + at - time.perf_counter()
    if delay > 0:
        time.sleep(delay)
    killed = proc.poll() is None
    workers = children(proc.pid)
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.communicate()
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(w) for w in workers), "a worker outlived the killed run"
    return killed


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["incremental", "rebuild", "rebuild-parallel"])
def test_kill_at_any_moment_keeps_a_committed_index(
    world: dict[str, Any], kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A quicker check for the many rounds: every term's dictionary entry is
    # still read, postings for one term in eight or so.
    monkeypatch.setattr(checking, "POSTINGS_BUDGET", 40_000)
    pre, post = world["pre"], world["post"]

    # The uninterrupted run: how long it takes, and that it ends at `post`.
    work = fresh_copy(world, f"measure-{kind}")
    started = time.perf_counter()
    proc = start(world, work, kind)
    _, err = proc.communicate()
    duration = time.perf_counter() - started
    assert proc.returncode == 0, err.decode()
    assert fingerprint(work) == post

    rows = []
    for k in range(KILLS):
        at = duration * (k + 0.5) / KILLS
        work = fresh_copy(world, f"kill-{kind}")
        started = time.perf_counter()
        killed = kill_at(start(world, work, kind), started, at)

        # The index answers from one committed state: before or after the run.
        found = fingerprint(work)
        assert found in (pre, post), f"kill at {at:.2f} s left a state that is neither"
        state = "old" if found == pre else "new"
        checked = cli_check(work)
        assert checked.exit_code == 0, checked.output
        search = CliRunner().invoke(cli, ["search", NEW_WORD, "--paths", "--index", str(work)])
        assert search.exit_code == (1 if state == "old" else 0), search.output

        # The next run, a plain incremental one, completes and ends at `post`.
        again = subprocess.run(
            searchcli_command("index", str(world["corpus"]), "--index", str(work)),
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert again.returncode == 0, again.stderr
        assert fingerprint(work) == post
        if k % 4 == 3:  # a full check now and then; every kill's state was checked above
            assert cli_check(work).exit_code == 0
        assert len(data_dirs(work)) == 1  # a killed rebuild's folder is cleared away
        rows.append((k + 1, at, "killed" if killed else "had exited", state))

    print(f"\n{kind} run: uninterrupted {duration:.2f} s, {KILLS} kills")
    print(f"{'#':>3} {'kill at':>8}  {'process':<11} state found   next run")
    for n, at, what, state in rows:
        print(f"{n:>3} {at:>7.2f}s  {what:<11} {state} commit    ok")
    killed_old = sum(1 for r in rows if r[2] == "killed" and r[3] == "old")
    assert killed_old >= KILLS // 2, "most kills should land before the commit"


# -- damaged files -------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("damage")
    write_corpus(root / "corpus", 60)
    index = root / "index"
    indexing.rebuild([str(root / "corpus")], str(index))
    return index


def copy_index(index_dir: Path, tmp_path: Path) -> Path:
    """A copy of a module-wide index that a test may damage."""
    work = tmp_path / "index"
    shutil.copytree(index_dir, work)
    return work


# The files of a segment, by what follows the segment name: a compound segment
# is one .seg file; separate files are terms, postings, stored fields, columns.
SEGMENT_FILES = ["trm", "pst", "_stored.col", "_body_len.col", "_title_len.col", "date.col"]
HOWS = ["empty", "half", "last-byte-cut", "deleted"]

# Damage that surfaces as a TypeError deep inside (a length read back as None):
# not told apart from a bug; `check` finds it. The cut title lengths were such a
# case while `kari*` (one title term) was scored by BM25, reading them; a pattern
# now scores every match the same (querying._Bounded) and reads no lengths.
TYPE_ERROR_GAP: set[tuple[str, str]] = set()
# whoosh-reloaded reports a cut postings file with a bare Exception("Block tag
# error"), which cannot be told apart from a bug; whoosh3 has CorruptIndexError.
FORK_GAP = (
    set() if hasattr(whoosh_reading, "CorruptIndexError") else {("pst", "empty"), ("pst", "half")}
)
FORK_WHY = "whoosh-reloaded: a cut postings file raises a bare Exception"


def damage_cases(gaps: dict[str, set[tuple[str, str]]]) -> list[Any]:
    def marks(case: tuple[str, str]) -> list[Any]:
        why = [reason for reason, cases in gaps.items() if case in cases]
        return [pytest.mark.xfail(strict=True, reason=why[0])] if why else []

    return [pytest.param(p, h, marks=marks((p, h))) for p in SEGMENT_FILES for h in HOWS]


def segment_files(index_dir: Path) -> dict[str, Path]:
    found = {}
    for path in glob.glob(str(index_dir / "data-*" / "MAIN_*.*")):
        name = os.path.basename(path)
        if not name.startswith("MAIN_WRITELOCK"):
            found[name.split(".", 1)[1]] = Path(path)
    return found


def damaged(small_index: Path, tmp_path: Path, part: str, how: str) -> Path:
    work = copy_index(small_index, tmp_path)
    files = segment_files(work)
    if "seg" in files:  # a compound segment: damage the one file there is
        part = "seg"
    target = files[part]
    size = target.stat().st_size
    if how == "deleted":
        target.unlink()
    else:
        os.truncate(target, {"empty": 0, "half": size // 2, "last-byte-cut": size - 1}[how])
    return work


@pytest.mark.parametrize(
    ("part", "how"),
    damage_cases(
        {
            FORK_WHY: FORK_GAP,
            "damage read back as None: TypeError, 'internal error'": TYPE_ERROR_GAP,
        }
    ),
)
def test_search_on_a_damaged_segment_fails_clearly(
    small_index: Path, tmp_path: Path, part: str, how: str
) -> None:
    """Whoosh keeps no checksums, so a query that does not read the damaged part
    may still answer; one that does must say "rebuild", never "internal error"."""
    work = damaged(small_index, tmp_path, part, how)
    for args in (["search", marker(5)], ["search", "kari*"], ["show", "part05/doc00005.txt"]):
        result = CliRunner().invoke(cli, [*args, "--index", str(work)])
        assert "Traceback" not in result.output
        assert "internal error" not in result.stderr, (args, result.stderr)
        if result.exit_code == 2:
            assert f"searchcli index --rebuild --index {work}" in result.stderr
            assert result.stdout == ""
        else:
            assert result.exit_code in (0, 1)


@pytest.mark.parametrize(
    ("part", "how"),
    damage_cases({FORK_WHY: FORK_GAP}),
)
def test_check_finds_a_damaged_segment_and_rebuild_repairs_it(
    small_index: Path, tmp_path: Path, part: str, how: str
) -> None:
    work = damaged(small_index, tmp_path, part, how)
    report = checking.check_index(work)
    assert not report.ok
    result = CliRunner().invoke(cli, ["check", "--index", str(work)])
    assert result.exit_code == 2
    assert f"searchcli index --rebuild --index {work}" in result.stderr
    assert "Traceback" not in result.output

    # An incremental run that has work to do either refuses with the same
    # advice or (when it never reads the damaged part) completes; a rebuild repairs.
    changed = small_index.parent / "corpus" / "part00" / "doc00010.txt"
    os.utime(changed, ns=(time.time_ns(), time.time_ns()))
    update = CliRunner().invoke(cli, ["index", "--index", str(work)])
    assert "internal error" not in update.stderr and "Traceback" not in update.output
    assert update.exit_code == 0 or "--rebuild" in update.stderr
    rebuild = CliRunner().invoke(cli, ["index", "--rebuild", "--index", str(work)])
    assert rebuild.exit_code == 0, rebuild.output
    assert checking.check_index(work).ok
    found = CliRunner().invoke(cli, ["search", marker(5), "--paths", "--index", str(work)])
    assert found.exit_code == 0
    assert found.stdout.strip().endswith("doc00005.txt")


def test_check_reports_a_healthy_index(small_index: Path) -> None:
    report = checking.check_index(small_index)
    assert report.ok and report.problems == ()
    assert report.documents == 60 and report.segments == 1
    d = report.to_dict()
    assert d["ok"] is True and d["documents"] == 60 and d["problems"] == []
    result = CliRunner().invoke(cli, ["check", "--json", "--index", str(small_index)])
    assert result.exit_code == 0
    assert '"ok": true' in result.stdout
    assert "healthy" in result.stderr


def test_check_on_a_missing_index_says_how_to_build_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--index", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "searchcli index" in result.stderr and "Traceback" not in result.output


def test_check_compares_with_the_manifest(small_index: Path, tmp_path: Path) -> None:
    work = copy_index(small_index, tmp_path)
    (manifest,) = work.glob("data-*/manifest-*.json")
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("doc00007.txt", "doc99999.txt"), encoding="utf-8")
    report = checking.check_index(work)
    assert not report.ok
    assert any("not in the index" in p and "doc99999" in p for p in report.problems)
    assert any("not listed in the manifest" in p for p in report.problems)

    manifest.unlink()  # harmless: the next run re-reads every file
    report = checking.check_index(work)
    assert report.ok and any("manifest" in n for n in report.notes)


def test_check_names_a_damaged_current_file(small_index: Path, tmp_path: Path) -> None:
    work = copy_index(small_index, tmp_path)
    (work / "CURRENT").write_text("{not json", encoding="utf-8")
    report = checking.check_index(work)
    assert not report.ok and "CURRENT" in report.problems[0]


def toc_file(index_dir: Path) -> Path:
    (toc,) = glob.glob(str(index_dir / "data-*" / "_MAIN_*.toc"))
    return Path(toc)


@pytest.mark.parametrize("how", ["truncated", "renamed-class"])
def test_a_damaged_table_of_contents_says_rebuild_and_rebuild_needs_no_paths(
    small_index: Path, tmp_path: Path, how: str
) -> None:
    work = copy_index(small_index, tmp_path)
    toc = toc_file(work)
    data = toc.read_bytes()
    if how == "truncated":
        toc.write_bytes(data[: len(data) // 2])
    else:  # as if a later searchcli had renamed a schema class: the pickle cannot load
        assert b"FastText" in data
        toc.write_bytes(data.replace(b"FastText", b"FastTexX"))
    for args in (["search", marker(5)], ["stats"], ["show", "part00/doc00005.txt"], ["check"]):
        result = CliRunner().invoke(cli, [*args, "--index", str(work)])
        assert result.exit_code == 2, (args, result.output)
        assert f"searchcli index --rebuild --index {work}" in result.stderr, args
        assert "internal error" not in result.stderr and "Traceback" not in result.output

    # The advice works as given: the folders indexed are read from the manifest.
    rebuild = CliRunner().invoke(cli, ["index", "--rebuild", "--index", str(work)])
    assert rebuild.exit_code == 0, rebuild.output
    found = CliRunner().invoke(cli, ["search", marker(5), "--paths", "--index", str(work)])
    assert found.exit_code == 0 and found.stdout.strip().endswith("doc00005.txt")


# -- disk full, read-only ------------------------------------------------------------


def limited_file_size(limit: int) -> Any:
    """preexec_fn: files may not grow past `limit` bytes, and writing past it
    fails with EFBIG instead of killing the process (as a full disk fails writes)."""
    import resource

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    return apply


@pytest.mark.parametrize("rebuild", [False, True], ids=["incremental", "rebuild"])
def test_a_full_disk_fails_clearly_and_keeps_the_previous_index(
    small_index: Path, tmp_path: Path, rebuild: bool
) -> None:
    work = copy_index(small_index, tmp_path)
    before = fingerprint(work)
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 200, seed=7)  # other documents: a run that changes a lot
    args = ["index", str(corpus), "--index", str(work), *(["--rebuild"] if rebuild else [])]
    result = subprocess.run(
        searchcli_command(*args),
        env=child_env(),
        capture_output=True,
        text=True,
        preexec_fn=limited_file_size(64 * 1024),
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "could not write the index" in result.stderr
    assert "File too large" in result.stderr  # the OS's own words for EFBIG
    assert "previous index is unchanged" in result.stderr
    assert fingerprint(work) == before
    assert checking.check_index(work).ok
    assert len(data_dirs(work)) == 1  # a failed rebuild's folder is removed
    # With room again, the same run completes.
    again = subprocess.run(searchcli_command(*args), env=child_env(), capture_output=True)
    assert again.returncode == 0
    assert checking.check_index(work).ok


# Where the disk fills: Whoosh creating a segment file, our manifest, CURRENT
# (which only a rebuild rewrites).
ENOSPC_AT = [
    ("segment", False),
    ("manifest", False),
    ("segment", True),
    ("manifest", True),
    ("current", True),
]


@pytest.mark.parametrize(("where", "rebuild"), ENOSPC_AT)
def test_no_space_left_at_each_write_keeps_the_previous_index(
    small_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, rebuild: bool
) -> None:
    import errno

    from searchcli import store

    work = copy_index(small_index, tmp_path)
    before = fingerprint(work)
    changed = small_index.parent / "corpus" / "part03" / "doc00013.txt"
    os.utime(changed, ns=(time.time_ns(), time.time_ns()))

    def no_space(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if where == "segment":
        from whoosh.filedb.filestore import FileStorage

        monkeypatch.setattr(FileStorage, "create_file", no_space)
    elif where == "manifest":
        monkeypatch.setattr(store, "write_manifest", no_space)
    else:
        monkeypatch.setattr(store, "write_atomic", no_space)
    args = ["index", str(changed.parent.parent), "--index", str(work)]
    result = CliRunner().invoke(cli, [*args, *(["--rebuild"] if rebuild else [])])
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.stderr
    assert "previous index is unchanged" in result.stderr
    monkeypatch.undo()
    assert fingerprint(work) == before
    assert checking.check_index(work).ok
    assert len(data_dirs(work)) == 1


def test_a_read_only_index_folder_fails_clearly(
    small_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root, chmod does not stop writes: refuse them at the system call."""
    import errno

    work = copy_index(small_index, tmp_path)
    before = fingerprint(work)
    real_open, real_makedirs = os.open, os.makedirs
    inside = str(work)

    def read_only_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        if writing and os.fspath(path).startswith(inside):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    def read_only_makedirs(path: Any, *args: Any, **kwargs: Any) -> None:
        if os.fspath(path).startswith(inside) and not os.path.isdir(path):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))
        real_makedirs(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only_open)
    monkeypatch.setattr(os, "makedirs", read_only_makedirs)
    corpus = str(small_index.parent / "corpus")
    for extra in ([], ["--rebuild"]):
        result = CliRunner().invoke(cli, ["index", corpus, "--index", str(work), *extra])
        assert result.exit_code == 2, result.output
        assert "Read-only file system" in result.stderr
        assert "Traceback" not in result.output
    # Reading needs no writes: search and check still work.
    found = CliRunner().invoke(cli, ["search", marker(5), "--paths", "--index", str(work)])
    assert found.exit_code == 0
    monkeypatch.undo()
    assert fingerprint(work) == before


def test_a_second_root_with_the_same_layout_never_duplicates_an_id(tmp_path: Path) -> None:
    """Ids are paths relative to the indexed root, so two roots can both hold
    part00/doc00000.txt: the first one indexed keeps the id, as in a rebuild of both."""
    first, second, index = tmp_path / "first", tmp_path / "second", tmp_path / "index"
    write_corpus(first, 20, seed=1)
    write_corpus(second, 30, seed=2)
    indexing.update([str(first)], str(index))
    report = indexing.update([str(second)], str(index))
    assert report.added == 10
    assert len(report.skipped) == 20
    assert all("duplicate id" in s.reason for s in report.skipped)
    check = checking.check_index(index)
    assert check.ok, check.problems
    assert check.documents == 30
    # Again, with nothing changed: nothing to do, nothing duplicated.
    indexing.update([str(second)], str(index))
    assert checking.check_index(index).ok


def test_a_seeded_global_random_never_overwrites_the_live_segment(tmp_path: Path) -> None:
    import random

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, 5)
    random.seed(1234)
    indexing.update([str(corpus)], str(index))
    (corpus / "part00" / "new.txt").write_text("New\n\nnewword\n", encoding="utf-8")
    random.seed(1234)  # e.g. an application that seeds for reproducibility, run twice
    indexing.update([str(corpus)], str(index))
    report = checking.check_index(index)
    assert report.ok and report.documents == 6, report.problems
