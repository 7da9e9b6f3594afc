"""The cold start of issue 11: `--version`, `--help`, and where a cold query's time goes.

A person runs one query per process. Besides the cold query itself (measured with
the other engines in speed.py), this measures, in fresh processes taking turns
round by round so that a busy machine slows them all alike:

    start     python -c pass                         the interpreter alone
    click     python -c "import click"               + the CLI library
    imports   python -c "import <search modules>"    + Whoosh and searchcli's search path
    open      python -c "Searcher(INDEX).close()"    + opening the index
    version   searchcli --version
    help      searchcli --help

The steps up to `open` are the floor a cold query cannot go under without
leaving click, Whoosh or Python; the rest of a cold query is the query itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

from _measure import check, median, run_piped
from _searchcli import executable

# The modules a plain `search --jsonl` imports (see tests/test_imports.py).
SEARCH_IMPORTS = "import searchcli.cli.searchcmd, searchcli.searching, searchcli.serialize"
OPEN = "from searchcli.searching import Searcher; Searcher(sys.argv[1]).close()"


def commands(index: Path) -> dict[str, list[str]]:
    py = sys.executable
    return {
        "start_ms": [py, "-c", "pass"],
        "click_ms": [py, "-c", "import click"],
        "imports_ms": [py, "-c", SEARCH_IMPORTS],
        "open_ms": [py, "-c", f"import sys; {OPEN}", str(index)],
        "version_ms": [*executable(), "--version"],
        "help_ms": [*executable(), "--help"],
    }


def measure(index: Path, runs: int) -> dict[str, float]:
    """Median wall time of each command over `runs` rounds (after one untimed round)."""
    cmds = commands(index)
    times: dict[str, list[float]] = {key: [] for key in cmds}
    for round_ in range(runs + 1):
        for key, cmd in cmds.items():
            run = check(run_piped(cmd), " ".join(cmd[:3]))
            if round_:
                times[key].append(run.seconds)
    return {key: median(t) * 1e3 for key, t in times.items()}


# (key, label, what it is compared with, bound); the base figure is searchcli's own
# click_ms ("click") or FTS5's cold query ("fts5").
ROWS = [
    ("version_ms", "cold --version, to exit", "click", 1.5),
    ("help_ms", "cold --help, to exit", "click", 1.5),
    ("click_ms", "python -c 'import click'", "fts5", None),
    ("start_ms", "floor: interpreter start (python -c pass)", "fts5", None),
    ("imports_ms", "floor: + click, Whoosh, search modules", "fts5", None),
    ("open_ms", "floor: + opening the index", "fts5", None),
    ("cold_ms", "cold query, piped (--jsonl), to exit", "fts5", 2.0),
]


def rows(figs: dict[str, dict[str, float]]) -> list[dict[str, object]]:
    """Rows for speed.py's table (its Row fields), when the cold start was measured."""
    ours, fts5_cold = figs.get("searchcli", {}), figs.get("fts5", {}).get("cold_ms")
    if "version_ms" not in ours:
        return []
    out: list[dict[str, object]] = []
    for key, label, against, bound in ROWS:
        value = ours.get(key)
        base = ours.get("click_ms") if against == "click" else fts5_cold
        ratio = value / base if value is not None and base else None
        name = "import click" if against == "click" else "FTS5 cold"
        target = "" if bound is None else f"<= {bound:g}x {name}"
        met = None if bound is None or ratio is None else ratio <= bound
        fts5 = fts5_cold if against == "fts5" else None
        out.append(
            {
                "figure": label,
                "unit": "ms",
                "fts5": fts5,
                "searchcli": value,
                "ripgrep": None,
                "ratio": ratio,
                "target": target or f"ratio to {name}",
                "met": met,
            }
        )
    return out
