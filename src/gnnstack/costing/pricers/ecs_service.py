"""ECS services on Fargate: vCPU-hours and GB-hours of the service's task definition x its tasks.

The task definition is found from the service's `taskDefinition` input (an ARN or id naming it,
or its family; one beside the service first when several have that family); when a preview does
not know it yet, by name (a task definition with the service's logical name or whose family is
the service's name); otherwise the service is not priceable and the message says what is
missing. Fargate bills the task-level `cpu` (CPU units, 1024 = 1 vCPU, or "1 vCPU") and
`memory` (MiB, or "2 GB"), on x86_64 or ARM64 (`runtimePlatform.cpuArchitecture`), and ephemeral
storage above the 20 GiB included.

Base: `desiredCount` tasks all month (AWS's default is 0: the line says so). Worst: the
`maxCapacity` of the Application Auto Scaling target whose `resourceId` is
`service/<cluster>/<service name>` (one beside the service, in its component, first); a service
without one keeps its desired count, so its worst is its base; a scaling target whose resourceId
is unknown (a preview) may be this service's: the worst case is then unbounded. Fargate Spot (a
capacity provider strategy on FARGATE_SPOT; strategy weights split the tasks, `base` counts are
not read) is priced from the catalog's spot rows, missing ones leave the service unpriced; its
worst case is on demand. The EC2 and EXTERNAL launch types run on instances priced on their own
(the Auto Scaling group or instances): the service adds no line."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Hashable, Optional

from ._refs import nearest, referenced
from ._registry import pricer
from ..lines import CostLine, NoCharge, NotPriceable, PricingContext, number, picked
from ...graph import Resource

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SCALING_TARGET = "aws:appautoscaling/target:Target"
INCLUDED_STORAGE_GB = Decimal(20)
# The service's inputs its lines follow from. Not `taskDefinition` or `name`, which only pick its
# task definition and scaling targets: those are in the key by their own inputs (TASK_INPUTS,
# TARGET_INPUTS), so services alike on alike task definitions share lines.
SERVICE_INPUTS = ("launchType", "capacityProviderStrategies", "desiredCount", "schedulingStrategy")
TASK_INPUTS = ("cpu", "memory", "runtimePlatform", "ephemeralStorage", "family")
TARGET_INPUTS = ("resourceId", "maxCapacity", "minCapacity", "scalableDimension", "serviceNamespace")


def _fargate_share(r: Resource) -> Optional[tuple[Decimal, Decimal]]:
    """(on-demand share, spot share) of the service's tasks on Fargate, or None if it is not on
    Fargate. A capacity provider strategy splits tasks by weight (base counts are ignored: said so)."""
    strategies = r.inputs.get("capacityProviderStrategies") or []
    if strategies:
        weights: dict[str, Decimal] = {}
        for s in strategies:
            provider = str(s.get("capacityProvider", ""))
            weights[provider] = weights.get(provider, Decimal(0)) + number(s.get("weight", 0), "strategy weight")
        fargate = {"FARGATE", "FARGATE_SPOT"}
        if not set(weights) & fargate:
            return None
        if set(weights) - fargate:
            raise NotPriceable("a capacity provider strategy mixing Fargate with "
                               f"{', '.join(sorted(set(weights) - fargate))} is not priced")
        total = sum(weights.values(), Decimal(0))
        if total == 0:
            raise NotPriceable("the capacity provider strategy gives every provider weight 0")
        return weights.get("FARGATE", Decimal(0)) / total, weights.get("FARGATE_SPOT", Decimal(0)) / total
    launch = r.inputs.get("launchType")
    if launch == "FARGATE":
        return Decimal(1), Decimal(0)
    if launch in ("EC2", "EXTERNAL"):
        return None
    if launch is None:
        raise NotPriceable("the service sets neither launchType nor capacityProviderStrategies (the cluster's "
                           "default strategy decides: set launchType FARGATE or EC2)")
    raise NotPriceable(f"unknown launchType {launch!r}")


def task_definition(r: Resource, ctx: PricingContext) -> Resource:
    ref = r.inputs.get("taskDefinition")
    found = referenced(ctx, ref, TASK_DEFINITION, ("family",), near=r)
    if found is not None:
        return found
    names = {r.name, r.inputs.get("name")} - {None}
    found = nearest([t for t in ctx.graph.of_type(TASK_DEFINITION)
                     if t.name in names or t.inputs.get("family") in names], r)
    if found is not None:
        return found
    shown = "not set" if ref is None else repr(ref)
    raise NotPriceable(f"cannot find the task definition: taskDefinition is {shown}, and no one task definition "
                       f"is named {r.name!r} or has that family; add the task definition to the program or file")


def scaling_targets(r: Resource, ctx: PricingContext) -> tuple[list[Resource], bool]:
    """(targets whose resourceId names this service, whether a target of ECS with an unknown
    resourceId exists, which might)."""
    names = {r.name, r.inputs.get("name")} - {None}
    mine, unknown = [], False
    for t in ctx.graph.of_type(SCALING_TARGET):
        rid = t.inputs.get("resourceId")
        if not isinstance(rid, str) or rid.startswith("["):
            unknown = unknown or t.inputs.get("serviceNamespace") in ("ecs", None)
            continue
        parts = rid.split("/")
        if len(parts) == 3 and parts[0] == "service" and parts[2] in names:
            mine.append(t)
    beside = [t for t in mine if r.parent is not None and t.parent == r.parent]
    return beside or mine, unknown


@pricer("aws:ecs/service:Service")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    share = _fargate_share(r)
    if share is None:
        raise NoCharge("its tasks run on EC2 or external instances (launch type or capacity providers), which are "
                       "priced as their own resources")
    task = task_definition(r, ctx)
    targets, unknown = scaling_targets(r, ctx)
    key: Hashable = (picked(r.inputs, *SERVICE_INPUTS), picked(task.inputs, *TASK_INPUTS),
                     tuple(picked(t.inputs, *TARGET_INPUTS) for t in targets), unknown)
    return ctx.alike(r, key, lambda: _lines(r, ctx, share, task, targets, unknown))


_CPU = re.compile(r"^\s*([0-9.]+)\s*(vcpu)?\s*$", re.IGNORECASE)
_MEM = re.compile(r"^\s*([0-9.]+)\s*(gb|gib|mb|mib)?\s*$", re.IGNORECASE)


def vcpus(value: Any) -> Decimal:
    m = _CPU.match(str(value)) if value is not None else None
    if m is None:
        raise NotPriceable(f"the task definition's cpu is {value!r}: set CPU units (256, 1024) or '1 vCPU'")
    n = number(m.group(1), "cpu")
    return n if m.group(2) else n / 1024


def memory_gb(value: Any) -> Decimal:
    m = _MEM.match(str(value)) if value is not None else None
    if m is None:
        raise NotPriceable(f"the task definition's memory is {value!r}: set MiB (512, 2048) or '2 GB'")
    n = number(m.group(1), "memory")
    return n if (m.group(2) or "").lower() in ("gb", "gib") else n / 1024


def _lines(r: Resource, ctx: PricingContext, share: tuple[Decimal, Decimal], task: Resource,
           targets: list[Resource], unknown: bool) -> list[CostLine]:
    if task.inputs.get("cpu") is None or task.inputs.get("memory") is None:
        raise NotPriceable(f"task definition {task.name} sets no task-level "
                           f"{'cpu' if task.inputs.get('cpu') is None else 'memory'} (Fargate bills it)")
    cpu, mem = vcpus(task.inputs["cpu"]), memory_gb(task.inputs["memory"])
    platform = task.inputs.get("runtimePlatform") or {}
    arch = str(platform.get("cpuArchitecture") or "X86_64").upper()
    if arch not in ("X86_64", "ARM64"):
        raise NotPriceable(f"unknown cpuArchitecture {arch!r}")
    os_family = str(platform.get("operatingSystemFamily") or "LINUX").upper()
    if os_family != "LINUX":
        raise NotPriceable(f"Fargate on {os_family} is not priced (Linux only)")
    storage = (task.inputs.get("ephemeralStorage") or {}).get("sizeInGib")
    extra_gb = max(Decimal(0), number(storage, "ephemeralStorage.sizeInGib") - INCLUDED_STORAGE_GB) \
        if storage is not None else Decimal(0)

    if r.inputs.get("desiredCount") is not None:
        desired, basis = number(r.inputs["desiredCount"], "desiredCount"), "desiredCount"
    else:
        desired, basis = Decimal(0), "desiredCount not set: AWS's default 0"
    dims = [t for t in targets if t.inputs.get("scalableDimension", "ecs:service:DesiredCount")
            == "ecs:service:DesiredCount"]
    worst_tasks: Optional[Decimal]
    if dims:
        worst_tasks = max(number(t.inputs.get("maxCapacity"), "scaling target maxCapacity") for t in dims)
        worst_note = f"worst: the scaling target's maxCapacity {worst_tasks} tasks all month"
    elif unknown:
        worst_tasks, worst_note = None, "worst: unbounded (a scaling target with an unknown resourceId may scale it)"
    else:
        worst_tasks, worst_note = desired, "worst: no scaling target, the desired count is fixed"
    tasks = f"{desired} task{'' if desired == 1 else 's'} ({basis})"
    note = f"{tasks} x {cpu.normalize():f} vCPU, {mem.normalize():f} GB; {worst_note}"
    arm = arch == "ARM64"

    on_demand, spot = share
    lines: list[CostLine] = []
    for dim, per_task, unit_name, item in (("vCPU", cpu, "vCPU-hours", "vcpu-hour"),
                                           ("memory", mem, "GB-hours", "gb-hour"),
                                           ("ephemeral storage above 20 GB", extra_gb, "GB-hours", "storage-gb-hour")):
        if per_task == 0:
            continue
        # vCPU and memory bill by architecture; storage does not
        suffix = "/arm64" if arm and item != "storage-gb-hour" else ""
        label = " (ARM64)" if suffix else ""
        od_price = ctx.price("fargate", f"{item}{suffix}")
        worst_q = None if worst_tasks is None else worst_tasks * per_task * ctx.hours
        for kind, part in (("on-demand", on_demand), ("spot", spot)):
            if part == 0:
                continue
            base_q = desired * per_task * ctx.hours * part
            worst_part = None if worst_q is None else worst_q * part
            if kind == "spot":
                price = ctx.price("fargate", f"spot/{item}{suffix}")
                lines.append(ctx.line(r, f"Fargate {dim}{label} (spot)", unit_name, base_q, worst_part, price,
                                      od_price, note=note + "; spot's worst is the on-demand price"))
            else:
                lines.append(ctx.line(r, f"Fargate {dim}{label}", unit_name, base_q, worst_part, od_price, note=note))
    return lines

