"""One AWS Budget per stack, filtered by the stack's cost-allocation tag."""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

from ._base import STACK_TAG, StackContext, child
from .args import BudgetArgs


class StackBudget(pulumi.ComponentResource):
    def __init__(self, name: str, b: BudgetArgs, ctx: StackContext,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("gnnstack:cost:Budget", name, {"monthlyUsd": str(b.monthly_usd)}, opts)
        notifications = [
            {"comparison_operator": "GREATER_THAN", "threshold": float(t), "threshold_type": "PERCENTAGE",
             "notification_type": "ACTUAL", "subscriber_email_addresses": list(b.alert_emails)}
            for t in b.alert_thresholds_percent
        ]
        if b.forecast_alert_percent is not None:
            notifications.append(
                {"comparison_operator": "GREATER_THAN", "threshold": float(b.forecast_alert_percent),
                 "threshold_type": "PERCENTAGE", "notification_type": "FORECASTED",
                 "subscriber_email_addresses": list(b.alert_emails)})
        self.budget = aws.budgets.Budget(
            f"{name}-monthly",
            name=f"gnnstack-{ctx.project}-{ctx.stack}",
            budget_type="COST",
            limit_amount=str(b.monthly_usd),
            limit_unit="USD",
            time_unit="MONTHLY",
            # Cost allocation tags appear in Budgets as "user:<key>$<value>" once activated.
            cost_filters=[{"name": "TagKeyValue", "values": [f"user:{STACK_TAG}${ctx.stack}"]}],
            notifications=notifications,
            tags=ctx.tags(),
            opts=child(self),
        )
        self.register_outputs({"budget": self.budget.name})
