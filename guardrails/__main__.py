"""The CrossGuard policy pack: a thin adapter over gnnstack's guardrail rules.

Pulumi starts this file as an Analyzer plugin (`pulumi preview --policy-pack guardrails`). Each
rule becomes one stack validation policy. The policy rebuilds the resource graph from what the
engine sends, prices it with the same catalog, runs the same rule function as `gnnstack preview`
and `gnnstack check`, applies the same waivers, and reports each finding on its resource. Levels,
params and waivers arrive as policy config generated from guardrails/config.yaml
(`gnnstack guardrails policy-config ENV`). The projected cost is logged by the advisory
`cost-estimate` policy.
"""

from __future__ import annotations

from pathlib import Path

from pulumi import log
from pulumi_policy import (EnforcementLevel, Policy, PolicyPack, ReportViolation, StackValidationArgs,
                           StackValidationPolicy)

# mypy checks this folder as the package `guardrails` (pyproject.toml), so it cannot resolve the
# installed name; Pulumi runs this file as a script, where only the installed name works.
from gnnstack.guardrails.pack import PackAdapter  # type: ignore[import-not-found,unused-ignore]

LEVELS = {"advisory": EnforcementLevel.ADVISORY, "mandatory": EnforcementLevel.MANDATORY,
          "disabled": EnforcementLevel.DISABLED}

adapter = PackAdapter(project_root=Path(__file__).resolve().parent.parent)


def _policy(name: str) -> StackValidationPolicy:
    rule = adapter.rules[name]

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        for urn, message in adapter.check(name, args.resources, args.get_config()):
            report_violation(message, urn)

    return StackValidationPolicy(name=name, description=rule.description, validate=validate,
                                 enforcement_level=LEVELS[rule.levels["production"]],
                                 config_schema=adapter.config_schema(name))


def _cost(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    log.info(adapter.cost_summary(args.resources))


policies: list[Policy] = [_policy(name) for name in sorted(adapter.rules)]
policies.append(StackValidationPolicy(name="cost-estimate", validate=_cost, enforcement_level=EnforcementLevel.ADVISORY,
                                      description="Logs the projected monthly cost (never fails)."))
PolicyPack(name="gnnstack-guardrails", enforcement_level=EnforcementLevel.ADVISORY, policies=policies)
