"""A deployed stack as the day-2 commands need it, read from its outputs.

Users never type a generated name: the root stack's outputs give the pipeline and the
repository, and each stage stack (a nested stack whose outputs hold `StageName`) gives
its cluster, service, log group, endpoint URL and health path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from compiler.deploy import changes
from compiler.deploy.aws import Aws
from compiler.deploy.bundle import STACK_TYPE
from compiler.deploy.errors import DeployError

STAGE_NAME = "StageName"  # the output that marks a stage stack


@dataclass(frozen=True)
class StageView:
    """One stage of a deployed stack: its stack and outputs."""

    name: str
    stack_id: str
    outputs: dict[str, str]

    def output(self, key: str) -> str:
        value = self.outputs.get(key)
        if not value:
            raise DeployError(
                f"stage '{self.name}' has no output {key}; deploy the stack again with "
                "this version of tsc"
            )
        return value

    @property
    def cluster(self) -> str:
        return self.output("ClusterName")

    @property
    def service(self) -> str:
        return self.output("ServiceName")

    @property
    def log_group(self) -> str:
        return self.output("LogGroupName")


@dataclass(frozen=True)
class StackView:
    """The root stack and its stages, in the order of the spec."""

    name: str
    region: str
    stack_id: str
    status: str
    outputs: dict[str, str]
    notes: dict[str, str]
    stages: tuple[StageView, ...]

    def stage(self, name: str | None) -> StageView:
        """The stage called `name`; with None, the only stage (else a DeployError)."""
        names = [s.name for s in self.stages]
        if name is None and len(self.stages) == 1:
            return self.stages[0]
        if name is None:
            raise DeployError(
                f"stack '{self.name}' has stages {', '.join(names)}; pick one with --stage"
            )
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise DeployError(
            f"stack '{self.name}' has no stage '{name}'; its stages: {', '.join(names)}"
        )

    def output(self, key: str) -> str:
        value = self.outputs.get(key)
        if not value:
            raise DeployError(f"stack '{self.name}' has no output {key}")
        return value

    @property
    def repository(self) -> str:
        """The ECR repository's name: its URI after the registry host."""
        return self.output("RepositoryUri").split("/", 1)[1]


@dataclass(frozen=True)
class Resource:
    """One resource of a deployed stack, as CloudFormation lists it."""

    stack_id: str
    logical_id: str
    resource_type: str
    physical_id: str

    @property
    def nested_stack(self) -> bool:
        """A nested stack that exists (its physical ID is then its stack ARN)."""
        return self.resource_type == STACK_TYPE and self.physical_id.startswith("arn:")


def stack_resources(aws: Aws, stack_id: str, *, nested: bool = True) -> Iterator[Resource]:
    """Every resource of the stack and, with `nested`, of its nested stacks, in order."""
    for page in aws.pages("cloudformation", "list_stack_resources", StackName=stack_id):
        for raw in page.get("StackResourceSummaries") or []:
            resource = Resource(
                stack_id,
                raw["LogicalResourceId"],
                raw["ResourceType"],
                raw.get("PhysicalResourceId") or "",
            )
            yield resource
            if nested and resource.nested_stack:
                yield from stack_resources(aws, resource.physical_id)


def read_stack(aws: Aws, stack_name: str, *, stages: bool = True) -> StackView:
    """The deployed stack `stack_name`; a DeployError when there is none (or not yet done)."""
    state = changes.stack_state(aws, stack_name)
    if state is None or state.status == "REVIEW_IN_PROGRESS":
        raise DeployError(
            f"no stack named '{stack_name}' in {aws.region}; deploy it first "
            f"(tsc deploy), or name it with --stack-name and --region"
        )
    views = []
    children = stack_resources(aws, state.stack_id, nested=False) if stages else ()
    for child in (r for r in children if r.nested_stack):
        nested = changes.stack_state(aws, child.physical_id)
        if nested and nested.outputs.get(STAGE_NAME):
            views.append(StageView(nested.outputs[STAGE_NAME], child.physical_id, nested.outputs))
    return StackView(
        stack_name,
        aws.region,
        state.stack_id,
        state.status,
        state.outputs,
        state.notes,
        tuple(views),
    )
