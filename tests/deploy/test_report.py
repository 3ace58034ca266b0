"""Replacements in a change set are flagged loudly (moto never reports one, so no endpoint).

The change-set descriptions below are DescribeChangeSet answers, checked against the
CloudFormation model by botocore's Stubber; the summary is read and rendered exactly as
`tsc diff` does.
"""

from __future__ import annotations

import io
import json
from typing import Any

from rich.console import Console
from stubbed_aws import stubbed

from compiler.deploy.changes import ChangeSummary, Proposed, summarize
from compiler.deploy.report import render_summary, summary_json

ROOT_SET = "arn:aws:cloudformation:eu-west-1:123456789012:changeSet/tsc-1/root"
SERVICE_SET = "arn:aws:cloudformation:eu-west-1:123456789012:changeSet/tsc-1/service"
STACK_ID = "arn:aws:cloudformation:eu-west-1:123456789012:stack/app/1"


def _modify(logical_id: str, resource_type: str, replacement: str, prop: str) -> dict[str, Any]:
    detail = {
        "Target": {"Attribute": "Properties", "Name": prop, "RequiresRecreation": "Always"},
        "Evaluation": "Static",
        "ChangeSource": "DirectModification",
    }
    return {
        "Type": "Resource",
        "ResourceChange": {
            "Action": "Modify",
            "LogicalResourceId": logical_id,
            "ResourceType": resource_type,
            "Replacement": replacement,
            "Scope": ["Properties"],
            "Details": [detail],
        },
    }


DESCRIPTIONS: dict[str, dict[str, Any]] = {
    ROOT_SET: {
        "StackId": STACK_ID,
        "Status": "CREATE_COMPLETE",
        "Changes": [
            {
                "Type": "Resource",
                "ResourceChange": {
                    "Action": "Modify",
                    "LogicalResourceId": "DevService",
                    "ResourceType": "AWS::CloudFormation::Stack",
                    "Replacement": "False",
                    "ChangeSetId": SERVICE_SET,
                    "Details": [],
                },
            }
        ],
    },
    SERVICE_SET: {
        "StackId": STACK_ID + "-service",
        "Status": "CREATE_COMPLETE",
        "Changes": [
            _modify("TaskSecurityGroup", "AWS::EC2::SecurityGroup", "True", "GroupDescription"),
            _modify("Service", "AWS::ECS::Service", "Conditional", "NetworkConfiguration"),
            _modify("ScalableTarget", "AWS::ApplicationAutoScaling::ScalableTarget", "False",
                    "MaxCapacity"),
        ],
    },
}  # fmt: skip


def _summary(root_pages: list[dict[str, Any]] | None = None) -> ChangeSummary:
    """Read the change set as `tsc diff` does: the root (every page), then each nested set."""
    pages = root_pages or [DESCRIPTIONS[ROOT_SET]]
    with stubbed("cloudformation") as (aws, stubs):
        answers = [*pages, *pages, DESCRIPTIONS[SERVICE_SET]]  # root counted, then walked
        names = [ROOT_SET] * (2 * len(pages)) + [SERVICE_SET]
        tokens = [None, *(page.get("NextToken") for page in pages[:-1])] * 2 + [None]
        for answer, name, token in zip(answers, names, tokens, strict=True):
            asked = {"ChangeSetName": name, **({"NextToken": token} if token else {})}
            stubs["cloudformation"].add_response("describe_change_set", answer, asked)
        labels = {("root", "DevService"): "service-dev"}
        return summarize(aws, Proposed(ROOT_SET, "UPDATE"), "root", labels)


def test_replacements_are_flagged_on_their_line_and_counted() -> None:
    out = io.StringIO()
    render_summary(Console(file=out, width=200, color_system=None), _summary(), "app")
    assert out.getvalue().splitlines() == [
        "Changes to update stack app:",
        "  stacks to update: root, service-dev",
        "  service-dev: 3 to modify",
        "    ~ TaskSecurityGroup AWS::EC2::SecurityGroup (GroupDescription)  "
        "!! REPLACEMENT: deleted and created anew",
        "    ~ Service AWS::ECS::Service (NetworkConfiguration)  !! may be REPLACED",
        "    ~ ScalableTarget AWS::ApplicationAutoScaling::ScalableTarget (MaxCapacity)",
        "0 to add, 3 to modify, 0 to remove, 2 REPLACED",
    ]


def test_replacements_are_in_the_json_summary() -> None:
    doc = json.loads(summary_json(_summary()))
    root, stack = doc["stacks"]
    assert (root["stack"], root["action"], root["resources"]) == ("root", "Modify", [])
    assert (stack["stack"], stack["action"]) == ("service-dev", "Modify")
    assert [(r["logical_id"], r["replacement"]) for r in stack["resources"]] == [
        ("TaskSecurityGroup", "True"),
        ("Service", "Conditional"),
        ("ScalableTarget", "False"),
    ]


def test_a_change_set_over_several_pages_is_read_whole() -> None:
    root = DESCRIPTIONS[ROOT_SET]
    (service_change,) = root["Changes"]
    registry_change = {
        "Type": "Resource",
        "ResourceChange": {
            "Action": "Add",
            "LogicalResourceId": "Topic",
            "ResourceType": "AWS::SNS::Topic",
            "Details": [],
        },
    }
    pages = [
        {**root, "Changes": [service_change], "NextToken": "page-2"},
        {**root, "Changes": [registry_change]},
    ]
    summary = _summary(pages)
    assert [(s.label, [r.logical_id for r in s.changes]) for s in summary.stacks] == [
        ("root", ["Topic"]),
        ("service-dev", ["TaskSecurityGroup", "Service", "ScalableTarget"]),
    ]
