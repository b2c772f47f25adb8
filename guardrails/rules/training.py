"""Training rules: a managed spot training job can be interrupted, so it must be able to resume."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterator

from pydantic import Field

from gnnstack.graph import UNKNOWN

from ..context import RuleContext
from ..registry import Finding, Params, rule
from ._jobs import sagemaker_jobs


class CheckpointParams(Params):
    include_tuning: bool = Field(default=False, description="Also check the training jobs that tuning jobs start "
                                 "(short trials often restart from scratch on purpose)")


def _seconds(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None and not isinstance(value, bool) else None
    except Exception:
        return None


@rule("spot-training-checkpoints", description="A SageMaker training job on managed spot writes checkpoints to "
      "S3 (CheckpointConfig.S3Uri), so an interrupted run resumes instead of starting over, and may wait for "
      "capacity at least as long as it may run (MaxWaitTimeInSeconds >= MaxRuntimeInSeconds).",
      params=CheckpointParams, example={"include_tuning": False})
def spot_training_checkpoints(ctx: RuleContext, p: CheckpointParams) -> Iterator[Finding]:
    for r, kind, job in sagemaker_jobs(ctx):
        if not job.get("EnableManagedSpotTraining") or (kind == "tuning" and not p.include_tuning):
            continue
        uri = (job.get("CheckpointConfig") or {}).get("S3Uri")
        if uri == UNKNOWN:  # known once deployed (a bucket's name): not missing
            pass
        elif not isinstance(uri, str) or not uri.startswith("s3://"):
            yield Finding(r.name, f"spot {kind} job without CheckpointConfig.S3Uri: an interrupted run starts over")
        stopping = job.get("StoppingCondition") or {}
        run, wait = _seconds(stopping.get("MaxRuntimeInSeconds")), _seconds(stopping.get("MaxWaitTimeInSeconds"))
        if wait is None:
            yield Finding(r.name, f"spot {kind} job without StoppingCondition.MaxWaitTimeInSeconds")
        elif run is None or wait < run:
            yield Finding(r.name, f"spot {kind} job may wait {wait} s, less than its maximum runtime of {run} s: "
                          "set MaxWaitTimeInSeconds >= MaxRuntimeInSeconds")
