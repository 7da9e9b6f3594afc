"""Find the files to index: folders walked safely, in a deterministic order. No Whoosh here.

Nothing here raises for a bad entry: dangling links, loops, FIFOs, unreadable folders and
missing paths are handed to on_skip as Skip records and the walk goes on. Which files are
wanted (ignore files, globs, hidden names) is ignoring.py's to say.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from searchcli.formats import EXTENSIONS
from searchcli.ignoring import FileChoice, Rules
from searchcli.models import Skip
from searchcli.text import safe_name


@dataclass(frozen=True)
class SourceFile:
    path: str  # as given or joined while walking; may hold surrogate escapes (os.fsencode)
    key: str  # path under the walked root with "/" (base name for a file named directly);
    # control characters and undecodable bytes shown as \xNN, so it prints and encodes
    size: int
    mtime_ns: int


def walk(
    paths: Iterable[str],
    on_skip: Callable[[Skip], None],
    exclude: Iterable[str] = (),
    choice: FileChoice | None = None,
    on_pass: Callable[[str, str], None] | None = None,
) -> Iterator[SourceFile]:
    """Every file to index under `paths`, in a deterministic order.

    Folders are walked recursively in sorted order; there only files with a supported
    extension are taken, and `choice` (ignoring.FileChoice: ignore files, globs, hidden
    names) decides which; a file or folder it leaves out goes to on_pass(path, why).
    A file named directly is taken whatever its name. Dangling links, symlink loops,
    FIFOs, sockets, devices, unreadable folders and missing paths go to on_skip.
    Symlinked folders are followed after the real tree under the same root, and only
    into folders not walked yet, so a loop or a second link to one folder never yields
    a file twice. Folders in `exclude` (the index itself, when it lies inside a folder
    being indexed) are never entered.
    """
    walker = _Walker(on_skip, on_pass or (lambda path, why: None))
    for folder in exclude:
        try:
            st = os.stat(folder)
        except OSError:
            continue
        walker.excluded.add((st.st_dev, st.st_ino))
    for top in paths:
        try:
            st = os.stat(top)
        except OSError as exc:
            on_skip(Skip(top, _stat_problem(top, exc)))
            continue
        if stat.S_ISDIR(st.st_mode):
            rules = Rules.for_root(choice or FileChoice(), top)
            yield from walker.tree(top, (st.st_dev, st.st_ino), rules)
        elif stat.S_ISREG(st.st_mode):
            name = os.path.basename(os.path.normpath(top))
            yield SourceFile(top, safe_name(name), st.st_size, st.st_mtime_ns)
        else:
            on_skip(Skip(top, file_kind(st.st_mode)))


_FolderId = tuple[int, int]  # (st_dev, st_ino)


@dataclass(frozen=True)
class _Chain:
    """The folders from a root down to one folder, as a linked list (cheap to extend)."""

    folder: _FolderId
    parent: _Chain | None = None

    def __contains__(self, folder: object) -> bool:
        node: _Chain | None = self
        while node is not None:
            if node.folder == folder:
                return True
            node = node.parent
        return False


@dataclass(frozen=True)
class _Place:
    """A folder to list: where it is, its walk-relative names, and the rules above it."""

    path: str
    key: str  # walk-relative and printable, ending in "/" ("" at the root): the ids
    rel: str  # the same with the raw names: what ignore rules match
    rules: Rules


_Level = tuple[Iterator[tuple[os.DirEntry[str], str, str]], _Chain, Rules]


class _Walker:
    def __init__(
        self, on_skip: Callable[[Skip], None], on_pass: Callable[[str, str], None]
    ) -> None:
        self.on_skip = on_skip
        self.on_pass = on_pass
        self.walked: set[_FolderId] = set()  # every folder entered, across all roots
        self.excluded: set[_FolderId] = set()  # folders passed over silently

    def tree(self, top: str, folder: _FolderId, rules: Rules) -> Iterator[SourceFile]:
        """The real tree under top first, then the trees its folder symlinks lead to."""
        pending: list[tuple[_Place, _FolderId, _Chain | None]] = [
            (_Place(top, "", "", rules), folder, None)
        ]
        while pending:
            place, folder, parents = pending.pop(0)
            if folder in self.excluded:
                continue
            if parents is not None and folder in parents:
                self.on_skip(Skip(place.path, "symlink loop (links back to a folder it is inside)"))
            elif folder in self.walked:
                self.on_skip(Skip(place.path, "folder already walked through another path"))
            else:
                self.walked.add(folder)
                yield from self._real_tree(place, _Chain(folder, parents), pending)

    def _real_tree(self, top: _Place, chain: _Chain, pending: list[Any]) -> Iterator[SourceFile]:
        """Depth-first over sorted entries with an explicit stack (no recursion limit);
        symlinked folders are put on `pending` rather than entered."""
        stack: list[_Level] = []
        self._enter(stack, top, chain)
        while stack:
            entry, key, rel = next(stack[-1][0], (None, "", ""))
            if entry is None:
                stack.pop()
                continue
            _, parents, rules = stack[-1]
            try:
                is_dir = entry.is_dir()
                verdict = rules.verdict(entry.name, rel, is_dir)
                if verdict is not None:
                    if verdict and (is_dir or _indexable(entry.name)):
                        self.on_pass(entry.path, verdict)
                    continue
                if is_dir:
                    st = entry.stat()
                    folder = (st.st_dev, st.st_ino)
                    if folder in self.excluded:
                        continue
                    place = _Place(entry.path, key + "/", rel + "/", rules)
                    if entry.is_symlink():
                        pending.append((place, folder, parents))
                    elif folder in self.walked:
                        self.on_skip(Skip(entry.path, "folder already walked through another path"))
                    else:
                        self.walked.add(folder)
                        self._enter(stack, place, _Chain(folder, parents))
                elif entry.is_file():
                    if _indexable(entry.name):
                        st = entry.stat()
                        yield SourceFile(entry.path, key, st.st_size, st.st_mtime_ns)
                else:
                    self.on_skip(Skip(entry.path, _odd_entry(entry)))
            except OSError as exc:
                self.on_skip(Skip(entry.path, _stat_problem(entry.path, exc)))

    def _enter(self, stack: list[_Level], place: _Place, chain: _Chain) -> None:
        """Push a folder's sorted entries, with the rules its own ignore files add."""
        try:
            with os.scandir(place.path) as it:
                entries = list(it)
        except OSError as exc:
            self.on_skip(Skip(place.path, f"unreadable folder ({os_reason(exc)})"))
            return
        entries.sort(key=lambda e: e.name)
        dot_names = {e.name for e in entries if e.name.startswith(".")}
        rules = place.rules.enter(place.path, dot_names, place.rel)
        listing = ((e, place.key + safe_name(e.name), place.rel + e.name) for e in entries)
        stack.append((listing, chain, rules))


def _indexable(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in EXTENSIONS


def _odd_entry(entry: os.DirEntry[str]) -> str:
    try:
        return file_kind(entry.stat().st_mode)
    except OSError as exc:
        return _stat_problem(entry.path, exc)


def file_kind(mode: int) -> str:
    for test, what in (
        (stat.S_ISFIFO, "FIFO"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
    ):
        if test(mode):
            return f"not a regular file ({what})"
    return "not a regular file"


def _stat_problem(path: str, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno == errno.ENOENT:
        return "dangling symlink" if os.path.islink(path) else "no such file or folder"
    return f"cannot read ({os_reason(exc)})"


def os_reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()
