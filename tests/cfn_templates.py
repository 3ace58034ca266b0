"""Reading built templates in tests: resources by type, outputs, parameters, tags, cfn-lint.

`lint_text` keeps one cfn-lint Runner per process: loading cfn-lint's rules is most of the
cost of `cfnlint.api.lint`, which reloads them on every call, and the cfn-lint CLI itself
reuses one Runner for every template it is given. Results are cached by template text.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from troposphere import Template

from compiler.cfn.render import render_template, template_data

REGIONS = ["us-east-1"]


def template_dict(template: Template) -> dict[str, Any]:
    """The template as plain data, exactly as it is written out."""
    return template_data(template)


def resources(template: Template) -> dict[str, dict[str, Any]]:
    """The template's Resources section as plain data."""
    found: dict[str, dict[str, Any]] = template_dict(template)["Resources"]
    return found


def of_type(template: Template, kind: str) -> dict[str, dict[str, Any]]:
    """Resources of one CloudFormation type, by logical ID."""
    return {k: v for k, v in resources(template).items() if v["Type"] == kind}


def only(template: Template, kind: str) -> dict[str, Any]:
    """The properties of the one resource of a type (fails when there are 0 or several)."""
    found = of_type(template, kind)
    assert len(found) == 1, f"expected one {kind}, found {sorted(found)}"
    props: dict[str, Any] = next(iter(found.values())).get("Properties", {})
    return props


def outputs(template: Template) -> dict[str, Any]:
    """The template's output values as plain data, by output name."""
    data = template_dict(template).get("Outputs", {})
    return {name: out["Value"] for name, out in data.items()}


def parameters(template: Template) -> dict[str, dict[str, Any]]:
    """The template's Parameters section as plain data."""
    data: dict[str, dict[str, Any]] = template_dict(template).get("Parameters", {})
    return data


def untagged(template: Template, tags: dict[str, str]) -> list[str]:
    """Logical IDs of resources whose type takes `Tags` (per cfn-lint's schemas) but lack
    one of `tags`, in whichever shape the type takes them (Key/Value list or map)."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    missing = []
    for logical, resource in resources(template).items():
        if resource["Type"].startswith("Custom::"):
            continue
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(REGIONS[0], resource["Type"])
        if "Tags" not in schema.schema.get("properties", {}):
            continue
        given = resource.get("Properties", {}).get("Tags", [])
        pairs = given if isinstance(given, dict) else {t["Key"]: t["Value"] for t in given}
        if any(pairs.get(k) != v for k, v in tags.items()):
            missing.append(logical)
    return missing


# I1022, an Fn::Join on '' that reads better as an Fn::Sub: the matrix's templates (spec
# values with no `${`) must have none; a literal `${...}` from a spec is such a join on purpose
JOINS = frozenset({"I1022"})


@cache
def _runner() -> Any:
    from cfnlint.config import ConfigMixIn  # cfn-lint loads only for the tests that lint
    from cfnlint.runner import Runner

    return Runner(ConfigMixIn(regions=REGIONS, include_checks=["I"]))


@cache
def lint_text(text: str, also: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """cfn-lint errors and warnings (and the informational rules in `also`) on one template
    text, each as `RULE line N: MESSAGE`."""
    from cfnlint.decode.decode import decode_str

    template, errors = decode_str(text)
    if errors:
        matches = errors
    elif template is None:
        return ("empty template",)
    else:
        matches = list(_runner().validate_template(template))
    failing = [m for m in matches if m.rule.id[0] in "EW" or m.rule.id in also]
    return tuple(f"{m.rule.id} line {m.linenumber}: {m.message}" for m in failing)


def lint_problems(template: Template) -> tuple[str, ...]:
    """cfn-lint errors and warnings on the template as it is written out (YAML)."""
    return lint_text(render_template(template))
