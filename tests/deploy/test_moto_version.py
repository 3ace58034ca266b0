"""tests/moto_ext reaches into moto's internals: it runs only on the moto it was written for."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import moto

from tests.moto_ext import WRITTEN_FOR, version_problem

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_the_installed_moto_is_the_one_the_extension_was_written_for() -> None:
    assert version_problem(moto.__version__) is None, version_problem(moto.__version__)


def test_the_pin_in_pyproject_is_that_version() -> None:
    test_extra = tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"]["test"]
    (pin,) = [r for r in test_extra if re.match(r"moto\b", r)]
    assert pin.endswith(f"=={WRITTEN_FOR}"), pin


def test_another_version_is_refused_with_what_to_do() -> None:
    problem = version_problem("5.3.0")
    assert problem is not None
    assert "moto 5.2.1, and moto 5.3.0 is installed" in problem
    assert "pyproject.toml" in problem
