"""Cost reports: a stack's estimate (with the estimate at catalog prices next to it when an
override file is in use, and the cost until the stack expires), and every option side by
side. Data only: gnnstack.outputs renders them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Optional

from ..graph import ResourceGraph
from .catalog import PriceBook
from .estimate import Estimate, estimate
from .lifetime import Lifetime, until_expiry
from .usage import UsageSet


@dataclass
class CostReport:
    stack: str
    option: str
    estimate: Estimate
    overrides: Optional[str] = None  # the override file in use
    at_catalog: Optional[Estimate] = None  # the same graph at catalog prices, when overrides are in use
    lifetime: Optional[Lifetime] = None  # the cost until the TTL expires; None: no TTL (or not asked)


@dataclass
class Comparison:
    stack: str
    reports: list[CostReport]


def price_book(project_root: Path, declared: Optional[str], override: Optional[str]) -> tuple[PriceBook, Optional[str]]:
    """The prices for a stack: the catalog, plus `override` (a path from the command line) or else
    the scenario's `costing.price_overrides` (relative to the project)."""
    if override:
        return PriceBook.load(override, override), override
    if declared:
        return PriceBook.load(project_root / declared, declared), declared
    return PriceBook.load(), None


def cost_report(graph: ResourceGraph, book: PriceBook, overrides: Optional[str],
                usage: Optional[UsageSet] = None, *, expires_at: Optional[datetime] = None,
                now: Optional[datetime] = None) -> CostReport:
    """`expires_at` (the stack's TTL, with `now`): the report also gives the cost until then."""
    est = estimate(graph, book, usage=usage)
    at_catalog = estimate(graph, book.catalog_only(), usage=usage) if book.overrides else None
    life = None
    if expires_at is not None:
        if now is None:
            raise ValueError("cost_report: expires_at needs now")
        life = until_expiry(est, expires_at, now)
    return CostReport(graph.stack, graph.option, est, overrides, at_catalog, life)
