"""Find and remove expired experiment resources: the library behind `gnnstack reap`.

Three steps, each usable alone so the CLI can offer a dry run:

    found = discover(["us-east-1"], clock.now())                 # read-only
    chosen = select(found, clock.now(), allowed_regions=[...],
                    allowed_accounts=[...], account_id=caller_account())
    outcomes = delete(chosen.reap, progress=print)                # the only step that changes anything

Safety is an allowlist with one home, `reapable(tags, now)` in `safety.py`, used for every kind by
`select` and re-checked by `delete` before any kind sees an item (and by the CLI before it
destroys a whole stack through Pulumi): a resource is removed only if it is positively marked as
an expired experiment: `Environment` is `experiment` (any case, spaces stripped), the
`gnnstack:stack` tag is non-empty, and `gnnstack:expires-at` is ISO 8601 with a time zone and in
the past. It must also lie in an allowed region/account when those are given. Everything else is
skipped, with the reason.

Each kind of resource (EC2 instance, EBS volume, S3 bucket, ...) is one module under `kinds/`,
registered in `registry.py` with how to find it, how to delete it, and what it must be deleted
before or after; the deletion order is derived from those declarations.

Plain boto3 only (no Pulumi): the clients honour `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>`
natively (boto3 >= 1.28), which is how the tests point them at moto's server.
"""

from __future__ import annotations

from gnnstack.clock import parse_expiry

from .aws import ReapError, aws_client, caller_account
from .deletion import delete
from .discovery import discover, identify
from .model import Found, Outcome
from .registry import REGISTRY, Kind, KindError, register
from .removal import ROUTES, StackPlan, removal_plan, remove_stack, search_regions
from .safety import Selection, expired_experiments, group_by_stack, reapable, select

REGISTRY.load(f"{__name__}.kinds")

__all__ = [
    "REGISTRY", "ROUTES", "Found", "Kind", "KindError", "Outcome", "ReapError", "Selection", "StackPlan",
    "aws_client", "caller_account", "delete", "discover", "expired_experiments", "group_by_stack", "identify",
    "parse_expiry", "reapable", "register", "removal_plan", "remove_stack", "search_regions", "select",
]
