"""The wheel carries the data folders under compiler/_shipped/ and the data tables, and an
installed (non-editable) package finds them."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(out)],
        cwd=ROOT, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    [built] = out.glob("tinystack-*.whl")
    return built


def _tracked(folder: str) -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", folder], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return listed.stdout.splitlines()


def test_wheel_ships_data_folders_and_tables(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "compiler/_shipped/schemas/tinystack.schema.json" in names
    for folder in ("buildspecs", "blueprints"):
        for path in _tracked(folder):
            assert f"compiler/_shipped/{path}" in names, path
    for table in ("instance_types", "fargate_sizes"):
        assert f"compiler/data/{table}.json" in names
        assert f"compiler/data/{table}.schema.json" in names


def test_installed_tsc_finds_the_schema_and_validates(wheel: Path, tmp_path: Path) -> None:
    # pip installs the wheel (not editable) with its console scripts; PYTHONPATH puts that
    # copy ahead of the checkout, and the dependencies come from this interpreter
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--target", str(site), str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}

    def tsc(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(site / "bin" / "tsc"), *args], cwd=tmp_path, env=env,
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip

    schema = tsc("schema")
    assert schema.returncode == 0, schema.stderr
    assert json.loads(schema.stdout)["$schema"].endswith("2020-12/schema")
    examples = sorted(str(p) for p in (ROOT / "examples").glob("*.yaml"))
    validated = tsc("validate", *examples)
    assert validated.returncode == 0, validated.stderr
    assert validated.stdout.splitlines() == [f"{example}: ok" for example in examples]
    compiled = tsc("compile", examples[0], "--out", str(tmp_path / "out"))
    assert compiled.returncode == 0, compiled.stderr
    where = subprocess.run(
        [sys.executable, "-c", "import compiler; print(compiler.__file__)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert where.stdout.strip() == str(site / "compiler" / "__init__.py")
