"""cfn-lint over compiled templates, in this process or across N, as our diagnostics.

cfn-lint (the `lint` extra) runs in-process with its own configuration (a `.cfnlintrc`
here or in the home folder, its default region otherwise) and one rule set, loaded once:
worker processes are forked after it is built, so each template costs only its own
checks. A match becomes `out/x/service-dev.yaml:12:7: warning: ... [W3011]`; E rules are
errors, W (and I, when the configuration asks for them) warnings. Nothing here prints.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

from compiler.diagnostics import Diagnostic, Severity
from compiler.writer import MANIFEST


class LintUnavailable(Exception):
    """cfn-lint is not installed."""


def compiled_folders(root: Path) -> list[Path]:
    """`root` when it is a compiled folder (it holds manifest.json), else those below it."""
    if (root / MANIFEST).is_file():
        return [root]
    return sorted(manifest.parent for manifest in root.rglob(MANIFEST))


def template_files(folder: Path) -> list[Path]:
    """The templates of a compiled folder, by name: every .yaml file (build.yml and
    release.yml are buildspecs) and every .json one but the manifest and the IR."""
    return sorted(p for p in folder.iterdir() if p.is_file() and _is_template(p))


def _is_template(path: Path) -> bool:
    if path.suffix != ".json":
        return path.suffix == ".yaml"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return path.name != MANIFEST  # let cfn-lint say what is wrong with it
    return isinstance(data, dict) and "Resources" in data


def lint_templates(paths: Sequence[Path], jobs: int = 1) -> list[Diagnostic]:
    """Every cfn-lint match of every template, in file order."""
    _runner()  # load the rules before any fork, so that workers inherit them
    if jobs <= 1 or len(paths) <= 1:
        found: Iterable[list[Diagnostic]] = map(_lint_one, paths)
        return [d for one in found for d in one]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=min(jobs, len(paths)), mp_context=context) as pool:
        biggest_first = sorted(paths, key=lambda p: -p.stat().st_size)  # workers end together
        by_path = dict(zip(biggest_first, pool.map(_lint_one, biggest_first), strict=True))
    return [d for path in paths for d in by_path[path]]


@cache
def _runner() -> Any:
    try:
        from cfnlint.config import ConfigMixIn
        from cfnlint.runner import Runner
    except ModuleNotFoundError as missing:
        raise LintUnavailable(str(missing)) from None
    return Runner(ConfigMixIn([]))


def _lint_one(path: Path) -> list[Diagnostic]:
    from cfnlint.decode.decode import decode_str

    template, errors = decode_str(path.read_text(encoding="utf-8"))
    matches = errors or ([] if template is None else _runner().validate_template(template))
    return sorted(_diagnostic(path, match) for match in matches)


def _diagnostic(path: Path, match: Any) -> Diagnostic:
    rule = str(match.rule.id)
    severity = Severity.ERROR if rule.startswith("E") else Severity.WARNING
    line, col = max(int(match.linenumber), 1), max(int(match.columnnumber), 1)
    return Diagnostic(str(path), line, col, severity, rule, "", str(match.message))
