"""The current time, overridable with GNNSTACK_NOW (ISO 8601) for reproducible previews and tests."""

from __future__ import annotations

import os
from datetime import datetime, timezone


def now() -> datetime:
    fixed = os.environ.get("GNNSTACK_NOW")
    if fixed:
        at = datetime.fromisoformat(fixed.replace("Z", "+00:00"))
        return at if at.tzinfo else at.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc)
