"""Timing and memory of child processes, and the statistics the benchmark reports.

Memory of a process tree: `run_tree` polls /proc every 50 ms and sums the RSS
of the child and all its descendants (an indexer's worker processes count).
Each process's own high-water mark (VmHWM) catches a spike between two polls;
the figure is the larger of the two. `ru_maxrss` from wait4 is not used: on
Linux a child's figure starts from the size of the benchmark process it was
forked from, so it is wrong for small children of a large parent.
"""

from __future__ import annotations

import os
import pty
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Run:
    """One finished child process."""

    seconds: float  # wall time from start to exit
    peak_rss: int  # bytes, whole process tree
    returncode: int
    stdout: bytes
    stderr: bytes
    first_line_seconds: float | None = None  # when the first line of stdout arrived


def _parents() -> dict[int, int]:
    """pid -> parent pid for every process we can see."""
    out: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_bytes()
        except OSError:
            continue
        # the command name is in parentheses and may contain spaces: split after it
        fields = stat[stat.rfind(b")") + 2 :].split()
        out[int(name)] = int(fields[1])
    return out


def _memory(pid: int) -> tuple[int, int]:
    """(current RSS, peak RSS) of one process in bytes; (0, 0) once it is gone."""
    rss = hwm = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return rss, hwm


def tree_rss(root: int) -> tuple[int, int]:
    """(RSS of `root` and all its descendants, largest single-process peak), in bytes."""
    children: dict[int, list[int]] = {}
    for pid, ppid in _parents().items():
        children.setdefault(ppid, []).append(pid)
    total = largest = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        rss, hwm = _memory(pid)
        total += rss
        largest = max(largest, hwm)
        todo.extend(children.get(pid, ()))
    return total, largest


def _reap(proc: subprocess.Popen[bytes]) -> tuple[int, int]:
    """Poll the tree until the child exits; return (returncode, peak tree RSS)."""
    peak = 0
    while True:
        pid, status = os.waitpid(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, peak
        peak = max(peak, *tree_rss(proc.pid))
        time.sleep(POLL_SECONDS)


def run_tree(
    cmd: list[str],
    *,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    cwd: str | None = None,
) -> Run:
    """Run `cmd` to completion; wall time and whole-tree peak RSS.

    Output goes to temporary files, not pipes, so that reading them cannot slow
    the child down or deadlock it, and the polling loop stays simple.
    """
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        with tempfile.TemporaryFile() as inp:
            if stdin is not None:
                inp.write(stdin)
                inp.seek(0)
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, stdin=inp, stdout=out, stderr=err, env=env, cwd=cwd)
            code, peak = _reap(proc)
            seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return Run(seconds, peak, code, out.read(), err.read())


def run_piped(cmd: list[str], *, env: dict[str, str] | None = None) -> Run:
    """Run `cmd` with stdout on a pipe: time to the first line and to exit."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    first_at = time.perf_counter() - start if first else None
    rest = proc.stdout.read()
    err = proc.stderr.read()
    code = proc.wait()
    seconds = time.perf_counter() - start
    return Run(seconds, 0, code, first + rest, err, first_at)


def run_in_pty(cmd: list[str], *, env: dict[str, str] | None = None) -> Run:
    """Run `cmd` with stdout and stderr on a pseudo-terminal, as a person would see it.

    The child sees a real terminal (isatty() is true), so Rich renders colour
    and layout exactly as in an interactive shell; no FORCE_COLOR trickery.
    """
    master, slave = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks: list[bytes] = []
    first_at: float | None = None
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        if first_at is None and b"\n" in chunk:
            first_at = time.perf_counter() - start
        chunks.append(chunk)
    code = proc.wait()
    seconds = time.perf_counter() - start
    os.close(master)
    return Run(seconds, 0, code, b"".join(chunks), b"", first_at)


def check(run: Run, what: str, ok: tuple[int, ...] = (0,)) -> Run:
    """Raise with the child's stderr when it failed."""
    if run.returncode not in ok:
        tail = (run.stderr or run.stdout).decode(errors="replace")[-2000:]
        raise RuntimeError(f"{what} exited with {run.returncode}:\n{tail}")
    return run


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation, like numpy's default."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def median(values: list[float]) -> float:
    return statistics.median(values)


def folder_size(path: Path) -> int:
    """Bytes of all files under `path` (or of `path` itself), like `du --apparent-size`."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
