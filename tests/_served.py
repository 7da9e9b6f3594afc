"""Real `searchcli serve` processes for tests, and commands run through the real client."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from searchcli import serveproto
from searchcli.client import wanted_index
from searchcli.locating import is_index

START_WAIT = 180.0  # seconds a server may take to import and warm up on a busy machine


@dataclass(frozen=True)
class Ran:
    """What CliRunner's Result offers the CLI tests, from a real process."""

    exit_code: int
    stdout_bytes: bytes
    stderr_bytes: bytes

    @property
    def stdout(self) -> str:
        return self.stdout_bytes.decode("utf-8", "replace")

    @property
    def stderr(self) -> str:
        return self.stderr_bytes.decode("utf-8", "replace")

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "searchcli", *args]


def start(
    index: Path | str, *extra: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """A foreground `searchcli serve` for `index`, returned once it listens."""
    proc = subprocess.Popen(
        command("serve", "--index", str(index), *extra),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    wait_listening(index, proc)
    return proc


def wait_listening(index: Path | str, proc: subprocess.Popen[bytes] | None = None) -> None:
    path = serveproto.socket_path(str(index))
    deadline = time.monotonic() + START_WAIT
    while not os.path.exists(path):
        if proc is not None and proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"searchcli serve exited with {proc.returncode}: {err}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"searchcli serve did not listen at {path}")
        time.sleep(0.05)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stderr:
        proc.stderr.close()


def client(
    *args: str,
    input: str | bytes | None = None,
    env: dict[str, str | None] | None = None,
    mode: str = "require",
    cwd: str | None = None,
) -> Ran:
    """`searchcli ARGS` as a user runs it; $SEARCHCLI_SERVER=`mode`."""
    full = {**os.environ, "SEARCHCLI_SERVER": mode}
    for key, value in (env or {}).items():
        if value is None:
            full.pop(key, None)
        else:
            full[key] = value
    data = input.encode() if isinstance(input, str) else input
    done = subprocess.run(command(*args), input=data, capture_output=True, env=full, cwd=cwd)
    return Ran(done.returncode, done.stdout, done.stderr)


class Servers:
    """Runs each command through a server for its index (started on first use); a
    command no server can answer (no index yet, `index`, `--help` of the per-user
    index) runs in-process in the same real client, as a user's would."""

    def __init__(self) -> None:
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def invoke(
        self,
        *args: str,
        input: str | bytes | None = None,
        env: dict[str, str | None] | None = None,
    ) -> Ran:
        merged = {**os.environ, **{k: v for k, v in (env or {}).items() if v is not None}}
        index = wanted_index(list(args), merged, None)
        if index is None or not is_index(index):
            return client(*args, input=input, env=env, mode="auto")
        key = os.path.realpath(index)
        if key not in self.procs or self.procs[key].poll() is not None:
            self.procs[key] = start(key, "--idle", "30")  # never outlives a killed run long
        return client(*args, input=input, env=env, mode="require")

    def stop_all(self, keep: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        for key in list(self.procs):
            if key not in keep:
                stop(self.procs.pop(key))
