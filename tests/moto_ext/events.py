"""Stack events and failures: what moto's CloudFormation did not record or survive.

Every resource gets CREATE/UPDATE _IN_PROGRESS/_COMPLETE/_FAILED events (moto recorded
only stack-level ones), and a failing resource rolls its stack back and fails the parent's
nested stack resource with CloudFormation's wording, instead of failing the API call.
"""

from __future__ import annotations

import contextlib
import time
import traceback
from typing import Any

from moto.cloudformation import models, parsing

from tests.moto_ext import control


class ResourceFailed(Exception):
    """A resource failed; `logical_id` names it for its stack's status reason."""

    def __init__(self, reason: str, logical_id: str = "", stack_id: str = "") -> None:
        super().__init__(reason)
        self.logical_id = logical_id
        self.stack_id = stack_id  # set when a nested stack failed: its physical ID


def _reason(exc: BaseException) -> str:
    """The message an API error carries, as CloudFormation quotes it in events."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and "Error" in response:
        return str(response["Error"].get("Message") or response["Error"].get("Code"))
    message = getattr(exc, "message", None)
    return str(message or exc) or type(exc).__name__


def _stack_of(resources_map: Any) -> Any:
    backend = models.cloudformation_backends[resources_map._account_id][resources_map._region_name]
    return backend.stacks.get(resources_map.stack_id)


def add_event(
    stack: Any,
    logical_id: str,
    rtype: str,
    status: str,
    reason: str | None = None,
    physical_id: str = "",
) -> None:
    """Append one resource event to a stack (moto records only stack-level events)."""
    if stack is None:
        return
    stack.events.append(
        models.Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=logical_id,
            physical_resource_id=physical_id,
            resource_type=rtype,
            resource_status=status,
            resource_status_reason=reason,
            resource_properties=None,
        )
    )


def _physical_id(resource: Any) -> str:
    if isinstance(resource, models.Stack):
        return str(resource.stack_id)
    return str(getattr(resource, "physical_resource_id", "") or "")


def _run_with_events(verb: str, logical_id: str, rtype: str, stack: Any, work: Any) -> Any:
    """Run a create/update of one resource between IN_PROGRESS and COMPLETE/FAILED events."""
    add_event(stack, logical_id, rtype, f"{verb}_IN_PROGRESS")
    control.wait_if_held(logical_id)
    time.sleep(control.pace())  # a resource takes a while, when a test asks for it
    armed = control.failure_for(logical_id)
    try:
        if armed is not None:
            raise ResourceFailed(armed)
        resource = work()
    except Exception as exc:
        if not isinstance(exc, ResourceFailed):
            traceback.print_exc()  # the server log shows where a resource failed
        reason = _reason(exc)
        physical = getattr(exc, "stack_id", "")
        add_event(stack, logical_id, rtype, f"{verb}_FAILED", reason, physical_id=physical)
        raise ResourceFailed(reason, logical_id) from exc
    add_event(stack, logical_id, rtype, f"{verb}_COMPLETE", physical_id=_physical_id(resource))
    return resource


def _patch_resource_events() -> None:
    original_create = parsing.parse_and_create_resource
    original_update = parsing.parse_and_update_resource

    def create(
        logical_id: str,
        resource_json: dict[str, Any],
        resources_map: Any,
        account_id: str,
        region_name: str,
    ) -> Any:
        condition = resource_json.get("Condition")
        if condition and not resources_map.lazy_condition_map[condition]:
            return None
        return _run_with_events(
            "CREATE",
            logical_id,
            resource_json["Type"],
            _stack_of(resources_map),
            lambda: original_create(
                logical_id, resource_json, resources_map, account_id, region_name
            ),
        )

    def update(
        logical_id: str,
        resource_json: dict[str, Any],
        resources_map: Any,
        account_id: str,
        region_name: str,
    ) -> Any:
        previous = resources_map[logical_id]
        changed = _run_with_events(
            "UPDATE",
            logical_id,
            resource_json["Type"],
            _stack_of(resources_map),
            lambda: original_update(
                logical_id, resource_json, resources_map, account_id, region_name
            ),
        )
        # moto stores None for types without an update handler, losing the resource
        return previous if changed is None else changed

    parsing.parse_and_create_resource = create
    parsing.parse_and_update_resource = update


_NO_OUTPUTS = ("ROLLBACK_COMPLETE", "DELETE_COMPLETE")


def _patch_outputs_of_failed() -> None:
    """A stack that is not done, or never finished creating, shows no outputs (moto
    evaluated them anyway, creating missing resources as a side effect)."""
    original = models.Stack.outputs

    def outputs(self: Any) -> Any:
        if self.status in _NO_OUTPUTS or self.status.endswith("_IN_PROGRESS"):
            return None
        try:
            return original.fget(self)
        except ResourceFailed:
            return None  # an output named a resource that was never created

    models.Stack.outputs = property(outputs)


def _rollback(stack: Any, failed: str, done: str, reason: str) -> None:
    stack._add_stack_event(failed, resource_status_reason=reason)
    stack._add_stack_event(done.replace("COMPLETE", "IN_PROGRESS"))
    stack._add_stack_event(done)
    stack.status = done


def _patch_stack_lifecycle() -> None:
    """A failing resource rolls the stack back instead of failing the API call."""
    original_create = models.Stack.create_resources
    original_update = models.Stack.update

    def create_resources(self: Any) -> None:
        try:
            original_create(self)
        except ResourceFailed as exc:
            reason = f"The following resource(s) failed to create: [{exc.logical_id}]."
            # best effort, as a real rollback may also leave things behind
            with contextlib.suppress(Exception):
                self.resource_map.delete()
            _rollback(self, "CREATE_FAILED", "ROLLBACK_COMPLETE", reason)
            raise ResourceFailed(
                f"Embedded stack {self.stack_id} was not successfully created: {reason}",
                stack_id=self.stack_id,
            ) from exc

    def update(
        self: Any,
        template: str,
        role_arn: str | None = None,
        parameters: dict[str, Any] | None = None,
        tags: dict[str, str] | None = None,
    ) -> None:
        try:
            original_update(self, template, role_arn, parameters, tags)
        except ResourceFailed as exc:
            reason = f"The following resource(s) failed to update: [{exc.logical_id}]."
            _rollback(self, "UPDATE_FAILED", "UPDATE_ROLLBACK_COMPLETE", reason)
            raise ResourceFailed(
                f"Embedded stack {self.stack_id} was not successfully updated: {reason}",
                stack_id=self.stack_id,
            ) from exc

    models.Stack.create_resources = create_resources
    models.Stack.update = update


def install() -> None:
    """Apply every patch of this module."""
    _patch_resource_events()
    _patch_outputs_of_failed()
    _patch_stack_lifecycle()
