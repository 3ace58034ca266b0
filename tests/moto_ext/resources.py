"""CloudFormation handlers for resource types moto's CloudFormation does not create.

Like a real CloudFormation resource provider, each handler calls the service's own API
(boto3 against this same server), so the object lands in moto's backend for that service
and its API shows it. Template properties are mapped onto the API's input shape by the
botocore model (`_from_cfn`), which also checks them as the real API would.
Types without any moto backend are only recorded (`RECORDED_TYPES`), with the
attributes other resources read from them.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel

from tests.moto_ext import control

Props = dict[str, Any]
Result = tuple[str, dict[str, Any]]  # physical ID, attributes for Fn::GetAtt

# CloudFormation property names that differ from the API member name beyond capitalisation
_RENAMES = {"buildspec": "BuildSpec", "RoleARN": "RoleARN", "roleArn": "RoleArn"}


@functools.cache
def _client(service: str, region: str) -> Any:
    return boto3.client(service, region_name=region, endpoint_url=control.server_url())


def _cfn_key(member: str, value: dict[str, Any]) -> str | None:
    for key in (member, member[:1].upper() + member[1:], _RENAMES.get(member, "")):
        if key in value:
            return key
    return None


def _from_cfn(shape: Any, value: Any) -> Any:
    """Template property value -> API parameter value, guided by the botocore shape."""
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for member, member_shape in shape.members.items():
            key = _cfn_key(member, value)
            if key is not None and value[key] is not None:
                out[member] = _from_cfn(member_shape, value[key])
        return out
    if kind == "list":
        return [_from_cfn(shape.member, v) for v in value]
    if kind == "map":
        pairs = {i["Key"]: i["Value"] for i in value} if isinstance(value, list) else value
        return {k: _from_cfn(shape.value, v) for k, v in pairs.items()}
    if kind == "string":
        return str(value).lower() if isinstance(value, bool) else str(value)
    if kind in ("integer", "long"):
        return int(value)
    if kind in ("double", "float"):
        return float(value)
    if kind == "boolean":
        return value in (True, "true", "True")
    return value


def call(service: str, region: str, operation: str, props: Props, **extra: Any) -> Any:
    """Call one API operation with template properties mapped onto its input shape."""
    client = _client(service, region)
    op_name = client.meta.method_to_api_mapping[operation]
    shape = client.meta.service_model.operation_model(op_name).input_shape
    params = _from_cfn(shape, {**props, **extra}) if shape is not None else {}
    return getattr(client, operation)(**params)


@dataclass
class Ctx:
    """What a handler knows besides the properties."""

    region: str
    account: str
    name: str  # the physical name CloudFormation would generate
    logical_id: str


@dataclass(frozen=True)
class Handler:
    create: Callable[[Props, Ctx], Result]
    delete: Callable[[str, Props, Ctx], None] = lambda pid, props, ctx: None
    # None: an update replaces the object (delete, then create)
    update: Callable[[str, Props, Ctx], Result] | None = None
    names: dict[str, str] = field(default_factory=dict)


def _deleting(service: str, operation: str, **params: Any) -> Callable[[str, Props, Ctx], None]:
    """A delete handler calling one API operation. A string parameter may hold {pid}, the
    physical ID; None stands for the list [physical ID]. An object already gone (deleted
    with its parent) is not an error."""

    def delete(pid: str, props: Props, ctx: Ctx) -> None:
        values = {k: v.format(pid=pid) if isinstance(v, str) else [pid] for k, v in params.items()}
        try:
            getattr(_client(service, ctx.region), operation)(**values)
        except Exception as exc:  # botocore's modelled NotFound errors have several names
            if "NotFound" not in type(exc).__name__ and "NotFound" not in str(exc):
                raise

    return delete


def _deregister_target(pid: str, props: Props, ctx: Ctx) -> None:
    resource_id, dimension, namespace = pid.split("|")
    _client("application-autoscaling", ctx.region).deregister_scalable_target(
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
    found = _client("servicediscovery", ctx.region).list_namespaces()["Namespaces"]
    ns = next(n for n in found if n["Name"] == props["Name"])
    detail = _client("servicediscovery", ctx.region).get_namespace(Id=ns["Id"])["Namespace"]
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
    "AWS::S3::BucketPolicy": _recorded(_plain_attrs),
    "AWS::SNS::TopicPolicy": _recorded(_plain_attrs),
    "AWS::EC2::SecurityGroupEgress": _recorded(_plain_attrs),
}

HANDLERS: dict[str, Handler] = {
    "AWS::ApiGatewayV2::Api": Handler(
        create=_http_api, delete=_deleting("apigatewayv2", "delete_api", ApiId="{pid}")
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
        create=_vpc_link, delete=_deleting("apigatewayv2", "delete_vpc_link", VpcLinkId="{pid}")
    ),
    "AWS::ApiGatewayV2::DomainName": Handler(create=_domain_name),
    "AWS::ApiGatewayV2::ApiMapping": Handler(
        create=_api_child("create_api_mapping", "ApiMappingId")
    ),
    "AWS::ServiceDiscovery::PrivateDnsNamespace": Handler(
        create=_namespace, delete=_deleting("servicediscovery", "delete_namespace", Id="{pid}")
    ),
    "AWS::ServiceDiscovery::Service": Handler(
        create=_sd_service, delete=_deleting("servicediscovery", "delete_service", Id="{pid}")
    ),
    "AWS::CodeBuild::Project": Handler(
        create=_project,
        update=_update_project,
        delete=_deleting("codebuild", "delete_project", name="{pid}"),
    ),
    "AWS::CodePipeline::Pipeline": Handler(
        create=_pipeline,
        update=_update_pipeline,
        delete=_deleting("codepipeline", "delete_pipeline", name="{pid}"),
    ),
    "AWS::CloudWatch::Alarm": Handler(
        create=_alarm,
        update=_alarm_update,
        delete=_deleting("cloudwatch", "delete_alarms", AlarmNames=None),
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
        create=_subscription, delete=_deleting("sns", "unsubscribe", SubscriptionArn="{pid}")
    ),
    "AWS::EC2::EIPAssociation": Handler(create=_eip_association),
    **RECORDED_TYPES,
}


def _model_class(resource_type: str, handler: Handler) -> type[CloudFormationModel]:
    """A direct CloudFormationModel subclass (moto finds models by __subclasses__)."""

    def init(self: Any, physical_id: str, attributes: dict[str, Any], props: Props) -> None:
        self.physical_resource_id = physical_id
        self.attributes = attributes
        self.props = props

    def ctx(region: str, account: str, name: str, logical_id: str) -> Ctx:
        return Ctx(region=region, account=account, name=name, logical_id=logical_id)

    def create(
        cls: Any,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        props = cloudformation_json.get("Properties", {})
        context = ctx(region_name, account_id, resource_name, kwargs.get("LogicalId", ""))
        physical, attributes = handler.create(props, context)
        return cls(physical, attributes, props)

    def update(
        cls: Any,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        props = cloudformation_json.get("Properties", {})
        context = ctx(
            region_name,
            account_id,
            new_resource_name,
            getattr(original_resource, "logical_resource_id", ""),
        )
        old_id = original_resource.physical_resource_id
        if handler.update is not None:
            physical, attributes = handler.update(old_id, props, context)
        else:
            handler.delete(old_id, original_resource.props, context)
            physical, attributes = handler.create(props, context)
        return cls(physical, attributes, props)

    def delete(self: Any, account_id: str, region_name: str) -> None:
        context = ctx(region_name, account_id, self.physical_resource_id, "")
        handler.delete(self.physical_resource_id, self.props, context)

    def get_cfn_attribute(self: Any, name: str) -> Any:
        if name not in self.attributes:
            from moto.cloudformation.exceptions import ValidationError

            raise ValidationError(message=f"{resource_type} has no attribute {name}")
        return self.attributes[name]

    body = {
        "__init__": init,
        "cloudformation_type": staticmethod(lambda: resource_type),
        "cloudformation_name_type": staticmethod(lambda: ""),
        "has_cfn_attr": classmethod(lambda cls, attr: True),
        "create_from_cloudformation_json": classmethod(create),
        "update_from_cloudformation_json": classmethod(update),
        "get_cfn_attribute": get_cfn_attribute,
        "delete": delete,
    }
    name = "Ext" + resource_type.replace("::", "")
    return type(name, (CloudFormationModel,), body)


def _patch_namespace_conflict() -> None:
    """Cloud Map allows several private namespaces in one VPC when their names differ;
    moto refuses any second one. Only a namespace of the same name conflicts here."""
    from moto.servicediscovery.models import ServiceDiscoveryBackend

    original = ServiceDiscoveryBackend.create_private_dns_namespace

    def create(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        others = {k: v for k, v in self.namespaces.items() if v.name != name}
        for key in others:
            del self.namespaces[key]
        try:
            return original(self, name, *args, **kwargs)
        finally:
            self.namespaces.update(others)

    ServiceDiscoveryBackend.create_private_dns_namespace = create


def _patch_codebuild_pipeline_source() -> None:
    """A CODEPIPELINE source or artifact has no location in CodeBuild; moto demanded one."""
    from moto.codebuild import responses as codebuild

    for name in ("_validate_required_params_source", "_validate_required_params_artifacts"):
        original = getattr(codebuild, name)

        def check(value: dict[str, Any], original: Callable[..., None] = original) -> None:
            if value.get("type") != "CODEPIPELINE":
                original(value)

        setattr(codebuild, name, check)


def _patch_zone_ids() -> None:
    """Hosted zone IDs start with Z, as in Route 53 (moto's are random letters)."""
    from moto.route53 import models as route53

    original = route53.create_route53_zone_id

    def zone_id(*args: Any, **kwargs: Any) -> str:
        return "Z" + str(original(*args, **kwargs))[1:]

    route53.create_route53_zone_id = zone_id


# ALB hosted zone for alias records (us-east-1's published value; the fake has one region)
_ALB_ZONE = "Z35SXDOTRQ7X7K"


def _extra_attributes() -> dict[type, dict[str, Callable[[Any], Any]]]:
    from moto.elbv2.models import FakeLoadBalancer, FakeTargetGroup

    return {
        FakeTargetGroup: {
            "TargetGroupFullName": lambda tg: tg.arn.split(":")[-1],
            "TargetGroupName": lambda tg: tg.name,
            "TargetGroupArn": lambda tg: tg.arn,
        },
        FakeLoadBalancer: {
            "LoadBalancerFullName": lambda lb: lb.arn.split(":loadbalancer/")[-1],
            "CanonicalHostedZoneID": lambda lb: _ALB_ZONE,
            "SecurityGroups": lambda lb: list(lb.security_groups),
        },
    }


def _patch_attributes() -> None:
    """Fn::GetAtt attributes moto's models lack (target group and ALB full names, ...)."""
    for cls, extra in _extra_attributes().items():
        original = getattr(cls, "get_cfn_attribute", None)

        def get(self: Any, name: str, extra: Any = extra, original: Any = original) -> Any:
            if name in extra:
                return extra[name](self)
            if original is None:
                raise NotImplementedError(name)
            return original(self, name)

        cls.get_cfn_attribute = get


def install() -> None:
    """Register a model class per type and make moto's lookup tables see them."""
    _patch_attributes()
    _patch_zone_ids()
    _patch_namespace_conflict()
    _patch_codebuild_pipeline_source()
    for resource_type, handler in HANDLERS.items():
        _model_class(resource_type, handler)
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
