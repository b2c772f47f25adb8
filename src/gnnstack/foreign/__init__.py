"""Pricing what another tool wrote: `pulumi preview --json`, `pulumi stack export`, gnnstack's own
preview JSON (and, through `program`, a Pulumi Python project run under mocks).

`load(path)` reads a file into before and after graphs, each AWS resource with its own region;
`price_plan` prices both with one price book and one usage and gives the change per resource.
This layer imports the graph, costing, errors and regions; never pulumi, click or rich."""

from __future__ import annotations

from .load import SHAPES, ForeignPlan, load
from .plan import PlanEstimate, ResourceChange, Side, price_plan

__all__ = ["SHAPES", "ForeignPlan", "PlanEstimate", "ResourceChange", "Side", "load", "price_plan"]
