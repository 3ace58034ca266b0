"""Nested stacks as CloudFormation has them: outputs, IDs, in-place updates, retention.

`Fn::GetAtt Child.Outputs.X` reads the child's output; a nested stack's physical ID is its
stack ID; a changed nested stack is updated in place (moto deleted and recreated it);
listing resources lists only those that exist; RetainExceptOnCreate retains, Snapshot
snapshots a DB instance (stores.py) and retains anything else.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation import models, parsing
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.utils import get_stack_from_s3_url
from moto.utilities.utils import get_partition

RETAINED_POLICIES = ("Retain", "RetainExceptOnCreate", "Snapshot")


def _stack_outputs(stack: Any) -> dict[str, Any]:
    return {o["OutputKey"]: o["OutputValue"] for o in stack.outputs or []}


def _patch_stack_physical_id() -> None:
    """A nested stack's physical ID (and Ref) is its stack ID, as in AWS (moto: its name)."""
    models.Stack.physical_resource_id = property(lambda self: self.stack_id)


def _patch_listed_resources() -> None:
    """Listing a stack's resources shows those that exist; moto's lazy map created the rest."""

    def stack_resources(self: Any) -> list[Any]:
        resource_map = self.resource_map
        declared = resource_map._resource_json_map
        return [
            v
            for k, v in list(resource_map._parsed_resources.items())
            if k in declared and hasattr(v, "logical_resource_id")
        ]

    models.Stack.stack_resources = property(stack_resources)


def _patch_nested_outputs() -> None:
    """`Fn::GetAtt Child.Outputs.X` reads the child stack's output X."""

    def get_cfn_attribute(self: Any, attribute_name: str) -> Any:
        if attribute_name.startswith("Outputs."):
            key = attribute_name.split(".", 1)[1]
            outputs = _stack_outputs(self)
            if key not in outputs:
                raise ValidationError(message=f"stack {self.name} has no output {key}")
            return outputs[key]
        raise ValidationError(message=f"unsupported attribute {attribute_name} of a stack")

    models.Stack.get_cfn_attribute = get_cfn_attribute


def _patch_nested_update() -> None:
    """A changed nested stack is updated in place (moto deletes and recreates it)."""

    @classmethod  # type: ignore[misc]
    def update_from_cloudformation_json(
        cls: Any,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> Any:
        props = cloudformation_json["Properties"]
        body = get_stack_from_s3_url(
            props["TemplateURL"], account_id=account_id, partition=get_partition(region_name)
        )
        original_resource.update(body, parameters=props.get("Parameters", {}))
        return original_resource

    models.Stack.update_from_cloudformation_json = update_from_cloudformation_json


def _snapshot_deletes(resource_map: Any) -> None:
    """DeletionPolicy Snapshot: a type that can take one is deleted with a final snapshot."""
    from tests.moto_ext.stores import SNAPSHOT_DELETES

    for name, body in resource_map._resource_json_map.items():
        delete = SNAPSHOT_DELETES.get(body.get("Type", ""))
        resource = resource_map._parsed_resources.get(name)
        if body.get("DeletionPolicy") == "Snapshot" and delete and resource is not None:
            delete(resource.physical_resource_id, resource_map._region_name)


def _patch_retained_on_delete() -> None:
    """RetainExceptOnCreate keeps the resource on delete, as Retain does; Snapshot keeps a
    final snapshot of the types that take one (stores.py) and the resource otherwise."""
    original = parsing.ResourceMap.delete

    def delete(self: Any) -> None:
        _snapshot_deletes(self)
        saved = self._resource_json_map
        self._resource_json_map = {
            name: {**body, "DeletionPolicy": "Retain"}
            if body.get("DeletionPolicy") in RETAINED_POLICIES
            else body
            for name, body in saved.items()
        }
        try:
            original(self)
        finally:
            self._resource_json_map = saved

    parsing.ResourceMap.delete = delete


def install() -> None:
    """Apply every patch of this module."""
    _patch_nested_outputs()
    _patch_stack_physical_id()
    _patch_listed_resources()
    _patch_nested_update()
    _patch_retained_on_delete()
