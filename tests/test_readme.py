"""Docs that cannot drift: the README's commands exist and work, and CI runs its test command."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from searchcli.cli import cli

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, re.DOTALL)


def searchcli_lines() -> list[str]:
    lines = []
    for block in shell_blocks():
        for line in block.splitlines():
            line = line.split("  #")[0].split(" | ")[0].strip()
            if line.startswith("searchcli "):
                lines.append(line)
    return lines


def test_ci_runs_the_readme_test_command() -> None:
    test_cmd = shell_blocks()[1].strip()
    assert "pytest" in test_cmd
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_cmd in ci.splitlines()


def test_every_readme_command_parses(tmp_path: Path) -> None:
    """Every `searchcli ...` line in the README names real commands and options."""
    lines = searchcli_lines()
    assert len(lines) > 10
    for line in lines:
        args = shlex.split(line)[1:]
        command = cli.commands.get(args[0])
        assert command is not None, line
        ctx = command.make_context(args[0], args[1:], resilient_parsing=True)
        assert ctx.params is not None, line


def test_readme_search_examples_run(corpus_index: Path) -> None:
    """The search examples run against the bundled corpus without an error."""
    runner = CliRunner()
    for line in searchcli_lines():
        args = shlex.split(line)[1:]
        if args[0] != "search":
            continue
        result = runner.invoke(cli, [*args, "--index", str(corpus_index)])
        assert result.exit_code in (0, 1), (line, result.output)
        assert "Traceback" not in result.output
