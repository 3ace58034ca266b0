"""S3 buckets of the pipeline stack: the artifact store and, for provider s3, the source bucket.

Both are versioned private buckets (common/private_buckets.py): SSE-S3 encrypted, no
public access, bucket-owner object ownership, plain HTTP refused by a bucket policy. Their
names are set (`tinystack-<what>-<stack UUID>`): a generated one begins with the stack's
name, and S3 refuses names beginning `xn--`, `sthree-` or `amzn-s3-demo-`.
"""

from __future__ import annotations

from troposphere import s3

from compiler.cfn.common.names import unique_name
from compiler.cfn.common.private_buckets import private_bucket_props
from compiler.ir.model import StackIR

ARTIFACT_BUCKET = "ArtifactBucket"
SOURCE_BUCKET = "SourceBucket"

# Pipeline artifacts are only needed while an execution runs; a month covers a slow approval.
ARTIFACT_DAYS = 30
# Old source.zip versions stay a while so a release can be traced back to its upload.
SOURCE_VERSION_DAYS = 90


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
        **private_bucket_props(ir),
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
        **private_bucket_props(ir),
    )
