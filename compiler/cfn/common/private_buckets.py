"""What every S3 bucket the stacks create has: SSE-S3 encryption, every kind of public
access blocked, bucket-owner object ownership, and a policy refusing plain HTTP.

The pipeline's buckets and the stages' data buckets are built from these, so a change to
how tinystack protects a bucket is made once.
"""

from __future__ import annotations

from troposphere import GetAtt, s3

from compiler.cfn.common.substitution import sub_join
from compiler.cfn.common.tagging import tag_list
from compiler.ir.model import StackIR


def private_bucket_props(ir: StackIR) -> dict[str, object]:
    """Encryption, public access block, ownership and tags of a private bucket."""
    encryption = s3.BucketEncryption(
        ServerSideEncryptionConfiguration=[
            s3.ServerSideEncryptionRule(
                ServerSideEncryptionByDefault=s3.ServerSideEncryptionByDefault(
                    SSEAlgorithm="AES256"
                )
            )
        ]
    )
    return {
        "BucketEncryption": encryption,
        "PublicAccessBlockConfiguration": s3.PublicAccessBlockConfiguration(
            BlockPublicAcls=True,
            BlockPublicPolicy=True,
            IgnorePublicAcls=True,
            RestrictPublicBuckets=True,
        ),
        "OwnershipControls": s3.OwnershipControls(
            Rules=[s3.OwnershipControlsRule(ObjectOwnership="BucketOwnerEnforced")]
        ),
        **tag_list(ir),
    }


def tls_only_policy(bucket: s3.Bucket) -> s3.BucketPolicy:
    """A policy denying every request to `bucket` that does not use TLS."""
    arn = GetAtt(bucket, "Arn")
    deny = {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, sub_join(arn, "/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    return s3.BucketPolicy(
        f"{bucket.title}Policy",
        Bucket=bucket.ref(),
        PolicyDocument={"Version": "2012-10-17", "Statement": [deny]},
    )
