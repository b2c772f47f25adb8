"""`gnnstack report`'s cost_analysis.json: per stack and option, the estimate, the 12-month
projection, what is unpriced, the guardrail verdicts, the recommendations (each measured by
re-pricing the changed stack file) and carbon. Its shape is the JSON Schema
`gnnstack/data/cost_analysis.schema.json`; a field's meaning never changes without a new
REPORT_SCHEMA."""

from __future__ import annotations

from typing import Any

from .. import __version__, clock
from ..costing.estimate import money
from ..costing.carbon import estimate_carbon

REPORT_SCHEMA = 1


def _line(line: Any) -> dict[str, Any]:
    """A line's figures exactly as `preview --format json` writes them, with the catalog service
    of its price (what the dashboard groups by)."""
    full = line.to_json()
    return {"component": line.component, "resource": line.resource, "name": line.name,
            "service": line.price.service, "base_monthly": full["base_monthly"],
            "worst_case_monthly": full["worst_case_monthly"]}


def _option_json(a: Any, recommendations: Any) -> dict[str, Any]:
    est = a.costs.estimate
    return {
        "option": a.graph.option,
        "monthly": est.summary_json(),
        "unbounded": [{"resource": x.resource, "name": x.name} for x in est.unbounded],
        "lines": [_line(x) for x in est.lines],
        "assumptions": [x.to_json() for x in est.assumptions],
        "months": [{"month": i, "base": money(v)} for i, v in enumerate(est.months(), start=1)],
        "unpriced": [u.to_json() for u in est.unpriced],
        "guardrails": a.verdict.to_json(),
        "recommendations": [x.to_json() for x in recommendations],
        "carbon": estimate_carbon(est).to_json(),
    }


def cost_analysis_json(reports: Any, generated_at: Any) -> dict[str, Any]:
    """`reports`: gnnstack.report.StackReport list; `generated_at`: a datetime (gnnstack.clock)."""
    stacks = []
    for r in sorted(reports, key=lambda r: r.stack):
        s = r.own.scenario
        stacks.append({
            "stack": r.stack, "environment": s.environment, "region": s.region, "stack_option": r.own_option,
            "budget_monthly": money(s.budget.monthly_usd),
            "options": [_option_json(a, r.recommendations.get(a.graph.option, [])) for a in r.assessments],
        })
    return {"schema": REPORT_SCHEMA, "generator": f"gnnstack {__version__}", "generated_at": clock.iso(generated_at),
            "currency": "USD", "stacks": stacks}
