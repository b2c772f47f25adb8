"""Cost rules: budget, worst-case ceiling, cost to expiry, unpriced resources, licence lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator, Literal, Optional

from pydantic import Field

from gnnstack.costing import cents

from ..context import RuleContext
from ..registry import Finding, Params, rule


class BudgetParams(Params):
    budget_usd: Optional[Decimal] = Field(default=None, gt=0,
                                          description="Monthly limit; default: the stack's own budget")


@rule("monthly-budget", description="The base monthly cost is within the stack's budget.",
      params=BudgetParams, example={"budget_usd": 2500}, any_program=True)
def monthly_budget(ctx: RuleContext, p: BudgetParams) -> Iterator[Finding]:
    found = ctx.budget
    limit = p.budget_usd if p.budget_usd is not None else (found[1] if found else None)
    if limit is None:
        yield Finding(ctx.stack, "the stack declares no budget (an AWS Budgets budget) and the rule sets no "
                                 "budget_usd: set monthly-budget's budget_usd in the guardrail config")
        return
    base = ctx.estimate.base
    if base > limit:
        yield Finding(found[0].name if found else ctx.stack,
                      f"base monthly cost {cents(base):,} USD exceeds the budget of {cents(limit):,} USD")


class CeilingParams(Params):
    ceiling_usd: Decimal = Field(gt=0, description="Highest acceptable worst-case monthly cost")


@rule("worst-case-ceiling", description="The worst-case monthly cost (every cap at its maximum) stays under a "
      "ceiling; a line with no cap fails.", params=CeilingParams, example={"ceiling_usd": 10000}, any_program=True)
def worst_case_ceiling(ctx: RuleContext, p: CeilingParams) -> Iterator[Finding]:
    e = ctx.estimate
    for line in e.unbounded:
        yield Finding(line.resource, f"'{line.name}' has no cap, so the worst case is unbounded")
    if e.worst_case_bounded > p.ceiling_usd:
        yield Finding(ctx.stack, f"worst-case monthly cost {cents(e.worst_case_bounded):,} USD "
                                 f"exceeds the ceiling of {cents(p.ceiling_usd):,} USD")


class ExpiryCostParams(Params):
    max_usd: Decimal = Field(gt=0, description="Highest acceptable cost from now until the stack expires")
    case: Literal["base", "worst_case"] = Field(
        default="base", description="Which figure to hold to it: the base case, or the worst case (with a line "
                                    "that has no cap, the sum of the capped lines)")


@rule("cost-to-expiry", description="The cost until the stack expires (its gnnstack:expires-at tag; the monthly "
      "estimate prorated by the hours left) stays under a limit; a stack without a TTL passes.",
      params=ExpiryCostParams, example={"max_usd": 1000, "case": "base"},
      experiment="advisory", production="disabled")
def cost_to_expiry(ctx: RuleContext, p: ExpiryCostParams) -> Iterator[Finding]:
    life = ctx.lifetime
    if life is None:  # production, or no valid expiry tag (experiment-ttl reports that)
        return
    if p.case == "base":
        cost, what = life.base, "base cost"
    else:
        cost, what = life.worst_case_bounded, "worst-case cost"
        if life.worst_case is None:
            what += f" (without {life.unbounded} line(s) that have no cap)"
    if cost > p.max_usd:
        yield Finding(ctx.stack, f"{what} until it expires ({life.hours} h) is {cents(cost):,} USD, over the "
                                 f"limit of {cents(p.max_usd):,} USD")


class StrictParams(Params):
    strict: bool = Field(default=True, description="Fail on any unpriced resource")


@rule("unpriced-resources", description="In strict mode, every resource has a price: an unpriced one fails.",
      params=StrictParams, example={"strict": True}, experiment="advisory", production="mandatory", any_program=True)
def unpriced_resources(ctx: RuleContext, p: StrictParams) -> Iterator[Finding]:
    if p.strict:
        for u in ctx.estimate.unpriced:
            yield Finding(u.resource, f"unpriced: {u.reason}")


class NoParams(Params):
    pass


@rule("licence-cost", description="Notes each commercial licence line (and each licence left unpriced).",
      params=NoParams, example={}, experiment="advisory", production="advisory")
def licence_cost(ctx: RuleContext, p: NoParams) -> Iterator[Finding]:
    for line in ctx.estimate.lines:
        if line.name.startswith("Licence") and line.base_monthly > 0:
            yield Finding(line.resource, f"{line.name}: {cents(line.base_monthly):,} USD a month "
                                         f"({line.price.source})")
    for u in ctx.estimate.unpriced:
        if "licence" in u.reason:
            yield Finding(u.resource, f"licence not priced: {u.reason}")
