"""Which index a command uses when none is named, found the way git finds its repository.

    1. --index DIR                      "--index"
    2. $SEARCHCLI_INDEX                 "$SEARCHCLI_INDEX"
    3. index/ in the current folder or the nearest parent folder holding one that
       really is a searchcli index (it has CURRENT)
                                        "found in /x/index (current folder)" / "(nearest parent)"
    4. index/ in the current folder when it is empty but for dotfiles (a place made for
       an index, as `index/.gitkeep` in this repository) or what an unfinished first
       build left                       "/x/index (empty folder in the current folder)"
    5. the per-user index in the platform's data folder (platformdirs: XDG_DATA_HOME
       on Linux), imported only when it comes to that
                                        "per-user default"

Nothing here imports Whoosh.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .shards import SHARDS
from .store import CURRENT, DATA_PREFIX, LOCK

INDEX_NAME = "index"
ENV = "SEARCHCLI_INDEX"


@dataclass(frozen=True)
class IndexLocation:
    path: str
    reason: str  # why this index: shown by `searchcli stats`


def locate(
    index_dir: str | os.PathLike[str] | None = None, cwd: str | None = None
) -> IndexLocation:
    """The index to use, and why."""
    if index_dir is not None and os.fspath(index_dir):
        return IndexLocation(os.fspath(index_dir), "--index")
    env = os.environ.get(ENV)
    if env:
        return IndexLocation(env, f"${ENV}")
    try:
        here = os.path.abspath(cwd or os.getcwd())
    except OSError:  # the current folder was deleted: nothing near to find
        return IndexLocation(user_default(), "per-user default")
    folder = here
    while True:
        candidate = os.path.join(folder, INDEX_NAME)
        if is_index(candidate):
            where = "current folder" if folder == here else "nearest parent"
            return IndexLocation(candidate, f"found in {candidate} ({where})")
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    candidate = os.path.join(here, INDEX_NAME)
    if _made_for_an_index(candidate):
        return IndexLocation(candidate, f"{candidate} (empty folder in the current folder)")
    return IndexLocation(user_default(), "per-user default")


def is_index(folder: str) -> bool:
    """True for a folder that is a searchcli index (not any folder named index/)."""
    return os.path.isfile(os.path.join(folder, CURRENT)) or os.path.isfile(
        os.path.join(folder, SHARDS)
    )


def _made_for_an_index(folder: str) -> bool:
    """An empty folder (dotfiles aside), or one holding only what a first build that
    did not finish leaves (its LOCK, a data folder)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    unfinished = (".", DATA_PREFIX, CURRENT + ".tmp-", "set-", SHARDS + ".tmp-")
    return all(n.startswith(unfinished) or n == LOCK for n in names)


def user_default() -> str:
    """The per-user index: <data folder>/searchcli/index (~/.local/share on Linux)."""
    import platformdirs

    return os.path.join(platformdirs.user_data_dir("searchcli", appauthor=False), INDEX_NAME)
