"""Security rules that also guard the bill: no database port open to the world, encryption at rest."""

from __future__ import annotations

from typing import Any, Iterator, Optional

from pydantic import Field

from ..context import BUCKETS, RuleContext
from ..registry import Finding, Params, rule

WORLD = ("0.0.0.0/0", "::/0")
DATABASE_PORTS = [8182, 7687, 7474, 7473, 9000, 14240, 5432, 3306, 6379, 9042, 27017]


class PortsParams(Params):
    ports: list[int] = Field(default_factory=lambda: list(DATABASE_PORTS), description="Database ports")


def _covers(rule: dict[str, Any], port: int) -> bool:
    if str(rule.get("ipProtocol", rule.get("protocol", ""))) == "-1":
        return True
    low, high = rule.get("fromPort"), rule.get("toPort")
    if low is None or high is None:
        return False
    try:
        return int(low) <= port <= int(high)
    except (TypeError, ValueError):
        return False


@rule("no-public-database-ports", description="No security group admits the internet to a database port.",
      params=PortsParams, example={"ports": [8182, 7687]}, any_program=True)
def no_public_database_ports(ctx: RuleContext, p: PortsParams) -> Iterator[Finding]:
    rules: list[tuple[str, dict[str, Any], list[Optional[str]]]] = []
    for r in ctx.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"):
        rules.append((r.name, r.inputs, [r.inputs.get("cidrIpv4"), r.inputs.get("cidrIpv6")]))
    for r in ctx.of_type("aws:ec2/securityGroup:SecurityGroup"):
        for ingress in r.inputs.get("ingress") or []:
            rules.append((r.name, ingress,
                          [*(ingress.get("cidrBlocks") or []), *(ingress.get("ipv6CidrBlocks") or [])]))
    for r in ctx.of_type("aws:ec2/securityGroupRule:SecurityGroupRule"):
        if r.inputs.get("type") == "ingress":
            rules.append((r.name, r.inputs,
                          [*(r.inputs.get("cidrBlocks") or []), *(r.inputs.get("ipv6CidrBlocks") or [])]))
    for name, rule_inputs, cidrs in rules:
        if any(c in WORLD for c in cidrs):
            open_ports = [port for port in p.ports if _covers(rule_inputs, port)]
            if open_ports:
                yield Finding(name, f"open to the internet on database port(s) {', '.join(map(str, open_ports))}")


class NoParams(Params):
    pass


def _encrypted(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


@rule("encryption-at-rest", description="Databases, buckets, volumes, streams and clusters encrypt data at rest.",
      params=NoParams, example={}, any_program=True)
def encryption_at_rest(ctx: RuleContext, p: NoParams) -> Iterator[Finding]:
    for r in ctx.of_type("aws:neptune/cluster:Cluster"):
        if not _encrypted(r.inputs.get("storageEncrypted")):
            yield Finding(r.name, "Neptune storage is not encrypted")
    sse = ctx.attached("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                       "bucket", BUCKETS)
    for r in ctx.of_type(*BUCKETS):
        if r.name not in sse and not r.inputs.get("serverSideEncryptionConfiguration"):
            yield Finding(r.name, "bucket without a server-side encryption configuration")
    for r in ctx.of_type("aws:ec2/launchTemplate:LaunchTemplate"):
        for m in r.inputs.get("blockDeviceMappings") or []:
            if m.get("ebs") and not _encrypted(m["ebs"].get("encrypted")):
                yield Finding(r.name, f"volume {m.get('deviceName')} is not encrypted")
    for r in ctx.of_type("aws:ec2/instance:Instance"):
        for v in [r.inputs.get("rootBlockDevice") or {"encrypted": False}, *(r.inputs.get("ebsBlockDevices") or [])]:
            if not _encrypted(v.get("encrypted")):
                yield Finding(r.name, f"volume {v.get('deviceName', 'root')} is not encrypted")
    for r in ctx.of_type("aws:ebs/volume:Volume"):
        if not _encrypted(r.inputs.get("encrypted")):
            yield Finding(r.name, "volume is not encrypted")
    for r in ctx.of_type("aws:emr/cluster:Cluster"):
        if not r.inputs.get("securityConfiguration"):
            yield Finding(r.name, "EMR cluster without a security configuration (no at-rest encryption)")
    for r in ctx.of_type("aws:kinesis/stream:Stream"):
        if r.inputs.get("encryptionType") != "KMS":
            yield Finding(r.name, "stream is not encrypted with KMS")
    # Types gnnstack's own stacks do not build, as any Pulumi program writes them.
    for rtype, key, what in _FLAGS:
        for r in ctx.of_type(rtype):
            if not _encrypted(r.inputs.get(key)):
                yield Finding(r.name, f"{what} is not encrypted ({key} is not true)")
    for r in ctx.of_type("aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain"):
        if not _encrypted((r.inputs.get("encryptAtRest") or {}).get("enabled")):
            yield Finding(r.name, "search domain is not encrypted at rest (encryptAtRest.enabled is not true)")


# (type, input that must be true, what it is)
_FLAGS = (
    ("aws:rds/instance:Instance", "storageEncrypted", "RDS storage"),
    ("aws:rds/cluster:Cluster", "storageEncrypted", "Aurora cluster storage"),
    ("aws:redshift/cluster:Cluster", "encrypted", "Redshift cluster"),
    ("aws:efs/fileSystem:FileSystem", "encrypted", "EFS file system"),
    ("aws:elasticache/replicationGroup:ReplicationGroup", "atRestEncryptionEnabled", "ElastiCache replication group"),
)
