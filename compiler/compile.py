"""The compiler as a library: a spec path in, the decided IR, every output file and the
diagnostics out. The CLI (`tsc validate`/`compile`/`cost`/`init`) and `tsc deploy` call
these; nothing here prints.

read_stack:   load -> schema -> semantic checks -> lower -> settle `scale: auto` and an
              `auto` monthly budget
compile_ir:   IR -> every template, the IR file, both buildspecs and architecture.mmd, by file name
compile_spec: both, then out/<name>/ written atomically (all or nothing), and a warning
              for a build.yml or release.yml beside the spec that differs from the new one
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from compiler.diagnostics import Diagnostic, has_errors
from compiler.ir.lower import lower
from compiler.ir.model import StackIR
from compiler.spec import Spec, check_loaded, read_spec
from compiler.spec.codes import OVER_QUOTA, STALE_BUILDSPEC
from compiler.spec.load import load_text

if TYPE_CHECKING:  # `tsc validate` and `tsc cost` never load the back end
    from compiler.cfn.limits import OverQuota

Format = Literal["yaml", "json"]
DIAGRAM = "architecture.mmd"  # the stack's picture, for any Markdown viewer


@dataclass(frozen=True)
class Compiled:
    """The contents of out/<name>/ (before manifest and README) and resources per template."""

    name: str
    files: dict[str, str]
    resources: dict[str, int]
    over_quota: tuple[OverQuota, ...] = ()  # CloudFormation quotas the templates break


@dataclass(frozen=True)
class CompileResult:
    """What one compile produced: the files (None on errors), where they were written (None
    when nothing was), and every diagnostic."""

    compiled: Compiled | None
    out_dir: Path | None
    diagnostics: list[Diagnostic]


def read_stack(path: Path) -> tuple[StackIR | None, list[Diagnostic]]:
    """Load, check and lower a spec file; the IR is None when there are errors."""
    return _decide(*read_spec(path))


def read_stack_text(file: str, text: str) -> tuple[StackIR | None, list[Diagnostic]]:
    """`read_stack` of a spec held in memory (`file` names it in diagnostics)."""
    loaded, diagnostics = load_text(file, text)
    if loaded is None:
        return None, diagnostics
    return _decide(*check_loaded(loaded))


def _decide(
    spec: Spec | None, diagnostics: list[Diagnostic]
) -> tuple[StackIR | None, list[Diagnostic]]:
    if spec is None:
        return None, diagnostics
    ir = lower(spec.resolved)
    if any(stage.endpoint.choice.open for stage in ir.stages):
        from compiler.cost.choice import settle_auto_endpoints  # only `scale: auto` pays for it

        ir = settle_auto_endpoints(ir)
    budget = ir.alarms.monthly_budget
    if budget is not None and budget.requested == "auto":
        from compiler.cost.budget import settle_budget  # after the endpoints: it prices them

        ir = settle_budget(ir)
    return ir, diagnostics


def compile_ir(ir: StackIR, fmt: Format = "yaml") -> Compiled:
    """Every template, the IR file, both buildspecs and the diagram of `ir`, by file name."""
    from compiler.buildspecs import render_buildspecs
    from compiler.cfn.common.names import ROOT, readable_file, template_file
    from compiler.cfn.limits import over_quota
    from compiler.cfn.stack_set import build_stack_set
    from compiler.graph.describe import describe_stack
    from compiler.graph.mermaid import render_mermaid

    stack = build_stack_set(ir, fmt)
    breaches = [
        replace(breach, file=readable_file(breach.file))
        for breach in over_quota(stack.templates, stack.texts, template_file(ROOT, fmt))
    ]
    files = stack.texts | render_buildspecs(ir)
    files[DIAGRAM] = render_mermaid(describe_stack(ir))
    resources = {name: len(t.resources) for name, t in stack.templates.items()}
    return Compiled(ir.name, files, resources, tuple(breaches))


def quota_diagnostics(file: str, compiled: Compiled) -> list[Diagnostic]:
    """An error per CloudFormation quota the compiled templates would break."""
    hint = ("Shrink what fills that template (environment values, commands, stages): "
            "CloudFormation would refuse it at deploy time.")  # fmt: skip
    return [OVER_QUOTA.at(file, 1, 1, breach.message(), hint) for breach in compiled.over_quota]


def compile_spec(spec: Path, out_root: Path, fmt: Format = "yaml") -> CompileResult:
    """Compile `spec` into out_root/<name>/; nothing is written when there are errors."""
    ir, diagnostics = read_stack(spec)
    if ir is None or has_errors(diagnostics):
        return CompileResult(None, None, diagnostics)
    result = compile_and_write(ir, spec, out_root, fmt)
    return replace(result, diagnostics=diagnostics + result.diagnostics)


def compile_and_write(ir: StackIR, spec: Path, out_root: Path, fmt: Format) -> CompileResult:
    """Compile `ir`, read from `spec`, into out_root/<name>/ unless a template would break
    a CloudFormation quota; the diagnostics are this step's own (`tsc compile` of one spec
    or of many)."""
    from compiler.writer import write_out

    compiled = compile_ir(ir, fmt)
    over = quota_diagnostics(str(spec), compiled)
    if over:
        return CompileResult(None, None, over)
    out_dir = out_root / ir.name
    problems = write_out(compiled.files, out_dir, fmt)
    if problems:
        return CompileResult(compiled, None, problems)
    stale = []
    if ir.pipeline.buildspecs == "repository":
        stale = stale_buildspecs(spec.parent, compiled, out_dir)
    return CompileResult(compiled, out_dir, stale)


def stale_buildspecs(folder: Path, compiled: Compiled, out_dir: Path) -> list[Diagnostic]:
    """A warning per build.yml or release.yml in `folder` that differs from the compiled one
    (the pipeline runs the committed copy, easy to forget after adding a stage)."""
    found = []
    for name in ("build.yml", "release.yml"):
        beside, wrote = folder / name, out_dir / name
        try:
            committed = beside.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # none there (or unreadable): nothing to compare
        if committed != compiled.files.get(name, committed):
            message = f"differs from {wrote}, which this compile wrote"
            hint = f"The pipeline runs the committed one: cp {wrote} {beside}, and commit it."
            found.append(STALE_BUILDSPEC.at(str(beside), 0, 0, message, hint))
    return found
