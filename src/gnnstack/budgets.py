"""Each stack's AWS budget (limit, actual and forecast spend) and, where Cost Explorer has data,
the stack's actual cost by its `gnnstack:stack` tag; and the daily cost by service that
`gnnstack actuals` puts next to the estimate. The one home of Cost Explorer calls. Plain boto3:
the clients honour AWS_ENDPOINT_URL and the usual region settings, so the same code runs against
AWS or moto; functions that call Cost Explorer take the client, so tests hand them a stubbed one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from . import tags
from .costing.actuals import ActualDay, ActualsReport, compare_actuals
from .errors import GnnstackError

STACK_TAG = tags.STACK
CE_REGION = "us-east-1"  # Budgets and Cost Explorer are global, served from us-east-1
NO_CREDENTIALS = ("no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                  "(or AWS_ENDPOINT_URL for an emulator)")


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
    budgets = session.client("budgets", region_name=CE_REGION)
    ce = session.client("ce", region_name=CE_REGION)
    found: dict[str, dict] = {}
    try:
        account = session.client("sts").get_caller_identity()["Account"]
        for page in budgets.get_paginator("describe_budgets").paginate(AccountId=account):
            for b in page.get("Budgets", []):
                found[b["BudgetName"]] = b
    except NoCredentialsError:
        raise GnnstackError(NO_CREDENTIALS) from None
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


# --------------------------------------------------------------------------- actuals (Cost Explorer by day)

ACTIVATE = (f"aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey={STACK_TAG},"
            "Status=Active (or Billing and Cost Management > Cost allocation tags > activate); Cost Explorer "
            "shows tagged costs from about 24 hours after activation, not before")
PERMISSIONS = "ce:GetCostAndUsage and ce:ListCostAllocationTags"


def ce_client(session=None):
    """The Cost Explorer client (global, us-east-1). The seam `gnnstack actuals` tests replace."""
    import boto3

    return (session or boto3.Session()).client("ce", region_name=CE_REGION)


def _ce_failure(e: Exception, call: str) -> GnnstackError:
    """One line with the fix for what Cost Explorer refused."""
    if isinstance(e, NoCredentialsError):
        return GnnstackError(NO_CREDENTIALS)
    if isinstance(e, ClientError):
        code = e.response.get("Error", {}).get("Code", "")
        if code == "DataUnavailableException":
            return GnnstackError("Cost Explorer has no data for this account yet (it has data about 24 hours "
                                 "after it is first enabled): try again tomorrow")
        if code.startswith("AccessDenied") or code == "UnauthorizedOperation":
            return GnnstackError(f"access denied to Cost Explorer ({call}): grant {PERMISSIONS} to the role or "
                                 "user of your AWS credentials")
        if code in ("UnrecognizedClientException", "InvalidClientTokenId", "ExpiredTokenException"):
            return GnnstackError(f"AWS refused the credentials ({code}): refresh them or set AWS_PROFILE")
    return GnnstackError(f"Cost Explorer {call} failed: {e}")


def _ce_amount(value: dict, where: str) -> Decimal:
    if value.get("Unit", "USD") != "USD":
        raise GnnstackError(f"Cost Explorer reports {where} in {value.get('Unit')}; gnnstack compares USD")
    try:
        return Decimal(value["Amount"])  # a string: never through float
    except (KeyError, TypeError, InvalidOperation):
        raise GnnstackError(f"Cost Explorer sent no amount for {where}: {value!r}") from None


def daily_cost_by_service(ce, stack: str, start: date, end: date) -> list[ActualDay]:
    """UnblendedCost per day from `start` to before `end`, grouped by SERVICE, of what is tagged
    gnnstack:stack=`stack`: every page (NextPageToken), one `ActualDay` per day Cost Explorer
    returned (a day split over pages is put back together)."""
    request: dict[str, Any] = {
        "TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()}, "Granularity": "DAILY",
        "Metrics": ["UnblendedCost"], "Filter": {"Tags": {"Key": STACK_TAG, "Values": [stack]}},
        "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}]}
    services: dict[date, dict[str, Decimal]] = {}
    estimated: dict[date, bool] = {}
    token = None
    while True:
        try:
            page = ce.get_cost_and_usage(**request, **({"NextPageToken": token} if token else {}))
        except (ClientError, BotoCoreError) as e:
            raise _ce_failure(e, "ce:GetCostAndUsage") from None
        for period in page.get("ResultsByTime", []):
            day = date.fromisoformat(period["TimePeriod"]["Start"])
            found = services.setdefault(day, {})
            estimated[day] = estimated.get(day, False) or bool(period.get("Estimated"))
            for group in period.get("Groups", []):
                name = group["Keys"][0]
                amount = _ce_amount(group["Metrics"]["UnblendedCost"], f"{day} {name}")
                found[name] = found.get(name, Decimal(0)) + amount
        token = page.get("NextPageToken")
        if not token:
            break
    return [ActualDay(d, services[d], estimated[d]) for d in sorted(services)]


def tag_status(ce, key: str = STACK_TAG) -> Optional[str]:
    """The cost-allocation status of tag `key` ("Active", "Inactive"), None when AWS does not
    list it (it has not seen the tag on a resource yet)."""
    token = None
    while True:
        try:
            page = ce.list_cost_allocation_tags(TagKeys=[key], **({"NextToken": token} if token else {}))
        except (ClientError, BotoCoreError) as e:
            raise _ce_failure(e, "ce:ListCostAllocationTags") from None
        for t in page.get("CostAllocationTags", []):
            if t.get("TagKey") == key:
                return t.get("Status")
        token = page.get("NextToken")
        if not token:
            return None


def period(days: int, end: Optional[str], today: date) -> tuple[date, date]:
    """(first day, day after the last): the `days` whole days before `end` (YYYY-MM-DD, default
    today, whose cost is not complete yet)."""
    if days < 1:
        raise GnnstackError(f"--days {days}: give at least 1 day")
    if end is None:
        last = today
    else:
        try:
            last = date.fromisoformat(end)
        except ValueError:
            raise GnnstackError(f"--end {end!r} is not a date: use YYYY-MM-DD, e.g. {today.isoformat()}") from None
        if last > today:
            raise GnnstackError(f"--end {end} is after today ({today.isoformat()}): Cost Explorer has no cost "
                                "for days to come")
    return last - timedelta(days=days), last


def actual_versus_estimate(estimate: Any, stack: str, start: date, end: date, month_basis: str,
                           ce) -> ActualsReport:
    """Cost Explorer's daily cost of `stack` (through `ce`) next to its `estimate`. Nothing under
    the tag in the whole period: the tag's status says whether it is not activated for cost
    allocation (an error with the fix) or the stack simply cost nothing then (a note)."""
    days = daily_cost_by_service(ce, stack, start, end)
    report = compare_actuals(stack, (STACK_TAG, stack), start, end, days, estimate, month_basis)
    if not report.reported:
        status = tag_status(ce)
        if status is None:
            raise GnnstackError(f"Cost Explorer does not know the tag {STACK_TAG} (AWS lists a tag about 24 "
                                f"hours after it first sees it on a resource): deploy the stack, then {ACTIVATE}")
        if status != "Active":
            raise GnnstackError(f"the tag {STACK_TAG} is not activated for cost allocation (status {status}), "
                                f"so Cost Explorer cannot filter on it: {ACTIVATE}")
        report.notes.append(f"the tag {STACK_TAG} is active, but nothing tagged {STACK_TAG}={stack} had a cost "
                            f"from {start} to before {end}: was the stack deployed then?")
    return report


def stack_actuals(project, stack: str, days: int, end: Optional[str], today: date, ce=None) -> ActualsReport:
    """`gnnstack actuals`: the stack's estimate (as `preview` prices it, offline) next to what Cost
    Explorer reports for it by day. `ce`: a Cost Explorer client (default: from the environment)."""
    from .assess import assess

    start, stop = period(days, end, today)  # bad input fails before any capture
    a = assess(project, stack)
    month_days = a.scenario.costing.month_days
    basis = (f"costing.month_days: {month_days} in the stack file" if month_days is not None
             else f"{a.costs.estimate.hours_per_month} h a month / 24")
    return actual_versus_estimate(a.costs.estimate, stack, start, stop, basis, ce or ce_client())
