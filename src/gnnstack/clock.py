"""The current time, overridable with GNNSTACK_NOW (ISO 8601) for reproducible previews and tests."""

from __future__ import annotations

import os
from datetime import datetime, timezone

from .errors import ConfigError


def now() -> datetime:
    fixed = os.environ.get("GNNSTACK_NOW")
    if fixed:
        try:
            at = datetime.fromisoformat(fixed.replace("Z", "+00:00"))
        except ValueError:
            raise ConfigError(f"GNNSTACK_NOW is {fixed!r}: use ISO 8601, e.g. 2026-11-23T10:30:00Z") from None
        return at if at.tzinfo else at.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc)
