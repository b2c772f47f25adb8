"""What the Aurora pricers share: the engines they price."""

from __future__ import annotations

from ..lines import NotPriceable

AURORA_ENGINES = ("aurora-postgresql", "aurora-mysql", "aurora")


def aurora_engine(engine: object) -> str:
    """The engine's catalog name (`aurora` is Aurora MySQL's old name), or NotPriceable."""
    if engine not in AURORA_ENGINES:
        raise NotPriceable(f"engine {engine!r}: only Aurora clusters are priced (aurora-postgresql, aurora-mysql)")
    return "aurora-mysql" if engine == "aurora" else str(engine)
