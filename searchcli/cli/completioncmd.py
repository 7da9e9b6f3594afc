"""`searchcli completion SHELL`: print click's tab-completion script for a shell."""

from __future__ import annotations

import click

from .base import cli

PROG = "searchcli"
# The variable click's main() looks for to answer a completion request; the
# script calls `searchcli` with it set.
COMPLETE_VAR = f"_{PROG.upper()}_COMPLETE"
SHELLS = ("bash", "zsh", "fish")


@cli.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the tab-completion script for SHELL.

    \b
    bash: searchcli completion bash > ~/.local/share/bash-completion/completions/searchcli
    zsh:  echo 'eval "$(searchcli completion zsh)"' >> ~/.zshrc
    fish: searchcli completion fish > ~/.config/fish/completions/searchcli.fish
    """
    from click.shell_completion import get_completion_class

    complete = get_completion_class(shell)
    assert complete is not None  # every name in SHELLS is one click knows
    click.echo(complete(cli, {}, PROG, COMPLETE_VAR).source())
