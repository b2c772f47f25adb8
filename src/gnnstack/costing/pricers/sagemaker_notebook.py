"""SageMaker notebook instances: instance hours all month (they bill until stopped)."""

from __future__ import annotations

from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext
from ...graph import Resource


@pricer("aws:sagemaker/notebookInstance:NotebookInstance")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    instance_type = r.inputs.get("instanceType")
    if not isinstance(instance_type, str):
        raise NotPriceable("instanceType is not known")
    return ctx.alike(r, instance_type, lambda: [ctx.line(r, f"Notebook instance ({instance_type})", "hours",
                                                         ctx.hours, ctx.hours,
                                                         ctx.price("sagemaker", f"notebook/{instance_type}"),
                                                         note="bills until stopped")])
