"""What the policy pack needs, without pulumi_policy: the graph from the engine's resources, the
estimate, the rule run with its params and waivers from policy config, and the config files
generated from guardrails/config.yaml. Kept apart from `__main__.py` so it can be tested as is."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Iterable, Optional

from gnnstack import clock
from gnnstack.costing import Estimate, estimate
from gnnstack.costing.report import price_book
from gnnstack.costing.usage import UsageSet
from gnnstack.graph import Resource, ResourceGraph
from gnnstack.outputs.figures import lifetime_text, usd, worst_text  # plain text: no click, no jinja2

from .config import GuardrailConfig
from .context import RuleContext
from .evaluate import run_rule
from .registry import RULES, Rule
from .waivers import Waivers

if TYPE_CHECKING:  # imported where it is used: only the pack itself needs pulumi_policy
    from pulumi_policy import PolicyConfigSchema

COMPONENT_PREFIXES = ("gnnstack:", "pulumi:pulumi:Stack")


def policy_config(config: GuardrailConfig, environment: str) -> dict[str, dict[str, Any]]:
    """Pulumi policy config for one environment: level, params and waivers per rule."""
    out: dict[str, dict[str, Any]] = {}
    for name, s in config.for_environment(environment).items():
        out[name] = {"enforcementLevel": s.level, "params": s.params.model_dump(mode="json"),
                     "waivers": [w.to_json() for w in config.waivers.for_rule(name)]}
    out["cost-estimate"] = {"enforcementLevel": "advisory"}
    return out


def graph_from_policy_resources(resources: Iterable[Any], stack: str = "pulumi") -> ResourceGraph:
    """The engine's resources (pulumi_policy PolicyResource-like: resource_type, name, props, parent)."""
    out = []
    for r in resources:
        if r.resource_type == "pulumi:pulumi:Stack":
            continue
        parent = r.parent.name if getattr(r, "parent", None) is not None and \
            r.parent.resource_type != "pulumi:pulumi:Stack" else None
        out.append(Resource(r.resource_type, r.name, parent, _plain(dict(r.props)),
                            custom=not r.resource_type.startswith(COMPONENT_PREFIXES)))
    option = next((r for r in out if r.type.startswith("gnnstack:option:")), None)
    return ResourceGraph(stack, option.inputs.get("option", "unknown") if option else "unknown", out)


def _plain(value: Any) -> Any:
    """pulumi_policy hands out read-only proxies: plain dicts and lists, as the rules expect."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return [_plain(v) for v in value]
    return value


@dataclass
class PackAdapter:
    project_root: Path
    rules: dict[str, Rule] = field(default_factory=lambda: dict(RULES))
    _cache: dict[tuple[str, ...], tuple[ResourceGraph, Estimate]] = field(default_factory=dict)

    def _priced(self, resources: list[Any]) -> tuple[ResourceGraph, Estimate]:
        key = tuple(str(r.urn) for r in resources)
        if key not in self._cache:
            graph = graph_from_policy_resources(resources, self._stack(resources))
            option = next((r for r in graph.resources if r.type.startswith("gnnstack:option:")), None)
            overrides = option.inputs.get("priceOverrides") if option else None
            book, _ = price_book(self.project_root, overrides, None)  # as preview and check price it
            usage = self._usage(graph, option.inputs.get("option") if option else None)
            self._cache = {key: (graph, estimate(graph, book, usage=usage))}
        return self._cache[key]

    def _usage(self, graph: ResourceGraph, option: Optional[str]) -> Optional[UsageSet]:
        """The usage `gnnstack preview` prices the stack with, from the same stack file (and its
        `costing.usage_file`): usage is never in Pulumi state. Without the stack file only
        documented defaults apply, and resources whose usage is required are "needs usage"."""
        from gnnstack.assess import stack_usage
        from gnnstack.project import find_project, load_stack

        project = find_project(self.project_root)
        if not project.stack_file(graph.stack).is_file():
            return None
        _, scenario = load_stack(project, graph.stack, option)
        return stack_usage(graph, scenario, project_root=self.project_root)

    @staticmethod
    def _stack(resources: list[Any]) -> str:
        for r in resources:
            parts = str(r.urn).split("::")
            if len(parts) > 1:
                return parts[0].removeprefix("urn:pulumi:")
        return "pulumi"

    def config_schema(self, name: str) -> PolicyConfigSchema:
        from pulumi_policy import PolicyConfigSchema

        return PolicyConfigSchema(properties={
            "params": {"type": "object", "description": f"Parameters of {name}"},
            "waivers": {"type": "array", "description": "Waivers: rule, resource, stack, reason, expires"},
        })

    def check(self, name: str, resources: list[Any], config: Optional[Mapping[str, Any]]) -> list[tuple[str, str]]:
        """(urn, message) for each unwaived finding of rule `name`."""
        rule = self.rules[name]
        config = config or {}
        params = rule.params(**_whole(config.get("params") or rule.example))
        graph, est = self._priced(resources)
        ctx = RuleContext(graph, est, clock.now())
        waivers = Waivers.from_json(config.get("waivers") or [])
        urns = {r.name: r.urn for r in resources}
        today = clock.now().date()
        out = []
        for resource, message in run_rule(ctx, rule, params):
            if waivers.find(name, resource, graph.stack, today) is not None:
                continue
            out.append((urns.get(resource, ""), f"{resource}: {message}"))
        return out

    def cost_summary(self, resources: list[Any]) -> str:
        graph, e = self._priced(resources)
        life = RuleContext(graph, e, clock.now()).lifetime  # the expiry from the tags, as the rules read it
        return (f"gnnstack projected cost for {graph.stack}: base {usd(e.base)} USD a month, worst case "
                f"{worst_text(e)}; {len(e.unpriced)} unpriced. {lifetime_text(life)}")


def _whole(params: dict[str, Any]) -> dict[str, Any]:
    """Policy config numbers arrive as floats: integral ones back to int, others to Decimal."""
    out = {}
    for k, v in params.items():
        if isinstance(v, float):
            v = int(v) if v.is_integer() else Decimal(str(v))
        out[k] = v
    return out
