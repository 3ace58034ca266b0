"""monitoring-<stage>.yaml: who hears about what goes wrong."""

from __future__ import annotations

import pytest
from cfn_templates import lint_problems, of_type, only, outputs, parameters
from ir_factory import spec_ir, variant

from compiler.cfn.common.outputs import StageOut
from compiler.cfn.monitoring import build_monitoring


@pytest.mark.parametrize("endpoint", ["api-gateway", "alb"])
def test_lints_clean(endpoint: str) -> None:
    ir = variant(endpoint=endpoint, alarms={"emails": ["ops@example.com"]})
    assert lint_problems(build_monitoring(ir, ir.stages[0])) == ()


def _alarms(endpoint: str) -> dict[str, dict[str, object]]:
    ir = variant(endpoint=endpoint)
    template = build_monitoring(ir, ir.stages[0])
    return {k: v["Properties"] for k, v in of_type(template, "AWS::CloudWatch::Alarm").items()}


def test_api_gateway_alarms_on_http_api_5xx_cpu_and_memory() -> None:
    alarms = _alarms("api-gateway")
    metrics = sorted(str(a["MetricName"]) for a in alarms.values())
    assert metrics == ["5xx", "CPUUtilization", "MemoryUtilization"]
    api = alarms["Api5xxAlarm"]
    assert api["Namespace"] == "AWS/ApiGateway"
    assert api["Dimensions"] == [
        {"Name": "ApiId", "Value": {"Ref": "ApiId"}},
        {"Name": "Stage", "Value": "$default"},
    ]


def test_alb_alarms_on_target_and_balancer_5xx_and_unhealthy_targets() -> None:
    alarms = _alarms("alb")
    metrics = {str(a["MetricName"]) for a in alarms.values()}
    assert {"HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count", "UnHealthyHostCount"} <= metrics
    assert "5xx" not in metrics
    unhealthy = alarms["UnhealthyTargetsAlarm"]
    assert {"Name": "TargetGroup", "Value": {"Ref": "TargetGroupFullName"}} in unhealthy[
        "Dimensions"
    ]  # type: ignore[operator]


@pytest.mark.parametrize("endpoint", ["api-gateway", "alb"])
def test_every_alarm_notifies_the_topic_and_ignores_missing_data(endpoint: str) -> None:
    for alarm in _alarms(endpoint).values():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        assert alarm["TreatMissingData"] == "notBreaching"


def test_cpu_and_memory_alarms_watch_this_service() -> None:
    alarms = _alarms("api-gateway")
    assert alarms["CpuHighAlarm"]["Dimensions"] == [
        {"Name": "ClusterName", "Value": {"Ref": "ClusterName"}},
        {"Name": "ServiceName", "Value": {"Ref": "ServiceName"}},
    ]


def test_each_email_is_subscribed_once_with_an_id_that_survives_reordering() -> None:
    first = spec_ir(alarms={"emails": ["ops@example.com", "dev@example.com"]})
    second = spec_ir(alarms={"emails": ["dev@example.com", "ops@example.com"]})
    subs = [
        of_type(build_monitoring(ir, ir.stages[0]), "AWS::SNS::Subscription")
        for ir in (first, second)
    ]
    assert subs[0] == subs[1]
    endpoints = sorted(s["Properties"]["Endpoint"] for s in subs[0].values())
    assert endpoints == ["dev@example.com", "ops@example.com"]
    assert all(s["Properties"]["Protocol"] == "email" for s in subs[0].values())


def test_no_emails_still_creates_the_topic() -> None:
    ir = spec_ir()
    template = build_monitoring(ir, ir.stages[0])
    assert of_type(template, "AWS::SNS::Subscription") == {}
    assert only(template, "AWS::SNS::Topic")
    assert outputs(template) == {StageOut.ALARM_TOPIC_ARN.value: {"Ref": "AlarmTopic"}}
    assert sorted(parameters(template)) == ["ApiId", "ClusterName", "ServiceName"]
