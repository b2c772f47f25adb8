"""The guardrails, by area. Importing this package registers every rule."""

from . import capacity, cost, hygiene, security, training  # noqa: F401
