"""Regular expressions compiled on first use.

A character class with the CJK ranges takes Python's `re` milliseconds to compile
(it builds a bitmap of every code point in them), and a cold `searchcli search` for
English words never runs one. `lazy_compile` returns a stand-in that compiles its
pattern the first time it matches anything; `.pattern` is there before that,
so patterns can still be built out of each other.
"""

from __future__ import annotations

import re
from typing import Any, cast

_MADE: list[_LazyPattern] = []


class _LazyPattern:
    __slots__ = ("pattern", "_flags", "_compiled")

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None
        _MADE.append(self)

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self._flags)
        return self._compiled

    def __getattr__(self, name: str) -> Any:
        # match, search, findall, finditer, sub, flags, ...: the compiled pattern's
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"lazy_compile({self.pattern!r}, {self._flags})"


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, done when the pattern is first used."""
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))


def compile_all() -> None:
    """Compile every lazy pattern made so far (a resident server does, once, so that
    none of its answers compiles one again)."""
    for lazy in _MADE:
        lazy.compiled()
