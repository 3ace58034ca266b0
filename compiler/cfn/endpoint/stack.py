"""A stage's endpoint stack: endpoint-<stage>.yaml, the front door and its security groups.

api-gateway: HTTP API + VPC link + Cloud Map SRV service (api_gateway.py).
alb: Application Load Balancer + listeners + IP target group (alb.py).
Outputs (`EndpointOut`): EndpointUrl and FrontSecurityGroupId (the group the tasks
admit); api-gateway: DiscoveryServiceArn, ApiId; alb: TargetGroupArn and the CloudWatch
dimension names LoadBalancerFullName, TargetGroupFullName.
"""

from __future__ import annotations

from troposphere import Output, Parameter, Template

from compiler.cfn.common.outputs import NetworkOut
from compiler.cfn.endpoint.alb import add_load_balancer
from compiler.cfn.endpoint.api_gateway import add_api_gateway
from compiler.ir.model import StackIR, StageIR

# Which network outputs each front door reads.
ENDPOINT_PARAMETERS: dict[str, tuple[NetworkOut, ...]] = {
    "api-gateway": (NetworkOut.VPC_ID, NetworkOut.VPC_CIDR, NetworkOut.TASK_SUBNET_IDS),
    "alb": (NetworkOut.VPC_ID, NetworkOut.VPC_CIDR, NetworkOut.PUBLIC_SUBNET_IDS),
}


def endpoint_parameters(stage: StageIR) -> tuple[str, ...]:
    """Names of the endpoint stack's parameters (wired by the stage stack)."""
    return tuple(p.value for p in ENDPOINT_PARAMETERS[stage.endpoint.type])


def build_endpoint(ir: StackIR, stage: StageIR) -> Template:
    """The endpoint stack of one stage: the front door chosen by `endpoint.type`."""
    kind = stage.endpoint.type
    template = Template(Description=f"{stage.names.prefix}: endpoint ({kind})")
    for name in endpoint_parameters(stage):
        template.add_parameter(Parameter(name, Type="String"))
    add = add_api_gateway if kind == "api-gateway" else add_load_balancer
    for out, value in add(template, ir, stage).items():
        template.add_output(Output(out.value, Value=value))
    return template
