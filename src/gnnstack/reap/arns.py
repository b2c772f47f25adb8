"""ARNs as botocore parses them, plus the one thing botocore leaves to us: where the resource
type ends and the identifier begins (`instance/i-1`, `cluster:g`, or a bare `my-bucket`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from botocore.utils import ArnParser, InvalidArnException

from .aws import ReapError

_PARSER = ArnParser()
_SEPARATOR = re.compile(r"[/:]")


@dataclass(frozen=True)
class Arn:
    text: str
    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def resource_type(self) -> Optional[str]:
        """`instance` in `instance/i-1`, `cluster` in `cluster:g`; None for a bare `my-bucket`."""
        m = _SEPARATOR.search(self.resource)
        return self.resource[:m.start()] if m else None

    @property
    def resource_id(self) -> str:
        """What follows the resource type (`i-1`, `g`), or the whole resource when it has no type."""
        m = _SEPARATOR.search(self.resource)
        return self.resource[m.end():] if m else self.resource

    def __str__(self) -> str:
        return self.text

    def label(self) -> str:
        """`<service>:<resource type>` (the bare resource when it has no type), for kinds reap
        does not handle: they are reported under this name and never deleted."""
        return f"{self.service}:{self.resource_type or self.resource}"


def parse_arn(text: str) -> Arn:
    """An ARN from AWS; anything else is an error (AWS never returns one, so an endpoint that does
    is not AWS, or not the one meant)."""
    try:
        parts = _PARSER.parse_arn(text)
    except InvalidArnException:
        parts = None
    if not parts or not parts["service"] or not parts["resource"]:
        raise ReapError(f"{text!r} is not an ARN; check AWS_ENDPOINT_URL points at AWS or an emulator of it")
    return Arn(text=text, **parts)
