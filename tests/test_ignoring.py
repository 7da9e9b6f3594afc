"""Choosing files as ripgrep does: ignore files (gitignore semantics), --exclude/--include
remembered by the index, hidden names counted, and files newly left out removed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from searchcli import build_index, update_index
from searchcli.cli import cli
from searchcli.errors import BadGlob
from searchcli.ignoring import FileChoice, _valid
from searchcli.walking import walk


def put(root: Path, rel: str, text: str = "") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text or f"Title of {rel}\n\nword{abs(hash(rel)) % 997} body text\n")
    return path


def git_init(folder: Path) -> None:
    subprocess.run(["git", "init", "-q", str(folder)], check=True)


def walked(root: Path, choice: FileChoice | None = None) -> list[str]:
    passed: list[tuple[str, str]] = []
    files = walk(
        [str(root)], lambda s: None, choice=choice, on_pass=lambda p, w: passed.append((p, w))
    )
    return [sf.key for sf in files]


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def said(result) -> str:  # type: ignore[no-untyped-def]
    """stderr with line breaks as spaces: the summary may wrap at 80 columns."""
    return " ".join(result.stderr.split())


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A real git repository with a .gitignore, nested ignore files and a negation."""
    root = tmp_path / "repo"
    root.mkdir()
    git_init(root)
    (root / ".gitignore").write_text("# build output\n*.log.txt\nbuild/\n/top-only.md\n")
    put(root, "keep.md")
    put(root, "debug.log.txt")
    put(root, "build/out.md")
    put(root, "top-only.md")
    put(root, "sub/top-only.md")  # anchored pattern: only the top one is ignored
    put(root, "sub/trace.log.txt")
    (root / "sub" / ".gitignore").write_text("!trace.log.txt\n")  # negation, deeper wins
    put(root, "notes/draft.md")
    (root / "notes" / ".searchignore").write_text("draft.md\n")
    put(root, ".hidden.md")
    put(root, ".secret/inside.md")
    return root


def test_gitignore_in_a_git_repository(repo: Path) -> None:
    assert walked(repo) == ["keep.md", "sub/top-only.md", "sub/trace.log.txt"]
    # ripgrep agrees on the same tree (it does not know .searchignore, so draft.md aside)
    rg = shutil.which("rg")
    if rg:
        out = subprocess.run([rg, "--files"], cwd=repo, capture_output=True, text=True).stdout
        rg_files = sorted(set(out.split()) - {"notes/draft.md"})
        assert rg_files == ["keep.md", "sub/top-only.md", "sub/trace.log.txt"]


def test_gitignore_outside_a_repository_is_not_read(repo: Path) -> None:
    shutil.rmtree(repo / ".git")
    keys = walked(repo)
    assert "debug.log.txt" in keys and "build/out.md" in keys and "top-only.md" in keys
    assert "notes/draft.md" not in keys  # .searchignore counts everywhere


def test_ignore_files_of_parent_folders_count(repo: Path) -> None:
    keys = walked(repo / "sub")  # indexing a sub-folder: the repository's rules still hold
    assert keys == ["top-only.md", "trace.log.txt"]
    (repo / "sub" / ".gitignore").unlink()
    assert walked(repo / "sub") == ["top-only.md"]


def test_ignore_beats_gitignore_and_nested_repository_ends_git_rules(repo: Path) -> None:
    (repo / ".ignore").write_text("!debug.log.txt\n")
    assert "debug.log.txt" in walked(repo)
    inner = repo / "vendor"
    put(inner, "x.log.txt")
    git_init(inner)  # a repository of its own: the outer .gitignore does not reach in
    assert "vendor/x.log.txt" in walked(repo)


def test_no_ignore_hidden_and_git_folder(repo: Path) -> None:
    keys = walked(repo, FileChoice(ignore_files=False, hidden=True))
    assert "build/out.md" in keys and "notes/draft.md" in keys
    assert ".hidden.md" in keys and ".secret/inside.md" in keys
    assert not any(k.startswith(".git/") for k in keys)  # never, even with --hidden


def test_bad_ignore_lines_are_passed_over_and_odd_ignore_files_do_not_block(
    tmp_path: Path,
) -> None:
    put(tmp_path, "a.md")
    put(tmp_path, "b.md")
    (tmp_path / ".ignore").write_text("!\n\\\nb.md\n")
    assert walked(tmp_path) == ["a.md"]
    (tmp_path / ".ignore").unlink()
    os.mkfifo(tmp_path / ".searchignore")  # would block a plain open()
    assert walked(tmp_path) == ["a.md", "b.md"]


def test_exclude_and_include_globs(tmp_path: Path) -> None:
    put(tmp_path, "html/page.html", "<title>Page</title><p>text</p>")
    put(tmp_path, "html/_sources/page.rst.txt")
    put(tmp_path, "notes/a.md")
    assert walked(tmp_path, FileChoice(exclude=("_sources/",))) == ["html/page.html", "notes/a.md"]
    assert walked(tmp_path, FileChoice(include=("*.md",))) == ["notes/a.md"]
    both = FileChoice(exclude=("notes/",), include=("*.md", "*.html"))
    assert walked(tmp_path, both) == ["html/page.html"]
    with pytest.raises(BadGlob, match="'!'"):
        update_index([str(tmp_path)], str(tmp_path / "ix"), exclude=["!"])
    assert not (tmp_path / "ix" / "CURRENT").exists()


def test_cli_remembers_globs_shows_them_and_removes_newly_excluded(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    put(docs, "keep.md")
    put(docs, "_sources/copy.txt")
    put(docs, "drop/me.md")
    ix = str(tmp_path / "ix")
    first = run("index", str(docs), "--index", ix, "--exclude", "_sources/")
    assert first.exit_code == 0, first.output
    assert "2 added" in said(first) and "1 ignored" in said(first)
    stats = json.loads(run("stats", "--index", ix, "--json").stdout)
    assert stats["choice"] == {
        "exclude": ["_sources/"],
        "include": [],
        "hidden": False,
        "ignore_files": True,
    }
    assert "_sources/" in run("stats", "--index", ix).stdout

    again = run("index", "--index", ix)  # no options: the remembered ones hold
    assert "0 added, 0 updated, 0 removed, 2 unchanged" in said(again)

    (docs / ".searchignore").write_text("drop/\n")  # a new ignore rule
    pruned = run("index", "--index", ix, "--json")
    assert json.loads(pruned.stdout)["removed"] == 1 and json.loads(pruned.stdout)["ignored"] == 2
    assert run("show", str(docs / "drop" / "me.md"), "--index", ix).exit_code == 1

    widened = run("index", "--index", ix, "--exclude", "keep.md")  # replaces the list
    assert "1 added" in said(widened) and "1 removed" in said(widened)
    assert run("show", "_sources/copy.txt", "--index", ix).exit_code == 0

    forgotten = run("index", "--index", ix, "--forget-globs")
    assert "1 added" in said(forgotten)
    assert json.loads(run("stats", "--index", ix, "--json").stdout)["choice"]["exclude"] == []

    bad = run("index", "--index", ix, "--include", "\\")
    assert bad.exit_code == 2 and "not a valid gitignore pattern" in said(bad)
    assert json.loads(run("stats", "--index", ix, "--json").stdout)["documents"] == 2


def test_hidden_counted_then_taken_then_left_out_again(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    put(notes, "a.md")
    put(notes, ".b.md")
    put(notes, ".trash/c.md")
    (notes / ".DS_Store").write_bytes(b"\0")  # not a document: not counted
    ix = str(tmp_path / "ix")
    first = run("index", str(notes), "--index", ix)
    assert "1 added" in said(first) and "2 hidden" in said(first)
    assert re.search(r"hidden files +left out", run("stats", "--index", ix).stdout)
    taken = run("index", "--index", ix, "--hidden")
    assert "2 added" in said(taken) and "hidden in" not in said(taken)
    assert "0 removed, 3 unchanged" in said(run("index", "--index", ix))  # remembered
    back = run("index", "--index", ix, "--no-hidden")
    assert "2 removed" in said(back) and "2 hidden" in said(back)


def test_no_ignore_is_remembered_and_undone_by_ignore(repo: Path, tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    build_index([str(repo)], ix)
    loose = run("index", "--index", ix, "--no-ignore", "--json")
    assert json.loads(loose.stdout)["added"] == 4  # debug, build/out, top-only, draft
    assert json.loads(run("index", "--index", ix, "--json").stdout)["added"] == 0
    strict = run("index", "--index", ix, "--ignore", "--json")
    assert json.loads(strict.stdout)["removed"] == 4


def test_file_named_directly_is_taken_whatever_the_rules(repo: Path, tmp_path: Path) -> None:
    report = update_index([str(repo / "debug.log.txt")], str(tmp_path / "ix"))
    assert report.added == 1


def test_verbose_names_the_rule_that_left_a_file_out(repo: Path, tmp_path: Path) -> None:
    (repo / ".gitignore").write_text("# build output\n\n*.log.txt\nbuild/\n/top-only.md\n")
    result = run("index", str(repo), "--index", str(tmp_path / "ix"), "-v", "--exclude", "sub/")
    lines = result.stderr.splitlines()  # left-out lines are never wrapped (soft_wrap)
    assert (
        f"left out {repo / 'debug.log.txt'}: ignored by {repo / '.gitignore'}:3 (*.log.txt)"
        in lines
    )
    assert f"left out {repo / 'build'}: ignored by {repo / '.gitignore'}:4 (build/)" in lines
    assert f"left out {repo / 'sub'}: ignored by --exclude sub/" in lines
    assert f"left out {repo / '.hidden.md'}: hidden" in lines
    assert not any(".git" in line.split(": ")[0] for line in lines if line.startswith("left out"))
    assert "2 hidden, 5 ignored" in said(result)  # debug, build/, top-only, sub/, draft


# What a walk asks about: names joined by "/", a folder with a "/" after it.
NAMES = st.text(alphabet="ab.", min_size=1, max_size=3).filter(lambda n: n not in (".", ".."))
WALK_PATHS = st.builds(
    lambda names, folder: "/".join(names) + ("/" if folder else ""),
    st.lists(NAMES, min_size=1, max_size=4),
    st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="ab*/!?[]\\.#", min_size=1, max_size=8), min_size=1, max_size=6),
    st.lists(WALK_PATHS, min_size=1, max_size=10),
)
def test_one_regex_prefilter_agrees_with_pathspec(patterns: list[str], paths: list[str]) -> None:
    """The combined expression that spares most files a per-pattern check never
    changes a verdict."""
    import pathspec

    from searchcli.ignoring import _any_pattern

    lines = [p for p in patterns if _valid(p)]
    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    quick = _any_pattern(spec)
    assert quick is not None
    for path in paths:
        assert (quick.search(path) is not None) == (spec.check_file(path).include is not None)


def test_a_folder_named_directly_is_walked_though_a_parent_ignores_it(repo: Path) -> None:
    """As `rg --files build`: the parent's `build/` does not reach into the folder asked
    for, while its other rules still hold inside."""
    put(repo, "build/deep/x.md")
    put(repo, "build/y.log.txt")
    assert walked(repo / "build") == ["deep/x.md", "out.md"]
    assert walked(repo / "build" / "deep") == ["x.md"]
    rg = shutil.which("rg")
    if rg:
        out = subprocess.run([rg, "--files"], cwd=repo / "build", capture_output=True, text=True)
        assert sorted(out.stdout.split()) == ["deep/x.md", "out.md"]
