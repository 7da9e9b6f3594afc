"""Lint and type checks, part of the suite so that CI enforces them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True)


def test_ruff_finds_nothing() -> None:
    result = run_tool("ruff", "check", "searchcli", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing() -> None:
    if shutil.which("mypy") is None and run_tool("mypy", "--version").returncode != 0:
        pytest.skip("mypy is not installed")
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
