"""Runs a buildspec (version 0.2) the way CodeBuild does, for the pipeline tests.

Followed from the CodeBuild buildspec reference
(https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html), its page on
build phase transitions (view-build-details-phases.html) and on environment variables
(build-env-ref-env-vars.html):
- `env.shell` (bash), `env.variables` (the lowest precedence: the project's and the
  pipeline action's variables replace them), `env.exported-variables` (their values when
  the last phase has run).
- phases install -> pre_build -> build -> post_build. The commands of a phase run one at a
  time and stop at the first that fails; `finally` runs after them even then; a phase with
  a failed command fails, and so does the build.
- transitions: a failed install or pre_build skips every later phase; a failed build still
  runs post_build; `on-failure: ABORT` skips every later phase, `on-failure: CONTINUE` goes
  on to the next one.
- each command is a script of its own (CodeBuild writes /codebuild/output/tmp/script.sh),
  so a multi-line command's status is its last line's unless it exits; shell variables
  (exported or not) and the working directory carry over to the next command and phase,
  arrays and functions do not (arrays: aws/aws-cdk#26694).
- CodeBuild's own variables: AWS_REGION, AWS_DEFAULT_REGION, CODEBUILD_BUILD_ID,
  CODEBUILD_BUILD_ARN, CODEBUILD_RESOLVED_SOURCE_VERSION, CODEBUILD_SRC_DIR (where the
  first command starts) and CODEBUILD_BUILD_SUCCEEDING (0 from the first failed phase on).
A stopped or timed-out build ends its container: the running command is killed and
nothing more runs, neither `finally` nor post_build (what `stop` and `timeout` model).
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PHASES = ("install", "pre_build", "build", "post_build")
# after a failed phase, with no on-failure: the phases the build still runs
_RUNS_AFTER_FAILURE = {"install": (), "pre_build": (), "build": ("post_build",), "post_build": ()}
_PHASE_KEYS = {"commands", "finally", "on-failure"}
_ENV_KEYS = {"shell", "variables", "exported-variables"}
BASH = shutil.which("bash") or "/bin/bash"

# Saves the shell's variables (not arrays, not read-only ones, not the shell's own
# counters) and directory when the command's script ends, however it ends.
_SAVE = r"""
__ts_save() {
  local __ts_status=$? __ts_name
  {
    for __ts_name in $(compgen -v); do
      case "$__ts_name" in
        __ts_*|BASH*|EPOCH*|FUNCNAME|GROUPS|HISTCMD|LINENO|OLDPWD|PIPESTATUS|PPID|PWD) continue ;;
        RANDOM|SECONDS|SHLVL|SRANDOM|_|COLUMNS|LINES) continue ;;
      esac
      case "${!__ts_name@a}" in *[aAr]*) continue ;; esac
      declare -p "$__ts_name"
    done
    printf 'cd -- %q\n' "$PWD"
  } > "$__TS_STATE.new" && mv -f "$__TS_STATE.new" "$__TS_STATE"
  return "$__ts_status"
}
"""


class BuildspecError(ValueError):
    """The buildspec uses something this runner does not model (or is not a buildspec)."""


@dataclass
class Build:
    """What a run gives: CodeBuild's statuses, the exported variables and the output."""

    status: str = "IN_PROGRESS"  # SUCCEEDED | FAILED | STOPPED | TIMED_OUT
    phases: dict[str, str] = field(default_factory=dict)  # the phases that ran
    exported: dict[str, str] = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""
    commands: list[tuple[str, int | None]] = field(default_factory=list)  # (command, status)

    def stderr_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


@dataclass
class _Run:
    state: Path
    workdir: Path
    stop: threading.Event
    deadline: float | None
    build: Build
    count: int = 0


def _parse(text: str) -> dict[str, Any]:
    doc = yaml.safe_load(text)
    if not isinstance(doc, dict) or str(doc.get("version")) != "0.2":
        raise BuildspecError("not a version 0.2 buildspec")
    env = doc.get("env") or {}
    if set(env) - _ENV_KEYS:
        raise BuildspecError(f"env keys not modelled: {sorted(set(env) - _ENV_KEYS)}")
    if env.get("shell") != "bash":
        raise BuildspecError("this runner models env.shell: bash only")
    phases = doc.get("phases") or {}
    if set(phases) - set(PHASES):
        raise BuildspecError(f"unknown phases: {sorted(set(phases) - set(PHASES))}")
    for name, phase in phases.items():
        if set(phase) - _PHASE_KEYS:
            raise BuildspecError(f"{name} keys not modelled: {sorted(set(phase) - _PHASE_KEYS)}")
    return doc


def _declare(name: str, value: str) -> str:
    return f"declare -x {name}={shlex.quote(value)}"


def codebuild_variables(
    region: str, source_dir: Path, source_version: str, project: str
) -> dict[str, str]:
    """The variables CodeBuild itself sets in a build of `project`."""
    build_id = f"{project}:{uuid.uuid4()}"
    return {
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "CODEBUILD_BUILD_ID": build_id,
        "CODEBUILD_BUILD_ARN": f"arn:aws:codebuild:{region}:123456789012:build/{build_id}",
        "CODEBUILD_RESOLVED_SOURCE_VERSION": source_version,
        "CODEBUILD_SRC_DIR": str(source_dir),
        "CODEBUILD_BUILD_SUCCEEDING": "1",
    }


def _command(run: _Run, command: str) -> bool:
    """Run one command as its own script; True when it exits 0."""
    run.count += 1
    script = run.workdir / f"script-{run.count}.sh"
    script.write_text(f'{_SAVE}\ntrap __ts_save EXIT\n. "$__TS_STATE"\n{command}\n')
    env = {"__TS_STATE": str(run.state)}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [BASH, "--noprofile", "--norc", str(script)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,  # its own process group: a stop kills all it started
        )
        ended = _wait(run, proc)
        out.seek(0)
        err.seek(0)
        run.build.stdout += out.read().decode(errors="replace")
        run.build.stderr += err.read().decode(errors="replace")
    run.build.commands.append((command, proc.returncode if ended else None))
    return ended and proc.returncode == 0


def _wait(run: _Run, proc: subprocess.Popen[bytes]) -> bool:
    """Wait for `proc`; False (and the process group killed) when the build is stopped."""
    while True:
        try:
            proc.wait(timeout=0.02)
            return True
        except subprocess.TimeoutExpired:
            pass
        timed_out = run.deadline is not None and time.monotonic() > run.deadline
        if run.stop.is_set() or timed_out:
            run.build.status = "TIMED_OUT" if timed_out else "STOPPED"
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return False


def _ended(run: _Run) -> bool:
    return run.build.status in ("STOPPED", "TIMED_OUT")


def _block(run: _Run, commands: list[Any]) -> bool:
    # all() stops at the first command that fails, as CodeBuild does
    return all(not _ended(run) and _command(run, str(command)) for command in commands)


def _phase(run: _Run, name: str, phase: dict[str, Any]) -> bool:
    ok = _block(run, phase.get("commands") or [])
    if not _ended(run):
        ok = _block(run, phase.get("finally") or []) and ok
    run.build.phases[name] = "SUCCEEDED" if ok else "FAILED"
    if not ok:
        with run.state.open("a") as state:  # the next phases see the build failing
            state.write(_declare("CODEBUILD_BUILD_SUCCEEDING", "0") + "\n")
    return ok


def _phases_to_run(run: _Run, phases: dict[str, Any]) -> None:
    pending = [name for name in PHASES if name in phases]
    while pending and not _ended(run):
        name = pending.pop(0)
        if _phase(run, name, phases[name]) or _ended(run):
            continue
        on_failure = phases[name].get("on-failure")
        if on_failure == "ABORT":
            pending = []
        elif on_failure != "CONTINUE":
            pending = [p for p in pending if p in _RUNS_AFTER_FAILURE[name]]


def _exported(run: _Run, names: list[str]) -> dict[str, str]:
    if not names:
        return {}
    printer = "".join(f'[ -n "${{{n}+x}}" ] && printf "%s=%s\\0" {n} "${n}"\n' for n in names)
    done = subprocess.run(
        [BASH, "--noprofile", "--norc", "-c", f'. "$__TS_STATE" >/dev/null\n{printer}true'],
        env={"__TS_STATE": str(run.state)},
        capture_output=True,
        check=True,
    )
    pairs = [item.split("=", 1) for item in done.stdout.decode().split("\0") if item]
    return {name: value for name, value in pairs}


def run_buildspec(
    text: str,
    *,
    source_dir: Path,
    environment: dict[str, str],
    codebuild: dict[str, str],
    stop: threading.Event | None = None,
    timeout: float | None = None,
) -> Build:
    """Run the buildspec `text` in `source_dir`.

    `environment`: the build container's own variables (PATH, credentials...) with the
    project's and the action's on top; `codebuild`: codebuild_variables(...).
    """
    doc = _parse(text)
    env = doc.get("env") or {}
    variables = {str(k): str(v) for k, v in (env.get("variables") or {}).items()}
    start = variables | environment | codebuild
    with tempfile.TemporaryDirectory(prefix="codebuild-") as tmp:
        state = Path(tmp) / "state.sh"
        lines = [_declare(k, v) for k, v in start.items() if k.isidentifier()]
        state.write_text("\n".join([*lines, f"cd -- {shlex.quote(str(source_dir))}", ""]))
        deadline = time.monotonic() + timeout if timeout is not None else None
        run = _Run(state, Path(tmp), stop or threading.Event(), deadline, Build())
        _phases_to_run(run, doc.get("phases") or {})
        if not _ended(run):
            failed = "FAILED" in run.build.phases.values()
            run.build.status = "FAILED" if failed else "SUCCEEDED"
            run.build.exported = _exported(run, list(env.get("exported-variables") or []))
        return run.build
