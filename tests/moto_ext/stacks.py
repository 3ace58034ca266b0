"""CloudFormation engine gaps of moto, closed: nested stacks, change sets, events, failures.

Each `_patch_*` function replaces one behaviour of moto's CloudFormation backend; the
package docstring lists them. moto creates everything synchronously inside the API call
(ExecuteChangeSet returns when the stack is done); that is kept.
"""

from __future__ import annotations

import contextlib
import re
import traceback
from typing import Any

from moto.cloudformation import models, parsing, responses
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.utils import generate_changeset_id, get_stack_from_s3_url
from moto.utilities.utils import get_partition

from tests.moto_ext import control

RETAINED_POLICIES = ("Retain", "RetainExceptOnCreate", "Snapshot")
_SUB_VAR = re.compile(r"\$\{([^}!]+)\}")


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


def _desired_count_as_int(props: dict[str, Any]) -> None:
    # CloudFormation converts a string (e.g. a custom resource's Data value); moto does not
    if isinstance(props.get("DesiredCount"), str):
        props["DesiredCount"] = int(props["DesiredCount"])


def _rules_with_ports(props: dict[str, Any]) -> None:
    # an all-protocols rule (-1) has no ports in CloudFormation; moto requires FromPort
    for key in ("SecurityGroupIngress", "SecurityGroupEgress"):
        for rule in props.get(key) or []:
            rule.setdefault("FromPort", -1)
            rule.setdefault("ToPort", -1)


# resource type -> fix applied to its resolved properties before moto reads them
_PROPERTY_FIXES = {
    "AWS::ECS::Service": _desired_count_as_int,
    "AWS::EC2::SecurityGroup": _rules_with_ports,
}


_LOWERCASE_NAMES = ("AWS::ECR::Repository",)


def _patch_generated_names() -> None:
    """Generated names follow the service's rules (ECR: lowercase), as CloudFormation's do."""
    original = parsing.generate_resource_name

    def generate(resource_type: str, stack_name: str, logical_id: str) -> str:
        name = original(resource_type, stack_name, logical_id)
        return name.lower() if resource_type in _LOWERCASE_NAMES else name

    parsing.generate_resource_name = generate


def _patch_property_fixes() -> None:
    original = parsing.parse_resource

    def parse_resource(resource_json: dict[str, Any], resources_map: Any) -> Any:
        parsed = original(resource_json, resources_map)
        if parsed is not None and parsed[2] in _PROPERTY_FIXES:
            _PROPERTY_FIXES[parsed[2]](parsed[1].setdefault("Properties", {}))
        return parsed

    parsing.parse_resource = parse_resource


def _patch_unknown_types() -> None:
    """An unsupported type fails the resource instead of silently creating nothing."""
    original = parsing.resource_class_from_type

    def resource_class(resource_type: str) -> Any:
        found = original(resource_type)
        if found is None and resource_type not in parsing.NULL_MODELS:
            raise ValidationError(message=f"no moto support for {resource_type}")
        return found

    parsing.resource_class_from_type = resource_class


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
            for k, v in resource_map._parsed_resources.items()
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


_NO_OUTPUTS = ("REVIEW_IN_PROGRESS", "ROLLBACK_COMPLETE", "DELETE_COMPLETE")


def _patch_outputs_of_failed() -> None:
    """A stack that never finished creating has no outputs (moto evaluated them anyway)."""
    original = models.Stack.outputs

    def outputs(self: Any) -> Any:
        if self.status in _NO_OUTPUTS:
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


def _patch_retained_on_delete() -> None:
    """RetainExceptOnCreate and Snapshot keep the resource on delete, as Retain does."""
    original = parsing.ResourceMap.delete

    def delete(self: Any) -> None:
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


def _refs(node: Any) -> set[str]:
    """Names a template fragment refers to: Ref targets and ${Name} inside Fn::Sub."""
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = set().union(*(_refs(v) for v in node.values())) if node else set()
    if isinstance(node.get("Ref"), str):
        found.add(node["Ref"])
    sub = node.get("Fn::Sub")
    text = sub[0] if isinstance(sub, list) and sub else sub
    if isinstance(text, str):
        found.update(v.split(".")[0] for v in _SUB_VAR.findall(text))
    return found


def _flat(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def _params(template: dict[str, Any], given: dict[str, Any] | None) -> dict[str, str]:
    declared = template.get("Parameters") or {}
    values = {k: v.get("Default") for k, v in declared.items()}
    values.update(given or {})
    return {k: _flat(v) for k, v in values.items()}


def changed_parameters(
    resource_map: Any, template: dict[str, Any], parameters: dict[str, Any] | None
) -> set[str]:
    """Parameters whose value differs between the stack and the proposed template."""
    if parameters is None:
        return set()
    old = _params(resource_map._template or {}, resource_map.input_parameters)
    new = _params(template, parameters)
    return {k for k in set(old) | set(new) if old.get(k) != new.get(k)}


def _normal(body: dict[str, Any]) -> dict[str, Any]:
    # moto writes an empty Properties into the stored template; compare without it
    return {**body, "Properties": body.get("Properties") or {}}


def _patch_resource_diff() -> None:
    """Diffs see parameter changes through Fn::Sub too (TemplateURL uses it)."""

    def build_resource_diff(
        self: Any, other_template: dict[str, Any], parameters: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        old, new = self._resource_json_map, other_template["Resources"]
        changed = changed_parameters(self, other_template, parameters)
        return {
            "Add": [n for n in new if n not in old],
            "Modify": [
                n
                for n in new
                if n in old and (_normal(new[n]) != _normal(old[n]) or _refs(new[n]) & changed)
            ],
            "Remove": [n for n in old if n not in new],
        }

    parsing.ResourceMap.build_resource_diff = build_resource_diff


def _details(old: dict[str, Any], new: dict[str, Any], changed: set[str]) -> list[Any]:
    old_props, new_props = _normal(old)["Properties"], _normal(new)["Properties"]
    details = []
    for name in sorted(set(old_props) | set(new_props)):
        if old_props.get(name) != new_props.get(name):
            source = "DirectModification"
        elif _refs(new_props.get(name)) & changed:
            source = "ParameterReference"
        else:
            continue
        details.append(
            {
                "Target": {"Attribute": "Properties", "Name": name, "RequiresRecreation": "Never"},
                "Evaluation": "Static",
                "ChangeSource": source,
            }
        )
    return details


def _patch_change_set_diff() -> None:
    """Changes count parameter changes too, and carry Replacement and property Details."""

    def diff(self: Any) -> list[Any]:
        resource_map = self.stack.resource_map
        by_action = resource_map.build_resource_diff(self.template_dict, self.parameters)
        changed = changed_parameters(resource_map, self.template_dict, self.parameters)
        old = resource_map._resource_json_map
        new = self.template_dict.get("Resources", {})
        changes = []
        for action, names in by_action.items():
            for name in names:
                body = new.get(name) or old[name]
                change = models.Change(action, name, body["Type"])
                change.replacement = "False" if action == "Modify" else None
                change.details = (
                    _details(old[name], new[name], changed) if action == "Modify" else []
                )
                change.change_set_id = None
                changes.append(change)
        return changes

    models.ChangeSet.diff = diff


def resolve_value(value: Any, params: dict[str, Any], fallback: Any) -> Any:
    """Evaluate Ref/Fn::Sub over known parameters; anything else gives `fallback`."""
    if isinstance(value, str | int | float):
        return value
    if isinstance(value, dict) and "Ref" in value:
        return params.get(value["Ref"], fallback)
    if isinstance(value, dict) and "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
        text = value["Fn::Sub"]
        missing = [v for v in _SUB_VAR.findall(text) if v not in params]
        if missing:
            return fallback
        return _SUB_VAR.sub(lambda m: str(params[m.group(1)]), text)
    return fallback


def _change_set_params(backend: Any, change_set: Any) -> dict[str, Any]:
    declared = change_set.template_dict.get("Parameters", {}) or {}
    params = {k: v.get("Default") for k, v in declared.items()}
    params.update(change_set.parameters or {})
    params.update(
        {
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::Region": backend.region_name,
            "AWS::AccountId": backend.account_id,
            "AWS::Partition": "aws",
            "AWS::StackName": change_set.stack_name,
        }
    )
    return params


def _nested_change_set(backend: Any, parent: Any, change: Any) -> Any:
    props = parent.template_dict["Resources"][change.logical_resource_id].get("Properties", {})
    params = _change_set_params(backend, parent)
    url = resolve_value(props["TemplateURL"], params, None)
    body = get_stack_from_s3_url(
        url, account_id=backend.account_id, partition=get_partition(backend.region_name)
    )
    child = parent.stack.resource_map._parsed_resources.get(change.logical_resource_id)
    previous = dict(child.parameters) if child is not None else {}
    child_params = {
        k: str(resolve_value(v, params, previous.get(k, "{{changeSetValue}}")))
        for k, v in (props.get("Parameters") or {}).items()
    }
    if child is None:
        child = models.Stack(
            stack_id=f"{parent.stack_id}-{change.logical_resource_id}",
            name=change.logical_resource_id,
            template={},
            parameters={},
            account_id=backend.account_id,
            region_name=backend.region_name,
        )
    name = f"{parent.change_set_name}-{change.logical_resource_id}"[:128]
    nested = models.ChangeSet(
        change_set_type="UPDATE" if change.action == "Modify" else "CREATE",
        change_set_id=generate_changeset_id(name, backend.region_name, backend.account_id),
        change_set_name=name,
        stack=child,
        template=body,
        parameters=child_params,
        description=None,
    )
    nested.status, nested.execution_status = "CREATE_COMPLETE", "AVAILABLE"
    nested.parent_change_set_id = parent.change_set_id
    nested.root_change_set_id = getattr(parent, "root_change_set_id", None) or parent.change_set_id
    backend.change_sets[nested.change_set_id] = nested
    return nested


def _attach_nested(backend: Any, change_set: Any) -> None:
    for change in change_set.changes:
        if change.resource_type != "AWS::CloudFormation::Stack" or change.action == "Remove":
            continue
        nested = _nested_change_set(backend, change_set, change)
        change.change_set_id = nested.change_set_id
        _attach_nested(backend, nested)


_NOT_UPDATABLE = ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED")


def _patch_change_sets() -> None:
    original_create = models.CloudFormationBackend.create_change_set
    original_response = responses.CloudFormationResponse.create_change_set
    original_delete = models.CloudFormationBackend.delete_change_set
    flags = {"nested": False}

    def create_response(self: Any) -> Any:
        flags["nested"] = bool(self._get_bool_param("IncludeNestedStacks", False))
        return original_response(self)

    def create(self: Any, *args: Any, **kwargs: Any) -> tuple[str, str]:
        if kwargs.get("change_set_type") == "UPDATE":
            stack = self.get_stack(kwargs["stack_name"])
            if stack.status in _NOT_UPDATABLE or stack.status.endswith("_IN_PROGRESS"):
                raise ValidationError(
                    message=f"Stack:{stack.stack_id} is in {stack.status} "
                    "state and can not be updated."
                )
        change_set_id, stack_id = original_create(self, *args, **kwargs)
        change_set = self.change_sets[change_set_id]
        change_set.include_nested_stacks = flags["nested"]
        if not change_set.changes and change_set.change_set_type == "UPDATE":
            change_set.status, change_set.execution_status = "FAILED", "UNAVAILABLE"
            change_set.status_reason = (
                "The submitted information didn't contain changes. "
                "Submit different information to create a change set."
            )
        if flags["nested"] and change_set.status == "CREATE_COMPLETE":
            _attach_nested(self, change_set)
        return change_set_id, stack_id

    def delete(self: Any, change_set_name: str) -> None:
        change_set = self.describe_change_set(change_set_name)
        for cs_id, cs in list(self.change_sets.items()):
            if getattr(cs, "root_change_set_id", None) == change_set.change_set_id:
                del self.change_sets[cs_id]
        original_delete(self, change_set.change_set_id)

    responses.CloudFormationResponse.create_change_set = create_response
    models.CloudFormationBackend.create_change_set = create
    models.CloudFormationBackend.delete_change_set = delete


def _create_from_change_set(stack: Any, change_set: Any) -> None:
    stack.template, stack.parameters = change_set.template, change_set.parameters
    stack._parse_template()
    stack.description = stack.template_dict.get("Description")
    stack.resource_map = stack._create_resource_map()
    stack.output_map = stack._create_output_map()
    stack._add_stack_event("CREATE_IN_PROGRESS", resource_status_reason="User Initiated")
    stack.create_resources()


def _patch_execute() -> None:
    """Execute builds the stack from the change set (outputs included) and may roll back."""

    def execute(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        change_set = self.describe_change_set(change_set_name)
        if change_set.execution_status != "AVAILABLE":
            raise ValidationError(
                message=f"ChangeSet [{change_set.change_set_id}] cannot be "
                f"executed in its current status of "
                f"[{change_set.status}]"
            )
        stack = self.stacks[change_set.stack_id]
        change_set.execution_status = "EXECUTE_COMPLETE"
        try:
            if change_set.change_set_type == "CREATE":
                _create_from_change_set(stack, change_set)
            else:
                stack.update(change_set.template, parameters=change_set.parameters)
        except ResourceFailed:
            pass  # the stack's status and events already tell what failed

    models.CloudFormationBackend.execute_change_set = execute


def install() -> None:
    """Apply every CloudFormation patch of this module."""
    _patch_resource_events()
    _patch_unknown_types()
    _patch_property_fixes()
    _patch_generated_names()
    _patch_nested_outputs()
    _patch_stack_physical_id()
    _patch_listed_resources()
    _patch_outputs_of_failed()
    _patch_stack_lifecycle()
    _patch_nested_update()
    _patch_retained_on_delete()
    _patch_resource_diff()
    _patch_change_set_diff()
    _patch_change_sets()
    _patch_execute()
