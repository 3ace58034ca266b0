"""Each picture is drawn once per session through `tsc graph` (Graphviz renders take a
second or two each) and shared by the tests that read it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from graph_specs import EC2_SPEC, FARGATE_SPEC

from compiler.cli import main

SPECS = {"ec2": EC2_SPEC, "fargate": FARGATE_SPEC}


@pytest.fixture(scope="session")
def spec_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("specs")
    files = {}
    for key, spec in SPECS.items():
        files[key] = folder / f"{key}.yaml"
        files[key].write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return files


@pytest.fixture(scope="session")
def drawn(
    spec_files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str, str], bytes]:
    """`drawn(spec, format)`: the bytes `tsc graph SPEC --format FORMAT -o FILE` wrote."""
    folder = tmp_path_factory.mktemp("pictures")
    cache: dict[tuple[str, str], bytes] = {}

    def draw(key: str, fmt: str) -> bytes:
        if (key, fmt) not in cache:
            assert shutil.which("dot"), "Graphviz's dot is missing: .ci/run installs it"
            out = folder / f"{key}.{fmt}"
            args = ["graph", str(spec_files[key]), "--format", fmt, "-o", str(out)]
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 0, result.output
            assert result.stdout == f"wrote {out}\n"
            cache[key, fmt] = out.read_bytes()
        return cache[key, fmt]

    return draw
