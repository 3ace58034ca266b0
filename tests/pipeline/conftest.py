"""The pipeline tests' local account: moto with tests/moto_ext in a subprocess, reset per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from local_account import LocalAccount
from stack_irs import lowered

from compiler.ir.model import StackIR
from tests.moto_ext.process import MotoServer

# two stages whose scaling.desired and scaling.min differ (so a test tells them apart)
SPEC = {
    "version": 1,
    "name": "crud-api",
    "compute": {"type": "fargate"},
    "stages": [
        {"name": "dev", "scaling": {"min": 1, "desired": 2}},
        {"name": "prod", "approval": True, "scaling": {"min": 2, "desired": 3, "max": 5}},
    ],
}


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    server = MotoServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def ir() -> StackIR:
    return lowered(SPEC)


@pytest.fixture()
def account(moto_server: MotoServer, ir: StackIR, tmp_path: Path) -> LocalAccount:
    return LocalAccount(moto_server, tmp_path, ir)


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    """An application's checkout: a Dockerfile at its root, as the spec's default expects."""
    src = tmp_path / "checkout"
    src.mkdir()
    (src / "Dockerfile").write_text(
        'FROM python:3.12-slim\nCOPY app.py .\nCMD ["python", "app.py"]\n'
    )
    (src / "app.py").write_text("print('v1')\n")
    return src
