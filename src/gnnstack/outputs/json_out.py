"""JSON for tools: each command's document, built from its result objects. The caller dumps it
(`json.dumps(doc, indent=2)`); a field's meaning never changes without a new `CHECK_SCHEMA`.

Named json_out, not json, so that it never stands in for the standard library's module."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from .. import __version__, clock
from ..costing.carbon import estimate_carbon
from ..costing.estimate import money
from ..costing.lines import quantity
from .figures import TOP, moved_words

# The `check --format json` shape `gnnstack diff` reads; raised when a field changes meaning.
CHECK_SCHEMA = 2


# --------------------------------------------------------------------------- preview, compare


def preview_json(graph: Any, scenario: Any, costs: Any, verdict: Any) -> dict[str, Any]:
    """`preview --format json`: the stack, every resource, the estimate and the verdicts."""
    expires = scenario.expires_at()
    return {
        "stack": graph.stack,
        "option": graph.option,
        "environment": scenario.environment,
        "region": scenario.region,
        "database_enabled": scenario.database_enabled,
        "expires_at": clock.iso(expires) if expires else None,
        "resources": [r.to_json() for r in graph],
        "estimate": cost_report_json(costs),
        "carbon": estimate_carbon(costs.estimate).to_json(),
        "guardrails": verdict.to_json(),
    }


def _line_ref(line: Any) -> dict[str, Any]:
    return {"component": line.component, "resource": line.resource, "name": line.name,
            "base_monthly": money(line.base_monthly), "worst_case_monthly": money(line.worst_monthly)}


def cost_report_json(report: Any) -> dict[str, Any]:
    """A `CostReport`: the estimate, the lifetime cost, the top cost drivers and the prices used."""
    data = report.estimate.to_json()
    data["lifetime"] = report.lifetime.to_json() if report.lifetime is not None else None
    data["top_cost_drivers"] = [_line_ref(line) for line in report.estimate.top(TOP)]
    data["prices"] = {"catalog": "gnnstack/data/prices", "overrides": report.overrides,
                      "overridden_lines": sum(1 for line in report.estimate.lines if line.price.overridden)}
    if report.at_catalog is not None:
        data["at_catalog_prices"] = {"monthly": report.at_catalog.summary_json(),
                                     "unpriced": [u.to_json() for u in report.at_catalog.unpriced]}
    return data


def comparison_json(c: Any) -> dict[str, Any]:
    """`compare --format json`: each option's totals, unbounded and unpriced resources, biggest
    lines and next 12 months."""
    return {"stack": c.stack, "currency": "USD", "options": [
        {"option": r.option, "monthly": r.estimate.summary_json(),
         "at_catalog_prices": r.at_catalog.summary_json() if r.at_catalog else None,
         "unbounded": [{"resource": x.resource, "name": x.name} for x in r.estimate.unbounded],
         "unpriced": [u.to_json() for u in r.estimate.unpriced],
         "biggest_lines": [_line_ref(x) for x in r.estimate.top(3)],
         "months": [money(m) for m in r.estimate.months()]}
        for r in c.reports]}


def training_json(t: Any) -> dict[str, Any]:
    """`compare --training --format json`: each candidate on demand and on managed spot, per run
    and per month (low and high hours), with the prices and the assumptions they rest on."""
    return {"stack": t.stack, "currency": "USD", "region": t.region, "job": t.job,
            "instance_count": str(t.instance_count),
            "ml_storage_gb": None if t.volume_gb is None else str(t.volume_gb),
            "max_runtime_hours": str(t.max_runtime_hours.normalize()),
            "runs_per_month": str(quantity(t.runs_per_month)), "schedule": t.schedule,
            "assumptions": [t.spot_overhead.to_json()], "price_overrides": t.overrides,
            "choices": [_choice(c) for c in t.choices],
            "at_catalog_prices": None if t.at_catalog is None else [_choice(c) for c in t.at_catalog]}


def _choice(c: Any) -> dict[str, Any]:
    return {"instance_type": c.candidate.instance_type, "kind": c.kind,
            "hours_per_run": {"low": str(c.candidate.hours_low), "high": str(c.candidate.hours_high)},
            "on_demand": _purchase(c.on_demand), "spot": _purchase(c.spot),
            "unpriced": c.unpriced or None, "notes": list(c.notes)}


def _purchase(p: Any) -> Optional[dict[str, Any]]:
    if p is None:
        return None
    return {"hours_per_run": {"low": str(quantity(p.hours.low)), "high": str(quantity(p.hours.high))},
            "per_run": {"low": money(p.per_run.low), "high": money(p.per_run.high)},
            "per_month": {"low": money(p.per_month.low), "high": money(p.per_month.high)},
            "hourly_price": p.price.to_json()}


# --------------------------------------------------------------------------- check


def _line(line: Any) -> dict[str, Any]:
    worst = line.worst_monthly
    return {"resource": line.resource, "type": line.resource_type, "component": line.component,
            "name": line.name, "unit": line.unit, "base_quantity": str(line.base_quantity),
            "worst_case_quantity": None if line.worst_quantity is None else str(line.worst_quantity),
            "unit_price": str(line.unit_price), "worst_case_unit_price": str(line.worst_unit_price),
            "base_monthly": str(line.base_monthly), "worst_case_monthly": None if worst is None else str(worst)}


def _stack_summary(a: Any, file: str) -> dict[str, Any]:
    e = a.costs.estimate
    return {"stack": a.graph.stack, "option": a.scenario.option, "environment": a.scenario.environment,
            "file": file, "monthly": e.summary_json(),
            "lifetime": a.costs.lifetime.to_json() if a.costs.lifetime is not None else None,
            "unpriced": len(e.unpriced),
            "unpriced_resources": [u.to_json() for u in e.unpriced],
            # What `gnnstack diff` compares: every priced line, by resource and line name.
            "lines": [_line(line) for line in e.lines],
            "guardrails": a.verdict.to_json()}


def check_json(r: Any, commit: Optional[str] = None) -> dict[str, Any]:
    """`check --format json` of a `gnnstack.check.CheckResult`: what `gnnstack diff` reads."""
    return {"tool": "gnnstack", "version": __version__, "schema": CHECK_SCHEMA, "status": "priced",
            "commit": commit, "passed": r.passed,
            "stacks": [_stack_summary(a, r.stack_files[a.graph.stack]) for a in r.assessments]}


def failed_json(reason: str, commit: Optional[str] = None) -> dict[str, Any]:
    """What `check --format json` records when it cannot price: `gnnstack diff` then says "could
    not be priced: REASON", never a zero."""
    return {"tool": "gnnstack", "version": __version__, "schema": CHECK_SCHEMA, "status": "failed",
            "error": reason, "commit": commit, "passed": False, "stacks": []}


# --------------------------------------------------------------------------- diff


def diff_json(d: Any) -> dict[str, Any]:
    """`diff --format json` of a `gnnstack.diff.CostDiff`."""
    return {"tool": "gnnstack", "kind": "cost-diff", "currency": "USD",
            "base": {"commit": d.base_commit, "error": d.base_error},
            "head": {"commit": d.head_commit, "error": d.head_error},
            "total": None if not d.comparable else {
                "base": d.total.to_json(), "worst_case": d.total_worst.to_json(),
                "worst_case_change": moved_words(d.total_worst)},
            "stacks": [_stack_diff(s) for s in d.stacks]}


def _stack_diff(s: Any) -> dict[str, Any]:
    return {"stack": s.stack, "status": s.status, "option": s.option,
            "base": s.base.to_json(), "worst_case": s.worst_case.to_json(),
            "worst_case_change": moved_words(s.worst_case),
            "resources": [{"resource": r.resource, "type": r.type, "status": r.status,
                           "base": r.base.to_json(), "worst_case": r.worst_case.to_json(), "lines": r.lines}
                          for r in s.resources],
            "newly_unpriced": s.newly_unpriced, "no_longer_unpriced": s.no_longer_unpriced}


# --------------------------------------------------------------------------- guardrails


def rules_json(rules: list) -> list[dict[str, Any]]:
    """`guardrails list --format json`: each rule with its parameter schema (dump with default=str)."""
    return [{"name": r.name, "description": r.description, "levels": r.levels,
             "params": r.params.model_json_schema(), "example": r.example} for r in rules]


# --------------------------------------------------------------------------- actuals


# The `actuals --format json` document's version: raised when a field changes meaning.
ACTUALS_SCHEMA = 1


def _pct(p: Any) -> Optional[str]:
    return None if p is None else str(p.quantize(Decimal("0.1")))


def actuals_json(r: Any) -> dict[str, Any]:
    """`actuals --format json`: an `ActualsReport`, days in order, services biggest difference
    first (then by name); money to the cent, percentages to a tenth, as strings."""
    return {
        "schema": ACTUALS_SCHEMA,
        "stack": r.stack,
        "tag": {"key": r.tag[0], "value": r.tag[1]},
        "currency": "USD",
        "metric": "UnblendedCost",
        "period": {"start": r.start.isoformat(), "end_exclusive": r.end.isoformat(), "days": len(r.days)},
        "estimate": {"monthly_base": money(r.monthly_base), "days_per_month": str(r.days_per_month),
                     "month_basis": r.month_basis, "per_day": money(r.per_day), "unpriced_resources": r.unpriced},
        "days": [{"date": d.day.isoformat(), "actual": money(d.actual), "estimate": money(d.estimate),
                  "difference": money(d.difference), "difference_pct": _pct(d.percent),
                  "cost_explorer_estimated": d.estimated} for d in r.days],
        "total": {"days_reported": len(r.reported), "days_without_data": len(r.days) - len(r.reported),
                  "actual": money(r.actual), "estimate": money(r.estimate), "difference": money(r.difference),
                  "difference_pct": _pct(r.percent)},
        "services": [{"service": s.service, "actual": money(s.actual), "estimate": money(s.estimate),
                      "difference": money(s.difference), "difference_pct": _pct(s.percent), "note": s.note or None}
                     for s in r.services],
        "explains_most": [s.service for s in r.explaining()],
        "notes": list(r.notes),
    }


# --------------------------------------------------------------------------- solve


def solve_lambda_json(r: Any) -> dict[str, Any]:
    """`solve lambda --format json`: the budget, the prices used and requests a day per row."""
    free = None if r.free_tier is None else {
        "gb_seconds_per_month": "400000", "requests_per_month": "1000000", "hours_per_month": "730",
        "gb_seconds_per_day": str(r.free_tier.gb_seconds_per_day),
        "requests_per_day": str(r.free_tier.requests_per_day)}
    return {
        "budget": r.budget.to_json(),
        "region": r.region,
        "currency": "USD",
        "formula": "requests = floor(budget_per_day / (usd_per_gb_second * gb_seconds + usd_per_request))",
        "architectures": r.architectures,
        "prices": {
            "usd_per_gb_second": {a: str(r.duration_usd[a]) for a in r.architectures},
            "duration": {a: (p.to_json() if p is not None else "--price-per-gb-second")
                         for a, p in r.duration_prices.items()},
            "usd_per_request": f"{r.request_usd:f}",
            "requests": r.request_price.to_json(),
            "seed_usd_per_gb_second": "0.00001667",
        },
        "free_tier": free,
        "rows": [{"gb_seconds": str(row.gb_seconds), "requests_per_day": dict(row.requests),
                  "at_seed_price": row.at_seed_price} for row in r.rows],
    }


def _priced_json(p: Any) -> dict[str, Any]:
    return {"base": money(p.base), "worst_case": money(p.worst), "worst_case_bounded": money(p.worst_bounded),
            "unbounded": list(p.unbounded)}


def solution_json(s: Any) -> dict[str, Any]:
    """`solve STACK --format json`: the budget, the changes (dotted stack-file paths), the cost
    before and after, and whether it fits."""
    return {
        "stack": s.stack, "option": s.option, "currency": "USD", "budget": s.budget.to_json(),
        "bounds": "worst_case" if s.worst_case else "base", "fits": s.fits, "direction": s.direction,
        "knobs": s.knobs,
        "changes": [{"path": c.path, "old": c.old, "new": c.new, "old_set_in_file": c.set_in_file,
                     "stopped_by": c.why_stopped} for c in s.changes],
        "kept": [{"path": c.path, "value": c.old, "set_in_file": c.set_in_file, "why": c.why_stopped}
                 for c in s.kept],
        "stack_file": _priced_json(s.start), "result": _priced_json(s.result), "settings_priced": s.evaluations,
    }
