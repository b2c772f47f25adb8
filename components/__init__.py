"""Pulumi component resources: the stack options and their shared building blocks.

The names below load on first use, so `gnnstack.components.usage` (what the components declare
for pricing) can be imported without pulumi."""

from __future__ import annotations

from typing import Any

__all__ = ["EXPIRES_TAG", "OptionArgs", "OptionStack", "STACK_TAG", "StackContext", "TAG_KEYS", "option_args"]


def __getattr__(name: str) -> Any:
    if name in ("EXPIRES_TAG", "STACK_TAG", "TAG_KEYS"):
        from . import _base

        return getattr(_base, name)
    if name in ("OptionArgs", "StackContext", "option_args"):
        from . import args

        return getattr(args, name)
    if name == "OptionStack":
        from . import options

        return getattr(options, name)
    raise AttributeError(name)
