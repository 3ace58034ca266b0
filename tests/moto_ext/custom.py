"""Custom resources: run the backing Lambda function's inline Python in this process.

moto runs Lambda functions only in Docker. For a `Custom::*` resource this module
loads the function's code from moto's Lambda backend, calls its handler with a
CloudFormation request event whose ResponseURL is this server's
`/moto-ext/cfn-response/<id>`, and reads the response the handler PUT there. The
function's environment variables are set while it runs; its boto3 calls reach this
same server through AWS_ENDPOINT_URL, set by whoever started the server.
"""

from __future__ import annotations

import io
import os
import types
import uuid
import zipfile
from typing import Any

from moto.awslambda.models import lambda_backends
from moto.cloudformation import custom_model, models
from moto.cloudformation.exceptions import ValidationError

from tests.moto_ext import control


class _Context:
    """The few attributes of a Lambda context object that handlers use."""

    def __init__(self, fn: Any) -> None:
        self.function_name = fn.function_name
        self.aws_request_id = str(uuid.uuid4())
        self.log_stream_name = f"moto-ext/{self.aws_request_id}"
        self.memory_limit_in_mb = 128

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def _load_handler(fn: Any) -> Any:
    module_name, func_name = fn.handler.rsplit(".", 1)
    with zipfile.ZipFile(io.BytesIO(fn.code_bytes)) as archive:
        source = archive.read(f"{module_name.replace('.', '/')}.py").decode()
    module = types.ModuleType(module_name)
    exec(compile(source, f"<lambda {fn.function_name}>", "exec"), module.__dict__)
    return getattr(module, func_name)


def invoke(fn: Any, event: dict[str, Any]) -> dict[str, Any]:
    """Call the function's handler with `event`; return the response it sent."""
    handler = _load_handler(fn)
    # set only the function's own variables (and put them back): the server's other
    # threads read this environment too
    added = {k: str(v) for k, v in (fn.environment_vars or {}).items()}
    previous = {k: os.environ.get(k) for k in added}
    os.environ.update(added)
    try:
        handler(event, _Context(fn))
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    response = control.take_response(event["RequestId"])
    if response is None:
        raise ValidationError(
            message=f"custom resource {event['LogicalResourceId']}: the "
            "function returned without sending a response"
        )
    if response.get("Status") != "SUCCESS":
        raise ValidationError(message=str(response.get("Reason") or "custom resource failed"))
    return response


def _event(
    request_type: str,
    stack_id: str,
    logical_id: str,
    resource_type: str,
    properties: dict[str, Any],
    **extra: Any,
) -> dict[str, Any]:
    request_id = str(uuid.uuid4())
    return {
        "RequestType": request_type,
        "ServiceToken": properties["ServiceToken"],
        "ResponseURL": f"{control.server_url()}/moto-ext/cfn-response/{request_id}",
        "StackId": stack_id,
        "RequestId": request_id,
        "LogicalResourceId": logical_id,
        "ResourceType": resource_type,
        "ResourceProperties": properties,
        **extra,
    }


def _function(account_id: str, region_name: str, token: str) -> Any:
    return lambda_backends[account_id][region_name].get_function(token)


def _resource(
    region_name: str,
    logical_id: str,
    response: dict[str, Any],
    stack_id: str,
    properties: dict[str, Any],
) -> Any:
    resource = custom_model.CustomModel(
        region_name, response["RequestId"], logical_id, response["PhysicalResourceId"]
    )
    resource.set_data(response.get("Data") or {})
    resource.stack_id = stack_id
    resource.properties = properties
    return resource


def _create(
    cls: Any,
    resource_name: str,
    cloudformation_json: dict[str, Any],
    account_id: str,
    region_name: str,
    **kwargs: Any,
) -> Any:
    properties = cloudformation_json["Properties"]
    event = _event(
        "Create", kwargs["StackId"], kwargs["LogicalId"], kwargs["ResourceType"], properties
    )
    response = invoke(_function(account_id, region_name, properties["ServiceToken"]), event)
    return _resource(region_name, kwargs["LogicalId"], response, kwargs["StackId"], properties)


def _update(
    cls: Any,
    original_resource: Any,
    new_resource_name: str,
    cloudformation_json: dict[str, Any],
    account_id: str,
    region_name: str,
) -> Any:
    properties = cloudformation_json["Properties"]
    event = _event(
        "Update",
        original_resource.stack_id,
        original_resource.logical_id,
        cloudformation_json["Type"],
        properties,
        PhysicalResourceId=original_resource.physical_resource_id,
        OldResourceProperties=original_resource.properties,
    )
    response = invoke(_function(account_id, region_name, properties["ServiceToken"]), event)
    return _resource(
        region_name, original_resource.logical_id, response, original_resource.stack_id, properties
    )


def _delete(self: Any, account_id: str, region_name: str) -> None:
    event = _event(
        "Delete",
        self.stack_id,
        self.logical_id,
        "Custom::Resource",
        self.properties,
        PhysicalResourceId=self.physical_resource_id,
    )
    try:
        fn = _function(account_id, region_name, self.properties["ServiceToken"])
    except Exception:
        return  # the function went first; CloudFormation would time out, we just move on
    invoke(fn, event)


def install() -> None:
    """Replace moto's Docker-based custom-resource invocation with the in-process one."""
    custom_model.CustomModel.create_from_cloudformation_json = classmethod(_create)
    custom_model.CustomModel.update_from_cloudformation_json = classmethod(_update)
    custom_model.CustomModel.delete = _delete
    models.CustomModel = custom_model.CustomModel
