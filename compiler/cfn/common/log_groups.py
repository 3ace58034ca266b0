"""The CloudWatch log groups the stacks create, all kept the same way.

Events stay 90 days, and a group outlives its stack and any replacement, so the logs of
a deleted stage can still be read; only a stack whose create fails takes its groups along.
"""

from __future__ import annotations

from troposphere import logs

from compiler.cfn.common.tagging import tag_list
from compiler.ir.model import StackIR

LOG_RETENTION_DAYS = 90


def retained_log_group(title: str, ir: StackIR) -> logs.LogGroup:
    """A log group kept 90 days and after its stack is deleted (not after a failed create)."""
    return logs.LogGroup(
        title,
        RetentionInDays=LOG_RETENTION_DAYS,
        DeletionPolicy="RetainExceptOnCreate",
        UpdateReplacePolicy="Retain",
        **tag_list(ir),
    )
