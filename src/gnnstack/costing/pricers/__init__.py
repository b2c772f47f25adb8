"""One pricer per resource type, found by type token.

A pricer is `price(resource, ctx) -> list[CostLine]`. It reads the resource's inputs (sizes,
caps, schedules), the usage its component declares, and prices from `ctx`; it never imports
pulumi. It raises `MissingPrice` when the catalog lacks a price for the region and
`NotPriceable` when the inputs do not say enough; either way the resource is listed as unpriced.
Types known to cost nothing are in FREE; types whose cost a related resource's pricer counts are
in PRICED_WITH. Anything else is unpriced.
"""

from __future__ import annotations

from typing import Callable

from ..lines import CostLine, PricingContext
from ...graph import Resource

Pricer = Callable[[Resource, PricingContext], list[CostLine]]
PRICERS: dict[str, Pricer] = {}


def pricer(*types: str) -> Callable[[Pricer], Pricer]:
    def register(fn: Pricer) -> Pricer:
        for t in types:
            if t in PRICERS:
                raise ValueError(f"two pricers for {t}")
            PRICERS[t] = fn
        return fn

    return register


# Importing the modules registers their pricers.
from . import (  # noqa: E402,F401
    autoscaling_group, ebs_volume, ec2_instance, eip, emr_cluster, emr_instance_fleet, glue_job, kinesis_stream,
    kms_key, lambda_function, licence, nat_gateway, neptune_cluster, neptune_instance, neptune_replicas,
    s3_bucket, sagemaker_endpoint, sagemaker_notebook, scheduler_schedule, secretsmanager_secret, step_functions,
    vpc_endpoint,
)
from .free import FREE, PRICED_WITH  # noqa: E402,F401
