"""Which files a walk takes: ignore files, --exclude/--include globs, hidden names.

The rules follow ripgrep's, with gitignore semantics from the `pathspec` library:

- `.gitignore` is honoured inside a git repository only (a folder holding `.git`, or
  below one), together with the repository's `.git/info/exclude`; `.ignore` and
  `.searchignore` are honoured everywhere. In one folder `.searchignore` beats
  `.ignore`, which beats `.gitignore`; a deeper folder's file beats its parents'.
- Ignore files in the parents of a folder being indexed count too (`.gitignore` up
  to the repository's top).
- Names starting with "." are hidden unless `hidden`; `.git` is never entered.
- `--exclude` globs (gitignore syntax, relative to the folder indexed) leave out what
  they match; with `--include` globs only files matching one of them are taken. Both
  only narrow: they never bring back a hidden or ignored file.

No Whoosh here; pathspec is imported only when there are patterns to compile.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from typing import Any

from .errors import BadGlob

GIT_IGNORE = ".gitignore"
IGNORE_FILES = (GIT_IGNORE, ".ignore", ".searchignore")  # weakest first
QUIET_NAMES = frozenset((".git", *IGNORE_FILES))  # passed over without being counted

HIDDEN = "hidden"  # the reason given for a hidden entry; any other reason is "ignored"


@dataclass(frozen=True)
class FileChoice:
    """How an index chooses its files; remembered by the index for its later runs."""

    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    hidden: bool = False  # take hidden files and folders too
    ignore_files: bool = True  # honour .gitignore, .ignore, .searchignore

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["exclude"], d["include"] = list(self.exclude), list(self.include)
        return d

    @classmethod
    def from_dict(cls, raw: Any) -> FileChoice:
        if not isinstance(raw, dict):
            return cls()
        return cls(
            exclude=tuple(str(g) for g in raw.get("exclude") or ()),
            include=tuple(str(g) for g in raw.get("include") or ()),
            hidden=bool(raw.get("hidden", False)),
            ignore_files=bool(raw.get("ignore_files", True)),
        )

    def but(self, **given: Any) -> FileChoice:
        """This choice with the options given this run (None: keep the remembered one)."""
        d = {k: (tuple(v) if isinstance(v, list | tuple) else v) for k, v in given.items()}
        return FileChoice(**{**asdict(self), **{k: v for k, v in d.items() if v is not None}})


def compile_globs(globs: tuple[str, ...], what: str = "--exclude/--include") -> Any:
    """A gitignore-style matcher for `globs` (None for none); BadGlob for one git rejects."""
    if not globs:
        return None
    import pathspec

    try:
        with _quiet():
            return pathspec.GitIgnoreSpec.from_lines(globs)
    except ValueError:
        bad = next(g for g in globs if not _valid(g))
        raise BadGlob(f"{what} pattern {bad!r} is not a valid gitignore pattern") from None


def _valid(glob: str) -> bool:
    import pathspec

    try:
        with _quiet():
            pathspec.GitIgnoreSpec.from_lines([glob])
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class _Matcher:
    spec: Any  # pathspec.GitIgnoreSpec, one pattern a line of `source` (blank lines too)
    source: str  # the ignore file
    strip: int  # characters of the walk-relative path above the ignore file's folder
    prepend: str  # the walked root's path below the ignore file's folder (parents only)
    git: bool  # a .gitignore rule: ends at a nested repository
    quick: re.Pattern[str] | None  # matches when any pattern does (None: always ask spec)
    # In a parent folder's file: the pattern that ignores the walked root itself. The
    # root was asked for by name, so, as with ripgrep, that pattern does not reach in.
    root_pattern: int | None = None

    def check(self, path: str) -> Any:
        """pathspec's CheckResult, or None when no pattern matches `path`."""
        if self.quick is not None and self.quick.search(path) is None:
            return None  # the common case, answered by one regular expression
        found = self.spec.check_file(path)
        return found if found.include is not None else None


@dataclass(frozen=True)
class Rules:
    """The rules in force in one folder of a walk; `enter` gives a sub-folder's."""

    choice: FileChoice
    excludes: _Matcher | None  # --exclude globs, relative to the walked root
    includes: _Matcher | None
    matchers: tuple[_Matcher, ...] = ()  # ignore files in force, weakest first
    in_repo: bool = False

    @classmethod
    def for_root(cls, choice: FileChoice, root: str) -> Rules:
        rules = cls(
            choice, _globs(choice.exclude, "--exclude"), _globs(choice.include, "--include")
        )
        if not choice.ignore_files:
            return rules
        parents = _parents(os.path.abspath(root))  # nearest first
        top = next((i for i, p in enumerate(parents) if os.path.lexists(_j(p, ".git"))), -1)
        matchers: list[_Matcher] = []
        for i in range(len(parents) - 1, -1, -1):
            below = os.path.relpath(root, parents[i]).replace(os.sep, "/") + "/"
            names = [n for n in IGNORE_FILES if n != GIT_IGNORE or i <= top]
            for m in _load(parents[i], names, 0, below, i == top):
                found = m.spec.check_file(below)
                matchers.append(replace(m, root_pattern=found.index if found.include else None))
        return cls(rules.choice, rules.excludes, rules.includes, tuple(matchers), top >= 0)

    def enter(self, folder: str, names: set[str], rel: str) -> Rules:
        """The rules for the entries of `folder` (walk-relative path `rel`, "" at the root,
        else ending in "/"), given the names it holds."""
        if not self.choice.ignore_files:
            return self
        matchers, in_repo = self.matchers, self.in_repo
        repo_top = ".git" in names
        if repo_top:  # a repository starts here: outer .gitignore rules end
            matchers, in_repo = tuple(m for m in matchers if not m.git), True
        present = [n for n in IGNORE_FILES if n in names and (n != GIT_IGNORE or in_repo)]
        if not present and not repo_top:
            return self
        added = _load(folder, present, len(rel), "", repo_top)
        return Rules(self.choice, self.excludes, self.includes, (*matchers, *added), in_repo)

    def verdict(self, name: str, rel: str, is_dir: bool) -> str | None:
        """None to take the entry; "" to pass over it silently (.git, the ignore files);
        else why it is left out: HIDDEN, or the rule that ignores it."""
        if name in QUIET_NAMES:
            return ""
        if name.startswith(".") and not self.choice.hidden:
            return HIDDEN
        probe = rel + "/" if is_dir else rel
        for m in reversed(self.matchers):
            found = m.check(m.prepend + probe[m.strip :])
            if found is not None and not (found.include and found.index == m.root_pattern):
                if found.include:
                    line = found.index + 1
                    return f"ignored by {m.source}:{line} ({m.spec.patterns[found.index].pattern})"
                break
        if self.excludes is not None:
            found = self.excludes.check(probe)
            if found is not None and found.include:
                return f"ignored by --exclude {self.choice.exclude[found.index]}"
        if not is_dir and self.includes is not None:
            found = self.includes.check(probe)
            if found is None or not found.include:
                return "ignored: matches no --include"
        return None


def _globs(globs: tuple[str, ...], option: str) -> _Matcher | None:
    spec = compile_globs(globs, option)
    return None if spec is None else _Matcher(spec, option, 0, "", False, _any_pattern(spec))


def _j(folder: str, name: str) -> str:
    return os.path.join(folder, name)


def _parents(path: str) -> list[str]:
    out: list[str] = []
    while True:
        parent = os.path.dirname(path)
        if parent == path:
            return out
        out.append(parent)
        path = parent


def _load(
    folder: str, names: list[str], strip: int, prepend: str, repo_top: bool
) -> list[_Matcher]:
    """Matchers for the ignore files `names` in `folder`, weakest first."""
    sources = [_j(folder, n) for n in names]
    if repo_top:
        sources.insert(0, _j(folder, os.path.join(".git", "info", "exclude")))
    out: list[_Matcher] = []
    for path in sources:
        # blank lines kept as comments, so that a pattern's index is its line number - 1
        lines = tuple(line if line.strip() else "#" for line in _read_lines(path))
        if not lines:
            continue
        try:
            spec = compile_globs(lines)
        except BadGlob:  # a line git would reject is passed over, as git and ripgrep do
            spec = compile_globs(tuple(line if _valid(line) else "#" for line in lines))
        git = not path.endswith(IGNORE_FILES[1:])
        out.append(_Matcher(spec, path, strip, prepend, git, _any_pattern(spec)))
    return out


def _any_pattern(spec: Any) -> re.Pattern[str] | None:
    """One regular expression that matches where any of the spec's patterns does, so
    that most files cost one match instead of one per pattern (pathspec's "simple"
    backend tries them in turn). None, and pathspec alone decides, should its
    patterns ever stop being regular expressions."""
    try:
        parts = [p.regex.pattern for p in spec.patterns if p.include is not None]
        with _quiet():
            return re.compile(
                "|".join(f"(?:{_NAMED_GROUP.sub('(?:', p)})" for p in parts) or "(?!)"
            )
    except (AttributeError, TypeError, re.error):
        return None


_NAMED_GROUP = re.compile(r"\(\?P<[^>]+>")  # pathspec names groups alike in each pattern


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """re's FutureWarning about "[[" in a pattern is not the user's business."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        yield


def _read_lines(path: str) -> list[str]:
    """An ignore file's lines (its first MiB); a missing, unreadable or odd one (a
    folder, a FIFO: opened without blocking) has none."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return []
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return []
        data = os.read(fd, 1 << 20)
    except OSError:
        return []
    finally:
        os.close(fd)
    return data.decode("utf-8", "surrogateescape").splitlines()
