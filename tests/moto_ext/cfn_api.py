"""Calling a service's API with a template's properties, as a resource provider does.

`call` maps template properties onto the operation's input shape with the botocore model
(`_from_cfn`), so the real API's validation applies; it calls this same server. `Handler`
is what each resource type provides (handlers.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3

from tests.moto_ext import control

Props = dict[str, Any]
Result = tuple[str, dict[str, Any]]  # physical ID, attributes for Fn::GetAtt

# CloudFormation property names that differ from the API member name beyond capitalisation
_RENAMES = {"buildspec": "BuildSpec", "RoleARN": "RoleARN", "roleArn": "RoleArn"}


@functools.cache
def client(service: str, region: str) -> Any:
    return boto3.client(service, region_name=region, endpoint_url=control.server_url())


def _cfn_key(member: str, value: dict[str, Any]) -> str | None:
    for key in (member, member[:1].upper() + member[1:], _RENAMES.get(member, "")):
        if key in value:
            return key
    return None


def _from_cfn(shape: Any, value: Any) -> Any:
    """Template property value -> API parameter value, guided by the botocore shape."""
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for member, member_shape in shape.members.items():
            key = _cfn_key(member, value)
            if key is not None and value[key] is not None:
                out[member] = _from_cfn(member_shape, value[key])
        return out
    if kind == "list":
        return [_from_cfn(shape.member, v) for v in value]
    if kind == "map":
        pairs = {i["Key"]: i["Value"] for i in value} if isinstance(value, list) else value
        return {k: _from_cfn(shape.value, v) for k, v in pairs.items()}
    if kind == "string":
        return str(value).lower() if isinstance(value, bool) else str(value)
    if kind in ("integer", "long"):
        return int(value)
    if kind in ("double", "float"):
        return float(value)
    if kind == "boolean":
        return value in (True, "true", "True")
    return value


def call(service: str, region: str, operation: str, props: Props, **extra: Any) -> Any:
    """Call one API operation with template properties mapped onto its input shape."""
    api = client(service, region)
    op_name = api.meta.method_to_api_mapping[operation]
    shape = api.meta.service_model.operation_model(op_name).input_shape
    params = _from_cfn(shape, {**props, **extra}) if shape is not None else {}
    return getattr(api, operation)(**params)


@dataclass
class Ctx:
    """What a handler knows besides the properties."""

    region: str
    account: str
    name: str  # the physical name CloudFormation would generate
    logical_id: str


@dataclass(frozen=True)
class Handler:
    create: Callable[[Props, Ctx], Result]
    delete: Callable[[str, Props, Ctx], None] = lambda pid, props, ctx: None
    # None: an update replaces the object (delete, then create)
    update: Callable[[str, Props, Ctx], Result] | None = None


def deleting(service: str, operation: str, **params: Any) -> Callable[[str, Props, Ctx], None]:
    """A delete handler calling one API operation. A string parameter may hold {pid}, the
    physical ID; None stands for the list [physical ID]. An object already gone (deleted
    with its parent) is not an error."""

    def delete(pid: str, props: Props, ctx: Ctx) -> None:
        values = {k: v.format(pid=pid) if isinstance(v, str) else [pid] for k, v in params.items()}
        try:
            getattr(client(service, ctx.region), operation)(**values)
        except Exception as exc:  # botocore's modelled NotFound errors have several names
            if "NotFound" not in type(exc).__name__ and "NotFound" not in str(exc):
                raise

    return delete
