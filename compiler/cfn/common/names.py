"""Logical IDs, template file names, TemplateURLs and the physical names tinystack sets.

A logical ID that changes between releases replaces a live resource, so every ID is built
here from stable parts and frozen by the golden tests. Which file a nested stack is written
to, and the URL its parent names it by, are decided here and nowhere else.

Nested templates are content-addressed: `service-dev.<first 12 hex of sha256>.yaml`. A
parent names each child by that file, so a parent's bytes change exactly when a child's
do, and CloudFormation updates only the nested stacks whose template really changed.

Physical names: CloudFormation generates `<stack name>-<logical ID>-<random>` where a
template sets none, so a generated name begins with the root stack's name, and a stack
named `ecs-...`, `sg-...`, `xn--...` or `internal-...` would reach a prefix the service
reserves (compiler/data/naming_rules.json). For those types the name is set here: a fixed
lead word, what it is, and the stack's own UUID (unique per stack, fixed for its life).
"""

from __future__ import annotations

import hashlib
import re

from troposphere import Join, Ref, Select, Split, Sub

from compiler.cfn.common.outputs import RootParam
from compiler.ir.names import shorten

_WORD = re.compile(r"[A-Za-z0-9]+")
ADDRESS_DIGITS = 12  # hex digits of a file's sha256 in its name
_ADDRESSED = re.compile(rf"^(?P<stem>.+)\.[0-9a-f]{{{ADDRESS_DIGITS}}}\.(?P<ext>[a-z]+)$")

# File stems of the shared children of root.yaml.
ROOT, NETWORK, REGISTRY, PIPELINE = "root", "network", "registry", "pipeline"


def logical_id(*parts: str) -> str:
    """CamelCase alphanumeric ID from parts: ('stage', 'prod') -> 'StageProd'."""
    words = [w for part in parts for w in _WORD.findall(part)]
    return "".join(w[:1].upper() + w[1:] for w in words)


def stage_file_stem(kind: str, stage: str) -> str:
    """File stem of a per-stage template: ('cluster', 'dev') -> 'cluster-dev'."""
    return f"{kind}-{stage}"


def stage_stem(stage: str) -> str:
    """File stem of a stage's own stack, e.g. 'stage-dev'."""
    return stage_file_stem("stage", stage)


def template_file(stem: str, ext: str) -> str:
    """The file name of a template not named by its content (the root), e.g. 'root.yaml'."""
    return f"{stem}.{ext}"


def addressed_file(stem: str, text: str, ext: str) -> str:
    """The file a nested template (or the IR) is written to: 'network.<sha256[:12]>.yaml'."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:ADDRESS_DIGITS]
    return f"{stem}.{digest}.{ext}"


def readable_file(file_name: str) -> str:
    """A file name without its content address: 'network.0123456789ab.yaml' -> 'network.yaml'."""
    match = _ADDRESSED.match(file_name)
    return f"{match['stem']}.{match['ext']}" if match else file_name


def root_child_id(stem: str) -> str:
    """Logical ID of a child stack in root.yaml: 'stage-dev' -> 'StageDev'."""
    return logical_id(stem)


def stage_child_id(kind: str) -> str:
    """Logical ID of a child stack in a stage stack: 'cluster' -> 'ClusterStack'."""
    return logical_id(kind, "stack")


def template_url(file_name: str) -> Sub:
    """Where a child template lives once the folder is uploaded under TemplatePrefix.

    The regional virtual-hosted form: the global `<bucket>.s3.amazonaws.com` is us-east-1's
    endpoint, which answers for buckets elsewhere with a redirect, and not for opt-in regions.
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html
    """
    bucket, prefix = RootParam.TEMPLATE_BUCKET.value, RootParam.TEMPLATE_PREFIX.value
    host = f"${{{bucket}}}.s3.${{AWS::Region}}.${{AWS::URLSuffix}}"
    return Sub(f"https://{host}/${{{prefix}}}{file_name}")


def stack_uuid() -> Select:
    """The UUID ending this stack's ID: lowercase hex and hyphens, 36 characters."""
    return Select(2, Split("/", Ref("AWS::StackId")))


def unique_name(lead: str) -> Join:
    """`<lead>-<stack UUID>`: unique per stack, so two stacks of one spec never collide,
    and a stack created after a delete does not meet what the old one retained."""
    return Join("-", [lead, stack_uuid()])


def short_unique_name(lead: str, limit: int) -> Join:
    """`<lead, cut>-<12 hex digits>` within `limit` characters (an ALB's 32).

    The digits are the UUID's first two groups: its timestamp, unique per stack.
    """
    groups = Split("-", stack_uuid())
    stamp = Join("", [Select(0, groups), Select(1, groups)])
    return Join("-", [shorten(lead, limit - 13), stamp])


def group_name(title: str, description: str) -> Sub:
    """A security group's name: `<logical ID>-<6 hex of its description>-<stack name>`.

    Unique within the VPC; a new description replaces the group, so it gets a new name.
    """
    digest = hashlib.sha256(description.encode("utf-8")).hexdigest()[:6]
    return Sub(f"{title}-{digest}-${{AWS::StackName}}")
