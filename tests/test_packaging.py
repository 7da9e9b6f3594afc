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


def test_the_console_script_names_a_function_in_an_installed_package() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    target = config["project"]["scripts"]["searchcli"]
    module, _, function = target.partition(":")
    package = module if (REPO / Path(*module.split("."))).is_dir() else module.rpartition(".")[0]
    assert package in code_folders()
    assert callable(getattr(__import__(module, fromlist=[function]), function))
