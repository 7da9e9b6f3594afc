"""Timing and memory of child processes, and the statistics the benchmark reports.

Memory of a process tree: `run_tree` polls /proc every 50 ms and sums the RSS
of the child and all its descendants (an indexer's worker processes count).
Each process's own high-water mark (VmHWM) catches a spike between two polls;
the figure is the larger of the two. `ru_maxrss` from wait4 is not used: on
Linux a child's figure starts from the size of the benchmark process it was
forked from, so it is wrong for small children of a large parent.

A sum of RSS counts twice the pages a forked worker still shares with its
parent (the interpreter, the modules, whatever the parent held when it forked):
it overstates what the tree takes. The proportional set size (Pss, from
/proc/PID/smaps_rollup) splits each shared page between the processes sharing
it, so the tree's Pss sum is the memory the tree really takes; `run_tree`
reports its peak beside the RSS figure. CPU seconds (user + system, the child
and the descendants it waited for, from wait4) say more than wall time on a
shared machine.
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
    peak_pss: int = 0  # bytes, whole process tree, shared pages split (run_tree only)
    cpu_seconds: float | None = None  # user + system, with waited-for descendants


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


def _kib(line: str) -> int:
    return int(line.split()[1]) * 1024


def _memory(pid: int) -> tuple[int, int, int]:
    """(current RSS, peak RSS, current Pss) of one process in bytes; 0s once it is gone."""
    rss = hwm = pss = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = _kib(line)
            elif line.startswith("VmHWM:"):
                hwm = _kib(line)
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = _kib(line)
    except (OSError, ValueError):
        pass
    return rss, hwm, pss


def tree_memory(root: int) -> tuple[int, int, int]:
    """(RSS of `root` and all its descendants, largest single-process peak, Pss of the
    tree), in bytes."""
    children: dict[int, list[int]] = {}
    for pid, ppid in _parents().items():
        children.setdefault(ppid, []).append(pid)
    total = largest = pss = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        rss, hwm, share = _memory(pid)
        total += rss
        pss += share
        largest = max(largest, hwm)
        todo.extend(children.get(pid, ()))
    return total, largest, pss


@dataclass
class _Reaped:
    returncode: int
    peak_rss: int
    peak_pss: int
    cpu_seconds: float


def _reap(proc: subprocess.Popen[bytes]) -> _Reaped:
    """Poll the tree until the child exits."""
    peak = peak_pss = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            cpu = usage.ru_utime + usage.ru_stime
            return _Reaped(proc.returncode, peak, peak_pss, cpu)
        rss, hwm, pss = tree_memory(proc.pid)
        peak, peak_pss = max(peak, rss, hwm), max(peak_pss, pss)
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
            reaped = _reap(proc)
            seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return Run(
            seconds,
            reaped.peak_rss,
            reaped.returncode,
            out.read(),
            err.read(),
            peak_pss=reaped.peak_pss,
            cpu_seconds=reaped.cpu_seconds,
        )


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
