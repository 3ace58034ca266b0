"""Registers a CloudFormation model for every type in handlers.HANDLERS.

moto finds models through `CloudFormationModel.__subclasses__()`, so each type gets a
class of its own whose direct bases include CloudFormationModel; the shared behaviour
(create, update, delete and Fn::GetAtt through the type's Handler) is `_ExtModel`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError
from moto.core.common_models import CloudFormationModel

from tests.moto_ext import backend_fixes
from tests.moto_ext.cfn_api import Ctx, Handler, Props
from tests.moto_ext.handlers import HANDLERS


class _ExtModel:
    """A resource created by a Handler: its physical ID, attributes and properties."""

    handler: ClassVar[Handler]
    resource_type: ClassVar[str]

    def __init__(self, physical_id: str, attributes: dict[str, Any], props: Props) -> None:
        self.physical_resource_id = physical_id
        self.attributes = attributes
        self.props = props

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str,
        region_name: str, **kwargs: Any,
    ) -> Any:  # fmt: skip
        props = cloudformation_json.get("Properties", {})
        ctx = Ctx(region_name, account_id, resource_name, kwargs.get("LogicalId", ""))
        physical, attributes = cls.handler.create(props, ctx)
        return cls(physical, attributes, props)

    @classmethod
    def update_from_cloudformation_json(
        cls, original_resource: Any, new_resource_name: str,
        cloudformation_json: dict[str, Any], account_id: str, region_name: str,
    ) -> Any:  # fmt: skip
        props = cloudformation_json.get("Properties", {})
        logical_id = getattr(original_resource, "logical_resource_id", "")
        ctx = Ctx(region_name, account_id, new_resource_name, logical_id)
        old_id = original_resource.physical_resource_id
        if cls.handler.update is not None:
            physical, attributes = cls.handler.update(old_id, props, ctx)
        else:  # no update in place: replace
            cls.handler.delete(old_id, original_resource.props, ctx)
            physical, attributes = cls.handler.create(props, ctx)
        return cls(physical, attributes, props)

    def delete(self, account_id: str, region_name: str) -> None:
        ctx = Ctx(region_name, account_id, self.physical_resource_id, "")
        self.handler.delete(self.physical_resource_id, self.props, ctx)

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return True

    def get_cfn_attribute(self, name: str) -> Any:
        if name not in self.attributes:
            raise ValidationError(message=f"{self.resource_type} has no attribute {name}")
        return self.attributes[name]


def _model_class(resource_type: str, handler: Handler) -> type:
    body = {
        "handler": handler,
        "resource_type": resource_type,
        "cloudformation_type": staticmethod(lambda: resource_type),
        "cloudformation_name_type": staticmethod(lambda: ""),
    }
    return type("Ext" + resource_type.replace("::", ""), (_ExtModel, CloudFormationModel), body)


def install() -> None:
    """Register a model class per type and make moto's lookup tables see them."""
    backend_fixes.install()
    for resource_type, handler in HANDLERS.items():
        _model_class(resource_type, handler)
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
