"""Stack deletes as CloudFormation runs them: in order, and failing where AWS fails.

- Resources are deleted in reverse dependency order (Ref, Fn::GetAtt, Fn::Sub, DependsOn):
  a resource goes only after everything that refers to it, so a custom resource runs while
  its function still exists (moto deleted in set order, retrying what raised), with a
  DELETE_IN_PROGRESS/_COMPLETE/_FAILED event each. A resource already gone (deleted by a
  cleanup before its turn) counts as deleted, as in CloudFormation.
- S3 refuses to delete a bucket that holds any object version or delete marker
  (BucketNotEmpty); moto's CloudFormation dropped the resource and left the bucket.
- A resource that fails to delete stops the stack's delete: the stack stays, in
  DELETE_FAILED, and a nested stack's failure fails its parent's resource (moto raised
  from the API call and lost the stack).
- Route tables are deleted with their stack (moto left them, then refused to delete the
  VPC, which the lost stack hid).
"""

from __future__ import annotations

import re
from typing import Any

from moto.cloudformation import models, parsing
from moto.ec2.models import ec2_backends
from moto.ec2.models.route_tables import RouteTable
from moto.s3 import models as s3_models
from moto.s3.exceptions import BucketNotEmpty
from moto.utilities.utils import get_partition

from tests.moto_ext.events import ResourceFailed, _reason, _stack_of, add_event

_SUB_VAR = re.compile(r"\$\{([A-Za-z0-9:]+)(?:\.[^}]*)?\}")
DELETE_FAILED = "DELETE_FAILED"
_GONE = re.compile(r"not ?found|does not exist|NoSuch", re.IGNORECASE)


def _refs(node: Any) -> set[str]:
    """Names a resource body points at: Ref, Fn::GetAtt, ${Name} in Fn::Sub, DependsOn."""
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = set().union(*(_refs(v) for v in node.values())) if node else set()
    if isinstance(node.get("Ref"), str):
        found.add(node["Ref"])
    got = node.get("Fn::GetAtt")
    if isinstance(got, list) and got:
        found.add(str(got[0]))
    elif isinstance(got, str):
        found.add(got.split(".")[0])
    sub = node.get("Fn::Sub")
    text = sub[0] if isinstance(sub, list) and sub else sub
    if isinstance(text, str):
        found.update(_SUB_VAR.findall(text))
    after = node.get("DependsOn")
    found.update([after] if isinstance(after, str) else after if isinstance(after, list) else [])
    return found


def _delete_in_order(self: Any) -> None:
    """Delete every created, unretained resource once nothing left refers to it."""
    declared = self._resource_json_map
    deps = {name: _refs(body) & set(declared) for name, body in declared.items()}
    remaining = {
        name
        for name, body in declared.items()
        if body.get("DeletionPolicy") != "Retain"
        and not isinstance(self._parsed_resources.get(name), (str, type(None)))
    }
    stack = _stack_of(self)
    while remaining:
        ready = sorted(n for n in remaining if not any(n in deps[o] for o in remaining - {n}))
        for name in ready or sorted(remaining):  # a cycle: CloudFormation would refuse it
            _delete_one(self, stack, name, declared[name])
            remaining.discard(name)


def _delete_one(resource_map: Any, stack: Any, name: str, body: dict[str, Any]) -> None:
    resource = resource_map._parsed_resources[name]
    physical = str(getattr(resource, "physical_resource_id", "") or "")
    add_event(stack, name, body["Type"], "DELETE_IN_PROGRESS", physical_id=physical)
    try:
        resource_map._delete_resource(resource, body)
    except Exception as exc:
        reason = _reason(exc)
        if not _GONE.search(reason):  # CloudFormation counts a resource already gone as deleted
            add_event(stack, name, body["Type"], DELETE_FAILED, reason, physical_id=physical)
            raise ResourceFailed(reason, name) from exc
    resource_map._parsed_resources.pop(name, None)
    add_event(stack, name, body["Type"], "DELETE_COMPLETE", physical_id=physical)


def _patch_stack_delete() -> None:
    """A failed resource leaves the stack in DELETE_FAILED, still listed."""

    def delete(self: Any) -> None:
        self._add_stack_event("DELETE_IN_PROGRESS", resource_status_reason="User Initiated")
        try:
            self.resource_map.delete()
        except ResourceFailed as exc:
            reason = f"The following resource(s) failed to delete: [{exc.logical_id}]."
            self._add_stack_event(DELETE_FAILED, resource_status_reason=reason)
            self.status = DELETE_FAILED
            return
        self._add_stack_event("DELETE_COMPLETE")
        self.status = "DELETE_COMPLETE"

    models.Stack.delete = delete

    def delete_stack(self: Any, name_or_stack_id: str) -> None:
        # deleted while still listed (its resources' events find it); kept when it failed
        stack = self.stacks.get(name_or_stack_id) or next(
            (s for s in self.stacks.values() if s.name == name_or_stack_id), None
        )
        if stack is None:
            return
        stack.delete()
        if stack.status == DELETE_FAILED:
            return
        self.stacks.pop(stack.stack_id, None)
        self.deleted_stacks[stack.stack_id] = stack
        for export in stack.exports:
            self.exports.pop(export.name, None)

    models.CloudFormationBackend.delete_stack = delete_stack

    @classmethod  # type: ignore[misc]
    def delete_nested(
        cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        backend = models.cloudformation_backends[account_id][region_name]
        backend.delete_stack(resource_name)
        nested = backend.stacks.get(resource_name)
        if nested is not None and nested.status == DELETE_FAILED:
            raise ResourceFailed(
                f"Embedded stack {resource_name} was not successfully deleted: "
                f"{nested.events[-1].resource_status_reason}",
                stack_id=resource_name,
            )

    models.Stack.delete_from_cloudformation_json = delete_nested


def _patch_bucket_not_empty() -> None:
    """Deleting a bucket that holds any version fails, as S3 does (moto kept it silently)."""

    @classmethod  # type: ignore[misc]
    def delete_bucket(
        cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        backend = s3_models.s3_backends[account_id][get_partition(region_name)]
        if backend.get_bucket(resource_name).keys:
            raise BucketNotEmpty(resource_name)
        backend.delete_bucket(resource_name)

    s3_models.FakeBucket.delete_from_cloudformation_json = delete_bucket


def _patch_route_table_delete() -> None:
    """A stack delete deletes its route tables (moto left them, and then refused the VPC)."""

    @classmethod  # type: ignore[misc]
    def delete_route_table(
        cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        ec2_backends[account_id][region_name].delete_route_table(resource_name)

    RouteTable.delete_from_cloudformation_json = delete_route_table


def install() -> None:
    """Apply every patch of this module (before nested.py wraps ResourceMap.delete)."""
    parsing.ResourceMap.delete = _delete_in_order
    _patch_stack_delete()
    _patch_bucket_not_empty()
    _patch_route_table_delete()
