"""Application Auto Scaling of a stage's ECS service (part of service-<stage>.yaml).

A scalable target between the autoscaling floor (the desired-count resource's
MinCapacity: `scaling.min`, or 0 while the stage has no image) and `scaling.max`, and
either step scaling driven by two explicit CloudWatch alarms on the service's average
CPU (above `cpu_percent` for 3 one-minute periods: +1 task; below
`scale_in_cpu_percent`: -1 task) or target tracking on ECSServiceAverageCPUUtilization.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from troposphere import GetAtt, Ref, Template, cloudwatch
from troposphere import applicationautoscaling as aas

from compiler.cfn.common.outputs import ClusterOut
from compiler.cfn.common.substitution import sub_join
from compiler.cfn.common.tagging import tag_list
from compiler.cfn.service.desired_count import RESOURCE as DESIRED_COUNT
from compiler.ir.model import StackIR, StageIR

COOLDOWN_SECONDS = 60
_DIMENSION = "ecs:service:DesiredCount"


@dataclass(frozen=True)
class StepRule:
    """One step-scaling alarm and the policy it triggers."""

    direction: str  # "out" | "in"
    comparison: str
    adjustment: int


STEP_RULES = (
    StepRule("out", "GreaterThanThreshold", 1),
    StepRule("in", "LessThanThreshold", -1),
)
EVALUATION_PERIODS = 3
PERIOD_SECONDS = 60


def service_dimensions() -> list[cloudwatch.MetricDimension]:
    """The AWS/ECS metric dimensions of this stack's service."""
    return [
        cloudwatch.MetricDimension(Name="ClusterName", Value=Ref(ClusterOut.CLUSTER_NAME.value)),
        cloudwatch.MetricDimension(Name="ServiceName", Value=GetAtt("Service", "Name")),
    ]


def _target(template: Template, stage: StageIR) -> None:
    template.add_resource(
        aas.ScalableTarget(
            "ScalableTarget",
            ServiceNamespace="ecs",
            ScalableDimension=_DIMENSION,
            ResourceId=sub_join(
                "service/", Ref(ClusterOut.CLUSTER_NAME.value), "/", GetAtt("Service", "Name")
            ),
            MinCapacity=GetAtt(DESIRED_COUNT, "MinCapacity"),
            MaxCapacity=stage.scaling.max,
        )
    )


def _step(template: Template, ir: StackIR, stage: StageIR, rule: StepRule) -> None:
    bound: dict[str, Any] = (
        {"MetricIntervalLowerBound": 0} if rule.adjustment > 0 else {"MetricIntervalUpperBound": 0}
    )
    policy = f"Scale{rule.direction.title()}Policy"
    template.add_resource(
        aas.ScalingPolicy(
            policy,
            PolicyName=f"{stage.names.prefix}-scale-{rule.direction}",
            PolicyType="StepScaling",
            ScalingTargetId=Ref("ScalableTarget"),
            StepScalingPolicyConfiguration=aas.StepScalingPolicyConfiguration(
                AdjustmentType="ChangeInCapacity",
                Cooldown=COOLDOWN_SECONDS,
                MetricAggregationType="Average",
                StepAdjustments=[aas.StepAdjustment(ScalingAdjustment=rule.adjustment, **bound)],
            ),
        )
    )
    threshold = (
        stage.scaling.cpu_percent if rule.adjustment > 0 else stage.scaling.scale_in_cpu_percent
    )
    template.add_resource(
        cloudwatch.Alarm(
            f"Scale{rule.direction.title()}Alarm",
            AlarmDescription=f"{stage.names.prefix}: service CPU {rule.comparison} {threshold}%: "
            f"{rule.adjustment:+d} task",
            Namespace="AWS/ECS",
            MetricName="CPUUtilization",
            Dimensions=service_dimensions(),
            Statistic="Average",
            Period=PERIOD_SECONDS,
            EvaluationPeriods=EVALUATION_PERIODS,
            Threshold=threshold,
            ComparisonOperator=rule.comparison,
            # No data means no tasks: nothing to scale in, and no load to scale out for.
            TreatMissingData="notBreaching",
            AlarmActions=[Ref(policy)],
            **tag_list(ir),
        )
    )


def _target_tracking(template: Template, stage: StageIR) -> None:
    template.add_resource(
        aas.ScalingPolicy(
            "TargetTrackingPolicy",
            PolicyName=f"{stage.names.prefix}-cpu-target",
            PolicyType="TargetTrackingScaling",
            ScalingTargetId=Ref("ScalableTarget"),
            TargetTrackingScalingPolicyConfiguration=aas.TargetTrackingScalingPolicyConfiguration(
                PredefinedMetricSpecification=aas.PredefinedMetricSpecification(
                    PredefinedMetricType="ECSServiceAverageCPUUtilization"
                ),
                TargetValue=float(stage.scaling.cpu_percent),
                ScaleInCooldown=COOLDOWN_SECONDS,
                ScaleOutCooldown=COOLDOWN_SECONDS,
            ),
        )
    )


def add_scaling(template: Template, ir: StackIR, stage: StageIR) -> None:
    """Add the scalable target and the stage's scaling policy (step or target tracking)."""
    _target(template, stage)
    if stage.scaling.policy == "step":
        for rule in STEP_RULES:
            _step(template, ir, stage, rule)
    else:
        _target_tracking(template, stage)
