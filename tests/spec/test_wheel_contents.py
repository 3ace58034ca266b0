"""The wheel carries the data folders under compiler/_shipped/ and the data tables, and an
installed (non-editable) package finds them."""

from __future__ import annotations

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


def test_installed_package_finds_the_schema_and_validates(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (
        "import compiler, sys\n"
        "from compiler.shipped import shipped_dir\n"
        "from compiler.cli import main\n"
        "print(compiler.__file__)\n"
        "print(shipped_dir('schemas'))\n"
        "main(['validate', *sys.argv[1:]])\n"
    )
    examples = sorted(str(p) for p in (ROOT / "examples").glob("*.yaml"))
    run = subprocess.run(
        [sys.executable, "-c", probe, *examples], cwd=tmp_path, capture_output=True, text=True,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    package, schemas, *statuses = run.stdout.splitlines()
    assert package == str(site / "compiler" / "__init__.py")
    assert schemas == str(site / "compiler" / "_shipped" / "schemas")
    assert statuses == [f"{example}: ok" for example in examples]
