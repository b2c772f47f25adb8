"""SageMaker jobs declared inside Step Functions definitions, for the rules that cap them."""

from __future__ import annotations

import json
from typing import Any, Iterator

from gnnstack.graph import Resource

from ..context import RuleContext


def sagemaker_jobs(ctx: RuleContext) -> Iterator[tuple[Resource, str, dict[str, Any]]]:
    """(state machine, "training" | "tuning", training job definition) for each SageMaker task."""
    for r in ctx.of_type("aws:sfn/stateMachine:StateMachine"):
        try:
            definition = json.loads(r.inputs.get("definition") or "{}")
        except (TypeError, ValueError):
            continue
        for state in (definition.get("States") or {}).values():
            resource, params = str(state.get("Resource", "")), state.get("Parameters") or {}
            if "createHyperParameterTuningJob" in resource:
                yield r, "tuning", {**(params.get("TrainingJobDefinition") or {}),
                                    "_limits": (params.get("HyperParameterTuningJobConfig") or {})
                                    .get("ResourceLimits") or {}}
            elif "createTrainingJob" in resource:
                yield r, "training", params
