"""What every part of the scenario shares: the strict base model and the constrained types."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from .. import instances

PositiveInt = Annotated[int, Field(gt=0)]
NonNegativeInt = Annotated[int, Field(ge=0)]
PositiveDecimal = Annotated[Decimal, Field(gt=0)]
Hours = Annotated[Decimal, Field(gt=0, le=24)]
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


def _instance(service: str):
    """A field validator that accepts only instance types `service` offers."""

    def check(value: str) -> str:
        instances.lookup(value, service)  # raises ValueError with the closest names
        return value

    return check


Ec2Type = Annotated[str, AfterValidator(_instance("ec2"))]
EmrType = Annotated[str, AfterValidator(_instance("emr"))]
NeptuneClass = Annotated[str, AfterValidator(_instance("neptune"))]
SageMakerType = Annotated[str, AfterValidator(_instance("sagemaker"))]
