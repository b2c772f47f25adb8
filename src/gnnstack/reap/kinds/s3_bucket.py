"""S3 buckets: emptied (every version and delete marker), then deleted."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, Optional

from botocore.exceptions import ClientError

from ..aws import Refused, is_gone
from ..discovery import Discovery
from ..model import Found
from ..registry import Kind, register

_LOCATIONS = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}  # GetBucketLocation's legacy answers


@register
class Bucket(Kind):
    """S3 buckets, listed by the tagging API. S3 is global: the tagging API of every region may
    list every bucket (moto's does), so each bucket's region comes from S3 itself and only the
    asked-for regions count. Deleted after emptying every object version and delete marker; a
    bucket that cannot be emptied (object lock, legal hold) is refused with the first reason."""

    name = "s3:bucket"
    service = "s3"
    arn = ("s3", None)  # arn:aws:s3:::<bucket>: no resource type

    def discover(self, ctx: Discovery, tagged: list[Found]) -> list[Found]:
        first: dict[str, Found] = {}
        for f in tagged:
            first.setdefault(f.identifier, f)
        regions = bucket_regions(ctx, sorted(first))
        return [replace(first[name], region=region) for name, region in sorted(regions.items())
                if region in ctx.regions]

    def delete_one(self, ctx, f: Found) -> str:
        s3, bucket = ctx.client("s3", f.region), f.identifier
        removed = 0
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            keys = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                    for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
            for i in range(0, len(keys), 1000):
                resp = s3.delete_objects(Bucket=bucket, Delete={"Objects": keys[i:i + 1000], "Quiet": True})
                errors = resp.get("Errors", [])
                if errors:
                    e = errors[0]
                    raise Refused(f"could not empty the bucket: {len(errors)} object(s) refused, e.g. "
                                  f"{e.get('Key')}: {e.get('Code')} {e.get('Message', '')}".rstrip())
                removed += len(keys[i:i + 1000])
        s3.delete_bucket(Bucket=bucket)
        return f"emptied ({removed} object version(s)) and deleted" if removed else "deleted"


def bucket_regions(ctx: Discovery, names: list[str]) -> dict[str, str]:
    """Bucket -> region for the `names` that lie in `ctx.regions` (others may be left out).

    AWS's ListBuckets gives each bucket's BucketRegion: one listing settles everything. moto
    leaves that field out but honours the BucketRegion filter, so then each asked-for region is
    listed with the filter, and the answer is trusted only if the listings are disjoint and a
    spot check with GetBucketLocation agrees; otherwise GetBucketLocation for every bucket."""
    if not names:
        return {}
    s3 = ctx.client("s3", "us-east-1")
    wanted = set(names)

    def listing(**kw: Any) -> dict[str, Optional[str]]:
        return {b["Name"]: b.get("BucketRegion") for page in s3.get_paginator("list_buckets").paginate(**kw)
                for b in page.get("Buckets", [])}

    def locate(name: str) -> tuple[str, Optional[str]]:
        try:
            loc = s3.get_bucket_location(Bucket=name).get("LocationConstraint")
        except ClientError as e:
            if is_gone(e):
                return name, None
            raise
        return name, _LOCATIONS.get(loc, loc)

    def by_filter() -> Optional[dict[str, str]]:
        regions: dict[str, str] = {}
        for region in ctx.regions:
            got = listing(BucketRegion=region)
            if any(n in regions for n in got) or (got and locate(min(got))[1] != region):
                return None  # the filter was ignored: not to be trusted
            regions.update(dict.fromkeys(got, region))
        return regions

    def run() -> dict[str, str]:
        everything = listing()
        if all(everything.get(n) for n in wanted if n in everything):
            return {n: everything[n] for n in wanted if everything.get(n)}
        filtered = by_filter()
        if filtered is not None:
            return {n: filtered[n] for n in wanted if n in filtered}
        with ThreadPoolExecutor(max_workers=8) as pool:
            return {name: region for name, region in pool.map(locate, sorted(wanted)) if region}

    return ctx.call("s3 list_buckets/get_bucket_location", "s3", run)
