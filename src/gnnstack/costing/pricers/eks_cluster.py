"""EKS clusters: the control plane's hours.

A Kubernetes version in standard support bills the standard rate; once the version leaves
standard support (14 months after EKS releases it) the cluster bills the extended-support rate
unless `upgradePolicy.supportType` is STANDARD (EKS then upgrades it instead). Which versions are
past standard support changes with the date, so the base case is the standard rate and the worst
case the extended-support rate for any cluster that may enter extended support. Node groups and
Fargate pods are priced on their own."""

from __future__ import annotations

from ._registry import pricer
from ..lines import CostLine, PricingContext, exact
from ...graph import Resource


@pricer("aws:eks/cluster:Cluster")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    policy = (r.inputs.get("upgradePolicy") or {}).get("supportType") if isinstance(
        r.inputs.get("upgradePolicy"), dict) else None
    return ctx.alike(r, (exact(policy), exact(r.inputs.get("version"))), lambda: _lines(r, ctx, policy))


def _lines(r: Resource, ctx: PricingContext, policy: object) -> list[CostLine]:
    standard = ctx.price("eks", "cluster-hour")
    version = r.inputs.get("version")
    shown = f"Kubernetes {version}" if isinstance(version, str) else "version not set (EKS's latest)"
    if policy == "STANDARD":
        return [ctx.line(r, "EKS control plane", "hours", ctx.hours, ctx.hours, standard,
                         note=f"{shown}; upgradePolicy STANDARD: never billed extended support")]
    return [ctx.line(r, "EKS control plane", "hours", ctx.hours, ctx.hours, standard,
                     ctx.price("eks", "cluster-hour/extended-support"),
                     note=f"{shown}; worst: the version past standard support, billed the extended-support rate "
                          "(set upgradePolicy.supportType STANDARD to rule it out)")]
