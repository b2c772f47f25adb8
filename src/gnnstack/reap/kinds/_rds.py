"""What the two Neptune kinds share: telling Neptune from other engines behind RDS ARNs. (A module
whose name starts with an underscore is a helper, not a kind: the registry does not expect one.)"""

from __future__ import annotations

from dataclasses import replace

from ..discovery import Discovery, by_region
from ..model import Found
from ..registry import Kind


def settle_engine(ctx: Discovery, tagged: list[Found], kind: Kind, operation: str, items_key: str, arn_key: str,
                  status_key: str) -> list[Found]:
    """`tagged` (RDS ARNs), with Neptune's own made `kind` and those already deleting left out;
    other engines are kept as they are. The engine filter is explicit: moto's neptune client
    lists every engine."""
    out = []
    for region, items in by_region(tagged).items():
        def statuses(region: str = region) -> dict[str, str]:
            pages = ctx.client("neptune", region).get_paginator(operation)
            return {x[arn_key]: x.get(status_key, "")
                    for page in pages.paginate(Filters=[{"Name": "engine", "Values": ["neptune"]}])
                    for x in page[items_key]}

        status = ctx.call(f"neptune {operation}", region, statuses)
        for f in items:
            if f.arn not in status:
                out.append(f)  # another engine: reported as rds:*, never deleted by reap
            elif status[f.arn] != "deleting":
                out.append(replace(f, service=kind.service, kind=kind.name))
    return out
