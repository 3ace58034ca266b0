"""Every template of out/<name>/: root, network, registry, each stage's stacks, pipeline.

The one place that knows the whole set of nested stacks and their file names; the root
is built last, from its children, so it wires exactly the parameters they declare.
"""

from __future__ import annotations

from troposphere import Template

from compiler.cfn.common.names import NETWORK, PIPELINE, REGISTRY, ROOT, stage_stem, template_file
from compiler.cfn.network.stack import build_network
from compiler.cfn.pipeline.stack import build_pipeline
from compiler.cfn.registry import build_registry
from compiler.cfn.root import build_root
from compiler.cfn.stage import stage_templates
from compiler.ir.model import StackIR


def build_templates(ir: StackIR, ext: str) -> dict[str, Template]:
    """Every template of the stack by file name (e.g. 'root.yaml'), root first."""
    children: dict[str, Template] = {NETWORK: build_network(ir), REGISTRY: build_registry(ir)}
    files: dict[str, Template] = {}
    for stage in ir.stages:
        per_stage = stage_templates(ir, stage, ext)
        children[stage_stem(stage.name)] = per_stage[stage_stem(stage.name)]
        files |= {template_file(stem, ext): t for stem, t in per_stage.items()}
    children[PIPELINE] = build_pipeline(ir)
    files |= {template_file(stem, ext): t for stem, t in children.items()}
    root = build_root(ir, children, ext)
    return {template_file(ROOT, ext): root} | dict(sorted(files.items()))
