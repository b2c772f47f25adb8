"""Instance-type specifications (vCPU, memory, GPU, architecture) and where each is offered.

Specs, not prices: they drive validation ("is this a real instance type for that service?"),
Neo4j memory settings and AMI architecture. Prices live in the price catalog.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .errors import closest

# The prefix each service puts in front of the EC2 instance name.
SERVICE_PREFIX = {"ec2": "", "sagemaker": "ml.", "neptune": "db.", "emr": ""}


@dataclass(frozen=True)
class InstanceSpec:
    name: str
    vcpu: int
    memory_gib: float
    gpus: int
    gpu_model: str
    arch: str  # "x86_64" or "arm64"
    services: frozenset[str]

    @property
    def family(self) -> str:
        return self.name.split(".")[0]


@lru_cache(maxsize=1)
def catalog() -> dict[str, InstanceSpec]:
    text = resources.files("gnnstack.data").joinpath("instance_types.csv").read_text()
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {
        r["instance_type"]: InstanceSpec(
            name=r["instance_type"],
            vcpu=int(r["vcpu"]),
            memory_gib=float(r["memory_gib"]),
            gpus=int(r["gpus"]),
            gpu_model=r["gpu_model"],
            arch=r["arch"],
            services=frozenset(r["services"].split()),
        )
        for r in rows
    }


def names_for(service: str) -> list[str]:
    prefix = SERVICE_PREFIX[service]
    return [prefix + s.name for s in catalog().values() if service in s.services]


def lookup(name: str, service: str) -> InstanceSpec:
    """The spec of `name` as offered by `service`, or ValueError naming the closest known types."""
    prefix = SERVICE_PREFIX[service]
    base = name[len(prefix):] if prefix and name.startswith(prefix) else None
    spec = catalog().get(base if prefix else name) if (base or not prefix) else None
    if spec is None or service not in spec.services:
        near = closest(name, names_for(service))
        hint = f"; closest known: {', '.join(near)}" if near else ""
        raise ValueError(f"unknown {service} instance type {name!r}{hint}")
    return spec
