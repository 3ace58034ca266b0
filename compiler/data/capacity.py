"""Capacity math for EC2 clusters: how many tasks one instance holds, how many instances
a count of tasks needs, and how many the cluster really runs. The one place for it: the
semantic checks, lowering and the cost estimate all count with these functions.

Tasks use the awsvpc network mode, so each takes an ENI: an instance holds at most
its ENI limit minus one (the primary) tasks, whatever its memory and CPU allow.
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/eni-trunking.html
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.data.tables import InstanceType

CPU_UNITS_PER_VCPU = 1024
# A rolling release (minimum healthy 100%, maximum 200%) starts a new task before it stops
# an old one, so a service at scaling.max needs room for one task more.
RELEASE_EXTRA_TASKS = 1
# The schema's bound on compute.instances (an Auto Scaling group of this stack's size).
MAX_INSTANCES = 100


@dataclass(frozen=True)
class InstanceCapacity:
    """What one instance offers to tasks, after the OS and ECS agent take their share."""

    cpu_units: int
    memory_mib: int
    task_enis: int


def instance_capacity(
    vcpu: int, memory_mib: int, max_enis: int, reserved_mib: int
) -> InstanceCapacity:
    """Capacity of an instance type for awsvpc tasks."""
    return InstanceCapacity(
        cpu_units=vcpu * CPU_UNITS_PER_VCPU,
        memory_mib=max(memory_mib - reserved_mib, 0),
        task_enis=max(max_enis - 1, 0),
    )


def capacity_of(info: InstanceType) -> InstanceCapacity:
    """Capacity of a known instance type, its ECS memory reserve taken off."""
    return instance_capacity(info.vcpu, info.memory_mib, info.max_enis, info.reserved_memory_mib)


def tasks_per_instance(capacity: InstanceCapacity, task_cpu: int, task_memory: int) -> int:
    """The most tasks of this size one instance can place (memory, CPU and ENIs)."""
    return min(
        capacity.memory_mib // task_memory,
        capacity.cpu_units // task_cpu,
        capacity.task_enis,
    )


def instances_needed(tasks: int, per_instance: int) -> int | None:
    """Instances that place `tasks` tasks; None when a task does not fit on any."""
    if tasks == 0:
        return 0
    if per_instance <= 0:
        return None
    return -(-tasks // per_instance)


def release_tasks(scaling_max: int) -> int:
    """Tasks running at the top of a release of a service at `scaling_max`."""
    return scaling_max + RELEASE_EXTRA_TASKS


def default_instances_max(scaling_max: int, per_instance: int, instances_min: int) -> int:
    """The `compute.instances.max` default (docs/spec.md): room for scaling.max + 1 tasks.

    Never below `instances.min`, never above the schema's bound (the checks warn when
    that bound cannot hold the tasks).
    """
    needed = instances_needed(release_tasks(scaling_max), per_instance) or instances_min
    return min(max(instances_min, needed), MAX_INSTANCES)


@dataclass(frozen=True)
class ClusterSize:
    """An EC2 cluster's instance counts: its bounds, its packing and its scaling target."""

    per_instance: int  # tasks one instance holds
    minimum: int  # compute.instances.min
    maximum: int  # compute.instances.max (its default applied)
    target_percent: int  # compute.target_capacity_percent

    def needed(self, tasks: int) -> int:
        """Instances that place `tasks` tasks, bounds aside (0 when none fits)."""
        return instances_needed(tasks, self.per_instance) or 0

    def running(self, tasks: int) -> int:
        """Instances the cluster runs for `tasks` tasks.

        Managed scaling keeps needed / running at the target percentage, so it runs
        ceil(needed x 100 / target); the Auto Scaling group keeps that within its bounds.
        https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html
        """
        managed = -(-self.needed(tasks) * 100 // self.target_percent)
        return min(max(self.minimum, managed), self.maximum)

    def placeable(self, tasks: int) -> int:
        """How many of `tasks` fit on `maximum` instances."""
        return min(tasks, self.maximum * self.per_instance)
