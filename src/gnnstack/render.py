"""Rendering a preview for people (a grouped table) and for tools (one JSON object)."""

from __future__ import annotations

from typing import Any

import click

from . import clock
from .graph import Resource, ResourceGraph
from .scenario import Scenario

# Inputs worth a glance: what sizes, caps or schedules a resource. Anything else is in --format json.
SIZING_KEYS = (
    "instanceType", "instanceClass", "minSize", "maxSize", "desiredCapacity", "minCapacity", "maxCapacity",
    "workerType", "numberOfWorkers", "timeout", "executionClass", "shardCount", "retentionPeriod",
    "scheduleExpression", "schedule", "recurrence", "limitAmount", "releaseLabel", "cidrBlock",
    "targetOnDemandCapacity", "targetSpotCapacity", "backupRetentionPeriod", "storageEncrypted",
    "engineVersion", "fromPort", "toPort", "cidrIpv4", "forceDestroy",
)


def short_type(token: str) -> str:
    """aws:ec2/launchTemplate:LaunchTemplate -> ec2:LaunchTemplate."""
    if token.startswith("aws:") and "/" in token:
        module = token.split(":")[1].split("/")[0]
        return f"{module}:{token.rsplit(':', 1)[1]}"
    return token


def _value(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def key_inputs(r: Resource) -> str:
    if r.is_component:
        items = sorted((k, v) for k, v in r.inputs.items() if v is not None)
    else:
        items = [(k, r.inputs[k]) for k in SIZING_KEYS if k in r.inputs and r.inputs[k] not in (None, "")]
        compute = r.inputs.get("computeLimits")
        if compute:
            items.append(("maxUnits", compute[0].get("maximumCapacityUnits")))
    return " ".join(f"{k}={_value(v)}" for k, v in items)


def _header(graph: ResourceGraph, scenario: Scenario) -> str:
    expires = scenario.expires_at()
    ttl = f", expires {expires:%Y-%m-%dT%H:%MZ}" if expires else ""
    db = "" if scenario.database_enabled else ", database off"
    return (f"Stack {graph.stack}: option {scenario.option} ({scenario.environment}, {scenario.region}{db}{ttl})")


def preview_table(graph: ResourceGraph, scenario: Scenario) -> str:
    components = [r for r in graph if r.is_component]
    managed = graph.managed()
    lines = [click.style(_header(graph, scenario), bold=True),
             f"{len(managed)} resources in {len(components)} components (offline, Pulumi mock runtime)", ""]
    groups: dict[str, list[Resource]] = {c.name: [] for c in components}
    for r in managed:
        owner = graph.component_of(r)
        groups.setdefault(owner.name if owner else "(stack)", []).append(r)
    width = max((len(short_type(r.type)) for r in managed), default=10)
    name_width = max((len(r.name) for r in managed), default=10)
    by_name = graph.names
    for comp_name, members in groups.items():
        if not members:
            continue
        comp = by_name.get(comp_name)
        title = f"{comp_name}  [{comp.type}]" if comp else comp_name
        lines.append(click.style(title, fg="cyan", bold=True))
        if comp and key_inputs(comp):
            lines.append(f"  {click.style(key_inputs(comp), dim=True)}")
        for r in members:
            lines.append(f"  {short_type(r.type):<{width}}  {r.name:<{name_width}}  {key_inputs(r)}".rstrip())
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def preview_json(graph: ResourceGraph, scenario: Scenario) -> dict[str, Any]:
    expires = scenario.expires_at()
    return {
        "stack": graph.stack,
        "option": graph.option,
        "environment": scenario.environment,
        "region": scenario.region,
        "database_enabled": scenario.database_enabled,
        "expires_at": clock.iso(expires) if expires else None,
        "resources": [r.to_json() for r in graph],
    }
