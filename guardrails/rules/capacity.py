"""Capacity rules: caps on everything elastic, spot for interruptible work in experiments,
allowed instance types, bounded training runs, EMR auto-termination."""

from __future__ import annotations

import fnmatch
import json
from decimal import Decimal
from typing import Any, Iterator

from pydantic import Field

from ..context import RuleContext
from ..registry import Finding, Params, rule
from ._jobs import sagemaker_jobs

ASG = "aws:autoscaling/group:Group"
TARGET = "aws:appautoscaling/target:Target"
EMR = "aws:emr/cluster:Cluster"
FLEET = "aws:emr/instanceFleet:InstanceFleet"
SCALING = "aws:emr/managedScalingPolicy:ManagedScalingPolicy"
GLUE = "aws:glue/job:Job"


def _num(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None and not isinstance(value, bool) else None
    except Exception:
        return None


class CapsParams(Params):
    max_instances: int = Field(default=10, gt=0, description="Largest max_size for an Auto Scaling group")
    max_replicas: int = Field(default=5, ge=0, description="Largest replica auto-scaling maximum")
    max_emr_units: int = Field(default=20, gt=0, description="Largest EMR managed-scaling maximum")
    max_job_instances: int = Field(default=8, gt=0, description="Largest SageMaker job instance count")
    max_glue_workers: int = Field(default=20, gt=0, description="Largest Glue worker count")


@rule("autoscaling-caps", description="Every elastic resource has a maximum, and it is no higher than the cap.",
      params=CapsParams, example={"max_instances": 10, "max_replicas": 3}, any_program=True)
def autoscaling_caps(ctx: RuleContext, p: CapsParams) -> Iterator[Finding]:
    for r in ctx.of_type(ASG):
        top = _num(r.inputs.get("maxSize"))
        if top is None:
            yield Finding(r.name, "Auto Scaling group without max_size")
        elif top > p.max_instances:
            yield Finding(r.name, f"max_size {top} is above the cap of {p.max_instances}")
    for r in ctx.of_type(TARGET):
        top = _num(r.inputs.get("maxCapacity"))
        if top is None or top > p.max_replicas:
            yield Finding(r.name, f"auto-scaling max_capacity {top} is above the cap of {p.max_replicas}")
    scaled = {s.parent for s in ctx.of_type(SCALING)}
    for r in ctx.of_type(EMR):
        if r.name not in scaled:
            yield Finding(r.name, "EMR cluster without a managed-scaling policy: no maximum")
    for s in ctx.of_type(SCALING):
        limits = (s.inputs.get("computeLimits") or [{}])[0]
        top = _num(limits.get("maximumCapacityUnits"))
        if top is None or top > p.max_emr_units:
            yield Finding(s.name, f"managed-scaling maximum {top} is above the cap of {p.max_emr_units}")
    for r, kind, job in sagemaker_jobs(ctx):
        count = _num((job.get("ResourceConfig") or {}).get("InstanceCount", 1))
        if count is None or count > p.max_job_instances:
            yield Finding(r.name, f"{kind} job instance count {count} is above the cap of {p.max_job_instances}")
        if kind == "tuning" and _num(job["_limits"].get("MaxNumberOfTrainingJobs")) is None:
            yield Finding(r.name, "tuning job without MaxNumberOfTrainingJobs")
    for r in ctx.of_type(GLUE):
        workers = _num(r.inputs.get("numberOfWorkers") or r.inputs.get("maxCapacity"))
        if workers is None or workers > p.max_glue_workers:
            yield Finding(r.name, f"Glue capacity {workers} is above the cap of {p.max_glue_workers}")


class NoParams(Params):
    pass


@rule("spot-for-experiments", description="In experiments, interruptible capacity (training, tuning, EMR task "
      "fleets, scheduled GPU groups) runs on spot.", params=NoParams, example={},
      experiment="mandatory", production="disabled")
def spot_for_experiments(ctx: RuleContext, p: NoParams) -> Iterator[Finding]:
    if ctx.environment != "experiment":
        return
    for r, kind, job in sagemaker_jobs(ctx):
        if not job.get("EnableManagedSpotTraining"):
            yield Finding(r.name, f"SageMaker {kind} jobs do not use managed spot")
    for r in ctx.of_type(ASG):
        if ctx.graph.children.get(r.name) and _num(r.inputs.get("desiredCapacity")) == 0:  # scheduled batch group
            dist = (r.inputs.get("mixedInstancesPolicy") or {}).get("instancesDistribution") or {}
            if _num(dist.get("onDemandPercentageAboveBaseCapacity", 100)) != 0:
                yield Finding(r.name, "scheduled batch capacity runs on demand, not spot")
    for r in ctx.of_type(FLEET):
        if _num(r.inputs.get("targetOnDemandCapacity")) not in (None, 0):
            yield Finding(r.name, "EMR task fleet uses on-demand capacity")


class TypesParams(Params):
    allowed: list[str] = Field(default_factory=lambda: ["*"], description="Patterns of allowed types (fnmatch)")
    denied: list[str] = Field(default_factory=list, description="Patterns refused even if allowed")


def _instance_types(ctx: RuleContext) -> Iterator[tuple[str, str]]:
    for r in ctx.managed():
        for key in ("instanceType", "instanceClass", "nodeType"):
            value = r.inputs.get(key)
            if isinstance(value, str):
                yield r.name, value
        for fleet_key in ("masterInstanceFleet", "coreInstanceFleet"):
            for cfg in (r.inputs.get(fleet_key) or {}).get("instanceTypeConfigs") or []:
                yield r.name, str(cfg.get("instanceType"))
        for cfg in r.inputs.get("instanceTypeConfigs") or []:
            yield r.name, str(cfg.get("instanceType"))
    for r, _, job in sagemaker_jobs(ctx):
        yield r.name, str((job.get("ResourceConfig") or {}).get("InstanceType"))


def _type_matches(itype: str, patterns: list[str]) -> bool:
    """The type, or the type without its "ml." or "db." prefix, matches one of the patterns."""
    bare = itype.removeprefix("ml.").removeprefix("db.")
    return any(fnmatch.fnmatch(itype, pat) or fnmatch.fnmatch(bare, pat) for pat in patterns)


@rule("allowed-instance-types", description="Instance types match the environment's allowed patterns and none "
      "of its denied ones (e.g. no p4d in experiments).", params=TypesParams,
      example={"allowed": ["*"], "denied": ["p4d.*", "ml.p4d.*"]}, any_program=True)
def allowed_instance_types(ctx: RuleContext, p: TypesParams) -> Iterator[Finding]:
    for name, itype in _instance_types(ctx):
        if _type_matches(itype, p.denied) or not _type_matches(itype, p.allowed):
            yield Finding(name, f"instance type {itype} is not allowed in {ctx.environment}")


class RuntimeParams(Params):
    max_hours: Decimal = Field(default=Decimal(12), gt=0, description="Longest allowed run")


@rule("training-max-runtime", description="Every training and tuning job, GPU training window and Glue run "
      "has a maximum runtime no longer than the cap.", params=RuntimeParams, example={"max_hours": 12})
def training_max_runtime(ctx: RuleContext, p: RuntimeParams) -> Iterator[Finding]:
    for r, kind, job in sagemaker_jobs(ctx):
        seconds = _num((job.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds"))
        if seconds is None:
            yield Finding(r.name, f"{kind} job without a maximum runtime")
        elif seconds / 3600 > p.max_hours:
            yield Finding(r.name, f"{kind} job may run {seconds / 3600} h, over the {p.max_hours} h cap")
    for r in ctx.of_type(GLUE):
        minutes = _num(r.inputs.get("timeout"))
        if minutes is None:
            yield Finding(r.name, "Glue job without a timeout (Glue's default is 48 hours)")
        elif minutes / 60 > p.max_hours:
            yield Finding(r.name, f"Glue timeout {minutes / 60} h is over the {p.max_hours} h cap")
    for c in ctx.graph.resources:
        if c.type == "gnnstack:training:Ec2GpuTraining":
            hours = _num(c.inputs.get("maxRuntimeHours"))
            if hours is None or hours > p.max_hours:
                yield Finding(c.name, f"GPU training window {hours} h is over the {p.max_hours} h cap")


class IdleParams(Params):
    max_idle_minutes: int = Field(default=120, gt=0, description="Longest idle time before termination")


@rule("emr-auto-termination", description="EMR clusters terminate themselves when idle, within the limit.",
      params=IdleParams, example={"max_idle_minutes": 60}, any_program=True)
def emr_auto_termination(ctx: RuleContext, p: IdleParams) -> Iterator[Finding]:
    for r in ctx.of_type(EMR):
        idle = _num((r.inputs.get("autoTerminationPolicy") or {}).get("idleTimeout"))
        if idle is None:
            yield Finding(r.name, "EMR cluster without idle auto-termination")
        elif idle / 60 > p.max_idle_minutes:
            yield Finding(r.name, f"idle timeout {idle / 60} min is over the {p.max_idle_minutes} min limit")


SFN = "aws:sfn/stateMachine:StateMachine"
LAMBDA = "aws:lambda/function:Function"


def _map_states(states: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(name, state) of every Map state, nested ones too."""
    for name, state in states.items():
        if not isinstance(state, dict) or state.get("Type") != "Map":
            continue
        yield name, state
        inner = (state.get("ItemProcessor") or state.get("Iterator") or {}).get("States") or {}
        yield from _map_states(inner)


def _invokes_lambda(state: dict[str, Any]) -> bool:
    inner = (state.get("ItemProcessor") or state.get("Iterator") or {}).get("States") or {}
    return any(":lambda:" in str(s.get("Resource", "")) for s in inner.values() if isinstance(s, dict))


@rule("bounded-fan-out", description="Every Step Functions Map state has a MaxConcurrency, and every Lambda "
      "function a Map fans out to (one in the state machine's component) has reserved concurrency: a fan-out "
      "can neither start unbounded workers nor take the account's whole Lambda concurrency.",
      params=NoParams, example={})
def bounded_fan_out(ctx: RuleContext, p: NoParams) -> Iterator[Finding]:
    for r in ctx.of_type(SFN):
        try:
            definition = json.loads(r.inputs.get("definition") or "{}")
        except (TypeError, ValueError):
            continue  # an unknown definition (a preview before its ARNs exist) says nothing yet
        fans_to_lambda = False
        for name, state in _map_states(definition.get("States") or {}):
            top = _num(state.get("MaxConcurrency"))
            if top is None or top == 0:  # 0 is Step Functions' "no limit"
                yield Finding(r.name, f"Map state {name} without MaxConcurrency: its fan-out has no cap")
            fans_to_lambda = fans_to_lambda or _invokes_lambda(state)
        if not fans_to_lambda:
            continue
        for f in ctx.graph.children.get(r.parent, ()):
            reserved = _num(f.inputs.get("reservedConcurrentExecutions"))
            if f.type == LAMBDA and (reserved is None or reserved < 0):  # -1: unreserved
                yield Finding(f.name, f"Lambda function fanned out to by {r.name} without reserved concurrency")
