"""Statements and ARNs the pipeline stack's roles are granted (roles.py builds the roles).

Statements are plain data built by the pipeline modules, one role per service principal.
No statement grants `"Action": "*"`.
"""

from __future__ import annotations

from typing import Any

from troposphere import AWSObject, Ref, Sub

from compiler.cfn.common.roles import Statement
from compiler.cfn.common.substitution import sub_join


def allow(actions: list[str], resources: list[Any]) -> Statement:
    """One Allow statement (actions sorted so the output never depends on call order)."""
    return {"Effect": "Allow", "Action": sorted(actions), "Resource": resources}


def _bucket_name(bucket: Any) -> Any:
    return Ref(bucket) if isinstance(bucket, AWSObject) else bucket


def bucket_objects(bucket: Any) -> Sub:
    """`arn:<partition>:s3:::<bucket>/*` for a bucket resource, its name or a Ref to it."""
    return bucket_arn(bucket, "/*")


def bucket_arn(bucket: Any, suffix: str = "") -> Sub:
    """`arn:<partition>:s3:::<bucket><suffix>` for a bucket resource, its name or a Ref to it."""
    return sub_join("arn:", Ref("AWS::Partition"), ":s3:::", _bucket_name(bucket), suffix)


def service_arn(cluster_param: str, service_param: str, kind: str = "service") -> Sub:
    """An ECS service's ARN (long format) from the cluster and service name parameters;
    with kind `service-deployment` or `service-revision`, the pattern of all of its
    deployments' or revisions' ARNs."""
    tail = "" if kind == "service" else "/*"
    return Sub(
        f"arn:${{AWS::Partition}}:ecs:${{AWS::Region}}:${{AWS::AccountId}}:{kind}/"
        f"${{{cluster_param}}}/${{{service_param}}}{tail}"
    )
