"""Capacity math for EC2 clusters: how many tasks one instance holds.

Tasks use the awsvpc network mode, so each takes an ENI: an instance holds at most
its ENI limit minus one (the primary) tasks, whatever its memory and CPU allow.
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/eni-trunking.html
"""

from __future__ import annotations

from dataclasses import dataclass

CPU_UNITS_PER_VCPU = 1024


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
