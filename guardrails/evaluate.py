"""Evaluating the rules: the same pure functions for the CLI (preview, check) and the policy pack."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Optional

from gnnstack.costing import Estimate
from gnnstack.graph import ResourceGraph

from .config import GuardrailConfig
from .context import RuleContext
from .registry import Params, Rule
from .waivers import Waiver

FAILING = "mandatory"


@dataclass(frozen=True)
class Violation:
    rule: str
    level: str
    resource: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"rule": self.rule, "level": self.level, "resource": self.resource, "message": self.message}


@dataclass
class Verdict:
    stack: str
    environment: str
    violations: list[Violation] = field(default_factory=list)
    waived: list[tuple[Violation, Waiver]] = field(default_factory=list)
    expired_waivers: list[Waiver] = field(default_factory=list)
    rules: list[tuple[str, str]] = field(default_factory=list)  # (rule, level) evaluated
    # Rules that read what only gnnstack's own stacks have (its components, tags, option), left
    # out for a graph gnnstack did not build; empty for gnnstack's stacks.
    not_applicable: list[str] = field(default_factory=list)

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.level == FAILING]

    @property
    def passed(self) -> bool:
        return not self.mandatory

    def to_json(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "environment": self.environment,
            "violations": [v.to_json() for v in self.violations],
            "waived": [{**v.to_json(), "waiver": w.to_json()} for v, w in self.waived],
            "expired_waivers": [w.to_json() for w in self.expired_waivers],
            "rules": [{"rule": r, "level": level} for r, level in self.rules],
            **({"not_applicable": list(self.not_applicable)} if self.not_applicable else {}),
        }


def run_rule(ctx: RuleContext, rule: Rule, params: Params) -> list[tuple[str, str]]:
    """(resource, message) findings of one rule, as plain tuples the policy pack can report."""
    return [(f.resource, f.message) for f in rule.check(ctx, params)]


def evaluate(graph: ResourceGraph, estimate: Estimate, config: GuardrailConfig, now: datetime,
             environment: Optional[str] = None, *, foreign: bool = False,
             region: Optional[str] = None) -> Verdict:
    """`foreign`: a graph gnnstack did not build (any Pulumi program): only the rules marked
    `any_program` run, with `environment` and `region` as stated; the others are listed as not
    applicable."""
    if foreign and environment is None:
        raise ValueError("a foreign graph has no gnnstack option to read the environment from: state it")
    ctx = RuleContext(graph, estimate, now, environment if foreign else None, region if foreign else None)
    env = environment or ctx.environment
    verdict = Verdict(graph.stack, env)
    today = now.date()
    for name, setting in config.for_environment(env).items():
        if foreign and not setting.rule.any_program:
            verdict.not_applicable.append(name)
            continue
        verdict.rules.append((name, setting.level))
        if setting.level == "disabled":
            continue
        for resource, message in run_rule(ctx, setting.rule, setting.params):
            v = Violation(name, setting.level, resource, message)
            waiver = config.waivers.find(name, resource, graph.stack, today)
            if waiver is not None:
                verdict.waived.append((v, waiver))
                continue
            for w in config.waivers.lapsed(name, resource, graph.stack, today):
                # Each expired waiver is named once, however many findings it would cover (by
                # identity: two equal entries in the file are two waivers, as the file has them).
                if not any(w is seen for seen in verdict.expired_waivers):
                    verdict.expired_waivers.append(w)
            verdict.violations.append(v)
    return verdict
