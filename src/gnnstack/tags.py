"""The cost-allocation and lifecycle tags gnnstack writes on every taggable resource, and reads
back: the guardrails (required tags), the budget filter and Cost Explorer (the stack tag), and
reap (environment, stack and expiry). One home, so a renamed tag is one edit."""

from __future__ import annotations

PROJECT = "Project"
OWNER = "Owner"
COST_CENTER = "CostCenter"
ENVIRONMENT = "Environment"
STACK = "gnnstack:stack"
OPTION = "gnnstack:option"
EXPIRES_AT = "gnnstack:expires-at"

# Every resource carries these; experiments carry EXPIRES_AT as well.
REQUIRED: tuple[str, ...] = (PROJECT, OWNER, COST_CENTER, ENVIRONMENT, STACK, OPTION)

# The environments a stack can be, as written in the ENVIRONMENT tag and the stack file.
ENVIRONMENTS: tuple[str, ...] = ("experiment", "production")
EXPERIMENT = "experiment"
