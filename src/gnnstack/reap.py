"""Find and remove expired experiment resources: the library behind `gnnstack reap`.

Three steps, each usable alone so the CLI can offer a dry run:

    found = discover(["us-east-1"], clock.now())                 # read-only
    chosen = select(found, clock.now(), allowed_regions=[...],
                    allowed_accounts=[...], account_id=caller_account())
    outcomes = delete(chosen.reap, progress=print)                # the only step that changes anything

Safety is an allowlist with one home, `reapable(tags, now)`, used for every kind by `select` and
re-checked by `delete` (and by the CLI before it destroys a whole stack through Pulumi): a resource
is removed only if it is positively marked as an expired experiment: `Environment` is
`experiment` (any case, spaces stripped), the `gnnstack:stack` tag is non-empty, and
`gnnstack:expires-at` is ISO 8601 with a time zone and in the past. It must also lie in an
allowed region/account when those are given. Everything else is skipped, with the reason.

Plain boto3 only (no Pulumi): the clients honour `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>`
natively (boto3 >= 1.28), which is how the tests point them at moto's server.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Optional

import boto3
import botocore.config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, WaiterError

from gnnstack import clock
from gnnstack.clock import parse_expiry
from gnnstack.errors import GnnstackError

# The same keys as components/_base.py (not imported from there: that module imports pulumi).
STACK_TAG = "gnnstack:stack"
EXPIRES_TAG = "gnnstack:expires-at"
ENVIRONMENT_TAG = "Environment"

# Deletion order: what holds or feeds something else goes first.
DELETE_ORDER = (
    "sagemaker:notebook-instance",
    "emr:cluster",
    "neptune:db-instance",
    "neptune:cluster",
    "autoscaling:group",
    "ec2:instance",
    "ec2:volume",
    "s3:bucket",
)
REAPABLE_KINDS = frozenset(DELETE_ORDER)

EMR_ACTIVE_STATES = ["STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING"]
_EC2_GONE_STATES = {"shutting-down", "terminated"}

_RETRY_CONFIG = botocore.config.Config(retries={"mode": "adaptive", "max_attempts": 8})

Progress = Optional[Callable[[str], None]]


class ReapError(GnnstackError):
    """Discovery could not read what it needs (credentials, permissions, endpoint)."""


# --------------------------------------------------------------------------------------------
# Clients


def aws_client(service: str, region: Optional[str], session: Any = None):
    """A boto3 client for `service` in `region`, retrying throttling with adaptive backoff.

    Endpoint overrides come from the standard environment (`AWS_ENDPOINT_URL`,
    `AWS_ENDPOINT_URL_<SERVICE>`) or shared config, which boto3 reads itself.
    """
    session = session or boto3.session.Session()
    return session.client(service, region_name=region or session.region_name, config=_RETRY_CONFIG)


class _Clients:
    """One client per (service, region) for the length of one discover/delete call."""

    def __init__(self, session: Any = None) -> None:
        self.session = session or boto3.session.Session()
        self._cache: dict[tuple[str, str], Any] = {}

    def __call__(self, service: str, region: str):
        key = (service, region)
        if key not in self._cache:
            self._cache[key] = aws_client(service, region, self.session)
        return self._cache[key]


def caller_account(session: Any = None) -> Optional[str]:
    """The account the credentials belong to (STS), or None if STS cannot say."""
    try:
        return aws_client("sts", None, session).get_caller_identity()["Account"]
    except NoCredentialsError as e:
        raise ReapError("no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY") from e
    except (ClientError, BotoCoreError):
        return None


# --------------------------------------------------------------------------------------------
# What was found


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
        return self.tags.get(ENVIRONMENT_TAG)

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


def _tag_dict(items: Iterable[dict], key: str = "Key", value: str = "Value") -> dict[str, str]:
    return {str(t[key]): str(t.get(value, "")) for t in items or () if key in t}


_ARN_RE = re.compile(r"^arn:(?P<partition>[^:]+):(?P<service>[^:]+):(?P<region>[^:]*):(?P<account>[^:]*)"
                     r":(?P<resource>.+)$")


def _parse_arn(arn: str) -> Optional[tuple[str, str, str, str, str]]:
    """ARN -> (service, kind, identifier, region, account) from the ARN alone."""
    m = _ARN_RE.match(arn)
    if not m:
        return None
    service, region, account, resource = m["service"], m["region"], m["account"], m["resource"]
    if service == "s3" and "/" not in resource:
        return "s3", "s3:bucket", resource, region, account
    if service == "rds":
        # Neptune lives behind the RDS APIs; which engine it is is settled in `_enrich_rds`.
        rtype, _, ident = resource.partition(":")
        kind = {"cluster": "rds:cluster", "db": "rds:db-instance"}.get(rtype, f"rds:{rtype}")
        return "rds", kind, ident, region, account
    if service == "elasticmapreduce":
        return "emr", "emr:cluster", resource.split("/", 1)[-1], region, account
    if service == "autoscaling":
        return "autoscaling", "autoscaling:group", resource.rsplit("autoScalingGroupName/", 1)[-1], region, account
    if "/" in resource:
        rtype, ident = resource.split("/", 1)
    elif ":" in resource:
        rtype, ident = resource.split(":", 1)
    else:
        rtype, ident = resource, resource
    return service, f"{service}:{rtype}", ident, region, account


def _make_found(arn: str, tags: dict[str, str], now: datetime, **override: Any) -> Optional[Found]:
    """A Found for anything carrying the stack tag key; an empty value is kept (stack "") so that
    it is reported as skipped rather than silently passed over."""
    parsed = _parse_arn(arn)
    if STACK_TAG not in tags or parsed is None:
        return None
    stack = tags[STACK_TAG].strip()
    service, kind, ident, region, account = parsed
    values = dict(stack=stack, region=region, service=service, kind=kind, identifier=ident, arn=arn,
                  expires_at=parse_expiry(tags.get(EXPIRES_TAG)), tags=dict(tags),
                  account=account or None, observed_at=now)
    values.update(override)
    return Found(**values)


# --------------------------------------------------------------------------------------------
# Discovery (read-only)


def discover(regions: list[str], now: datetime, *, session: Any = None,
             stacks: Optional[Iterable[str]] = None) -> list[Found]:
    """Every resource in `regions` carrying the `gnnstack:stack` tag (optionally only `stacks`).

    Sources: the Resource Groups Tagging API, plus EMR (`list_clusters` + `describe_cluster`) and
    Auto Scaling (`describe_auto_scaling_groups`), whose own APIs are authoritative: moto's tagging
    API leaves both out, and the real one does not list Auto Scaling groups. Results are checked
    against each service so that what is already going away (terminated instances, deleting
    notebooks or clusters) is not reported again. De-duplicated by ARN.
    """
    if not regions:
        raise ReapError("no regions to search: pass at least one region")
    wanted = set(stacks) if stacks else None
    clients = _Clients(session)
    found: dict[str, Found] = {}
    buckets: dict[str, tuple[str, dict[str, str]]] = {}  # bucket name -> (arn, tags)
    for region in dict.fromkeys(regions):
        for f in _discover_region(clients, region, now, wanted, buckets):
            found.setdefault(f.arn, f)
    # S3 is global: moto's tagging API returns every bucket in every region (the real one can
    # too), so each bucket's region comes from S3 itself and only the asked-for regions count.
    for name, region in _bucket_regions(clients, list(buckets), regions).items():
        arn, tags = buckets[name]
        if region in regions:
            f = _make_found(arn, tags, now, region=region)
            if f is not None:
                found.setdefault(arn, f)
    order = {k: i for i, k in enumerate(DELETE_ORDER)}
    return sorted(found.values(),
                  key=lambda f: (f.stack, f.region, order.get(f.kind, len(order)), f.kind, f.identifier))


def _call(what: str, region: str, fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except NoCredentialsError as e:
        raise ReapError("no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY") from e
    except (ClientError, BotoCoreError) as e:
        raise ReapError(f"discovery failed in {region} ({what}): {e}") from e


def _discover_region(clients: _Clients, region: str, now: datetime, wanted: Optional[set[str]],
                     buckets: dict[str, tuple[str, dict[str, str]]]) -> list[Found]:
    out: list[Found] = []
    tag_filter: dict[str, Any] = {"Key": STACK_TAG}
    if wanted:
        tag_filter["Values"] = sorted(wanted)

    def tagged() -> list[dict]:
        pages = clients("resourcegroupstaggingapi", region).get_paginator("get_resources")
        return [m for page in pages.paginate(TagFilters=[tag_filter], ResourcesPerPage=100)
                for m in page.get("ResourceTagMappingList", [])]

    by_kind: dict[str, list[Found]] = {}
    for mapping in _call("tagging get_resources", region, tagged):
        arn, tags = mapping["ResourceARN"], _tag_dict(mapping.get("Tags", []))
        f = _make_found(arn, tags, now)
        if f is None or (wanted and f.stack not in wanted):
            continue
        if f.kind == "s3:bucket":
            buckets.setdefault(f.identifier, (arn, tags))
        elif f.kind in ("emr:cluster", "autoscaling:group"):
            continue  # their own APIs below are the source (and skip terminated clusters)
        else:
            by_kind.setdefault(f.kind, []).append(f)

    if "ec2:instance" in by_kind:
        by_kind["ec2:instance"] = _enrich_instances(clients, region, by_kind["ec2:instance"])
    if "rds:cluster" in by_kind or "rds:db-instance" in by_kind:
        rds = by_kind.pop("rds:cluster", []) + by_kind.pop("rds:db-instance", [])
        by_kind["rds"] = _enrich_rds(clients, region, rds)
    if "sagemaker:notebook-instance" in by_kind:
        by_kind["sagemaker:notebook-instance"] = _enrich_notebooks(
            clients, region, by_kind["sagemaker:notebook-instance"])
    for items in by_kind.values():
        out.extend(items)
    out.extend(_discover_emr(clients, region, now, wanted))
    out.extend(_discover_asgs(clients, region, now, wanted))
    return out


def _enrich_instances(clients: _Clients, region: str, items: list[Found]) -> list[Found]:
    """Drop instances already terminated or terminating (the tagging API keeps listing them)."""
    def states() -> dict[str, str]:
        pages = clients("ec2", region).get_paginator("describe_instances")
        return {i["InstanceId"]: i["State"]["Name"]
                for page in pages.paginate(Filters=[{"Name": "tag-key", "Values": [STACK_TAG]}])
                for r in page["Reservations"] for i in r["Instances"]}

    state = _call("ec2 describe_instances", region, states)
    return [f for f in items if state.get(f.identifier, "terminated") not in _EC2_GONE_STATES]


def _enrich_rds(clients: _Clients, region: str, items: list[Found]) -> list[Found]:
    """Tell Neptune from other RDS engines (the ARNs are all arn:aws:rds:...) and drop what is
    already being deleted. The engine filter is explicit: moto's neptune client lists every engine."""
    neptune = clients("neptune", region)
    flt = [{"Name": "engine", "Values": ["neptune"]}]

    def clusters() -> dict[str, str]:
        return {c["DBClusterArn"]: c.get("Status", "") for page in
                neptune.get_paginator("describe_db_clusters").paginate(Filters=flt) for c in page["DBClusters"]}

    def instances() -> dict[str, str]:
        return {i["DBInstanceArn"]: i.get("DBInstanceStatus", "") for page in
                neptune.get_paginator("describe_db_instances").paginate(Filters=flt) for i in page["DBInstances"]}

    status = {**_call("neptune describe_db_clusters", region, clusters),
              **_call("neptune describe_db_instances", region, instances)}
    out = []
    for f in items:
        if f.arn in status:
            if status[f.arn] == "deleting":
                continue
            kind = "neptune:cluster" if f.kind == "rds:cluster" else "neptune:db-instance"
            f = replace(f, service="neptune", kind=kind)
        out.append(f)  # other engines stay as rds:* (reported, not deleted by reap)
    return out


def _enrich_notebooks(clients: _Clients, region: str, items: list[Found]) -> list[Found]:
    """Real names and status: SageMaker lower-cases names in ARNs, so the ARN is not the name."""
    def listing() -> dict[str, tuple[str, str]]:
        pages = clients("sagemaker", region).get_paginator("list_notebook_instances")
        return {n["NotebookInstanceArn"]: (n["NotebookInstanceName"], n.get("NotebookInstanceStatus", ""))
                for page in pages.paginate() for n in page["NotebookInstances"]}

    known = _call("sagemaker list_notebook_instances", region, listing)
    out = []
    for f in items:
        name, status = known.get(f.arn, (None, None))
        if name is None or status == "Deleting":
            continue
        out.append(replace(f, identifier=name))
    return out


def _discover_emr(clients: _Clients, region: str, now: datetime, wanted: Optional[set[str]]) -> list[Found]:
    emr = clients("emr", region)

    def run() -> list[Found]:
        out = []
        for page in emr.get_paginator("list_clusters").paginate(ClusterStates=EMR_ACTIVE_STATES):
            for c in page.get("Clusters", []):
                desc = emr.describe_cluster(ClusterId=c["Id"])["Cluster"]
                tags = _tag_dict(desc.get("Tags", []))
                arn = desc.get("ClusterArn") or c.get("ClusterArn")
                f = _make_found(arn, tags, now, identifier=c["Id"]) if arn else None
                if f is not None and (not wanted or f.stack in wanted):
                    out.append(f)
        return out

    return _call("emr list_clusters/describe_cluster", region, run)


def _discover_asgs(clients: _Clients, region: str, now: datetime, wanted: Optional[set[str]]) -> list[Found]:
    def run() -> list[Found]:
        out = []
        pages = clients("autoscaling", region).get_paginator("describe_auto_scaling_groups")
        for page in pages.paginate():
            for g in page.get("AutoScalingGroups", []):
                if g.get("Status") == "Delete in progress":
                    continue
                tags = _tag_dict(g.get("Tags", []))
                f = _make_found(g["AutoScalingGroupARN"], tags, now, identifier=g["AutoScalingGroupName"])
                if f is not None and (not wanted or f.stack in wanted):
                    out.append(f)
        return out

    return _call("autoscaling describe_auto_scaling_groups", region, run)


def _bucket_regions(clients: _Clients, names: list[str], regions: list[str]) -> dict[str, str]:
    """Bucket -> region for the `names` that lie in `regions` (others may be left out).

    AWS's ListBuckets gives each bucket's BucketRegion: one listing settles everything. moto
    leaves that field out but honours the BucketRegion filter, so then each asked-for region is
    listed with the filter, and the answer is trusted only if the listings are disjoint and a
    spot check with GetBucketLocation agrees; otherwise GetBucketLocation for every bucket."""
    if not names:
        return {}
    s3 = clients("s3", "us-east-1")
    wanted = set(names)

    def listing(**kw: Any) -> dict[str, Optional[str]]:
        return {b["Name"]: b.get("BucketRegion") for page in s3.get_paginator("list_buckets").paginate(**kw)
                for b in page.get("Buckets", [])}

    def locate(name: str) -> tuple[str, Optional[str]]:
        try:
            loc = s3.get_bucket_location(Bucket=name).get("LocationConstraint")
        except ClientError as e:
            if _is_gone(e):
                return name, None
            raise
        return name, {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(loc, loc)

    def run() -> dict[str, str]:
        everything = listing()
        if all(everything.get(n) for n in wanted if n in everything):
            return {n: everything[n] for n in wanted if everything.get(n)}
        by_filter: dict[str, str] = {}
        trusted = True
        for region in dict.fromkeys(regions):
            got = listing(BucketRegion=region)
            if any(n in by_filter for n in got):
                trusted = False
                break
            by_filter.update(dict.fromkeys(got, region))
            if got and locate(min(got))[1] != region:
                trusted = False
                break
        if trusted:
            return {n: by_filter[n] for n in wanted if n in by_filter}
        found: dict[str, str] = {}
        with ThreadPoolExecutor(max_workers=8) as pool:
            for name, region in pool.map(locate, sorted(wanted)):
                if region:
                    found[name] = region
        return found

    return _call("s3 list_buckets/get_bucket_location", "s3", run)


# --------------------------------------------------------------------------------------------
# Selection (pure)


EXPERIMENT = "experiment"


def reapable(tags: dict[str, str], now: datetime) -> tuple[bool, str]:
    """The one decision: may a resource with these tags be reaped at `now`? -> (yes/no, why).

    Yes only for a resource positively marked as an expired experiment: a non-empty
    `gnnstack:stack`, `Environment` equal to `experiment` (case-insensitive, spaces stripped) and a
    well-formed `gnnstack:expires-at` (ISO 8601 with a time zone) at or before `now`. Anything
    else (production, prod, staging, no Environment, a malformed, empty or zone-less expiry, or
    one still ahead) is a no, with the reason."""
    if not str(tags.get(STACK_TAG) or "").strip():
        return False, f"no {STACK_TAG} tag"
    environment = tags.get(ENVIRONMENT_TAG)
    if environment is None:
        return False, f"no {ENVIRONMENT_TAG} tag"
    if str(environment).strip().lower() != EXPERIMENT:
        return False, f"{ENVIRONMENT_TAG} is {environment!r}, not {EXPERIMENT}"
    if EXPIRES_TAG not in tags:
        return False, f"no {EXPIRES_TAG} tag"
    try:
        expires = clock.parse_timestamp(tags[EXPIRES_TAG]).astimezone(timezone.utc)
    except ValueError as e:
        return False, f"{EXPIRES_TAG} {e}"
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


# --------------------------------------------------------------------------------------------
# Deletion


_GONE_CODES = {
    "InvalidInstanceID.NotFound", "InvalidVolume.NotFound", "NoSuchBucket", "DBInstanceNotFound",
    "DBInstanceNotFoundFault", "DBClusterNotFound", "DBClusterNotFoundFault", "ResourceNotFound",
    "ResourceNotFoundException",
}
_GONE_MESSAGE = re.compile(r"not found|RecordNotFound", re.I)


def _is_gone(e: ClientError) -> bool:
    err = e.response.get("Error", {})
    code, message = str(err.get("Code", "")), str(err.get("Message", ""))
    if (code in _GONE_CODES or code.endswith(("NotFound", "NotFoundFault", "NotFoundException"))
            or code.startswith("NoSuch")):
        return True
    # SageMaker answers ValidationException "RecordNotFound"; Auto Scaling ValidationError "... not found".
    return code in ("ValidationError", "ValidationException") and bool(_GONE_MESSAGE.search(message))


def delete(found: Iterable[Found], *, session: Any = None, progress: Progress = None,
           wait_delay: float = 10, wait_attempts: int = 60, now: Optional[datetime] = None) -> list[Outcome]:
    """Delete `found` in dependency order. Every failure is caught and recorded; the rest goes
    on. Already gone counts as done, so running twice is harmless. Kinds reap does not handle,
    and anything `reapable` refuses (at `now`, else when it was discovered, else the clock's
    now), come back as not ok, untouched."""
    clients = _Clients(session)
    say = progress or (lambda _msg: None)
    items = list(dict((f.arn, f) for f in found).values())
    outcomes: list[Outcome] = []

    def record(o: Outcome) -> Outcome:
        outcomes.append(o)
        say(f"{o.found.label()}: {o.action}" + (f" ({o.error})" if o.error else ""))
        return o

    todo: dict[str, list[Found]] = {k: [] for k in DELETE_ORDER}
    for f in items:
        ok, why = reapable(f.tags, now or f.observed_at or clock.now())
        if not ok:
            record(Outcome(f, False, "refused", why))
        elif f.kind not in todo:
            record(Outcome(f, False, "skipped", f"reap does not delete {f.kind}; remove it with the stack's destroy"))
        else:
            todo[f.kind].append(f)

    waits = (wait_delay, wait_attempts)
    _delete_notebooks(clients, todo["sagemaker:notebook-instance"], record, waits)
    for f in todo["emr:cluster"]:
        _attempt(f, record, lambda f=f: _terminate_emr(clients("emr", f.region), f))
    for f in todo["neptune:db-instance"]:
        _attempt(f, record, lambda f=f: _simple(
            lambda: clients("neptune", f.region).delete_db_instance(DBInstanceIdentifier=f.identifier,
                                                                    SkipFinalSnapshot=True)))
    for f in todo["neptune:cluster"]:
        _attempt(f, record, lambda f=f: _simple(
            lambda: clients("neptune", f.region).delete_db_cluster(DBClusterIdentifier=f.identifier,
                                                                   SkipFinalSnapshot=True)))
    for f in todo["autoscaling:group"]:
        _attempt(f, record, lambda f=f: _simple(
            lambda: clients("autoscaling", f.region).delete_auto_scaling_group(AutoScalingGroupName=f.identifier,
                                                                               ForceDelete=True)))
    terminated: dict[str, list[str]] = {}
    for f in todo["ec2:instance"]:
        o = _attempt(f, record, lambda f=f: _simple(
            lambda: clients("ec2", f.region).terminate_instances(InstanceIds=[f.identifier]), done="terminated"))
        if o.ok and o.action == "terminated":
            terminated.setdefault(f.region, []).append(f.identifier)
    # A volume attached to an instance being terminated cannot go until the instance has.
    for region in {f.region for f in todo["ec2:volume"]} & set(terminated):
        say(f"{region}: waiting for {len(terminated[region])} instance(s) to terminate")
        try:
            clients("ec2", region).get_waiter("instance_terminated").wait(
                InstanceIds=terminated[region], WaiterConfig={"Delay": wait_delay, "MaxAttempts": wait_attempts})
        except (WaiterError, ClientError) as e:
            say(f"{region}: instances still terminating ({e}); deleting volumes anyway")
    for f in todo["ec2:volume"]:
        _attempt(f, record, lambda f=f: _simple(lambda: clients("ec2", f.region).delete_volume(VolumeId=f.identifier)))
    for f in todo["s3:bucket"]:
        _attempt(f, record, lambda f=f: _delete_bucket(clients("s3", f.region), f.identifier))
    return outcomes


def _attempt(f: Found, record: Callable[[Outcome], Outcome], fn: Callable[[], str]) -> Outcome:
    try:
        return record(Outcome(f, True, fn()))
    except ClientError as e:
        if _is_gone(e):
            return record(Outcome(f, True, "already gone"))
        return record(Outcome(f, False, "failed", str(e)))
    except (BotoCoreError, WaiterError, _Refused) as e:
        return record(Outcome(f, False, "failed", str(e)))


class _Refused(Exception):
    """A deletion the service would accept but reap should not force (e.g. termination protection)."""


def _simple(call: Callable[[], Any], done: str = "deleted") -> str:
    call()
    return done


def _terminate_emr(emr: Any, f: Found) -> str:
    cluster = emr.describe_cluster(ClusterId=f.identifier)["Cluster"]
    if cluster["Status"]["State"] in ("TERMINATING", "TERMINATED", "TERMINATED_WITH_ERRORS"):
        return "already gone"
    if cluster.get("TerminationProtected"):
        raise _Refused("termination protection is on; turn it off to let reap terminate the cluster")
    emr.terminate_job_flows(JobFlowIds=[f.identifier])
    return "terminated"


def _delete_notebooks(clients: _Clients, items: list[Found], record, waits: tuple[float, int]) -> None:
    """Stop every running notebook first (stops proceed in parallel), then wait and delete each."""
    delay, attempts = waits
    cfg = {"Delay": delay, "MaxAttempts": attempts}
    pending: list[tuple[Found, bool]] = []  # (notebook, must wait for Stopped)
    for f in items:
        sm = clients("sagemaker", f.region)
        try:
            status = sm.describe_notebook_instance(NotebookInstanceName=f.identifier)["NotebookInstanceStatus"]
            if status in ("Pending", "Updating"):
                sm.get_waiter("notebook_instance_in_service").wait(NotebookInstanceName=f.identifier, WaiterConfig=cfg)
                status = "InService"
            if status == "InService":
                sm.stop_notebook_instance(NotebookInstanceName=f.identifier)
            if status == "Deleting":
                record(Outcome(f, True, "already deleting"))
                continue
        except ClientError as e:
            record(Outcome(f, True, "already gone") if _is_gone(e) else Outcome(f, False, "failed", str(e)))
            continue
        except (WaiterError, BotoCoreError) as e:
            record(Outcome(f, False, "failed", str(e)))
            continue
        pending.append((f, status in ("InService", "Stopping")))

    def stop_then_delete(f: Found, wait: bool) -> str:
        sm = clients("sagemaker", f.region)
        if wait:
            sm.get_waiter("notebook_instance_stopped").wait(NotebookInstanceName=f.identifier, WaiterConfig=cfg)
        sm.delete_notebook_instance(NotebookInstanceName=f.identifier)  # from Stopped or Failed
        return "stopped and deleted" if wait else "deleted"

    for f, wait in pending:
        _attempt(f, record, lambda f=f, wait=wait: stop_then_delete(f, wait))


def _delete_bucket(s3: Any, bucket: str) -> str:
    """Empty the bucket (every object version and delete marker) then delete it."""
    removed = 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        keys = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        for i in range(0, len(keys), 1000):
            resp = s3.delete_objects(Bucket=bucket, Delete={"Objects": keys[i:i + 1000], "Quiet": True})
            errors = resp.get("Errors", [])
            if errors:
                first = errors[0]
                raise _Refused(f"could not empty the bucket: {len(errors)} object(s) refused, e.g. "
                               f"{first.get('Key')}: {first.get('Code')} {first.get('Message', '')}".rstrip())
            removed += len(keys[i:i + 1000])
    s3.delete_bucket(Bucket=bucket)
    return f"emptied ({removed} object version(s)) and deleted" if removed else "deleted"
