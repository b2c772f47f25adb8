"""How the cost estimate counts: usage assumptions that no resource can express."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, Optional

from pydantic import Field

from ._base import Model, NonNegativeInt


class Costing(Model):
    """How the cost estimate counts: usage assumptions that no resource can express."""

    month_days: Optional[Annotated[Decimal, Field(gt=0, le=31)]] = Field(
        default=None, description="Days in a billing month; default 730 hours (365 x 24 / 12)")
    storage_basis: Literal["raw", "features"] = Field(
        default="raw", description="raw: ids, topology and features; features: feature bytes only (the seed)")
    storage_after_days: Optional[NonNegativeInt] = Field(
        default=None, description="Price storage as the graph is after this many days of growth; "
                                  "default: the end of the first month")
    price_overrides: Optional[str] = Field(
        default=None, description="Price override file (CSV, like the catalog), relative to the project")
    usage_file: Optional[str] = Field(
        default=None, description="Usage file (YAML) applied whenever this stack is priced, relative to the "
                                  "project; --usage replaces it")
    nat_gb_per_month: Annotated[Decimal, Field(ge=0)] = Field(
        default=Decimal(100), description="Data through the NAT gateway a month, in GB (usage estimate)")
    commitment: Literal["none", "savings-plan-1y"] = Field(
        default="none", description="How always-on instances are bought: none (on demand), or savings-plan-1y "
                                    "(a 1-year Compute Savings Plan, no upfront, priced from the catalog's "
                                    "savings-plan rows). Applies to capacity that runs all month (Neptune "
                                    "instances, EC2 instances, Auto Scaling groups without schedules), never "
                                    "to scheduled or spot capacity")
