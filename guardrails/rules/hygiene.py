"""Hygiene rules: cost-allocation tags, experiment expiry, one region, S3 lifecycle."""

from __future__ import annotations

from datetime import timedelta
from typing import Iterator

from pydantic import Field

from gnnstack.clock import parse_expiry

from ..context import BUCKETS, EXPIRES_TAG, REQUIRED_TAGS, RuleContext, is_taggable, tags_of
from ..registry import Finding, Params, rule


class TagsParams(Params):
    tags: list[str] = Field(default_factory=lambda: list(REQUIRED_TAGS), description="Tag keys every taggable "
                                                                                       "resource carries")


@rule("required-tags", description="Every taggable resource carries the cost-allocation tags (and so do the "
      "instances launch templates start).", params=TagsParams, example={"tags": ["Owner", "CostCenter"]})
def required_tags(ctx: RuleContext, p: TagsParams) -> Iterator[Finding]:
    for r in ctx.managed():
        tags = tags_of(r)
        if tags is None and not is_taggable(r.type):
            continue
        missing = [k for k in p.tags if k not in (tags or {})]
        if missing:
            yield Finding(r.name, f"missing tags: {', '.join(missing)}")
        for spec in r.inputs.get("tagSpecifications") or []:
            gone = [k for k in p.tags if k not in (spec.get("tags") or {})]
            if gone:
                yield Finding(r.name, f"launched {spec.get('resourceType')}s miss tags: {', '.join(gone)}")


class TtlParams(Params):
    max_hours: int = Field(default=24 * 30, gt=0, description="Longest time-to-live from now")


@rule("experiment-ttl", description=f"Experiments carry {EXPIRES_TAG} on every taggable resource, no further "
      "out than the maximum.", params=TtlParams, example={"max_hours": 336},
      experiment="mandatory", production="disabled")
def experiment_ttl(ctx: RuleContext, p: TtlParams) -> Iterator[Finding]:
    if ctx.environment != "experiment":
        return
    latest = ctx.now + timedelta(hours=p.max_hours)
    for r in ctx.managed():
        tags = tags_of(r)
        if tags is None:
            continue
        value = tags.get(EXPIRES_TAG)
        at = parse_expiry(value) if value else None
        if at is None:
            yield Finding(r.name, f"no valid {EXPIRES_TAG} tag" + (f" ({value!r})" if value else ""))
        elif at > latest:
            yield Finding(r.name, f"expires {value}, more than {p.max_hours} h from now")


class NoParams(Params):
    pass


@rule("single-region", description="Every resource is in the stack's region; no cross-region replication.",
      params=NoParams, example={}, any_program=True)
def single_region(ctx: RuleContext, p: NoParams) -> Iterator[Finding]:
    region = ctx.region
    for r in ctx.graph.resources:
        if r.is_provider and r.type == "pulumi:providers:aws" and r.inputs.get("region") not in (None, region):
            yield Finding(r.name, f"provider region {r.inputs.get('region')} is not the stack's {region}")
    for r in ctx.managed():
        zone = r.inputs.get("availabilityZone")
        if isinstance(zone, str) and region and not zone.startswith(region):
            yield Finding(r.name, f"availability zone {zone} is outside {region}")
        explicit = r.inputs.get("region")
        if isinstance(explicit, str) and region and explicit != region:
            yield Finding(r.name, f"region {explicit} is not the stack's {region}")
        if r.type in ("aws:s3/bucketReplicationConfig:BucketReplicationConfig",
                      "aws:dynamodb/tableReplica:TableReplica",
                      "aws:ecr/replicationConfiguration:ReplicationConfiguration"):
            yield Finding(r.name, "cross-region replication")


@rule("s3-lifecycle", description="Every bucket has lifecycle rules that move or expire data.",
      params=NoParams, example={}, any_program=True)
def s3_lifecycle(ctx: RuleContext, p: NoParams) -> Iterator[Finding]:
    configs = ctx.attached_resources("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "bucket",
                                     BUCKETS)
    for b in ctx.of_type(*BUCKETS):
        rules = [rule for lc in configs.get(b.name, ()) for rule in lc.inputs.get("rules") or []]
        if not any(r.get("status") == "Enabled" and (r.get("transitions") or r.get("expiration")) for r in rules):
            yield Finding(b.name, "bucket without an enabled lifecycle rule that transitions or expires data")
