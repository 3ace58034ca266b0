"""Fixtures: every blueprint brought into a temp folder once per session by `tsc init`."""

from __future__ import annotations

from pathlib import Path

import pytest
from blueprint_apps import node_modules_for
from click.testing import CliRunner

from compiler.blueprints import list_blueprints
from compiler.cli import main

BLUEPRINTS = [b.name for b in list_blueprints()]


def init_project(parent: Path, blueprint: str, name: str) -> Path:
    """Run `tsc init` like a user would and return the new project's folder."""
    target = parent / name
    result = CliRunner().invoke(main, ["init", str(target), "--blueprint", blueprint])
    assert result.exit_code == 0, result.output
    return target


@pytest.fixture(scope="session")
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The initialised project of the blueprint named by the test's parameter."""
    blueprint: str = request.param
    folder = init_project(tmp_path_factory.mktemp(blueprint), blueprint, f"{blueprint}-demo")
    if blueprint == "express":
        repository_copy = next(b.directory for b in list_blueprints() if b.name == blueprint)
        node_modules_for(folder, repository_copy)
    return folder


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Every test that asks for `project` runs once per blueprint, sharing one init each,
    # unless it names its blueprints itself.
    markers = metafunc.definition.iter_markers("parametrize")
    chosen = any("project" in str(marker.args[0]) for marker in markers)
    if "project" in metafunc.fixturenames and not chosen:
        metafunc.parametrize("project", BLUEPRINTS, indirect=True, scope="session")
