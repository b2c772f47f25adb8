"""Guardrail verdicts for people: the block printed under the cost table. Long messages and
waiver reasons are wrapped to the terminal (100 columns when not on one), never cut."""

from __future__ import annotations

import click

from gnnstack.costing.report import wrap

from .evaluate import Verdict

COLOURS = {"mandatory": "red", "advisory": "yellow"}


def verdict_text(v: Verdict) -> str:
    head = "passed" if v.passed else f"FAILED ({len(v.mandatory)} mandatory violation(s))"
    out = [click.style(f"Guardrails ({v.environment}): {head}", bold=True, fg="green" if v.passed else "red")]
    for x in sorted(v.violations, key=lambda x: (x.level != "mandatory", x.rule)):
        # Wrapped as plain text, then the level word (the first one) is coloured.
        first, *rest = wrap(f"{x.level} {x.rule}: {x.resource}: {x.message}", indent="  ")
        out.append("  " + click.style(x.level, fg=COLOURS.get(x.level)) + first[2 + len(x.level):])
        out += rest
    for x, w in v.waived:
        out += wrap(f"waived {x.rule}: {x.resource} (until {w.expires}: {w.reason})", indent="  ")
    for w in v.expired_waivers:
        out += [click.style(line, fg="yellow") for line in wrap(
            f"expired waiver for {w.rule} on {w.resource} (expired {w.expires}): no longer applies", indent="  ")]
    if not v.violations and not v.waived:
        out.append(f"  all {sum(1 for _, level in v.rules if level != 'disabled')} rules pass")
    return "\n".join(out) + "\n"
