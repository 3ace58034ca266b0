"""`tsc graph` as a user runs it: formats, --stage, the one-line errors, and the
Mermaid file `tsc compile` writes beside the templates."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from compiler.cli import main

SVG = "{http://www.w3.org/2000/svg}"


def _tsc(*args: str, cwd: Path, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **({"PATH": path} if path is not None else {})}
    argv = [sys.executable, "-m", "compiler.cli", *args]
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_without_graphviz_png_says_how_to_install_it(
    spec_files: dict[str, Path], tmp_path: Path
) -> None:
    bare = tmp_path / "bin"  # a PATH with no `dot` on it
    bare.mkdir()
    for fmt in ("png", "svg"):
        done = _tsc("graph", str(spec_files["ec2"]), "--format", fmt, cwd=tmp_path, path=str(bare))
        assert done.returncode == 1
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        assert "apt-get install graphviz" in done.stderr
        assert list(tmp_path.iterdir()) == [bare]  # nothing written
    done = _tsc("graph", str(spec_files["ec2"]), "--format", "dot", cwd=tmp_path, path=str(bare))
    assert done.returncode == 0 and done.stdout.startswith("digraph ")


def test_dot_text_is_read_by_graphviz(spec_files: dict[str, Path]) -> None:
    for spec in spec_files.values():
        text = CliRunner().invoke(main, ["graph", str(spec), "--format", "dot"]).stdout
        laid_out = subprocess.run(
            ["dot", "-Tcanon"], input=text, capture_output=True, text=True, check=True
        )
        assert laid_out.stderr == ""
        assert '"pipeline" -> "build"' in text and 'subgraph "cluster_vpc"' in text
        assert "pipeline -> build" in laid_out.stdout


def test_stage_draws_that_stage_and_names_the_file(
    spec_files: dict[str, Path], tmp_path: Path
) -> None:
    done = _tsc("graph", str(spec_files["ec2"]), "--stage", "prod", "--format", "svg", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "wrote crud-api-prod.svg\n"
    svg = ET.parse(tmp_path / "crud-api-prod.svg").getroot()
    titles = {t.text for t in svg.iter(f"{SVG}title")}
    texts = " ".join(t.text or "" for t in svg.iter(f"{SVG}text"))
    assert {"prod_service", "approval_prod", "release_prod"} <= titles
    assert not any(t and t.startswith(("dev_", "release_dev")) for t in titles)
    assert texts.startswith("crud-api: stage prod, $")


def test_unknown_stage_and_bad_spec_are_one_line_errors(
    spec_files: dict[str, Path], tmp_path: Path
) -> None:
    result = CliRunner().invoke(main, ["graph", str(spec_files["ec2"]), "--stage", "qa"])
    assert result.exit_code == 1
    assert (
        result.stderr
        == "error: --stage: 'qa' is not a stage of 'crud-api'; stages: 'dev', 'prod'\n"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nname: x\napp: {port: 0}\n")
    result = CliRunner().invoke(main, ["graph", str(bad), "--format", "mermaid"])
    assert result.exit_code == 1 and result.stdout == ""
    assert f"{bad}:3:" in result.stderr and "Traceback" not in result.stderr


def test_compile_writes_the_mermaid_diagram_beside_the_templates(
    spec_files: dict[str, Path], tmp_path: Path
) -> None:
    spec = spec_files["fargate"]
    done = CliRunner().invoke(main, ["compile", str(spec), "--out", str(tmp_path)])
    assert done.exit_code == 0, done.output
    folder = tmp_path / "shop-api"
    mermaid = CliRunner().invoke(main, ["graph", str(spec), "--format", "mermaid"]).stdout
    assert (folder / "architecture.mmd").read_text(encoding="utf-8") == mermaid
    assert "architecture.mmd" in json.loads((folder / "manifest.json").read_text())["files"]
    assert re.search(r"^  architecture\.mmd +diagram +[\d.]+ KiB$", done.stdout, re.M)
