"""A stage's monitoring stack: monitoring-<stage>.yaml.

An SNS topic (with an email subscription per `alarms.emails`) and the health alarms
that notify it: server errors at the front door (HTTP API 5xx, or the ALB's target and
own 5xx), unhealthy targets (alb), and the service's CPU and memory staying high.
Missing data (no traffic, no tasks yet) is not a problem. Outputs: AlarmTopicArn.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from troposphere import Output, Parameter, Ref, Template, cloudwatch, sns

from compiler.cfn.common.outputs import ClusterOut, EndpointOut, ServiceOut, StageOut
from compiler.cfn.common.tagging import tag_list
from compiler.ir.model import StackIR, StageIR


@dataclass(frozen=True)
class AlarmRule:
    """One health alarm: which metric, how it is read, and when it fires."""

    logical_id: str
    what: str
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]  # (dimension name, parameter holding its value)
    statistic: str
    threshold: float
    periods: int  # evaluation periods of one minute
    comparison: str = "GreaterThanOrEqualToThreshold"


_SERVICE = (
    ("ClusterName", ClusterOut.CLUSTER_NAME.value),
    ("ServiceName", ServiceOut.SERVICE_NAME.value),
)
_LOAD_BALANCER = (("LoadBalancer", EndpointOut.LOAD_BALANCER_FULL_NAME.value),)
_TARGET_GROUP = (
    ("TargetGroup", EndpointOut.TARGET_GROUP_FULL_NAME.value),
    *_LOAD_BALANCER,
)
_API = (("ApiId", EndpointOut.API_ID.value), ("Stage", "$default"))
_GT = "GreaterThanThreshold"

SERVICE_ALARMS = (
    AlarmRule("CpuHighAlarm", "service CPU above 90%", "AWS/ECS", "CPUUtilization",
              _SERVICE, "Average", 90, 5, _GT),
    AlarmRule("MemoryHighAlarm", "service memory above 90%", "AWS/ECS", "MemoryUtilization",
              _SERVICE, "Average", 90, 5, _GT),
)  # fmt: skip
# Per endpoint type: 5 or more server errors a minute for 3 minutes; any unhealthy target.
ENDPOINT_ALARMS: dict[str, tuple[AlarmRule, ...]] = {
    "api-gateway": (
        AlarmRule("Api5xxAlarm", "HTTP API 5xx responses", "AWS/ApiGateway", "5xx",
                  _API, "Sum", 5, 3),
    ),
    "alb": (
        AlarmRule("Target5xxAlarm", "5xx responses from the tasks", "AWS/ApplicationELB",
                  "HTTPCode_Target_5XX_Count", _LOAD_BALANCER, "Sum", 5, 3),
        AlarmRule("LoadBalancer5xxAlarm", "5xx responses from the load balancer",
                  "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", _LOAD_BALANCER, "Sum", 5, 3),
        AlarmRule("UnhealthyTargetsAlarm", "unhealthy targets", "AWS/ApplicationELB",
                  "UnHealthyHostCount", _TARGET_GROUP, "Maximum", 1, 3),
    ),
}  # fmt: skip


def monitoring_parameters(stage: StageIR) -> tuple[str, ...]:
    """Names of the monitoring stack's parameters (wired by the stage stack)."""
    names = [
        param
        for rule in (*SERVICE_ALARMS, *ENDPOINT_ALARMS[stage.endpoint.type])
        for _, param in rule.dimensions
        if not param.startswith("$")
    ]
    return tuple(dict.fromkeys(names))


def _value(param: str) -> object:
    # `$default` is the HTTP API stage's literal name, not a parameter.
    return param if param.startswith("$") else Ref(param)


def _alarm(template: Template, ir: StackIR, stage: StageIR, rule: AlarmRule) -> None:
    template.add_resource(
        cloudwatch.Alarm(
            rule.logical_id,
            AlarmDescription=f"{stage.names.prefix}: {rule.what}",
            Namespace=rule.namespace,
            MetricName=rule.metric,
            Dimensions=[
                cloudwatch.MetricDimension(Name=name, Value=_value(param))
                for name, param in rule.dimensions
            ],
            Statistic=rule.statistic,
            Period=60,
            EvaluationPeriods=rule.periods,
            Threshold=rule.threshold,
            ComparisonOperator=rule.comparison,
            TreatMissingData="notBreaching",
            AlarmActions=[Ref("AlarmTopic")],
            OKActions=[Ref("AlarmTopic")],
            **tag_list(ir),
        )
    )


def email_logical_id(email: str) -> str:
    """Stable per address (not per list position), so reordering re-subscribes nobody."""
    return "AlarmEmail" + hashlib.sha256(email.lower().encode()).hexdigest()[:8]


def build_monitoring(ir: StackIR, stage: StageIR) -> Template:
    """The monitoring stack of one stage: alarm topic, subscriptions, health alarms."""
    template = Template(Description=f"{stage.names.prefix}: alarms")
    for name in monitoring_parameters(stage):
        template.add_parameter(Parameter(name, Type="String"))
    template.add_resource(
        sns.Topic("AlarmTopic", DisplayName=f"{stage.names.prefix} alarms", **tag_list(ir))
    )
    for email in sorted(set(ir.alarms.emails)):
        template.add_resource(
            sns.SubscriptionResource(
                email_logical_id(email),
                Protocol="email",
                Endpoint=email,
                TopicArn=Ref("AlarmTopic"),
            )
        )
    for rule in (*SERVICE_ALARMS, *ENDPOINT_ALARMS[stage.endpoint.type]):
        _alarm(template, ir, stage, rule)
    template.add_output(Output(StageOut.ALARM_TOPIC_ARN.value, Value=Ref("AlarmTopic")))
    return template
