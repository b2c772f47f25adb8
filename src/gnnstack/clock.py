"""The current time, overridable with GNNSTACK_NOW (ISO 8601) for reproducible previews and tests,
and the one parser and writer of ISO 8601 timestamps (`gnnstack:expires-at` tags, GNNSTACK_NOW)."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Optional

from .errors import ConfigError


def parse_timestamp(value: object, *, assume_utc: bool = False) -> datetime:
    """`2026-11-30T12:00:00Z` or `...+01:00` (ISO 8601 date and time with a zone) -> aware datetime.

    Raises ValueError saying why otherwise: "'…' is not a date", or "'…' has no time zone" (a
    value without a zone is taken as UTC only with `assume_utc`)."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{value!r} is not a date")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a date") from None
    if at.tzinfo is None:
        if not assume_utc:
            raise ValueError(f"{value!r} has no time zone")
        at = at.replace(tzinfo=timezone.utc)
    return at


def parse_expiry(value: object) -> Optional[datetime]:
    """A `gnnstack:expires-at` tag value as an aware UTC datetime, or None unless it is well formed
    (ISO 8601 with a time zone: Z or an offset; empty, junk or zone-less values are not)."""
    try:
        return parse_timestamp(value).astimezone(timezone.utc)
    except ValueError:
        return None


def iso(at: datetime) -> str:
    """A timestamp as gnnstack writes it (tags, JSON, reports): UTC, to the second, with a Z.
    An offset is converted to UTC; a time without a zone is taken as UTC."""
    at = at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def now() -> datetime:
    fixed = os.environ.get("GNNSTACK_NOW")
    if fixed:
        try:
            return parse_timestamp(fixed, assume_utc=True)
        except ValueError:
            raise ConfigError(f"GNNSTACK_NOW is {fixed!r}: use ISO 8601, e.g. 2026-11-23T10:30:00Z") from None
    return datetime.now(timezone.utc)
