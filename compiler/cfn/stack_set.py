"""Every template of out/<name>/: root, network, registry, each stage's stacks, pipeline.

The one place that knows the whole set of nested stacks and their file names. Children
are built and rendered before their parents, so a parent names each child by its content
address (`names.addressed_file`): a parent's bytes change exactly when a child's do. The
compiled IR goes with them (`ir.<hash>.json`, named in the root's Metadata).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from troposphere import Template

from compiler.cfn.common.names import (
    NETWORK,
    PIPELINE,
    REGISTRY,
    ROOT,
    addressed_file,
    readable_file,
    stage_file_stem,
    stage_stem,
    template_file,
)
from compiler.cfn.network.stack import build_network
from compiler.cfn.pipeline.stack import build_pipeline
from compiler.cfn.registry import build_registry
from compiler.cfn.render import TemplateFormat, render_template
from compiler.cfn.root import build_root
from compiler.cfn.stage import build_stage, stage_children
from compiler.ir.model import StackIR, StageIR, ir_json

IR_STEM = "ir"


@dataclass
class StackSet:
    """The rendered templates (and the IR file) by file name; root first, then sorted."""

    fmt: TemplateFormat
    templates: dict[str, Template] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)

    def add(self, stem: str, template: Template) -> str:
        """Render a nested template and keep it under its content address; its file name."""
        text = render_template(template, self.fmt)
        name = addressed_file(stem, text, self.fmt)
        self.templates[name], self.texts[name] = template, text
        return name


def _stage(ir: StackIR, stage: StageIR, stack: StackSet) -> tuple[Template, str]:
    """The stage's children, then the stage stack naming them; the stage stack and its file."""
    files = {
        kind: stack.add(stage_file_stem(kind, stage.name), template)
        for kind, template in stage_children(ir, stage).items()
    }
    template = build_stage(ir, stage, files)
    return template, stack.add(stage_stem(stage.name), template)


def build_stack_set(ir: StackIR, fmt: TemplateFormat) -> StackSet:
    """Every template of the stack, children before parents, and the IR file."""
    stack = StackSet(fmt)
    children: dict[str, Template] = {NETWORK: build_network(ir), REGISTRY: build_registry(ir)}
    files = {stem: stack.add(stem, t) for stem, t in children.items()}
    for stage in ir.stages:
        stem = stage_stem(stage.name)
        children[stem], files[stem] = _stage(ir, stage, stack)
    children[PIPELINE] = build_pipeline(ir)
    files[PIPELINE] = stack.add(PIPELINE, children[PIPELINE])
    ir_text = ir_json(ir)
    ir_file = addressed_file(IR_STEM, ir_text, "json")
    root = build_root(ir, children, files, ir_file)
    root_file = template_file(ROOT, fmt)
    stack.templates = {root_file: root} | dict(sorted(stack.templates.items()))
    stack.texts[ir_file] = ir_text
    stack.texts = {root_file: render_template(root, fmt)} | dict(sorted(stack.texts.items()))
    return stack


def stage_templates(ir: StackIR, stage: StageIR, fmt: TemplateFormat) -> dict[str, Template]:
    """Every template of one stage by file stem: stage-<s> first, then its children."""
    stack = StackSet(fmt)
    template, _ = _stage(ir, stage, stack)
    children = {readable_file(name).rsplit(".", 1)[0]: t for name, t in stack.templates.items()}
    return {stage_stem(stage.name): template} | {
        stem: t for stem, t in children.items() if stem != stage_stem(stage.name)
    }


def build_templates(ir: StackIR, fmt: TemplateFormat) -> dict[str, Template]:
    """Every template of the stack by file name (e.g. 'root.yaml'), root first."""
    return build_stack_set(ir, fmt).templates
