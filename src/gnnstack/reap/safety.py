"""The one safety decision, `reapable`, and `select`, which applies it to everything found.

Pure: no AWS calls. Every kind goes through `reapable` here and again in `delete`; no kind has a
rule of its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Optional

from gnnstack import clock
from gnnstack.tags import ENVIRONMENT, EXPERIMENT, EXPIRES_AT, STACK

from .model import Found


def reapable(tags: dict[str, str], now: datetime) -> tuple[bool, str]:
    """The one decision: may a resource with these tags be reaped at `now`? -> (yes/no, why).

    Yes only for a resource positively marked as an expired experiment: a non-empty
    `gnnstack:stack`, `Environment` equal to `experiment` (case-insensitive, spaces stripped) and a
    well-formed `gnnstack:expires-at` (ISO 8601 with a time zone) at or before `now`. Anything
    else (production, prod, staging, no Environment, a malformed, empty or zone-less expiry, or
    one still ahead) is a no, with the reason."""
    if not str(tags.get(STACK) or "").strip():
        return False, f"no {STACK} tag"
    environment = tags.get(ENVIRONMENT)
    if environment is None:
        return False, f"no {ENVIRONMENT} tag"
    if str(environment).strip().lower() != EXPERIMENT:
        return False, f"{ENVIRONMENT} is {environment!r}, not {EXPERIMENT}"
    if EXPIRES_AT not in tags:
        return False, f"no {EXPIRES_AT} tag"
    try:
        expires = clock.parse_timestamp(tags[EXPIRES_AT]).astimezone(timezone.utc)
    except ValueError as e:
        return False, f"{EXPIRES_AT} {e}"
    if expires > now:
        return False, f"not expired until {clock.iso(expires)}"
    return True, f"expired {clock.iso(expires)}"


@dataclass
class Selection:
    """What `select` decided. `reap`: what may go. `skipped`: what must stay, with the reason (tags
    that do not mark an expired experiment, a region or account not allowed). `not_expired`:
    experiments that will be reapable once their expiry passes, with the reason."""
    reap: list[Found] = field(default_factory=list)
    skipped: list[tuple[Found, str]] = field(default_factory=list)
    not_expired: list[tuple[Found, str]] = field(default_factory=list)

    def blocking(self, stack: str) -> list[tuple[Found, str]]:
        """What of `stack` must stay: destroying the whole stack (through Pulumi) would take it too."""
        return [(f, why) for f, why in self.skipped + self.not_expired if f.stack == stack]


def select(found: Iterable[Found], now: datetime, *, allowed_regions: Optional[list[str]] = None,
           allowed_accounts: Optional[list[str]] = None, account_id: Optional[str] = None) -> Selection:
    """Sort `found` into what may be reaped (`reapable` says yes, and it lies in an allowed
    region/account when those lists are given; an unknown account is never allowed) and what
    is skipped, each with its reason."""
    regions = set(allowed_regions) if allowed_regions is not None else None
    accounts = {str(a) for a in allowed_accounts} if allowed_accounts is not None else None
    out = Selection()
    for f in found:
        ok, why = reapable(f.tags, now)
        if not ok:
            # Well formed and only waiting for its expiry: reapable at that moment.
            waiting = f.expires_at is not None and f.expires_at > now and reapable(f.tags, f.expires_at)[0]
            (out.not_expired if waiting else out.skipped).append((f, why))
        elif regions is not None and f.region not in regions:
            out.skipped.append((f, f"region {f.region} is not allowed (reap: regions)"))
        elif accounts is not None and (f.account or account_id) not in accounts:
            out.skipped.append((f, f"account {f.account or account_id or 'unknown'} is not allowed (reap: accounts)"))
        else:
            out.reap.append(f)
    return out


def expired_experiments(found: Iterable[Found], now: datetime, *, allowed_regions: Optional[list[str]] = None,
                        allowed_accounts: Optional[list[str]] = None, account_id: Optional[str] = None) -> list[Found]:
    """What may be reaped: `select(...).reap`."""
    return select(found, now, allowed_regions=allowed_regions, allowed_accounts=allowed_accounts,
                  account_id=account_id).reap


def group_by_stack(found: Iterable[Found]) -> dict[str, list[Found]]:
    groups: dict[str, list[Found]] = {}
    for f in found:
        groups.setdefault(f.stack, []).append(f)
    return dict(sorted(groups.items()))
