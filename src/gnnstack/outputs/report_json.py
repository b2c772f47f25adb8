"""`gnnstack report`'s cost_analysis.json: per stack and option, the estimate, the 12-month
projection, what is unpriced, the guardrail verdicts, the recommendations (each measured by
re-pricing the changed stack file) and carbon. Its shape is the JSON Schema
`gnnstack/data/cost_analysis.schema.json`; a field's meaning never changes without a new
REPORT_SCHEMA."""

from __future__ import annotations

from typing import Any

from .. import __version__, clock
from ..costing.estimate import money
from ..costing.carbon import round_kwh

REPORT_SCHEMA = 1
REGIONS_NOTE = ("AWS regions only: the same stack file with `region` changed, built and priced as "
                "`gnnstack preview` would, in every region the price catalog covers ({regions}). "
                "Other clouds are not compared: gnnstack prices AWS.")


def _line(line: Any) -> dict[str, Any]:
    """A line's figures exactly as `preview --format json` writes them, with the catalog service
    of its price (what the dashboard groups by), the price itself (its source, date and
    confidence: the HTML page lists them) and the assumptions the line rests on."""
    full = line.to_json()
    return {"component": line.component, "resource": line.resource, "name": line.name,
            "service": line.price.service, "base_monthly": full["base_monthly"],
            "worst_case_monthly": full["worst_case_monthly"], "price": full["price"],
            "assumptions": full["assumptions"]}


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
        "carbon": a.carbon.to_json(),
    }


def _regions_json(r: Any) -> dict[str, Any]:
    """The stack's own option in each region of the catalog: cost and carbon."""
    from ..costing.catalog import catalog_regions

    rows = []
    for row in r.regions:
        est, carbon = row.assessment.costs.estimate, row.assessment.carbon
        rows.append({"region": row.region, "current": row.current, "base_monthly": money(est.base),
                     "worst_case_monthly": None if est.worst_case is None else money(est.worst_case),
                     "kwh": None if carbon.grid is None else str(round_kwh(carbon.kwh)),
                     "kg_co2e": None if carbon.grid is None else str(round_kwh(carbon.kg_co2e)),
                     "unpriced": len(est.unpriced)})
    note = REGIONS_NOTE.format(regions=", ".join(catalog_regions()))
    if r.regions_skipped:
        note += " Not compared, as the catalog lacks prices there for services the stack uses: " + "; ".join(
            f"{region} (no {', '.join(services)})" for region, services in sorted(r.regions_skipped.items())) + "."
    return {"option": r.own.graph.option, "note": note, "rows": rows}


def cost_analysis_json(reports: Any, generated_at: Any) -> dict[str, Any]:
    """`reports`: gnnstack.report.StackReport list; `generated_at`: a datetime (gnnstack.clock)."""
    stacks = []
    for r in sorted(reports, key=lambda r: r.stack):
        s = r.own.scenario
        stacks.append({
            "stack": r.stack, "environment": s.environment, "region": s.region, "stack_option": r.own_option,
            "budget_monthly": money(s.budget.monthly_usd),
            "options": [_option_json(a, r.recommendations.get(a.graph.option, [])) for a in r.assessments],
            "regions": _regions_json(r),
        })
    return {"schema": REPORT_SCHEMA, "generator": f"gnnstack {__version__}", "generated_at": clock.iso(generated_at),
            "currency": "USD", "stacks": stacks}
