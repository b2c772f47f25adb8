"""Guardrail verdicts for people: the block printed under the cost table."""

from __future__ import annotations

import click

from .evaluate import Verdict

COLOURS = {"mandatory": "red", "advisory": "yellow"}


def verdict_text(v: Verdict) -> str:
    head = "passed" if v.passed else f"FAILED ({len(v.mandatory)} mandatory violation(s))"
    out = [click.style(f"Guardrails ({v.environment}): {head}", bold=True, fg="green" if v.passed else "red")]
    for x in sorted(v.violations, key=lambda x: (x.level != "mandatory", x.rule)):
        out.append(f"  {click.style(x.level, fg=COLOURS.get(x.level))} {x.rule}: {x.resource}: {x.message}")
    for x, w in v.waived:
        out.append(f"  waived {x.rule}: {x.resource} (until {w.expires}: {w.reason[:80]})")
    for w in v.expired_waivers:
        out.append(click.style(f"  expired waiver for {w.rule} on {w.resource} (expired {w.expires}): "
                               "no longer applies", fg="yellow"))
    if not v.violations and not v.waived:
        out.append(f"  all {sum(1 for _, level in v.rules if level != 'disabled')} rules pass")
    return "\n".join(out) + "\n"
