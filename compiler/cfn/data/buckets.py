"""S3 buckets of data-<stage>.yaml.

Private (common/private_buckets.py: encrypted, no public access, TLS only), versioned, and
retained when the stack is deleted (not after a failed create) or the bucket replaced.
Named `tinystack-<key>-<stack UUID>` (the key cut to fit S3's 63 characters): a generated
name begins with the stack's, and S3 refuses names beginning `xn--` or `sthree-`.
"""

from __future__ import annotations

from troposphere import GetAtt, Output, Ref, Template, s3

from compiler.cfn.common.names import unique_name
from compiler.cfn.common.private_buckets import private_bucket_props, tls_only_policy
from compiler.cfn.data.outputs import bucket_id, bucket_output
from compiler.ir.model import BucketIR, StackIR
from compiler.ir.names import shorten

ABORT_UPLOADS_DAYS = 7  # an unfinished multipart upload is only ever billed storage
KEY_CHARACTERS = 16  # 63 less 'tinystack-', '-' and the 36 of the stack's UUID


def _bucket(ir: StackIR, bucket: BucketIR) -> s3.Bucket:
    abort = s3.LifecycleRule(
        Id="abort-incomplete-uploads",
        Status="Enabled",
        AbortIncompleteMultipartUpload=s3.AbortIncompleteMultipartUpload(
            DaysAfterInitiation=ABORT_UPLOADS_DAYS
        ),
    )
    return s3.Bucket(
        bucket_id(bucket.key),
        # S3 names take no underscores; a cut key keeps a hash of the whole one
        BucketName=unique_name(
            f"tinystack-{shorten(bucket.key.replace('_', '-'), KEY_CHARACTERS)}"
        ),
        DeletionPolicy="RetainExceptOnCreate",
        UpdateReplacePolicy="Retain",
        VersioningConfiguration=s3.VersioningConfiguration(Status="Enabled"),
        LifecycleConfiguration=s3.LifecycleConfiguration(Rules=[abort]),
        **private_bucket_props(ir),
    )


def add_buckets(template: Template, ir: StackIR, buckets: tuple[BucketIR, ...]) -> None:
    """Each bucket, its TLS-only policy and its outputs (name, ARN)."""
    for bucket in buckets:
        resource = template.add_resource(_bucket(ir, bucket))
        template.add_resource(tls_only_policy(resource))
        outputs = {"Name": Ref(resource), "Arn": GetAtt(resource, "Arn")}
        for what, value in outputs.items():
            template.add_output(Output(bucket_output(bucket.key, what), Value=value))
