"""Whoosh modules a search never runs, loaded when first used instead of at import.

`whoosh.query` imports `whoosh.lang.morph_en` for one function, `variations`
(Whoosh's Variations query, which searchcli never builds), and that module
compiles a few dozen large regular expressions as it is imported: about 20 ms
of every cold `searchcli search`, more than the query itself takes. Likewise
`whoosh.searching` imports `whoosh.highlight` (and through it `html.entities`)
for the highlighter of its Results object, which a plain-words search never makes.

`defer()` puts a stand-in module in their place before Whoosh is imported. A
stand-in's functions and every other attribute load the real module on first
use and hand over to it, so anything that does use them gets Whoosh's own
answers. When Whoosh was imported already, nothing is changed.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing's: importing typing costs the thin client its start
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any
else:  # nor `types` and `importlib` (with `warnings`): the same at no import
    ModuleType = type(sys)

# module: the names other modules import from it while being imported themselves
DEFERRED: dict[str, tuple[str, ...]] = {
    "whoosh.lang.morph_en": ("variations",),
    "whoosh.highlight": (),
}


class _Deferred(ModuleType):
    """Stands in for a module until something uses it."""

    def real(self) -> ModuleType:
        module = self.__dict__.get("_real")
        if module is None:
            name = self.__name__
            if sys.modules.get(name) is self:
                del sys.modules[name]
            try:
                __import__(name)
                module = sys.modules[name]
            except BaseException:
                sys.modules.setdefault(name, self)
                raise
            self.__dict__["_real"] = module
        return module

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.real(), name)


def _forward(stand_in: _Deferred, attr: str) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(stand_in.real(), attr)(*args, **kwargs)

    call.__module__, call.__name__, call.__qualname__ = stand_in.__name__, attr, attr
    return call


def defer() -> None:
    if "whoosh.query" in sys.modules or "whoosh.searching" in sys.modules:
        return  # Whoosh is in use already
    for name, functions in DEFERRED.items():
        if name not in sys.modules:
            stand_in = _Deferred(name, "(loaded on first use; see searchcli.whooshdefer)")
            for attr in functions:
                stand_in.__dict__[attr] = _forward(stand_in, attr)
            sys.modules[name] = stand_in


def load_all() -> None:
    """Load every deferred module now (a resident server: its answers then start
    with them in memory instead of each loading them again)."""
    for name in DEFERRED:
        stand_in = sys.modules.get(name)
        if isinstance(stand_in, _Deferred):
            stand_in.real()
