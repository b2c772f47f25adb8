"""Each stack's AWS budget (limit, actual and forecast spend) and, where Cost Explorer has data,
the stack's actual cost by its `gnnstack:stack` tag. Plain boto3: the clients honour
AWS_ENDPOINT_URL and the usual region settings, so the same code runs against AWS or moto."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Optional

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from . import tags
from .errors import GnnstackError

STACK_TAG = tags.STACK


@dataclass(frozen=True)
class BudgetStatus:
    stack: str
    name: str
    limit: Optional[Decimal]
    actual: Optional[Decimal]
    forecast: Optional[Decimal]
    cost_by_tag: Optional[Decimal]  # None: Cost Explorer had no data or is not available
    note: str = ""

    def to_json(self) -> dict[str, Optional[str]]:
        def s(v):
            return None if v is None else str(v)
        return {"stack": self.stack, "budget": self.name, "limit_usd": s(self.limit), "actual_usd": s(self.actual),
                "forecast_usd": s(self.forecast), "cost_by_tag_usd": s(self.cost_by_tag), "note": self.note or None}


def _amount(spend: Optional[dict]) -> Optional[Decimal]:
    return Decimal(str(spend["Amount"])) if spend and "Amount" in spend else None


def _tag_cost(ce, stack: str, today: date) -> tuple[Optional[Decimal], str]:
    start = today.replace(day=1)
    if start == today:
        return None, "Cost Explorer: the month has just started"
    try:
        result = ce.get_cost_and_usage(
            TimePeriod={"Start": start.isoformat(), "End": today.isoformat()}, Granularity="MONTHLY",
            Metrics=["UnblendedCost"], Filter={"Tags": {"Key": STACK_TAG, "Values": [stack]}})
    except (ClientError, BotoCoreError) as e:
        return None, f"Cost Explorer unavailable: {e}"
    periods = result.get("ResultsByTime") or []
    amounts = [Decimal(p["Total"]["UnblendedCost"]["Amount"]) for p in periods
               if (p.get("Total") or {}).get("UnblendedCost")]
    if not amounts:
        return None, "Cost Explorer has no data for this tag yet (is the tag activated for cost allocation?)"
    return sum(amounts, Decimal(0)), ""


def stack_budgets(project: str, stacks: list[str], region: str, today: date, session=None) -> list[BudgetStatus]:
    import boto3

    session = session or boto3.Session(region_name=region)
    budgets = session.client("budgets", region_name="us-east-1")  # Budgets and Cost Explorer are global
    ce = session.client("ce", region_name="us-east-1")
    found: dict[str, dict] = {}
    try:
        account = session.client("sts").get_caller_identity()["Account"]
        for page in budgets.get_paginator("describe_budgets").paginate(AccountId=account):
            for b in page.get("Budgets", []):
                found[b["BudgetName"]] = b
    except NoCredentialsError:
        raise GnnstackError("no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID and "
                            "AWS_SECRET_ACCESS_KEY (or AWS_ENDPOINT_URL for an emulator)") from None
    except (ClientError, BotoCoreError) as e:
        raise GnnstackError(f"cannot read AWS Budgets: {e}") from None
    out = []
    for stack in stacks:
        name = f"gnnstack-{project}-{stack}"
        b = found.get(name)
        cost, note = _tag_cost(ce, stack, today)
        if b is None:
            out.append(BudgetStatus(stack, name, None, None, None, cost, "no budget deployed for this stack"))
            continue
        spend = b.get("CalculatedSpend") or {}
        out.append(BudgetStatus(stack, name, _amount(b.get("BudgetLimit")), _amount(spend.get("ActualSpend")),
                                _amount(spend.get("ForecastedSpend")), cost, note))
    return out
