"""root.yaml: the stack a person creates; it nests every other template and wires them.

Resources: one `AWS::CloudFormation::Stack` per child (network, registry, stage-<s> per
stage, pipeline), each with a TemplateURL under TemplateBucket/TemplatePrefix naming the
child's content-addressed file. Children are wired only by their Parameters and
`Fn::GetAtt Child.Outputs.X` (no exports, so two stacks of one spec never collide).
Metadata: `Tinystack.Ir`, the file holding the compiled IR uploaded beside the templates
(read by a later diff for what the deployed stack is).
With `alarms.monthly_budget`, the stack's cost budget (compiler.cfn.budget).
Parameters: TemplateBucket, TemplatePrefix (default ""), and the network's AZ choices.
Outputs: what a person needs next: endpoint URLs, the repository URI, the pipeline and
its console link, the source to push to (connection, bucket, webhook).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from troposphere import GetAtt, Output, Parameter, Ref, Sub, Template, cloudformation

from compiler.cfn.budget import add_budget
from compiler.cfn.common.names import (
    NETWORK,
    PIPELINE,
    REGISTRY,
    logical_id,
    root_child_id,
    stage_stem,
    template_url,
)
from compiler.cfn.common.outputs import NetworkOut, PipelineOut, RegistryOut, RootParam, StageOut
from compiler.cfn.common.tagging import tag_list
from compiler.cfn.pipeline.build import stage_parameter
from compiler.cfn.pipeline.stack import STAGE_INPUTS
from compiler.ir.model import StackIR

_CONSOLE = "https://${AWS::Region}.console.aws.amazon.com"
METADATA_KEY = "Tinystack"


def _output(stem: str, name: str) -> GetAtt:
    return GetAtt(root_child_id(stem), f"Outputs.{name}")


def _wiring(ir: StackIR, root_params: list[str]) -> dict[str, Any]:
    """Every value a child parameter can take, by parameter name."""
    values: dict[str, Any] = {name: Ref(name) for name in root_params}
    values |= {out.value: _output(NETWORK, out.value) for out in NetworkOut}
    values |= {out.value: _output(REGISTRY, out.value) for out in RegistryOut}
    for stage in ir.stages:
        for out in STAGE_INPUTS:
            values[stage_parameter(stage.name, out)] = _output(stage_stem(stage.name), out.value)
    return values


def _root_parameters(template: Template, network: Template) -> list[str]:
    template.add_parameter(
        Parameter(
            RootParam.TEMPLATE_BUCKET.value,
            Type="String",
            Description="S3 bucket holding the uploaded templates (out/<name>/)",
        )
    )
    template.add_parameter(
        Parameter(
            RootParam.TEMPLATE_PREFIX.value,
            Type="String",
            Default="",
            Description="key prefix of the templates in the bucket, ending in '/' (or empty)",
        )
    )
    names = [RootParam.TEMPLATE_BUCKET.value, RootParam.TEMPLATE_PREFIX.value]
    for name, param in sorted(network.parameters.items()):
        copy = {k: v for k, v in param.to_dict().items() if k != "Type"}
        # an SSM-typed parameter passes its *name* on; the child resolves it (a resolved
        # AMI ID handed to the child's SSM-typed parameter fails: "Unable to fetch parameters")
        ssm = param.Type.startswith("AWS::SSM::Parameter::Value")
        template.add_parameter(Parameter(name, Type="String" if ssm else param.Type, **copy))
        names.append(name)
    return names


def _outputs(ir: StackIR, pipeline: Template) -> dict[str, tuple[Any, str]]:
    outs: dict[str, tuple[Any, str]] = {}
    for stage in ir.stages:
        stem = stage_stem(stage.name)
        outs[logical_id(stage.name, "EndpointUrl")] = (
            _output(stem, StageOut.ENDPOINT_URL.value),
            f"URL of stage '{stage.name}'",
        )
        console = Sub(
            f"{_CONSOLE}/ecs/v2/clusters/${{C}}/services/${{S}}/health?region=${{AWS::Region}}",
            C=_output(stem, StageOut.CLUSTER_NAME.value),
            S=_output(stem, StageOut.SERVICE_NAME.value),
        )
        outs[logical_id(stage.name, "ServiceConsoleUrl")] = (
            console,
            f"stage '{stage.name}' in the ECS console",
        )
    outs["RepositoryUri"] = (_output(REGISTRY, RegistryOut.REPOSITORY_URI.value), "ECR repository")
    name = _output(PIPELINE, PipelineOut.PIPELINE_NAME.value)
    outs["PipelineName"] = (name, "CodePipeline pipeline")
    outs["PipelineConsoleUrl"] = (
        Sub(
            f"{_CONSOLE}/codesuite/codepipeline/pipelines/${{P}}/view?region=${{AWS::Region}}",
            P=name,
        ),
        "the pipeline in the console",
    )
    return outs | _source_outputs(ir, pipeline)


def _source_outputs(ir: StackIR, pipeline: Template) -> dict[str, tuple[Any, str]]:
    notes = {
        PipelineOut.CONNECTION_ARN: "activate once: console > Developer Tools > Connections",
        PipelineOut.SOURCE_BUCKET_NAME: f"upload the source zip as s3://<this>/{ir.source.key}",
        PipelineOut.WEBHOOK_URL: (
            "payload URL of the push webhook (GitHub: content type application/json or "
            "application/x-www-form-urlencoded; GitLab: push events)"
        ),
        PipelineOut.WEBHOOK_SECRET_ARN: (
            "the webhook's secret (GitHub: Secret; GitLab: Secret token), in Secrets Manager"
        ),
    }
    present = set(pipeline.outputs)
    outs: dict[str, tuple[Any, str]] = {}
    for out, note in notes.items():
        given_connection = out is PipelineOut.CONNECTION_ARN and not ir.source.creates_connection
        if out.value in present and not given_connection:
            outs[out.value] = (_output(PIPELINE, out.value), note)
    return outs


def build_root(
    ir: StackIR, children: Mapping[str, Template], files: Mapping[str, str], ir_file: str
) -> Template:
    """The root stack of `ir` nesting `children` (file stem -> template), in this order, each
    named by its file in `files` (file stem -> file name); `ir_file` names the IR's file."""
    description = ir.description or f"{ir.name} (tinystack)"
    template = Template(Description=description)
    template.set_version("2010-09-09")
    template.set_metadata({METADATA_KEY: {"Ir": ir_file}})
    root_params = _root_parameters(template, children[NETWORK])
    wiring = _wiring(ir, root_params)
    for stem, child in children.items():
        params = {name: wiring[name] for name in sorted(child.parameters)}
        template.add_resource(
            cloudformation.Stack(
                root_child_id(stem),
                TemplateURL=template_url(files[stem]),
                **({"Parameters": params} if params else {}),
                **tag_list(ir),
            )
        )
    add_budget(template, ir)
    for name, (value, note) in _outputs(ir, children[PIPELINE]).items():
        template.add_output(Output(name, Value=value, Description=note))
    return template
