"""One pricer per resource type, found by type token.

A pricer is `price(resource, ctx) -> list[CostLine]`, registered with `@pricer(TYPE, usage=Model)`
in its own module here; every module of this package is imported (walked with pkgutil), so a new
pricer is one new file. It reads the resource's inputs (sizes, caps, schedules), its usage
through `ctx.usage(resource, Model)` (the typed contract in `costing/usage.py`), and prices from
`ctx`; it never imports pulumi. It raises `MissingPrice` when the catalog lacks a price for the
region, `NotPriceable` when the inputs do not say enough and `NeedsUsage` when a required usage
field has no value; each way the resource is listed as unpriced. A resource that, as configured,
makes no line of its own (a gateway VPC endpoint; an ECS service on EC2 instances) raises
`NoCharge` with the reason, which the outputs show beside it; a pricer that returns no line and
no reason leaves its resource unpriced (never a bare $0). Types known to cost nothing are in
FREE; types whose cost a related resource's pricer counts are in PRICED_WITH. Anything else is
unpriced.

A pricer returns lines of the resource it prices only, made with `ctx.line(resource, ...)`, and
makes them through `ctx.alike(resource, key, build)`: the key holds every value the lines follow
from (the inputs it reads, of the resource and of its neighbours, its usage, its component's role),
and resources of one type with equal keys get copies of one set of lines. A large graph holds many
resources alike; `tests/test_priced_alike.py` prices near-copies of every stack both ways, so a
value read but left out of a key fails there.
"""

from __future__ import annotations

import importlib
import pkgutil

from ._registry import PRICERS, USAGE_MODELS, Pricer, pricer
from .free import FREE, PRICED_WITH

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if not _module.startswith("_"):
        importlib.import_module(f"{__name__}.{_module}")

__all__ = ["FREE", "PRICED_WITH", "PRICERS", "Pricer", "USAGE_MODELS", "pricer"]
