"""moto in server mode on 127.0.0.1, started as a subprocess, reset between tests.

Tests drive it through boto3 over HTTP exactly as they would AWS; the environment
(AWS_ENDPOINT_URL, dummy credentials, region) is what points boto3 at it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.moto_ext.process import REGION, REPO, MotoServer


def point_environment_at(monkeypatch: pytest.MonkeyPatch, url: str, home: Path) -> None:
    """The environment a user would set to reach this endpoint, and nothing of ours."""
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_REGION",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("TINYSTACK_POLL_SECONDS", "0.05")


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    server = MotoServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def aws(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> MotoServer:
    """A freshly reset moto server, with the environment pointing boto3 at it."""
    moto_server.reset()
    point_environment_at(monkeypatch, moto_server.url, tmp_path)
    return moto_server


@pytest.fixture()
def own_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[MotoServer]:
    """A server of this test's own, which the test may stop and restart."""
    server = MotoServer()
    server.start()
    point_environment_at(monkeypatch, server.url, tmp_path)
    yield server
    server.stop()


def run_tsc(*args: str, input: str | None = None) -> Result:
    """Run the `tsc` command line in-process, as a user would from a shell."""
    from compiler.cli import main

    return CliRunner().invoke(main, list(args), input=input)


def compile_example_at(example: str, out_root: Path, edits: dict[str, str] | None = None) -> Path:
    """Compile examples/<example>.yaml (after textual `edits`) into out_root; the folder."""
    from compiler.compile import compile_spec

    text = (REPO / "examples" / f"{example}.yaml").read_text()
    for old, new in (edits or {}).items():
        assert old in text, f"{old!r} not in {example}.yaml"
        text = text.replace(old, new)
    out_root.mkdir(parents=True, exist_ok=True)
    spec = out_root / f"{example}.yaml"
    spec.write_text(text)
    result = compile_spec(spec, out_root)
    folder, diagnostics = result.out_dir, result.diagnostics
    assert folder is not None, diagnostics
    return folder


@pytest.fixture()
def tsc() -> Callable[..., Result]:
    """`tsc(*args, input=None)` runs the command line in-process."""
    return run_tsc


@pytest.fixture()
def compile_example() -> Callable[..., Path]:
    """`compile_example(name, out_root, edits)` compiles an example spec, maybe edited."""
    return compile_example_at
