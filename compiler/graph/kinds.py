"""How each kind of component is drawn: its AWS icon (a node class of the `diagrams`
package, found in github.com/mingrammer/diagrams under diagrams/<provider>/) and its
shape in plain Graphviz and Mermaid text. One row per kind: a new component kind (a
data store, say) is one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.graph.model import Kind


@dataclass(frozen=True)
class KindStyle:
    icon: str  # "<module under diagrams>.<class>"
    shape: str  # Graphviz shape of the plain text formats; "cylinder" holds data


KINDS: dict[Kind, KindStyle] = {
    "clients": KindStyle("aws.general.Users", "oval"),
    "github": KindStyle("onprem.vcs.Github", "box"),
    "gitlab": KindStyle("onprem.vcs.Gitlab", "box"),
    "bitbucket": KindStyle("onprem.vcs.Git", "box"),  # diagrams has no Bitbucket icon
    "bucket": KindStyle("aws.storage.SimpleStorageServiceS3Bucket", "cylinder"),
    "function": KindStyle("aws.compute.LambdaFunction", "box"),
    "pipeline": KindStyle("aws.devtools.Codepipeline", "box"),
    "codebuild": KindStyle("aws.devtools.Codebuild", "box"),
    "approval": KindStyle("aws.general.User", "diamond"),
    "registry": KindStyle("aws.compute.EC2ContainerRegistry", "cylinder"),
    "domain": KindStyle("aws.security.CertificateManager", "box"),
    "domain-alias": KindStyle("aws.network.Route53", "box"),
    "http-api": KindStyle("aws.network.APIGateway", "box"),
    "vpc-link": KindStyle("aws.network.Privatelink", "box"),
    "cloud-map": KindStyle("aws.network.CloudMap", "box"),
    "alb": KindStyle("aws.network.ElbApplicationLoadBalancer", "box"),
    "ecs-cluster": KindStyle("aws.compute.ElasticContainerService", "box"),
    "capacity-provider": KindStyle("aws.management.AutoScaling", "box"),
    "auto-scaling-group": KindStyle("aws.compute.EC2AutoScaling", "box"),
    "fargate": KindStyle("aws.compute.Fargate", "box"),
    "service": KindStyle("aws.compute.ElasticContainerServiceService", "box"),
    "alarm": KindStyle("aws.management.CloudwatchAlarm", "box"),
    "app-autoscaling": KindStyle("aws.compute.ApplicationAutoScaling", "box"),
    "topic": KindStyle("aws.integration.SimpleNotificationServiceSnsTopic", "box"),
    "public-subnet": KindStyle("aws.network.PublicSubnet", "box"),
    "private-subnet": KindStyle("aws.network.PrivateSubnet", "box"),
    "nat-gateway": KindStyle("aws.network.NATGateway", "box"),
    "nat-instance": KindStyle("aws.compute.EC2Instance", "box"),
    "internet-gateway": KindStyle("aws.network.InternetGateway", "box"),
    "table": KindStyle("aws.database.DynamodbTable", "cylinder"),
    "database": KindStyle("aws.database.RDS", "cylinder"),
    "cache": KindStyle("aws.database.ElasticacheForRedis", "cylinder"),
}
