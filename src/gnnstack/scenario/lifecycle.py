"""What a stack may spend and how long an experiment lives: the budget and the TTL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Annotated, Optional

from pydantic import Field, field_validator, model_validator

from ._base import EMAIL, Model, PositiveDecimal, PositiveInt


class Budget(Model):
    monthly_usd: PositiveDecimal = Field(description="Monthly budget in USD for this stack")
    alert_thresholds_percent: list[Annotated[int, Field(gt=0, le=1000)]] = Field(
        default=[50, 80, 100], min_length=1,
        description="Actual-spend alerts, as percent of the budget",
    )
    forecast_alert_percent: Optional[Annotated[int, Field(gt=0, le=1000)]] = Field(
        default=100, description="Alert when forecast spend passes this percent; null for none"
    )
    alert_emails: list[str] = Field(min_length=1, description="Who receives budget alerts")

    @field_validator("alert_emails")
    @classmethod
    def _emails(cls, v: list[str]) -> list[str]:
        for e in v:
            if not EMAIL.match(e):
                raise ValueError(f"{e!r} is not an e-mail address (expected name@domain)")
        return v


class Ttl(Model):
    """When an experiment expires. Exactly one of `hours` (from the time of preview/deploy,
    rounded down to the hour so the tag does not churn within an hour) or `expires_at`."""

    hours: Optional[PositiveInt] = Field(default=None, le=24 * 90)
    expires_at: Optional[datetime] = None

    @model_validator(mode="after")
    def _one_of(self) -> "Ttl":
        if (self.hours is None) == (self.expires_at is None):
            raise ValueError("give exactly one of 'hours' (e.g. 168) or 'expires_at' (ISO 8601, UTC)")
        return self

    def resolve(self, now: datetime) -> datetime:
        if self.expires_at is not None:
            at = self.expires_at
            return at if at.tzinfo else at.replace(tzinfo=timezone.utc)
        start = now.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)
        return start + timedelta(hours=self.hours or 0)
