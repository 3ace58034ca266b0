"""Issue 6 acceptance: each blueprint, brought in by `tsc init`, compiles and serves its API.

`project` is parametrized over every blueprint (see conftest.py): one `tsc init` each.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from blueprint_apps import check_contract, running_app
from cfn_templates import lint_text
from click.testing import CliRunner

from compiler.cli import main

# How each blueprint's own test suite runs inside the generated project.
OWN_TESTS: dict[str, list[str]] = {
    "flask": [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
    "django": [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
    "django-postgres": [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
    "fastapi": [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
    "express": ["node", "--test"],
}


def test_generated_spec_validates_and_compiles(project: Path, tmp_path: Path) -> None:
    spec = str(project / "tinystack.yaml")
    validated = CliRunner().invoke(main, ["validate", spec])
    assert validated.exit_code == 0, validated.output
    compiled = CliRunner().invoke(main, ["compile", spec, "--out", str(tmp_path)])
    assert compiled.exit_code == 0, compiled.output
    out = tmp_path / project.name
    assert (out / "root.yaml").is_file()
    # the buildspecs `tsc init` wrote are the ones the compiler emits for this spec
    for buildspec in ("build.yml", "release.yml"):
        assert (project / buildspec).read_bytes() == (out / buildspec).read_bytes()


def test_app_keeps_the_http_contract(project: Path) -> None:
    with running_app(project) as base:
        check_contract(base)


def test_blueprint_passes_its_own_tests(project: Path) -> None:
    blueprint = project.name.removesuffix("-demo")
    result = subprocess.run(
        OWN_TESTS[blueprint], cwd=project, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pass" in (result.stdout + result.stderr).lower()


@pytest.mark.parametrize(
    "project", ["flask", "express", "django", "fastapi", "django-postgres"], indirect=True
)
def test_compiled_templates_lint_clean(project: Path, tmp_path: Path) -> None:
    compiled = CliRunner().invoke(
        main, ["compile", str(project / "tinystack.yaml"), "--out", str(tmp_path)]
    )
    assert compiled.exit_code == 0, compiled.output
    templates = sorted((tmp_path / project.name).glob("*.yaml"))
    assert len(templates) > 3, "the root and its nested stacks"
    problems = [
        f"{template.name}: {problem}"
        for template in templates
        for problem in lint_text(template.read_text())
    ]
    assert problems == []
