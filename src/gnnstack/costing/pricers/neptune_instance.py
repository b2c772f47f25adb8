"""Neptune instances (writer and readers): instance hours all month."""

from __future__ import annotations

from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, exact
from ...graph import Resource


@pricer("aws:neptune/clusterInstance:ClusterInstance")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    cls = r.inputs.get("instanceClass")
    if not isinstance(cls, str):
        raise NotPriceable("instanceClass is not known")
    role = "writer" if r.inputs.get("promotionTier", 0) in (0, 0.0) else "reader"
    role = (r.inputs.get("tags") or {}).get("Role", role)
    return ctx.alike(r, (cls, exact(role)), lambda: [ctx.line(r, f"Database instance ({role}, {cls})", "hours",
                                                              ctx.hours, ctx.hours,
                                                              ctx.price("neptune", f"instance/{cls}"))])
