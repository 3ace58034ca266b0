"""S3 buckets of the pipeline stack: the artifact store and, for provider s3, the source bucket.

Both are versioned and SSE-S3 encrypted, block every kind of public access, enforce
bucket-owner object ownership and refuse plain-HTTP requests through a bucket policy. Their
names are set (`tinystack-<what>-<stack UUID>`): a generated one begins with the stack's
name, and S3 refuses names beginning `xn--`, `sthree-` or `amzn-s3-demo-`.
"""

from __future__ import annotations

from troposphere import GetAtt, s3

from compiler.cfn.common.names import unique_name
from compiler.cfn.common.substitution import sub_join
from compiler.cfn.common.tagging import tag_list
from compiler.ir.model import StackIR

ARTIFACT_BUCKET = "ArtifactBucket"
SOURCE_BUCKET = "SourceBucket"

# Pipeline artifacts are only needed while an execution runs; a month covers a slow approval.
ARTIFACT_DAYS = 30
# Old source.zip versions stay a while so a release can be traced back to its upload.
SOURCE_VERSION_DAYS = 90


def _private_props(ir: StackIR) -> dict[str, object]:
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


def artifact_bucket(ir: StackIR) -> s3.Bucket:
    """The pipeline's versioned artifact store; artifacts expire after ARTIFACT_DAYS, and
    a version overwritten or deleted a day later."""
    expire = s3.LifecycleRule(
        Id="expire-artifacts",
        Status="Enabled",
        ExpirationInDays=ARTIFACT_DAYS,
        NoncurrentVersionExpiration=s3.NoncurrentVersionExpiration(NoncurrentDays=1),
        AbortIncompleteMultipartUpload=s3.AbortIncompleteMultipartUpload(DaysAfterInitiation=1),
    )
    return s3.Bucket(
        ARTIFACT_BUCKET,
        BucketName=unique_name("tinystack-artifacts"),
        VersioningConfiguration=s3.VersioningConfiguration(Status="Enabled"),
        LifecycleConfiguration=s3.LifecycleConfiguration(Rules=[expire]),
        **_private_props(ir),
    )


def source_bucket(ir: StackIR) -> s3.Bucket:
    """The versioned source bucket (s3 provider, none given); uploads go to EventBridge."""
    expire_old = s3.LifecycleRule(
        Id="expire-old-source-versions",
        Status="Enabled",
        NoncurrentVersionExpiration=s3.NoncurrentVersionExpiration(
            NoncurrentDays=SOURCE_VERSION_DAYS
        ),
    )
    return s3.Bucket(
        SOURCE_BUCKET,
        BucketName=unique_name("tinystack-source"),
        # the uploaded sources are the user's data: kept when the stack goes
        DeletionPolicy="RetainExceptOnCreate",
        UpdateReplacePolicy="Retain",
        VersioningConfiguration=s3.VersioningConfiguration(Status="Enabled"),
        NotificationConfiguration=s3.NotificationConfiguration(
            EventBridgeConfiguration=s3.EventBridgeConfiguration(EventBridgeEnabled=True)
        ),
        LifecycleConfiguration=s3.LifecycleConfiguration(Rules=[expire_old]),
        **_private_props(ir),
    )


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
