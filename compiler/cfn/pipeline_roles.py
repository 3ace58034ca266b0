"""IAM roles of the pipeline stack: one per service principal, each with an inline policy.

Statements are plain data built by the pipeline modules; this module only wraps them in
a role a given AWS service may assume. No statement grants `"Action": "*"`.
"""

from __future__ import annotations

from typing import Any

from troposphere import AWSObject, Join, Ref, Sub, iam

from compiler.cfn.tagging import tag_list
from compiler.ir.model import StackIR

Statement = dict[str, Any]


def allow(actions: list[str], resources: list[Any]) -> Statement:
    """One Allow statement (actions sorted so the output never depends on call order)."""
    return {"Effect": "Allow", "Action": sorted(actions), "Resource": resources}


def service_role(title: str, service: str, statements: list[Statement], ir: StackIR) -> iam.Role:
    """A role `service` (e.g. 'codebuild.amazonaws.com') assumes, allowed only `statements`."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
        ],
    }
    policy = iam.Policy(
        PolicyName=title,
        PolicyDocument={"Version": "2012-10-17", "Statement": statements},
    )
    return iam.Role(title, AssumeRolePolicyDocument=trust, Policies=[policy], **tag_list(ir))


def _bucket_name(bucket: Any) -> Any:
    return Ref(bucket) if isinstance(bucket, AWSObject) else bucket


def bucket_objects(bucket: Any) -> Join:
    """`arn:<partition>:s3:::<bucket>/*` for a bucket resource, its name or a Ref to it."""
    return Join("", ["arn:", Ref("AWS::Partition"), ":s3:::", _bucket_name(bucket), "/*"])


def bucket_arn(bucket: Any) -> Join:
    """`arn:<partition>:s3:::<bucket>` for a bucket resource, its name or a Ref to it."""
    return Join("", ["arn:", Ref("AWS::Partition"), ":s3:::", _bucket_name(bucket)])


def service_arn(cluster_param: str, service_param: str) -> Sub:
    """The ECS service ARN (long format) from the cluster and service name parameters."""
    return Sub(
        "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:service/"
        f"${{{cluster_param}}}/${{{service_param}}}"
    )
