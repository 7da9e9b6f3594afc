"""A normal install carries every module: the packages setuptools finds from
pyproject.toml's rules are exactly the folders of Python code under searchcli/.

(Building a wheel takes tens of seconds; `.ci/run` builds one, installs it in a
fresh venv and smoke-tests it from another folder. This is the quick check.)
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from setuptools import find_packages

REPO = Path(__file__).resolve().parent.parent


def code_folders() -> set[str]:
    """Every folder under searchcli/ holding a .py file, as a dotted package name."""
    found = set()
    for folder, dirs, files in os.walk(REPO / "searchcli"):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        if any(f.endswith(".py") for f in files):
            found.add(".".join(Path(folder).relative_to(REPO).parts))
    return found


def test_package_discovery_finds_every_code_folder() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools_config = config["tool"]["setuptools"]
    rules = setuptools_config["packages"]
    assert isinstance(rules, dict), "a hand-written list of packages misses new ones"
    rules = rules["find"]
    packages = set(find_packages(str(REPO), include=rules["include"]))
    folders = code_folders()
    assert {"searchcli", "searchcli.cli"} <= folders
    # A folder without __init__.py would be missing here: find_packages skips it.
    assert packages == folders


def test_the_command_is_a_script_that_calls_the_client() -> None:
    """`searchcli` is bin/searchcli, installed as a script (pip's entry-point wrapper
    would import `re` first): it runs searchcli.client.main, a function of an
    installed package, and pip points its first line at the install's Python."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "scripts" not in config["project"]  # one `searchcli`, not two
    (script,) = config["tool"]["setuptools"]["script-files"]
    path = REPO / script
    assert path.name == "searchcli" and os.access(path, os.X_OK)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#!python"
    assert "from searchcli.client import main" in lines
    assert "searchcli" in code_folders()
    from searchcli.client import main

    assert callable(main)
