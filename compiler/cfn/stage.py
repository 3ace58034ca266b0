"""A stage's parent stack: stage-<stage>.yaml, and the children it parents.

It takes exactly `stage_parameters(stage)` (the network's and registry's outputs and the
template location) and parents, as `AWS::CloudFormation::Stack`, the stage's data stack
(only with stores), cluster, endpoint, service and monitoring stacks, wired only through
their parameters and outputs: the service reads the data, cluster and endpoint outputs,
monitoring the service's; nothing points back, so there are no cycles and the stores exist
before the service. Outputs: `StageOut.*`: the children's, and the stage's name and health
path, by which the day-2 commands find and probe a stage.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from troposphere import Equals, GetAtt, Not, Output, Parameter, Ref, Template
from troposphere.cloudformation import Stack

from compiler.cfn.cluster.stack import build_cluster, cluster_parameters
from compiler.cfn.common.names import stage_child_id, template_url
from compiler.cfn.common.outputs import (
    STAGE_PARAMETERS,
    ClusterOut,
    EndpointOut,
    NetworkOut,
    RootParam,
    ServiceOut,
    StageOut,
)
from compiler.cfn.common.tagging import tag_list
from compiler.cfn.data.outputs import data_outputs
from compiler.cfn.data.stack import build_data, data_parameters
from compiler.cfn.endpoint.stack import build_endpoint, endpoint_parameters
from compiler.cfn.monitoring import build_monitoring, monitoring_parameters
from compiler.cfn.service.stack import build_service, service_parameters
from compiler.ir.model import StackIR, StageIR

Builder = Callable[[StackIR, StageIR], Template]
# The children in creation order, each with its builder (data only with stores).
CHILDREN: dict[str, Builder] = {
    "data": build_data,
    "cluster": build_cluster,
    "endpoint": build_endpoint,
    "service": build_service,
    "monitoring": build_monitoring,
}
# The parameters each child takes, as declared by its own module.
_CHILD_PARAMETERS: dict[str, Callable[[StageIR], tuple[str, ...]]] = {
    "data": data_parameters,
    "cluster": cluster_parameters,
    "endpoint": endpoint_parameters,
    "service": service_parameters,
    "monitoring": monitoring_parameters,
}
# Which child produces each output a sibling reads.
_PRODUCER: dict[str, str] = {
    **{o.value: "cluster" for o in ClusterOut},
    **{o.value: "endpoint" for o in EndpointOut},
    **{o.value: "service" for o in ServiceOut},
}
# Where each of the stage's outputs comes from: (child, that child's output).
_STAGE_OUTPUTS: dict[StageOut, tuple[str, str]] = {
    StageOut.CLUSTER_NAME: ("cluster", ClusterOut.CLUSTER_NAME.value),
    StageOut.CLUSTER_ARN: ("cluster", ClusterOut.CLUSTER_ARN.value),
    StageOut.SERVICE_NAME: ("service", ServiceOut.SERVICE_NAME.value),
    StageOut.SERVICE_ARN: ("service", ServiceOut.SERVICE_ARN.value),
    StageOut.ENDPOINT_URL: ("endpoint", EndpointOut.ENDPOINT_URL.value),
    StageOut.ALARM_TOPIC_ARN: ("monitoring", StageOut.ALARM_TOPIC_ARN.value),
    StageOut.LOG_GROUP_NAME: ("service", ServiceOut.LOG_GROUP_NAME.value),
}


def children(stage: StageIR) -> dict[str, Builder]:
    """The stage's child stacks in creation order: data only when it has stores."""
    return {
        kind: build for kind, build in CHILDREN.items() if kind != "data" or not stage.data.empty
    }


def child_parameters(kind: str, stage: StageIR) -> tuple[str, ...]:
    """The parameter names a child stack of this stage takes."""
    return _CHILD_PARAMETERS[kind](stage)


def stage_parameters(stage: StageIR) -> tuple[str, ...]:
    """The stage stack's parameters: STAGE_PARAMETERS, and the private subnets for stores."""
    extra = {name for kind in children(stage) for name in child_parameters(kind, stage)}
    private = NetworkOut.PRIVATE_SUBNET_IDS.value
    return (*STAGE_PARAMETERS, *([private] if private in extra else []))


def _wire(stage: StageIR, name: str) -> object:
    """A child's parameter value: a sibling's output, or the stage's own parameter."""
    producer = _PRODUCER.get(name) or ("data" if name in data_outputs(stage.data) else None)
    return GetAtt(stage_child_id(producer), f"Outputs.{name}") if producer else Ref(name)


def _parameters(template: Template, stage: StageIR) -> None:
    names = stage_parameters(stage)
    for name in names:
        optional = name == RootParam.TEMPLATE_PREFIX.value
        template.add_parameter(
            Parameter(name, Type="String", **({"Default": ""} if optional else {}))
        )
    required = [n for n in names if n != RootParam.TEMPLATE_PREFIX.value]
    # Fail fast, by name, when the parent forgets a wire, rather than deep in a child.
    template.add_rule(
        "WiringGiven",
        {
            "Assertions": [
                {
                    "Assert": Not(Equals(Ref(name), "")),
                    "AssertDescription": f"The stage needs the '{name}' parameter",
                }
                for name in required
            ]
        },
    )


def build_stage(ir: StackIR, stage: StageIR, child_files: Mapping[str, str]) -> Template:
    """The stage-<stage> stack: parent of its data (only with stores), cluster, endpoint,
    service and monitoring, each named by the file its template is written to
    (`child_files`, by kind)."""
    template = Template(Description=f"{stage.names.prefix}: stage {stage.name}")
    _parameters(template, stage)
    for kind in children(stage):
        params = {name: _wire(stage, name) for name in child_parameters(kind, stage)}
        template.add_resource(
            Stack(
                stage_child_id(kind),
                TemplateURL=template_url(child_files[kind]),
                **({"Parameters": params} if params else {}),
                **tag_list(ir),
            )
        )
    for out, (kind, name) in _STAGE_OUTPUTS.items():
        template.add_output(
            Output(out.value, Value=GetAtt(stage_child_id(kind), f"Outputs.{name}"))
        )
    template.add_output(Output(StageOut.STAGE_NAME.value, Value=stage.name))
    template.add_output(Output(StageOut.HEALTH_CHECK_PATH.value, Value=stage.app.health_check.path))
    return template


def stage_children(ir: StackIR, stage: StageIR) -> dict[str, Template]:
    """The stage's child templates by kind (data only with stores, cluster, endpoint,
    service, monitoring)."""
    return {kind: build(ir, stage) for kind, build in children(stage).items()}
