"""The AWS regions a stack can be in: one list for the scenario, the price catalog and the
guardrails (a light module, so the catalog checks its rows without loading the scenario models)."""

from __future__ import annotations

# Commercial AWS regions. A region without catalog prices is still valid; its resources are
# then reported as unpriced by the cost engine.
REGIONS: tuple[str, ...] = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1",
    "eu-south-1", "eu-south-2", "ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2",
    "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
    "ap-east-1", "me-south-1", "me-central-1", "af-south-1", "il-central-1",
)
