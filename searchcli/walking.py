"""Find the files to index: folders walked safely, in a deterministic order. No Whoosh here.

Nothing here raises for a bad entry: dangling links, loops, FIFOs, unreadable folders and
missing paths are handed to on_skip as Skip records and the walk goes on.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from searchcli.formats import EXTENSIONS
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
    paths: Iterable[str], on_skip: Callable[[Skip], None], exclude: Iterable[str] = ()
) -> Iterator[SourceFile]:
    """Every file to index under `paths`, in a deterministic order.

    Folders are walked recursively in sorted order; there only files with a supported
    extension are taken and dot-names are passed over silently. A file named directly is
    taken whatever its name. Dangling links, symlink loops, FIFOs, sockets, devices,
    unreadable folders and missing paths go to on_skip. Symlinked folders are followed
    after the real tree under the same root, and only into folders not walked yet, so a
    loop or a second link to one folder never yields a file twice. Folders in `exclude`
    (the index itself, when it lies inside a folder being indexed) are never entered.
    """
    walker = _Walker(on_skip)
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
            yield from walker.tree(top, (st.st_dev, st.st_ino))
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


class _Walker:
    def __init__(self, on_skip: Callable[[Skip], None]) -> None:
        self.on_skip = on_skip
        self.walked: set[_FolderId] = set()  # every folder entered, across all roots
        self.excluded: set[_FolderId] = set()  # folders passed over silently

    def tree(self, top: str, folder: _FolderId) -> Iterator[SourceFile]:
        """The real tree under top first, then the trees its folder symlinks lead to."""
        pending: list[tuple[str, str, _FolderId, _Chain | None]] = [(top, "", folder, None)]
        while pending:
            path, prefix, folder, parents = pending.pop(0)
            if folder in self.excluded:
                continue
            if parents is not None and folder in parents:
                self.on_skip(Skip(path, "symlink loop (links back to a folder it is inside)"))
            elif folder in self.walked:
                self.on_skip(Skip(path, "folder already walked through another path"))
            else:
                self.walked.add(folder)
                yield from self._real_tree(path, prefix, _Chain(folder, parents), pending)

    def _real_tree(
        self, top: str, prefix: str, chain: _Chain, pending: list[Any]
    ) -> Iterator[SourceFile]:
        """Depth-first over sorted entries with an explicit stack (no recursion limit);
        symlinked folders are put on `pending` rather than entered."""
        stack: list[tuple[Iterator[tuple[os.DirEntry[str], str]], _Chain]] = []
        listing = _listing(top, prefix, self.on_skip)
        if listing is not None:
            stack.append((listing, chain))
        while stack:
            entry, key = next(stack[-1][0], (None, ""))
            if entry is None:
                stack.pop()
                continue
            try:
                if entry.is_dir():
                    st = entry.stat()
                    folder = (st.st_dev, st.st_ino)
                    if folder in self.excluded:
                        continue
                    if entry.is_symlink():
                        pending.append((entry.path, key + "/", folder, stack[-1][1]))
                    elif folder in self.walked:
                        self.on_skip(Skip(entry.path, "folder already walked through another path"))
                    else:
                        self.walked.add(folder)
                        listing = _listing(entry.path, key + "/", self.on_skip)
                        if listing is not None:
                            stack.append((listing, _Chain(folder, stack[-1][1])))
                elif entry.is_file():
                    if os.path.splitext(entry.name)[1].lower() in EXTENSIONS:
                        st = entry.stat()
                        yield SourceFile(entry.path, key, st.st_size, st.st_mtime_ns)
                else:
                    self.on_skip(Skip(entry.path, _odd_entry(entry)))
            except OSError as exc:
                self.on_skip(Skip(entry.path, _stat_problem(entry.path, exc)))


def _listing(
    folder: str, prefix: str, on_skip: Callable[[Skip], None]
) -> Iterator[tuple[os.DirEntry[str], str]] | None:
    try:
        with os.scandir(folder) as it:
            entries = [e for e in it if not e.name.startswith(".")]
    except OSError as exc:
        on_skip(Skip(folder, f"unreadable folder ({os_reason(exc)})"))
        return None
    entries.sort(key=lambda e: e.name)
    return ((e, prefix + safe_name(e.name)) for e in entries)


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
