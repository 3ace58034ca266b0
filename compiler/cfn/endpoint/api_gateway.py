"""The API Gateway front door of `endpoint.type: api-gateway` (part of endpoint-<stage>.yaml).

An HTTP API whose `$default` route proxies every request through a VPC link to the
Cloud Map service the ECS service registers its tasks in (SRV records: the only kind an
HTTP API accepts for ECS tasks). The `$default` stage deploys automatically, throttles per
the spec and writes access logs to a retained log group. Optional: CORS, a JWT authorizer
on the route (with CORS, unauthorized OPTIONS routes for the browsers' preflights), a
custom domain with its API mapping and Route 53 alias.
"""

from __future__ import annotations

import json

from troposphere import GetAtt, Ref, Split, Template, apigatewayv2
from troposphere import servicediscovery as cloudmap

from compiler.cfn.common.log_groups import retained_log_group
from compiler.cfn.common.outputs import EndpointOut, NetworkOut
from compiler.cfn.common.security_group import security_group
from compiler.cfn.common.substitution import sub_join
from compiler.cfn.common.tagging import tag_list, tag_map
from compiler.cfn.endpoint.front_door import add_alias_record, app_port_rule
from compiler.ir.model import StackIR, StageIR

DEFAULT = "$default"
# Preflight routes (logical ID -> route key) next to an authorized `$default`: a greedy
# path variable needs at least one segment, so the root path has its own route.
PREFLIGHT_ROUTES = {"PreflightRoute": "OPTIONS /{proxy+}", "PreflightRootRoute": "OPTIONS /"}
# Request headers a browser must be allowed to send cross-origin: a JSON body's content type
# and the bearer token a JWT authorizer reads. Unlisted, the preflight fails in the browser.
CORS_ALLOW_HEADERS = ("authorization", "content-type")
# One JSON line per request, with the fields that answer "what failed and why".
_ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "routeKey": "$context.routeKey",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "latency": "$context.responseLatency",
        "integrationError": "$context.integrationErrorMessage",
        "authorizerError": "$context.authorizer.error",
    },
    sort_keys=True,
)


def _discovery(template: Template, ir: StackIR, stage: StageIR) -> None:
    template.add_resource(
        cloudmap.PrivateDnsNamespace(
            "Namespace",
            Name=stage.names.namespace,
            Vpc=Ref(NetworkOut.VPC_ID.value),
            **tag_list(ir),
        )
    )
    template.add_resource(
        cloudmap.Service(
            "DiscoveryService",
            Name=stage.names.service_discovery,
            NamespaceId=GetAtt("Namespace", "Id"),
            DnsConfig=cloudmap.DnsConfig(
                RoutingPolicy="MULTIVALUE",
                DnsRecords=[cloudmap.DnsRecord(Type="SRV", TTL=10)],
            ),
            # ECS reports task health to Cloud Map, so unhealthy tasks leave the records.
            HealthCheckCustomConfig=cloudmap.HealthCheckCustomConfig(FailureThreshold=1),
            **tag_list(ir),
        )
    )


def _vpc_link(template: Template, ir: StackIR, stage: StageIR) -> None:
    template.add_resource(
        security_group(
            "VpcLinkSecurityGroup",
            GroupDescription=f"{stage.names.prefix} API Gateway VPC link: out to the app port",
            VpcId=Ref(NetworkOut.VPC_ID.value),
            SecurityGroupEgress=[
                app_port_rule(stage, "to the tasks", CidrIp=Ref(NetworkOut.VPC_CIDR.value))
            ],
            **tag_list(ir),
        )
    )
    template.add_resource(
        apigatewayv2.VpcLink(
            "VpcLink",
            Name=stage.names.prefix,
            SubnetIds=Split(",", Ref(NetworkOut.TASK_SUBNET_IDS.value)),
            SecurityGroupIds=[Ref("VpcLinkSecurityGroup")],
            **tag_map(ir),
        )
    )


def _api(template: Template, ir: StackIR, stage: StageIR) -> None:
    cors = stage.endpoint.cors
    extra = (
        {
            "CorsConfiguration": apigatewayv2.Cors(
                AllowOrigins=list(cors.allow_origins),
                AllowMethods=list(cors.allow_methods),
                AllowHeaders=list(CORS_ALLOW_HEADERS),
            )
        }
        if cors
        else {}
    )
    template.add_resource(
        apigatewayv2.Api(
            "HttpApi", Name=stage.names.prefix, ProtocolType="HTTP", **extra, **tag_map(ir)
        )
    )
    template.add_resource(
        apigatewayv2.Integration(
            "Integration",
            ApiId=Ref("HttpApi"),
            IntegrationType="HTTP_PROXY",
            IntegrationMethod="ANY",
            ConnectionType="VPC_LINK",
            ConnectionId=Ref("VpcLink"),
            IntegrationUri=GetAtt("DiscoveryService", "Arn"),
            PayloadFormatVersion="1.0",
        )
    )
    _route(template, stage)


def _route(template: Template, stage: StageIR) -> None:
    auth = stage.endpoint.authorizer
    extra: dict[str, object] = {}
    if auth:
        template.add_resource(
            apigatewayv2.Authorizer(
                "JwtAuthorizer",
                ApiId=Ref("HttpApi"),
                Name=f"{stage.names.prefix}-jwt",
                AuthorizerType="JWT",
                IdentitySource=["$request.header.Authorization"],
                JwtConfiguration=apigatewayv2.JWTConfiguration(
                    Issuer=auth.issuer, Audience=list(auth.audience)
                ),
            )
        )
        extra = {"AuthorizationType": "JWT", "AuthorizerId": Ref("JwtAuthorizer")}
    _add_route(template, "DefaultRoute", DEFAULT, **extra)
    if auth and stage.endpoint.cors:
        # `$default` also catches OPTIONS, so with the authorizer on it every browser
        # preflight (sent without a token) got 401. Routes with a method and a path outrank
        # `$default`: these take every OPTIONS, unauthorized, and API Gateway answers the
        # preflight from the CORS configuration.
        # https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
        for route_id, key in PREFLIGHT_ROUTES.items():
            _add_route(template, route_id, key, AuthorizationType="NONE")


def _add_route(template: Template, route_id: str, key: str, **extra: object) -> None:
    template.add_resource(
        apigatewayv2.Route(
            route_id,
            ApiId=Ref("HttpApi"),
            RouteKey=key,
            Target=sub_join("integrations/", Ref("Integration")),
            **extra,
        )
    )


def _stage(template: Template, ir: StackIR, stage: StageIR) -> None:
    template.add_resource(retained_log_group("AccessLogGroup", ir))
    throttling = stage.endpoint.throttling
    settings = (
        apigatewayv2.RouteSettings(
            ThrottlingRateLimit=throttling.rate_limit, ThrottlingBurstLimit=throttling.burst_limit
        )
        if throttling
        else None
    )
    template.add_resource(
        apigatewayv2.Stage(
            "DefaultStage",
            ApiId=Ref("HttpApi"),
            # A named stage would prefix every backend path with its name.
            StageName=DEFAULT,
            AutoDeploy=True,
            AccessLogSettings=apigatewayv2.AccessLogSettings(
                DestinationArn=GetAtt("AccessLogGroup", "Arn"), Format=_ACCESS_LOG_FORMAT
            ),
            **({"DefaultRouteSettings": settings} if settings else {}),
            **tag_map(ir),
        )
    )


def _domain(template: Template, ir: StackIR, stage: StageIR) -> None:
    domain = stage.endpoint.domain
    if domain is None:
        return
    template.add_resource(
        apigatewayv2.DomainName(
            "DomainName",
            DomainName=domain.name,
            DomainNameConfigurations=[
                apigatewayv2.DomainNameConfiguration(
                    CertificateArn=domain.certificate_arn,
                    EndpointType="REGIONAL",
                    SecurityPolicy="TLS_1_2",
                )
            ],
            **tag_map(ir),
        )
    )
    template.add_resource(
        apigatewayv2.ApiMapping(
            "ApiMapping",
            ApiId=Ref("HttpApi"),
            DomainName=Ref("DomainName"),
            Stage=Ref("DefaultStage"),
        )
    )
    add_alias_record(template, domain, "DomainName", "RegionalDomainName", "RegionalHostedZoneId")


def add_api_gateway(template: Template, ir: StackIR, stage: StageIR) -> dict[EndpointOut, object]:
    """Add the HTTP API front door; returns the endpoint stack's outputs."""
    _discovery(template, ir, stage)
    _vpc_link(template, ir, stage)
    _api(template, ir, stage)
    _stage(template, ir, stage)
    _domain(template, ir, stage)
    domain = stage.endpoint.domain
    url = f"https://{domain.name}" if domain else GetAtt("HttpApi", "ApiEndpoint")
    return {
        EndpointOut.ENDPOINT_URL: url,
        EndpointOut.FRONT_SECURITY_GROUP_ID: Ref("VpcLinkSecurityGroup"),
        EndpointOut.DISCOVERY_SERVICE_ARN: GetAtt("DiscoveryService", "Arn"),
        EndpointOut.API_ID: Ref("HttpApi"),
    }
