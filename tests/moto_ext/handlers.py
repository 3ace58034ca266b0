"""One handler per resource type moto's CloudFormation does not create (`HANDLERS`).

Each creates, updates and deletes its object through the service's API (cfn_api.call),
so the object lands in moto's backend for that service and its API shows it. The data
stores' handlers are in stores.py. Types
without any moto backend are only recorded (`RECORDED_TYPES`), with the attributes other
resources read from them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from tests.moto_ext import control
from tests.moto_ext.budgets import BUDGET_HANDLERS
from tests.moto_ext.cfn_api import Ctx, Handler, Props, Result, call, client, deleting
from tests.moto_ext.stores import STORE_HANDLERS


def _deregister_target(pid: str, props: Props, ctx: Ctx) -> None:
    resource_id, dimension, namespace = pid.split("|")
    client("application-autoscaling", ctx.region).deregister_scalable_target(
        ServiceNamespace=namespace, ResourceId=resource_id, ScalableDimension=dimension
    )


def _api(ctx: Ctx, kind: str, ident: str) -> str:
    return f"arn:aws:{kind}:{ctx.region}:{ctx.account}:{ident}"


# --- API Gateway v2 (HTTP API) ---------------------------------------------------------
def _http_api(props: Props, ctx: Ctx) -> Result:
    api = call("apigatewayv2", ctx.region, "create_api", props, Name=props.get("Name", ctx.name))
    return api["ApiId"], {"ApiId": api["ApiId"], "ApiEndpoint": api["ApiEndpoint"]}


def _api_child(operation: str, id_key: str) -> Callable[[Props, Ctx], Result]:
    def create(props: Props, ctx: Ctx) -> Result:
        made = call("apigatewayv2", ctx.region, operation, props)
        return made[id_key], {id_key: made[id_key]}

    return create


def _api_stage(props: Props, ctx: Ctx) -> Result:
    call("apigatewayv2", ctx.region, "create_stage", props)
    return props["StageName"], {}


def _vpc_link(props: Props, ctx: Ctx) -> Result:
    link = call(
        "apigatewayv2", ctx.region, "create_vpc_link", props, Name=props.get("Name", ctx.name)
    )
    return link["VpcLinkId"], {"VpcLinkId": link["VpcLinkId"]}


def _domain_name(props: Props, ctx: Ctx) -> Result:
    made = call("apigatewayv2", ctx.region, "create_domain_name", props)
    config = (made.get("DomainNameConfigurations") or [{}])[0]
    return props["DomainName"], {
        "RegionalDomainName": config.get("ApiGatewayDomainName", ""),
        "RegionalHostedZoneId": config.get("HostedZoneId", ""),
    }


# --- Cloud Map --------------------------------------------------------------------------
def _namespace(props: Props, ctx: Ctx) -> Result:
    call("servicediscovery", ctx.region, "create_private_dns_namespace", props)
    found = client("servicediscovery", ctx.region).list_namespaces()["Namespaces"]
    ns = next(n for n in found if n["Name"] == props["Name"])
    detail = client("servicediscovery", ctx.region).get_namespace(Id=ns["Id"])["Namespace"]
    zone = detail.get("Properties", {}).get("DnsProperties", {}).get("HostedZoneId", "")
    return ns["Id"], {"Id": ns["Id"], "Arn": ns["Arn"], "HostedZoneId": zone}


def _sd_service(props: Props, ctx: Ctx) -> Result:
    made = call(
        "servicediscovery", ctx.region, "create_service", props, Name=props.get("Name", ctx.name)
    )["Service"]
    return made["Id"], {"Id": made["Id"], "Arn": made["Arn"], "Name": made["Name"]}


# --- CodeBuild / CodePipeline -------------------------------------------------------------
def _project(props: Props, ctx: Ctx) -> Result:
    made = call("codebuild", ctx.region, "create_project", props, Name=props.get("Name", ctx.name))[
        "project"
    ]
    return made["name"], {"Arn": made["arn"]}


def _update_project(pid: str, props: Props, ctx: Ctx) -> Result:
    made = call("codebuild", ctx.region, "update_project", props, Name=pid)["project"]
    return made["name"], {"Arn": made["arn"]}


def _pipeline(props: Props, ctx: Ctx) -> Result:
    name = props.get("Name", ctx.name)
    made = call(
        "codepipeline", ctx.region, "create_pipeline", {}, pipeline={**props, "Name": name}
    )["pipeline"]
    return made["name"], {"Version": str(made.get("version", 1))}


def _update_pipeline(pid: str, props: Props, ctx: Ctx) -> Result:
    made = call("codepipeline", ctx.region, "update_pipeline", {}, pipeline={**props, "Name": pid})[
        "pipeline"
    ]
    return made["name"], {"Version": str(made.get("version", 1))}


# --- CloudWatch alarms, Application Auto Scaling -----------------------------------------
def _alarm(props: Props, ctx: Ctx) -> Result:
    name = props.get("AlarmName", ctx.name)
    call("cloudwatch", ctx.region, "put_metric_alarm", props, AlarmName=name)
    return name, {"Arn": _api(ctx, "cloudwatch", f"alarm:{name}")}


def _alarm_update(pid: str, props: Props, ctx: Ctx) -> Result:
    return _alarm({**props, "AlarmName": pid}, ctx)


def _scalable_target(props: Props, ctx: Ctx) -> Result:
    call("application-autoscaling", ctx.region, "register_scalable_target", props)
    ident = f"{props['ResourceId']}|{props['ScalableDimension']}|{props['ServiceNamespace']}"
    return ident, {"Id": ident}


def _scaling_policy(props: Props, ctx: Ctx) -> Result:
    target: Props = {}
    if "ScalingTargetId" in props:
        resource_id, dimension, namespace = props["ScalingTargetId"].split("|")
        target = {
            "ResourceId": resource_id,
            "ScalableDimension": dimension,
            "ServiceNamespace": namespace,
        }
    made = call(
        "application-autoscaling",
        ctx.region,
        "put_scaling_policy",
        {**props, **target},
        PolicyName=props.get("PolicyName", ctx.name),
    )
    return made["PolicyARN"], {"Arn": made["PolicyARN"]}


# --- ECS capacity providers ---------------------------------------------------------------
def _capacity_provider(props: Props, ctx: Ctx) -> Result:
    made = call(
        "ecs", ctx.region, "create_capacity_provider", props, Name=props.get("Name", ctx.name)
    )["capacityProvider"]
    return made["name"], {}


def _associations(props: Props, ctx: Ctx) -> Result:
    call("ecs", ctx.region, "put_cluster_capacity_providers", props)
    return props["Cluster"], {}


# --- EC2 ---------------------------------------------------------------------------------
def _eip_association(props: Props, ctx: Ctx) -> Result:
    made = call("ec2", ctx.region, "associate_address", props)
    return made["AssociationId"], {"Id": made["AssociationId"]}


# --- SNS subscriptions ------------------------------------------------------------------------
def _subscription(props: Props, ctx: Ctx) -> Result:
    made = call("sns", ctx.region, "subscribe", props)
    return made["SubscriptionArn"], {"Arn": made["SubscriptionArn"]}


def _recorded(attributes: Callable[[Props, Ctx, str], dict[str, Any]]) -> Handler:
    def create(props: Props, ctx: Ctx) -> Result:
        physical = attributes(props, ctx, "")["__id__"]
        return physical, attributes(props, ctx, physical)

    return Handler(create=create)


def _connection_attrs(props: Props, ctx: Ctx, pid: str) -> dict[str, Any]:
    arn = pid or _api(ctx, "codeconnections", f"connection/{uuid.uuid4()}")
    control.record_connection(arn, "PENDING")  # AWS creates connections PENDING
    return {"__id__": arn, "ConnectionArn": arn, "ConnectionStatus": "PENDING"}


def _function_url_attrs(props: Props, ctx: Ctx, pid: str) -> dict[str, Any]:
    url = pid or f"https://{uuid.uuid4().hex}.lambda-url.{ctx.region}.on.aws/"
    return {"__id__": url, "FunctionUrl": url, "FunctionArn": props.get("TargetFunctionArn")}


def _plain_attrs(props: Props, ctx: Ctx, pid: str) -> dict[str, Any]:
    return {"__id__": pid or f"{ctx.name}"}


# Types with no moto backend: recorded with the attributes other resources read
RECORDED_TYPES: dict[str, Handler] = {
    "AWS::CodeStarConnections::Connection": _recorded(_connection_attrs),
    "AWS::CodeConnections::Connection": _recorded(_connection_attrs),
    "AWS::Lambda::Url": _recorded(_function_url_attrs),
    "AWS::SNS::TopicPolicy": _recorded(_plain_attrs),
    "AWS::EC2::SecurityGroupEgress": _recorded(_plain_attrs),
}

HANDLERS: dict[str, Handler] = {
    "AWS::ApiGatewayV2::Api": Handler(
        create=_http_api, delete=deleting("apigatewayv2", "delete_api", ApiId="{pid}")
    ),
    "AWS::ApiGatewayV2::Integration": Handler(
        create=_api_child("create_integration", "IntegrationId")
    ),
    "AWS::ApiGatewayV2::Route": Handler(create=_api_child("create_route", "RouteId")),
    "AWS::ApiGatewayV2::Authorizer": Handler(
        create=_api_child("create_authorizer", "AuthorizerId")
    ),
    "AWS::ApiGatewayV2::Stage": Handler(create=_api_stage),
    "AWS::ApiGatewayV2::VpcLink": Handler(
        create=_vpc_link, delete=deleting("apigatewayv2", "delete_vpc_link", VpcLinkId="{pid}")
    ),
    "AWS::ApiGatewayV2::DomainName": Handler(create=_domain_name),
    "AWS::ApiGatewayV2::ApiMapping": Handler(
        create=_api_child("create_api_mapping", "ApiMappingId")
    ),
    "AWS::ServiceDiscovery::PrivateDnsNamespace": Handler(
        create=_namespace, delete=deleting("servicediscovery", "delete_namespace", Id="{pid}")
    ),
    "AWS::ServiceDiscovery::Service": Handler(
        create=_sd_service, delete=deleting("servicediscovery", "delete_service", Id="{pid}")
    ),
    "AWS::CodeBuild::Project": Handler(
        create=_project,
        update=_update_project,
        delete=deleting("codebuild", "delete_project", name="{pid}"),
    ),
    "AWS::CodePipeline::Pipeline": Handler(
        create=_pipeline,
        update=_update_pipeline,
        delete=deleting("codepipeline", "delete_pipeline", name="{pid}"),
    ),
    "AWS::CloudWatch::Alarm": Handler(
        create=_alarm,
        update=_alarm_update,
        delete=deleting("cloudwatch", "delete_alarms", AlarmNames=None),
    ),
    "AWS::ApplicationAutoScaling::ScalableTarget": Handler(
        create=_scalable_target,
        update=lambda pid, props, ctx: _scalable_target(props, ctx),
        delete=_deregister_target,
    ),
    "AWS::ApplicationAutoScaling::ScalingPolicy": Handler(
        create=_scaling_policy, update=lambda pid, props, ctx: _scaling_policy(props, ctx)
    ),
    "AWS::ECS::CapacityProvider": Handler(create=_capacity_provider),
    "AWS::ECS::ClusterCapacityProviderAssociations": Handler(
        create=_associations, update=lambda pid, props, ctx: _associations(props, ctx)
    ),
    "AWS::SNS::Subscription": Handler(
        create=_subscription, delete=deleting("sns", "unsubscribe", SubscriptionArn="{pid}")
    ),
    "AWS::EC2::EIPAssociation": Handler(create=_eip_association),
    **BUDGET_HANDLERS,
    **RECORDED_TYPES,
    **STORE_HANDLERS,
}
