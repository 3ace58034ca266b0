"""The capacity math the checks, lowering and the cost estimate share (compiler.data.capacity)."""

from __future__ import annotations

import pytest

from compiler.data.capacity import ClusterSize, default_instances_max


@pytest.mark.parametrize(
    ("tasks", "target", "running"),
    [
        (1, 100, 1),  # one needed, one run
        (1, 70, 2),  # ceil(1 x 100 / 70): the spare instance a lower target buys
        (3, 70, 5),  # 3 needed -> ceil(4.29)
        (0, 100, 1),  # never below instances.min
        (40, 100, 6),  # never above instances.max
    ],
)
def test_managed_scaling_runs_needed_over_target_within_the_bounds(
    tasks: int, target: int, running: int
) -> None:
    cluster = ClusterSize(per_instance=1, minimum=1, maximum=6, target_percent=target)
    assert cluster.running(tasks) == running


def test_placeable_tasks_stop_at_the_largest_cluster() -> None:
    cluster = ClusterSize(per_instance=2, minimum=1, maximum=3, target_percent=100)
    assert (cluster.placeable(5), cluster.placeable(9)) == (5, 6)


@pytest.mark.parametrize(
    ("scaling_max", "per", "minimum", "expected"),
    [(5, 1, 1, 6), (5, 2, 1, 3), (6, 2, 1, 4), (1, 1, 4, 4), (100, 1, 1, 100)],
)
def test_default_instances_max_holds_scaling_max_plus_one(
    scaling_max: int, per: int, minimum: int, expected: int
) -> None:
    assert default_instances_max(scaling_max, per, minimum) == expected
