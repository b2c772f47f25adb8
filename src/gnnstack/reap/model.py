"""The plain results reap hands back: what it found, and what became of each thing it tried to delete."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Optional

from gnnstack import tags as tag_names


@dataclass(frozen=True)
class Found:
    stack: str
    region: str
    service: str
    kind: str
    identifier: str
    arn: str
    expires_at: Optional[datetime]
    tags: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    account: Optional[str] = None
    observed_at: Optional[datetime] = field(default=None, compare=False)

    @property
    def environment(self) -> Optional[str]:
        return self.tags.get(tag_names.ENVIRONMENT)

    @property
    def expired(self) -> bool:
        """Past its expiry at the time it was discovered (no expiry tag: never expired)."""
        if self.expires_at is None:
            return False
        return self.expires_at <= (self.observed_at or datetime.now(timezone.utc))

    def label(self) -> str:
        return f"{self.region} {self.kind} {self.identifier}"


@dataclass(frozen=True)
class Outcome:
    found: Found
    ok: bool
    action: str
    error: Optional[str] = None
