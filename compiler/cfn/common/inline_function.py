"""An inline Python Lambda function with its own role and retained log group.

The custom resources the stacks declare (the cluster's AsgCleanup, the service's
DesiredCount, the pipeline's ArtifactBucketEmptier) are each served by a small function
shipped in compiler/cfn/functions/ and embedded as ZipFile. Each gets `<stem>Logs` (kept
90 days and after the stack is gone), `<stem>Role` (Lambda may assume it; it may write
its own logs and what the caller grants) and `<stem>Function`. The caller adds the custom
resource, with the function's ARN as its ServiceToken.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from troposphere import GetAtt, Ref, Template, awslambda

from compiler.cfn.common.log_groups import retained_log_group
from compiler.cfn.common.roles import Statement, service_role, statement
from compiler.cfn.common.tagging import tag_list
from compiler.ir.model import StackIR


@dataclass(frozen=True)
class InlineFunction:
    """What sets one inline function apart from the others."""

    stem: str  # of the logical IDs: <stem>Logs, <stem>Role, <stem>Function
    source_file: str  # in compiler/cfn/functions/
    policy_name: str
    purpose: str  # the function's description, after its owner (`<name>-<stage>`, `<name>`)
    timeout_seconds: int


@cache
def function_source(source_file: str) -> str:
    """The Python source of compiler/cfn/functions/<source_file>, as a template embeds it."""
    return files("compiler.cfn.functions").joinpath(source_file).read_text("utf-8")


def add_inline_function(
    template: Template, ir: StackIR, owner: str, fn: InlineFunction, grants: list[Statement]
) -> GetAtt:
    """Add the function, its log group and its role (own logs + `grants`); returns its ARN."""
    logs_id, role_id, function_id = f"{fn.stem}Logs", f"{fn.stem}Role", f"{fn.stem}Function"
    template.add_resource(retained_log_group(logs_id, ir))
    own_logs = statement(["logs:CreateLogStream", "logs:PutLogEvents"], GetAtt(logs_id, "Arn"))
    template.add_resource(
        service_role(
            role_id, "lambda.amazonaws.com", [own_logs, *grants], ir, policy_name=fn.policy_name
        )
    )
    template.add_resource(
        awslambda.Function(
            function_id,
            Description=f"{owner}: {fn.purpose}",
            Runtime="python3.12",
            Handler="index.handler",
            Code=awslambda.Code(ZipFile=function_source(fn.source_file)),
            Role=GetAtt(role_id, "Arn"),
            Timeout=fn.timeout_seconds,
            MemorySize=128,
            LoggingConfig=awslambda.LoggingConfig(LogGroup=Ref(logs_id)),
            **tag_list(ir),
        )
    )
    return GetAtt(function_id, "Arn")
