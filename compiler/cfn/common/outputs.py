"""Names of the Outputs and Parameters that wire the nested stacks, declared once.

Children are wired only through parameters and outputs (no exports), so two
stacks of the same spec in one account never collide.
"""

from __future__ import annotations

from enum import StrEnum


class RootParam(StrEnum):
    TEMPLATE_BUCKET = "TemplateBucket"
    TEMPLATE_PREFIX = "TemplatePrefix"


class NetworkOut(StrEnum):
    VPC_ID = "VpcId"
    VPC_CIDR = "VpcCidr"
    PUBLIC_SUBNET_IDS = "PublicSubnetIds"  # comma-joined
    PRIVATE_SUBNET_IDS = "PrivateSubnetIds"  # comma-joined
    TASK_SUBNET_IDS = "TaskSubnetIds"  # where tasks/instances run: private, or public (public-ip)


class RegistryOut(StrEnum):
    REPOSITORY_NAME = "RepositoryName"
    REPOSITORY_URI = "RepositoryUri"
    REPOSITORY_ARN = "RepositoryArn"


class StageOut(StrEnum):
    STAGE_NAME = "StageName"  # marks a stage stack for `tsc status`, `logs`, ...
    HEALTH_CHECK_PATH = "HealthCheckPath"  # what `tsc status` asks the endpoint for
    CLUSTER_NAME = "ClusterName"
    CLUSTER_ARN = "ClusterArn"
    SERVICE_NAME = "ServiceName"
    SERVICE_ARN = "ServiceArn"
    ENDPOINT_URL = "EndpointUrl"
    ALARM_TOPIC_ARN = "AlarmTopicArn"
    LOG_GROUP_NAME = "LogGroupName"


class ClusterOut(StrEnum):
    """Outputs of cluster-<stage>.yaml (read by the stage stack)."""

    CLUSTER_NAME = "ClusterName"
    CLUSTER_ARN = "ClusterArn"
    CAPACITY_PROVIDER = "CapacityProvider"  # FARGATE, or the ec2 capacity provider's name


class EndpointOut(StrEnum):
    """Outputs of endpoint-<stage>.yaml (read by the stage stack)."""

    ENDPOINT_URL = "EndpointUrl"
    FRONT_SECURITY_GROUP_ID = "FrontSecurityGroupId"  # the group tasks admit
    DISCOVERY_SERVICE_ARN = "DiscoveryServiceArn"  # api-gateway: Cloud Map service
    API_ID = "ApiId"  # api-gateway
    TARGET_GROUP_ARN = "TargetGroupArn"  # alb
    LOAD_BALANCER_FULL_NAME = "LoadBalancerFullName"  # alb: CloudWatch dimension
    TARGET_GROUP_FULL_NAME = "TargetGroupFullName"  # alb: CloudWatch dimension


class ServiceOut(StrEnum):
    """Outputs of service-<stage>.yaml (read by the stage stack)."""

    SERVICE_NAME = "ServiceName"
    SERVICE_ARN = "ServiceArn"
    LOG_GROUP_NAME = "LogGroupName"


class PipelineOut(StrEnum):
    PIPELINE_NAME = "PipelineName"
    ARTIFACT_BUCKET_NAME = "ArtifactBucketName"
    SOURCE_BUCKET_NAME = "SourceBucketName"  # provider s3
    CONNECTION_ARN = "ConnectionArn"  # github/gitlab/bitbucket
    WEBHOOK_URL = "WebhookUrl"  # provider s3 with webhook
    WEBHOOK_SECRET_ARN = "WebhookSecretArn"  # the signing secret to paste into the provider
    NOTIFICATION_TOPIC_ARN = "NotificationTopicArn"  # pipeline failures and approvals


# The stage stack takes these parameters (the network's and registry's outputs, plus the
# template location so it can reach its own children).
STAGE_PARAMETERS: tuple[str, ...] = (
    RootParam.TEMPLATE_BUCKET.value,
    RootParam.TEMPLATE_PREFIX.value,
    NetworkOut.VPC_ID.value,
    NetworkOut.VPC_CIDR.value,
    NetworkOut.PUBLIC_SUBNET_IDS.value,
    NetworkOut.TASK_SUBNET_IDS.value,
    RegistryOut.REPOSITORY_NAME.value,
    RegistryOut.REPOSITORY_URI.value,
    RegistryOut.REPOSITORY_ARN.value,
)
