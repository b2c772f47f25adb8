"""The pricer registry: each pricer module registers its function, for one or more resource
types, with the usage model it reads. Kept apart from the package's `__init__` so that pricer
modules import it without importing each other."""

from __future__ import annotations

from typing import Callable, Optional

from ..lines import CostLine, PricingContext
from ..usage import Usage
from ...graph import Resource

Pricer = Callable[[Resource, PricingContext], list[CostLine]]
PRICERS: dict[str, Pricer] = {}
# The usage model each type's pricer reads (types that read no usage are absent).
USAGE_MODELS: dict[str, type[Usage]] = {}


def pricer(*types: str, usage: Optional[type[Usage]] = None) -> Callable[[Pricer], Pricer]:
    """Register `fn` as the pricer of `types`, reading `usage` (a Usage model) if it reads any."""
    def register(fn: Pricer) -> Pricer:
        for t in types:
            if t in PRICERS:
                raise ValueError(f"two pricers for {t}: {PRICERS[t].__module__} and {fn.__module__}")
            PRICERS[t] = fn
            if usage is not None:
                USAGE_MODELS[t] = usage
        return fn

    return register
