"""Change sets as CloudFormation makes them: parameter-aware, nested, executable.

Diffs see parameter changes (through Fn::Sub too, which TemplateURL uses) and carry
property Details and Replacement (replacement.py: the type's create-only properties);
IncludeNestedStacks gives each nested stack its own change set; an UPDATE with nothing to
change fails as in AWS; executing builds the stack from the change set (Outputs included)
and a failure rolls it back (events.py). moto does all of it synchronously inside the API
call, and so does this, unless a test set a pace (control.py): then ExecuteChangeSet
returns at once and the work goes on in a thread.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from moto.cloudformation import models, parsing, responses
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.utils import generate_changeset_id, get_stack_from_s3_url
from moto.utilities.utils import get_partition

from tests.moto_ext import control
from tests.moto_ext.events import ResourceFailed
from tests.moto_ext.replacement import replacing_properties

_SUB_VAR = re.compile(r"\$\{([^}!]+)\}")


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
    replacing = replacing_properties(new.get("Type", ""))
    details = []
    for name in sorted(set(old_props) | set(new_props)):
        if old_props.get(name) != new_props.get(name):
            source, evaluation = "DirectModification", "Static"
        elif _refs(new_props.get(name)) & changed:
            # a changed parameter may or may not change the value: CloudFormation says Dynamic
            source, evaluation = "ParameterReference", "Dynamic"
        else:
            continue
        recreation = "Never"
        if name in replacing:
            recreation = "Always" if evaluation == "Static" else "Conditionally"
        details.append(
            {
                "Target": {
                    "Attribute": "Properties",
                    "Name": name,
                    "RequiresRecreation": recreation,
                },
                "Evaluation": evaluation,
                "ChangeSource": source,
            }
        )
    return details


def _replacement(details: list[Any]) -> str:
    """The change's Replacement, from its details' RequiresRecreation."""
    recreations = {d["Target"]["RequiresRecreation"] for d in details}
    if "Always" in recreations:
        return "True"
    return "Conditional" if "Conditionally" in recreations else "False"


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
                change.details = (
                    _details(old[name], new[name], changed) if action == "Modify" else []
                )
                change.replacement = _replacement(change.details) if action == "Modify" else None
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
        if not control.pace():
            _apply(stack, change_set)
            return
        # paced: return at once and work in the background, as CloudFormation does
        stack.status = f"{change_set.change_set_type}_IN_PROGRESS"
        threading.Thread(target=_apply, args=(stack, change_set), daemon=True).start()

    models.CloudFormationBackend.execute_change_set = execute


def _apply(stack: Any, change_set: Any) -> None:
    try:
        if change_set.change_set_type == "CREATE":
            _create_from_change_set(stack, change_set)
        else:
            stack.update(change_set.template, parameters=change_set.parameters)
    except ResourceFailed:
        pass  # the stack's status and events already tell what failed


def install() -> None:
    """Apply every patch of this module."""
    _patch_resource_diff()
    _patch_change_set_diff()
    _patch_change_sets()
    _patch_execute()
