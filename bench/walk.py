"""What choosing files costs: the walk over a generated tree, with and without ignore rules.

    .venv/bin/python bench/walk.py [--files 50000] [--repeat 5]

Builds a tree of small .txt files (100 folders) in a temp folder, then times
`searchcli.walking.walk` (the best of --repeat runs, warm cache; wall and CPU time, the
latter steadier on a busy machine) in four set-ups: no
ignore files; a git repository with a 20-line .gitignore at the top and a .ignore in
every folder; the same with --no-ignore; and two --exclude globs with one --include.
`rg --files` over the same tree is timed beside it when ripgrep is installed. Prints a
Markdown table; nothing is written outside the temp folder.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from searchcli.ignoring import FileChoice  # noqa: E402
from searchcli.walking import walk  # noqa: E402

GITIGNORE = [f"*.tmp{i}" for i in range(15)] + ["build/", "/dist", "!keep.tmp0", "**/cache/", "#"]


def make_tree(root: Path, files: int) -> None:
    for i in range(files):
        folder = root / f"d{i % 100:03d}"
        folder.mkdir(exist_ok=True)
        (folder / f"f{i}.txt").write_text(f"Title {i}\n\nbody {i}\n")
        if i % 10 == 0:
            (folder / f"f{i}.tmp3").write_text("x")


def best(seconds: list[float]) -> str:
    return f"{min(seconds) * 1000:.0f} ms"


def time_walk(root: Path, choice: FileChoice, repeat: int) -> tuple[str, str, int]:
    """(best wall time, best CPU time, files taken)."""
    wall, cpu, count = [], [], 0
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        count = sum(1 for _ in walk([str(root)], lambda s: None, choice=choice))
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return best(wall), best(cpu), count


def time_rg(root: Path, repeat: int) -> tuple[str, str]:
    rg = shutil.which("rg")
    if rg is None:
        return "(rg not installed)", ""
    wall, cpu = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([rg, "--files", "-j1", str(root)], capture_output=True, check=False)
        wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return best(wall), best(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "tree"
        root.mkdir()
        make_tree(root, args.files)
        rows = [("no ignore files", *time_walk(root, FileChoice(), args.repeat))]
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        (root / ".gitignore").write_text("\n".join(GITIGNORE) + "\n")
        for folder in root.glob("d*"):
            (folder / ".ignore").write_text("*.bak\n!important.bak\n")
        rows.append(
            ("git repo, .gitignore + 100 .ignore", *time_walk(root, FileChoice(), args.repeat))
        )
        rows.append(
            ("same, --no-ignore", *time_walk(root, FileChoice(ignore_files=False), args.repeat))
        )
        globs = FileChoice(exclude=("d00*/", "*.tmp*"), include=("*.txt",))
        rows.append(("--exclude x2, --include x1", *time_walk(root, globs, args.repeat)))
        rg = time_rg(root, args.repeat)
    print(f"walk over {args.files:,} files in 100 folders, best of {args.repeat}")
    print("| set-up | wall | CPU | files taken |")
    print("|---|---|---|---|")
    for name, seconds, cpu, count in rows:
        print(f"| {name} | {seconds} | {cpu} | {count:,} |")
    print(f"| rg --files -j1 (same tree, with ignore files) | {rg[0]} | {rg[1]} | |")


if __name__ == "__main__":
    main()
