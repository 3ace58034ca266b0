"""endpoint-<stage>.yaml: HTTP API + VPC link + Cloud Map SRV, or an ALB; never both."""

from __future__ import annotations

from typing import Any

import pytest
from cfn_templates import lint_problems, of_type, only, outputs, resources
from ir_factory import API_EXTRAS, DOMAIN, variant
from troposphere import Template

from compiler.cfn.common.outputs import EndpointOut
from compiler.cfn.endpoint.stack import build_endpoint
from compiler.ir.model import StackIR


def _endpoint(**kwargs: Any) -> tuple[StackIR, Template]:
    ir = variant(**kwargs)
    return ir, build_endpoint(ir, ir.stages[0])


@pytest.mark.parametrize("endpoint", ["api-gateway", "alb"])
@pytest.mark.parametrize("options", ["plain", "all"])
def test_lints_clean(endpoint: str, options: str) -> None:
    extras = (API_EXTRAS if endpoint == "api-gateway" else {}) | DOMAIN
    _, template = _endpoint(endpoint=endpoint, endpoint_options=extras if options == "all" else {})
    assert lint_problems(template) == ()


def test_standard_is_an_http_api_through_a_vpc_link_to_cloud_map_srv() -> None:
    ir, template = _endpoint(endpoint="api-gateway")
    stage = ir.stages[0]
    assert only(template, "AWS::ApiGatewayV2::Api")["ProtocolType"] == "HTTP"
    namespace = only(template, "AWS::ServiceDiscovery::PrivateDnsNamespace")
    assert namespace["Name"] == stage.names.namespace
    discovery = only(template, "AWS::ServiceDiscovery::Service")
    assert [r["Type"] for r in discovery["DnsConfig"]["DnsRecords"]] == ["SRV"]
    integration = only(template, "AWS::ApiGatewayV2::Integration")
    assert integration["IntegrationType"] == "HTTP_PROXY"
    assert integration["ConnectionType"] == "VPC_LINK"
    assert integration["ConnectionId"] == {"Ref": "VpcLink"}
    assert integration["IntegrationUri"] == {"Fn::GetAtt": ["DiscoveryService", "Arn"]}
    assert only(template, "AWS::ApiGatewayV2::Route")["RouteKey"] == "$default"
    api_stage = only(template, "AWS::ApiGatewayV2::Stage")
    assert api_stage["StageName"] == "$default" and api_stage["AutoDeploy"] is True
    assert "AWS::ElasticLoadBalancingV2::LoadBalancer" not in {
        r["Type"] for r in resources(template).values()
    }


def test_vpc_link_group_only_reaches_the_app_port() -> None:
    _, template = _endpoint(endpoint="api-gateway", app={"port": 8000})
    group = only(template, "AWS::EC2::SecurityGroup")
    assert "SecurityGroupIngress" not in group
    assert group["SecurityGroupEgress"] == [
        {"IpProtocol": "tcp", "FromPort": 8000, "ToPort": 8000, "CidrIp": {"Ref": "VpcCidr"},
         "Description": "to the tasks"}
    ]  # fmt: skip
    assert outputs(template)[EndpointOut.FRONT_SECURITY_GROUP_ID] == {"Ref": "VpcLinkSecurityGroup"}


def test_api_options_throttle_authorize_cors_and_map_the_domain() -> None:
    _, template = _endpoint(endpoint="api-gateway", endpoint_options=API_EXTRAS | DOMAIN)
    settings = only(template, "AWS::ApiGatewayV2::Stage")["DefaultRouteSettings"]
    assert settings == {"ThrottlingRateLimit": 1000, "ThrottlingBurstLimit": 500}
    route = resources(template)["DefaultRoute"]["Properties"]
    assert route["AuthorizationType"] == "JWT"
    assert route["AuthorizerId"] == {"Ref": "JwtAuthorizer"}
    jwt = only(template, "AWS::ApiGatewayV2::Authorizer")["JwtConfiguration"]
    assert jwt["Audience"] == ["client-id"]
    cors = only(template, "AWS::ApiGatewayV2::Api")["CorsConfiguration"]
    assert cors["AllowOrigins"] == ["https://example.com"]
    mapping = only(template, "AWS::ApiGatewayV2::ApiMapping")
    assert mapping["Stage"] == {"Ref": "DefaultStage"}
    record = only(template, "AWS::Route53::RecordSet")
    assert record["Name"] == "api.example.com" and record["HostedZoneId"] == "Z1EX"
    assert outputs(template)[EndpointOut.ENDPOINT_URL] == "https://api.example.com"


def test_cors_preflight_admits_a_json_body_and_the_jwt_bearer_token() -> None:
    # API Gateway answers preflights itself; a header it does not list is refused there,
    # so a browser could send neither `Content-Type: application/json` nor the token.
    _, template = _endpoint(endpoint="api-gateway", endpoint_options=API_EXTRAS)
    cors = only(template, "AWS::ApiGatewayV2::Api")["CorsConfiguration"]
    jwt = only(template, "AWS::ApiGatewayV2::Authorizer")
    (source,) = jwt["IdentitySource"]
    token_header = source.removeprefix("$request.header.").lower()
    assert {"content-type", token_header} <= set(cors["AllowHeaders"])


def _matches(key: str, method: str, path: str) -> bool:
    """Does route key `key` ("METHOD /path" with {var} and a final {var+}) take the request?"""
    route_method, route_path = key.split(" ", 1)
    if route_method not in ("ANY", method):
        return False
    want, got = route_path.strip("/").split("/"), path.strip("/").split("/")
    if want[-1].endswith("+}"):  # greedy: one segment or more
        return len(got) >= len(want) and got != [""] and _segments(want[:-1], got)
    return len(want) == len(got) and _segments(want, got)


def _segments(want: list[str], got: list[str]) -> bool:
    return all(w == g or (w.startswith("{") and g != "") for w, g in zip(want, got, strict=False))


def _route_for(template: Template, method: str, path: str) -> dict[str, Any]:
    """The route API Gateway picks: any route whose method and path match outranks $default.
    https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
    """
    routes = of_type(template, "AWS::ApiGatewayV2::Route")
    keyed = {body["Properties"]["RouteKey"]: body["Properties"] for body in routes.values()}
    explicit = [k for k in keyed if k != "$default" and _matches(k, method, path)]
    return keyed[explicit[0]] if explicit else keyed["$default"]


@pytest.mark.parametrize("path", ["/", "/items", "/items/7/tags"])
def test_with_cors_and_an_authorizer_preflights_pass_without_a_token(path: str) -> None:
    # a browser sends OPTIONS without the token: on the authorized $default it got 401
    _, template = _endpoint(endpoint="api-gateway", endpoint_options=API_EXTRAS)
    preflight = _route_for(template, "OPTIONS", path)
    assert preflight.get("AuthorizationType", "NONE") == "NONE"
    assert preflight["Target"] == {"Fn::Sub": "integrations/${Integration}"}
    for method in ("GET", "POST", "DELETE"):
        assert _route_for(template, method, path)["AuthorizationType"] == "JWT"
    assert lint_problems(template) == ()


def test_an_authorizer_without_cors_authorizes_every_method() -> None:
    options = {"authorizer": API_EXTRAS["authorizer"]}
    _, template = _endpoint(endpoint="api-gateway", endpoint_options=options)
    assert _route_for(template, "OPTIONS", "/items")["AuthorizationType"] == "JWT"
    assert len(of_type(template, "AWS::ApiGatewayV2::Route")) == 1


def test_access_logs_go_to_a_retained_log_group() -> None:
    _, template = _endpoint(endpoint="api-gateway")
    group = next(iter(of_type(template, "AWS::Logs::LogGroup").values()))
    assert group["DeletionPolicy"] == "RetainExceptOnCreate"
    assert group["UpdateReplacePolicy"] == "Retain"
    logs = only(template, "AWS::ApiGatewayV2::Stage")["AccessLogSettings"]
    assert logs["DestinationArn"] == {"Fn::GetAtt": ["AccessLogGroup", "Arn"]}


def test_without_options_the_route_is_open_and_unthrottled() -> None:
    _, template = _endpoint(endpoint="api-gateway")
    assert "AuthorizationType" not in only(template, "AWS::ApiGatewayV2::Route")
    assert "DefaultRouteSettings" not in only(template, "AWS::ApiGatewayV2::Stage")
    assert outputs(template)[EndpointOut.ENDPOINT_URL] == {"Fn::GetAtt": ["HttpApi", "ApiEndpoint"]}


def test_hyperscale_is_an_alb_checking_the_spec_health_check_and_no_api() -> None:
    _, template = _endpoint(
        endpoint="alb",
        app={"port": 3000, "health_check": {"path": "/healthz", "interval_seconds": 15}},
        endpoint_options={"idle_timeout_seconds": 120},
    )
    kinds = {r["Type"] for r in resources(template).values()}
    assert not any(k.startswith("AWS::ApiGatewayV2") for k in kinds)
    balancer = only(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert balancer["Scheme"] == "internet-facing"
    assert balancer["Subnets"] == {"Fn::Split": [",", {"Ref": "PublicSubnetIds"}]}
    assert {"Key": "idle_timeout.timeout_seconds", "Value": "120"} in balancer[
        "LoadBalancerAttributes"
    ]
    target = only(template, "AWS::ElasticLoadBalancingV2::TargetGroup")
    assert (target["TargetType"], target["Port"]) == ("ip", 3000)
    assert (target["HealthCheckPath"], target["HealthCheckIntervalSeconds"]) == ("/healthz", 15)
    listener = only(template, "AWS::ElasticLoadBalancingV2::Listener")
    assert listener["DefaultActions"][0]["Type"] == "forward"
    assert set(outputs(template)) == {  # what the service and alarms read (the docstring)
        "EndpointUrl", "FrontSecurityGroupId", "TargetGroupArn", "LoadBalancerFullName",
        "TargetGroupFullName",
    }  # fmt: skip


def test_alb_with_certificate_redirects_http_and_serves_https() -> None:
    _, template = _endpoint(endpoint="alb", endpoint_options=DOMAIN)
    listeners = {
        v["Properties"]["Port"]: v["Properties"]
        for v in of_type(template, "AWS::ElasticLoadBalancingV2::Listener").values()
    }
    redirect = listeners[80]["DefaultActions"][0]
    assert redirect["Type"] == "redirect"
    assert redirect["RedirectConfig"]["Protocol"] == "HTTPS"
    assert listeners[443]["Certificates"] == [
        {"CertificateArn": DOMAIN["domain"]["certificate_arn"]}
    ]
    ingress = only(template, "AWS::EC2::SecurityGroup")["SecurityGroupIngress"]
    assert sorted(r["FromPort"] for r in ingress) == [80, 443]
    alias = only(template, "AWS::Route53::RecordSet")["AliasTarget"]
    assert alias["DNSName"] == {"Fn::GetAtt": ["LoadBalancer", "DNSName"]}
