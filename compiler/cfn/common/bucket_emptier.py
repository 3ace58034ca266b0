"""Emptying on delete, for the S3 buckets a stack creates and does not retain.

S3 deletes only empty buckets, so without this a plain `aws cloudformation delete-stack`
ends in DELETE_FAILED once the pipeline has written an artifact. `Custom::BucketEmptier`
names the bucket (so CloudFormation deletes it first) and its inline function
(functions/bucket_emptier.py) removes every object version and delete marker on Delete.
Retained buckets (the source, data stores) never get one: what the stack retains by design
stays whole.
"""

from __future__ import annotations

from troposphere import GetAtt, Ref, Template
from troposphere.cloudformation import CustomResource

from compiler.cfn.common.inline_function import InlineFunction, add_inline_function
from compiler.cfn.common.roles import statement
from compiler.cfn.common.substitution import sub_join
from compiler.ir.model import StackIR

FUNCTION = InlineFunction(
    stem="BucketEmptier",
    source_file="bucket_emptier.py",
    policy_name="bucket-emptier",
    purpose="empties the stack's unretained buckets on stack delete",
    timeout_seconds=600,
)
# Above the function's own timeout: its answer always comes first.
SERVICE_TIMEOUT_SECONDS = 900


class BucketEmptierResource(CustomResource):  # type: ignore[misc]
    resource_type = "Custom::BucketEmptier"


def add_bucket_emptier(template: Template, ir: StackIR, owner: str, bucket: str) -> str:
    """Empty the bucket with logical ID `bucket` on delete; returns the emptier's logical ID.

    Whatever writes to the bucket should depend on the returned ID, so that it is gone
    before the emptier runs.
    """
    arn = GetAtt(bucket, "Arn")
    grants = [
        statement(["s3:ListBucketVersions"], arn),
        statement(["s3:DeleteObject", "s3:DeleteObjectVersion"], sub_join(arn, "/*")),
    ]
    function_arn = add_inline_function(template, ir, owner, FUNCTION, grants)
    emptier = f"{bucket}Emptier"
    template.add_resource(
        BucketEmptierResource(
            emptier,
            ServiceToken=function_arn,
            ServiceTimeout=SERVICE_TIMEOUT_SECONDS,
            BucketName=Ref(bucket),
        )
    )
    return emptier
