"""The README's by-hand flow: `aws s3 sync out/<name>`, then create-stack / update-stack.

The content addresses live in the compiled files, so a person who never runs `tsc deploy`
gets the same benefit: after a change to one stage, only that stage's stacks update.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
from test_lifecycle import stack_update_events

BUCKET, PREFIX = "by-hand", "stacks/hello/"
TWO_STAGES = "name: hello\nstages: [{name: dev}, {name: prod}]\n"


def sync(s3: Any, folder: Path) -> None:
    """What `aws s3 sync out/hello s3://BUCKET/PREFIX/` does: every file under its name."""
    for path in sorted(folder.iterdir()):
        s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}{path.name}", Body=path.read_bytes())


def stack_arguments() -> dict[str, Any]:
    return {
        "StackName": "hello",
        "TemplateURL": f"https://{BUCKET}.s3.amazonaws.com/{PREFIX}root.yaml",
        "Parameters": [
            {"ParameterKey": "TemplateBucket", "ParameterValue": BUCKET},
            {"ParameterKey": "TemplatePrefix", "ParameterValue": PREFIX},
        ],
        "Capabilities": ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
    }


def test_sync_and_update_stack_updates_only_the_changed_stage(aws, compile_example, tmp_path):
    s3, cfn = boto3.client("s3"), boto3.client("cloudformation")
    s3.create_bucket(Bucket=BUCKET)
    first = compile_example("minimal", tmp_path / "v1", {"name: hello\n": TWO_STAGES})
    sync(s3, first)
    stack_id = cfn.create_stack(**stack_arguments())["StackId"]
    assert cfn.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"] == (
        "CREATE_COMPLETE"
    )
    edited = TWO_STAGES.replace("{name: prod}", "{name: prod, scaling: {max: 8}}")
    second = compile_example("minimal", tmp_path / "v2", {"name: hello\n": edited})
    sync(s3, second)
    before = stack_update_events(cfn, stack_id)
    cfn.update_stack(**stack_arguments())
    assert cfn.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"] == (
        "UPDATE_COMPLETE"
    )
    fresh = stack_update_events(cfn, stack_id) - before
    # room for scaling.max + 1 tasks: prod's instance maximum grows with its task maximum
    assert sorted(path for path, _ in fresh) == [
        "StageProd", "StageProd/ClusterStack", "StageProd/ServiceStack"
    ]  # fmt: skip
