"""The buildspec runner does what the CodeBuild reference says a version 0.2 build does.

Each case is a small buildspec whose output shows one rule of the reference (see the
runner's docstring for the rules and their sources).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from buildspec_runner import PHASES, Build, BuildspecError, codebuild_variables, run_buildspec


def _run(tmp_path: Path, doc: dict[str, Any], **kwargs: Any) -> Build:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    environment = {"PATH": "/usr/bin:/bin", "FROM_PROJECT": "project"}
    return run_buildspec(
        yaml.safe_dump({"version": 0.2, "env": {"shell": "bash"}, **doc}),
        source_dir=src,
        environment=environment | kwargs.pop("environment", {}),
        codebuild=codebuild_variables("eu-west-1", src, "abc123", "proj"),
        **kwargs,
    )


def _phases(**phases: list[str]) -> dict[str, Any]:
    return {"phases": {name: {"commands": cmds} for name, cmds in phases.items()}}


def test_variables_and_the_directory_carry_over_commands_and_phases(tmp_path: Path) -> None:
    build = _run(
        tmp_path,
        _phases(
            pre_build=["mkdir sub && cd sub", "plain=1", "export EXPORTED=2"],
            build=['echo "$plain $EXPORTED $(basename "$PWD")"'],
        ),
    )
    assert build.status == "SUCCEEDED"
    assert "1 2 sub\n" in build.stdout


def test_functions_and_arrays_do_not_carry_over(tmp_path: Path) -> None:
    build = _run(
        tmp_path,
        _phases(build=["f() { echo in-f; }; list=(a b)", 'type f || echo "no f ${list[1]-}."']),
    )
    assert "no f .\n" in build.stdout


def test_a_multi_line_command_is_one_script_whose_last_line_decides(tmp_path: Path) -> None:
    build = _run(tmp_path, _phases(build=["false\necho masked", "echo second"]))
    assert build.status == "SUCCEEDED" and "masked\nsecond\n" in build.stdout
    build = _run(tmp_path, _phases(build=["echo one\nexit 3\necho never", "echo next"]))
    assert build.status == "FAILED"
    assert "never" not in build.stdout and "next" not in build.stdout


def test_a_failed_command_ends_its_phase_and_finally_still_runs(tmp_path: Path) -> None:
    doc = {"phases": {"build": {"commands": ["echo a", "false", "echo b"], "finally": ["echo f"]}}}
    build = _run(tmp_path, doc)
    assert build.status == "FAILED" and build.phases == {"build": "FAILED"}
    assert "\na\n" in "\n" + build.stdout and "\nb\n" not in build.stdout
    assert "f\n" in build.stdout


def test_a_failed_finally_fails_the_phase(tmp_path: Path) -> None:
    doc = {"phases": {"build": {"commands": ["true"], "finally": ["false"]}}}
    assert _run(tmp_path, doc).phases == {"build": "FAILED"}


@pytest.mark.parametrize(
    ("failing", "ran"),
    [
        ("install", ["install"]),
        ("pre_build", ["install", "pre_build"]),
        ("build", ["install", "pre_build", "build", "post_build"]),  # post_build still runs
        ("post_build", ["install", "pre_build", "build", "post_build"]),
    ],
)
def test_phase_transitions_after_a_failure(tmp_path: Path, failing: str, ran: list[str]) -> None:
    phases = {p: ['echo "$CODEBUILD_BUILD_SUCCEEDING"'] for p in PHASES}
    phases[failing] = ["false"]
    build = _run(tmp_path, _phases(**phases))
    assert list(build.phases) == ran and build.status == "FAILED"
    if failing == "build":  # CodeBuild tells post_build that the build is failing
        assert build.stdout.strip().endswith("0")


def test_on_failure_abort_and_continue(tmp_path: Path) -> None:
    doc = _phases(build=["false"], post_build=["echo post"])
    doc["phases"]["build"]["on-failure"] = "ABORT"
    assert list(_run(tmp_path, doc).phases) == ["build"]
    doc = _phases(pre_build=["false"], build=["echo built"])
    doc["phases"]["pre_build"]["on-failure"] = "CONTINUE"
    build = _run(tmp_path, doc)
    assert list(build.phases) == ["pre_build", "build"] and "built" in build.stdout
    assert build.status == "FAILED"


def test_environment_precedence_and_codebuild_variables(tmp_path: Path) -> None:
    doc = {
        "env": {"shell": "bash", "variables": {"FROM_PROJECT": "spec", "ONLY_SPEC": 7}},
        **_phases(
            build=['echo "$FROM_PROJECT $ONLY_SPEC $AWS_REGION $PWD"', "echo $CODEBUILD_BUILD_ID"]
        ),
    }
    build = _run(tmp_path, doc)
    # the project's value wins over the buildspec's; the build starts in CODEBUILD_SRC_DIR
    assert f"project 7 eu-west-1 {tmp_path / 'src'}\n" in build.stdout
    assert "proj:" in build.stdout


def test_exported_variables_are_read_after_the_last_phase(tmp_path: Path) -> None:
    doc = {
        "env": {"shell": "bash", "exported-variables": ["DIGEST", "NEVER_SET"]},
        **_phases(build=["DIGEST=early"], post_build=["DIGEST=late"]),
    }
    assert _run(tmp_path, doc).exported == {"DIGEST": "late"}


def test_a_stopped_build_runs_nothing_more(tmp_path: Path) -> None:
    marker = tmp_path / "started"
    doc = {
        "phases": {
            "build": {"commands": [f"touch {marker}; sleep 900"], "finally": ["echo finally"]},
            "post_build": {"commands": ["echo post"]},
        }
    }
    stop = threading.Event()
    threading.Thread(target=lambda: (_wait_for(marker), stop.set()), daemon=True).start()
    began = time.monotonic()
    build = _run(tmp_path, doc, stop=stop)
    assert build.status == "STOPPED" and time.monotonic() - began < 600  # killed, not waited for
    assert "finally" not in build.stdout and "post" not in build.stdout


def test_a_build_past_its_timeout_is_timed_out(tmp_path: Path) -> None:
    build = _run(tmp_path, _phases(build=["sleep 900"], post_build=["echo post"]), timeout=0.3)
    assert build.status == "TIMED_OUT" and "post" not in build.stdout


def test_only_what_it_models_is_accepted(tmp_path: Path) -> None:
    with pytest.raises(BuildspecError, match="bash"):
        run_buildspec(
            "version: 0.2\nphases: {build: {commands: [true]}}\n",
            source_dir=tmp_path,
            environment={},
            codebuild={},
        )
    with pytest.raises(BuildspecError, match="run-as"):
        _run(tmp_path, {"phases": {"build": {"run-as": "nobody", "commands": ["true"]}}})


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + 300  # a limit for a loaded machine, not a wait
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
