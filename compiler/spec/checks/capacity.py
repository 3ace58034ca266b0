"""Capacity checks: task sizes Fargate does not offer, and EC2 clusters that cannot place
the tasks (per-instance packing of memory after the reserve, CPU and ENIs), plus unknown
and previous-generation instance types.
"""

from __future__ import annotations

from itertools import pairwise

from compiler.data.capacity import (
    MAX_INSTANCES,
    InstanceCapacity,
    capacity_of,
    default_instances_max,
    instances_needed,
    release_tasks,
    tasks_per_instance,
)
from compiler.data.tables import InstanceType, fargate_sizes, instance_types
from compiler.diagnostics import Diagnostic, did_you_mean, error_rule, plural, warning_rule
from compiler.spec.checks.declare import stage_check
from compiler.spec.checks.view import StageView
from compiler.spec.wording import listing, show

FARGATE_SIZE = error_rule("TS201", "a cpu/memory pair Fargate does not offer")
TASK_TOO_LARGE = error_rule(
    "TS202", "a task larger than one EC2 instance offers after the OS and agent reserve"
)
NO_ROOM_TO_START = error_rule(
    "TS203", "the starting tasks do not fit on compute.instances.min instances"
)
NO_ROOM_AT_MAX = warning_rule(
    "TS204", "scaling.max tasks do not fit on compute.instances.max instances"
)
UNKNOWN_INSTANCE_TYPE = error_rule("TS205", "an instance type tinystack does not know")
PREVIOUS_GENERATION = warning_rule("TS206", "a previous-generation instance type")
NO_ROOM_TO_RELEASE = warning_rule(
    "TS207",
    "scaling.max + 1 tasks do not fit on compute.instances.max instances: a release at the "
    "maximum cannot place its new task",
)

_CPU = ("app", "cpu")
_MEMORY = ("app", "memory")
_INSTANCE_TYPE = ("compute", "instance_type")


def _memory_values(values: tuple[int, ...]) -> str:
    steps = {b - a for a, b in pairwise(values)}
    if len(values) > 4 and len(steps) == 1:
        return f"{values[0]} to {values[-1]} in steps of {steps.pop()}"
    return ", ".join(str(v) for v in values)


@stage_check(FARGATE_SIZE)
def check_fargate_size(view: StageView) -> list[Diagnostic]:
    """Forbid cpu/memory pairs Fargate does not offer."""
    if view.get("compute", "type") != "fargate":
        return []
    cpu, memory = view.get(*_CPU), view.get(*_MEMORY)
    sizes = fargate_sizes()
    size = sizes.get(cpu)
    if size is None:
        message = f"{show(cpu)} cpu is not a Fargate size; allowed: {listing(sizes)}"
        return [view.diagnostic(_CPU, FARGATE_SIZE, message, at_value=True)]
    if memory in size.memory_mib:
        return []
    pairs = [str(c) for c, s in sizes.items() if memory in s.memory_mib]
    hint = f"{memory} MiB pairs with cpu {' or '.join(pairs)}." if pairs else ""
    message = (
        f"{show(cpu)} cpu with {show(memory)} MiB memory is not a Fargate size; "
        f"allowed: {_memory_values(size.memory_mib)}"
    )
    return [view.diagnostic(_MEMORY, FARGATE_SIZE, message, hint, at_value=True)]


def _instance(view: StageView) -> InstanceType | None:
    if view.get("compute", "type") != "ec2":
        return None
    return instance_types().get(view.get(*_INSTANCE_TYPE))


@stage_check(UNKNOWN_INSTANCE_TYPE, PREVIOUS_GENERATION)
def check_instance_type(view: StageView) -> list[Diagnostic]:
    """Forbid unknown instance types; warn on previous-generation ones."""
    if view.get("compute", "type") != "ec2":
        return []
    name = view.get(*_INSTANCE_TYPE)
    info = instance_types().get(name)
    if info is None:
        families = sorted({known.split(".")[0] for known in instance_types()})
        hint = (
            did_you_mean(str(name), instance_types()) or f"Known families: {', '.join(families)}."
        )
        message = f"unknown instance type {show(name)}"
        return [
            view.diagnostic(_INSTANCE_TYPE, UNKNOWN_INSTANCE_TYPE, message, hint, at_value=True)
        ]
    if info.current_generation:
        return []
    message = f"{show(name)} is a previous-generation instance type"
    hint = f"Use '{info.current_equivalent}', its current-generation equivalent."
    return [view.diagnostic(_INSTANCE_TYPE, PREVIOUS_GENERATION, message, hint, at_value=True)]


def _larger_type(info: InstanceType, cpu: int, memory: int) -> str:
    """The smallest current type that holds one task, from the same family when possible."""
    family = info.name.split(".")[0]
    fitting = sorted(
        (other.name.split(".")[0] != family, other.memory_mib, other.vcpu, other.name)
        for other in instance_types().values()
        if other.current_generation and tasks_per_instance(capacity_of(other), cpu, memory) >= 1
    )
    if not fitting:
        return "Use a smaller task."
    return f"Use a larger instance_type such as '{fitting[0][3]}', or a smaller task."


@stage_check(TASK_TOO_LARGE)
def check_task_fits_instance(view: StageView) -> list[Diagnostic]:
    """Forbid a task larger than one instance offers after the OS and agent reserve."""
    info = _instance(view)
    if info is None:
        return []
    capacity: InstanceCapacity = capacity_of(info)
    cpu, memory = view.get(*_CPU), view.get(*_MEMORY)
    hint = _larger_type(info, cpu, memory)
    out = []
    if memory > capacity.memory_mib:
        message = (
            f"a {show(memory)} MiB task does not fit on a '{info.name}': {capacity.memory_mib} "
            f"MiB is left after the OS and ECS agent keep {info.reserved_memory_mib}"
        )
        out.append(view.diagnostic(_MEMORY, TASK_TOO_LARGE, message, hint, at_value=True))
    if cpu > capacity.cpu_units:
        message = (
            f"a {show(cpu)} cpu task does not fit on a '{info.name}': it has "
            f"{capacity.cpu_units} CPU units"
        )
        out.append(view.diagnostic(_CPU, TASK_TOO_LARGE, message, hint, at_value=True))
    return out


_MAX = ("compute", "instances", "max")


def _instances_max(view: StageView, per_instance: int) -> int:
    """compute.instances.max as written, else its default (compiler.data.capacity)."""
    written = view.get(*_MAX)
    if written is not None:
        return int(written)
    low = view.get("compute", "instances", "min")
    return default_instances_max(view.get("scaling", "max"), per_instance, low)


@stage_check(NO_ROOM_TO_START, NO_ROOM_AT_MAX, NO_ROOM_TO_RELEASE)
def check_cluster_room(view: StageView) -> list[Diagnostic]:
    """Forbid a starting count that instances.min cannot place; warn when max cannot be,
    or when a release at the maximum would find no room for its new task."""
    info = _instance(view)
    if info is None:
        return []
    per = tasks_per_instance(capacity_of(info), view.get(*_CPU), view.get(*_MEMORY))
    if per < 1:
        return []  # check_task_fits_instance reports it
    each = f"'{info.name}' holds {plural(per, 'task')}"
    return [
        *_starting_room(view, per, each),
        *_top_room(view, per, each, _instances_max(view, per)),
    ]


def _starting_room(view: StageView, per: int, each: str) -> list[Diagnostic]:
    desired_path = (
        ("scaling", "desired") if view.written("scaling", "desired") else ("scaling", "min")
    )
    desired, low = view.get(*desired_path), view.get("compute", "instances", "min")
    need = instances_needed(desired, per) or 0
    if need <= low:
        return []
    message = (
        f"{plural(desired, 'starting task')} need {need} instances ({each}); "
        f"compute.instances.min is {low}"
    )
    hint = f"Raise compute.instances.min to {need}, or use a larger instance type."
    return [view.diagnostic(desired_path, NO_ROOM_TO_START, message, hint, at_value=True)]


def _top_room(view: StageView, per: int, each: str, high: int) -> list[Diagnostic]:
    top = view.get("scaling", "max")
    need_max = instances_needed(top, per) or 0
    need_release = instances_needed(release_tasks(top), per) or 0
    if need_release <= high:
        return []
    raise_to = f"Raise compute.instances.max to {need_release}"
    if need_release > MAX_INSTANCES:
        raise_to = "Use a larger instance type"
    if need_max > high:
        message = (
            f"{plural(top, 'task')} need {need_max} instances ({each}); compute.instances.max "
            f"is {high}, so at most {high * per} can run"
        )
        hint = f"{raise_to} (scaling.max + 1 tasks, room for a release), or lower scaling.max."
        return [view.diagnostic(("scaling", "max"), NO_ROOM_AT_MAX, message, hint, True)]
    message = (
        f"room for {plural(high * per, 'task')} on {plural(high, 'instance')} ({each}) and "
        f"none beyond scaling.max {show(top)}: a release at the maximum starts a new task "
        "before it stops an old one, finds no room, waits and fails"
    )
    if view.written(*_MAX):
        hint = f"{raise_to}, or leave it out (its default holds scaling.max + 1 tasks)."
        return [view.diagnostic(_MAX, NO_ROOM_TO_RELEASE, message, hint, True)]
    hint = f"{raise_to}, or lower scaling.max."
    return [view.diagnostic(("scaling", "max"), NO_ROOM_TO_RELEASE, message, hint, True)]
