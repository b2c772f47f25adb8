"""Cost projection over the resource graph: a sourced price catalog, one pricer per resource
type, base and worst case under caps, and a 12-month view as the graph grows. Never imports
pulumi: it reads the graph."""

from .catalog import Price, PriceBook
from .estimate import Estimate, Unpriced, cents, estimate, money
from .lines import HOURS_PER_MONTH, CostLine

__all__ = ["CostLine", "Estimate", "HOURS_PER_MONTH", "Price", "PriceBook", "Unpriced", "cents", "estimate", "money"]
