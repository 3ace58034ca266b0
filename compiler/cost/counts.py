"""What a stage runs, counted from the IR the way the back end emits it.

This is the one place the estimate counts alarms, instances, tasks and public IPv4
addresses; the back end's monitoring/service/cluster stacks must emit the same
(tests/cost compare these counts with compiled templates). Alarms per stage:
- scaling `step`: 2 alarms in the service stack (CPU high -> +1 task, CPU low -> -1 task);
  `target-tracking`: AWS creates the same 2 itself (billed, not in the template).
- monitoring: CPU high, memory high, and the front door's: HTTP API 5xx; or, with an
  ALB, target 5xx, load balancer 5xx and unhealthy targets.
- ec2 clusters: capacity-provider managed scaling is a target-tracking policy on the
  Auto Scaling group, so AWS creates 2 more alarms (billed, not in the template).
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.ir.model import NetworkIR, StageIR

# scaling policy -> (alarms in the service template, alarms AWS creates for the policy)
SCALING_ALARMS: dict[str, tuple[int, int]] = {"step": (2, 0), "target-tracking": (0, 2)}
MONITORING_ALARMS: dict[str, tuple[str, ...]] = {
    "api-gateway": ("cpu-high", "memory-high", "api-5xx"),
    "alb": ("cpu-high", "memory-high", "target-5xx", "load-balancer-5xx", "unhealthy-targets"),
}
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html
CAPACITY_PROVIDER_ALARMS: dict[str, int] = {"ec2": 2, "fargate": 0}


@dataclass(frozen=True)
class AlarmCount:
    """CloudWatch alarms of one stage: in its templates, and created by AWS for it."""

    in_templates: int
    aws_managed: int

    @property
    def billed(self) -> int:
        """Every alarm is billed, whoever created it."""
        return self.in_templates + self.aws_managed


def alarms_created(stage: StageIR) -> AlarmCount:
    """The CloudWatch alarms a stage brings (see the module docstring for the rule)."""
    scaling_template, scaling_managed = SCALING_ALARMS[stage.scaling.policy]
    monitoring = len(MONITORING_ALARMS[stage.endpoint.type])
    return AlarmCount(
        in_templates=scaling_template + monitoring,
        aws_managed=scaling_managed + CAPACITY_PROVIDER_ALARMS[stage.compute.type],
    )


def steady_tasks(stage: StageIR) -> int:
    """Tasks running at steady state: the service's `desired` count."""
    return stage.scaling.desired


def instances_for(stage: StageIR, tasks: int) -> int:
    """EC2 instances the cluster runs for `tasks` tasks (0 under Fargate).

    Managed scaling runs what the tasks need at the target capacity, within the Auto
    Scaling group's bounds (compiler.data.capacity.ClusterSize.running).
    """
    cluster = stage.compute.cluster_size()
    return 0 if cluster is None else cluster.running(tasks)


def placeable_tasks(stage: StageIR, tasks: int) -> int:
    """How many of `tasks` the cluster can run: EC2 stops at `instances.max` instances."""
    cluster = stage.compute.cluster_size()
    return tasks if cluster is None else cluster.placeable(tasks)


def stage_public_ipv4(stage: StageIR, network: NetworkIR, tasks: int) -> int:
    """Public IPv4 addresses of a stage: the ALB's one per zone, and public tasks."""
    alb = network.availability_zones if stage.endpoint.type == "alb" else 0
    public_tasks = tasks if network.tasks_in_public_subnets else 0
    return alb + public_tasks


def shared_public_ipv4(network: NetworkIR) -> int:
    """Public IPv4 addresses of the network: one EIP per NAT gateway, or the NAT instance's."""
    return network.nat_gateways + (1 if network.nat_instance_type else 0)
