"""`tsc logs`: a stage's service log, or the log of the last build or release.

Names come from the stack, never from the user: the stage's LogGroupName output; for
--build or --release, the pipeline's latest Build action (or the stage's Release action)
gives its CodeBuild build, whose log group and stream BatchGetBuilds names. `--since`
starts that far back (`30s`, `10m`, `2h`, `1d`); `--follow` polls for new events until
Ctrl-C (which the command turns into exit status 130).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from compiler.deploy import pipeline
from compiler.deploy.aws import Aws, poll_seconds
from compiler.deploy.errors import DeployError
from compiler.deploy.stack_view import StackView

_SINCE = re.compile(r"^(\d+)([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

Emit = Callable[[str], None]


@dataclass(frozen=True)
class LogSource:
    """Where the lines are: a log group, and one stream of it (a build's) or all."""

    group: str
    stream: str | None
    what: str  # 'service of stage dev', 'build crud-api-build:1f2e...'


def since_seconds(text: str) -> int:
    """'10m' -> 600; a ValueError for anything else."""
    match = _SINCE.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a duration like 30s, 10m, 2h or 1d")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def service_source(view: StackView, stage: str | None) -> LogSource:
    chosen = view.stage(stage)
    return LogSource(chosen.log_group, None, f"service of stage {chosen.name}")


def build_source(aws: Aws, view: StackView, stage: str | None, release: bool) -> LogSource:
    """The log of the latest Build action, or of `stage`'s latest Release action."""
    name = view.output("PipelineName")
    wanted = (
        (pipeline.release_stage(view.stage(stage).name), pipeline.RELEASE_ACTION)
        if release
        else (pipeline.BUILD_STAGE, pipeline.BUILD_STAGE)
    )
    run = next((r for r in pipeline.action_runs(aws, name) if (r.stage, r.action) == wanted), None)
    if run is None or not run.external_id:
        raise DeployError(
            f"the pipeline has not run {'/'.join(wanted)} yet (ship code with `tsc push`)"
        )
    builds = aws.call("codebuild", "batch_get_builds", ids=[run.external_id]).get("builds") or []
    logs = (builds[0].get("logs") or {}) if builds else {}
    if not logs.get("groupName") or not logs.get("streamName"):
        raise DeployError(f"build {run.external_id} has no CloudWatch log (yet)")
    return LogSource(logs["groupName"], logs["streamName"], f"build {run.external_id}")


def _line(event: dict[str, object], with_stream: bool) -> str:
    stamp = datetime.fromtimestamp(_stamp(event) / 1000, UTC)
    message = str(event.get("message", "")).rstrip("\n")
    stream = str(event.get("logStreamName", ""))
    prefix = f"[{stream.rsplit('/', 1)[-1][:8]}] " if with_stream and stream else ""
    return f"{stamp:%Y-%m-%d %H:%M:%S} {prefix}{message}"


def _group_events(aws: Aws, source: LogSource, start_ms: int) -> Iterator[dict[str, object]]:
    params: dict[str, object] = {"logGroupName": source.group, "startTime": start_ms}
    if source.stream:
        params["logStreamNames"] = [source.stream]
    for page in aws.pages("logs", "filter_log_events", **params):
        yield from page.get("events") or []


def show(aws: Aws, source: LogSource, since: int, follow: bool, emit: Emit) -> None:
    """Print the events since `since` seconds ago, oldest first; then follow, if asked.

    Each poll asks from the newest timestamp printed, and the events of that millisecond
    already printed are remembered: none is printed twice and none is lost."""
    start_ms = int((time.time() - since) * 1000)
    seen: dict[str, int] = {}  # event ID -> timestamp, of those at start_ms
    while True:
        fresh = [e for e in _group_events(aws, source, start_ms) if str(e["eventId"]) not in seen]
        fresh.sort(key=lambda e: (_stamp(e), str(e["eventId"])))
        for event in fresh:
            emit(_line(event, source.stream is None))
            seen[str(event["eventId"])] = _stamp(event)
        if fresh:
            start_ms = _stamp(fresh[-1])
            seen = {event_id: at for event_id, at in seen.items() if at >= start_ms}
        if not follow:
            return
        time.sleep(poll_seconds())


def _stamp(event: dict[str, object]) -> int:
    return int(str(event["timestamp"]))
