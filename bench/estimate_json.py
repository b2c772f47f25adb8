"""Benchmark: `gnnstack estimate FILE --format json` on a generated 10,000-resource
`pulumi preview --json` file (a realistic mix: EC2 instances with root volumes, EBS volumes,
NAT gateways, S3 buckets with usage, Lambda functions, Kinesis streams, IAM roles and policies,
security groups, subnets, components, an unsupported type, GCP and random resources; creates,
updates, replacements, deletes and unchanged ones; two regions through two providers and AZs).

Target: under 1 s for the whole process (the median of the runs), Python's start and imports
included; CPU time is shown beside it (on a shared machine wall time well above CPU time means
other processes had the cores). Timed with gnnstack's modules' bytecode cached, as an installed
package has it (pip compiles it at install): a first, untimed run writes it to a temporary
folder (PYTHONPYCACHEPREFIX). Where the environment keeps Python from writing bytecode
(PYTHONDONTWRITEBYTECODE) and gnnstack is installed editable, every run compiles its sources
again: that figure is printed too. Then where the time goes: Python's start, the imports, and
in process reading the file, pricing it and writing the JSON.

    python bench/estimate_json.py [--resources 10000] [--runs 5] [--keep FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 1.0
STACK, PROJECT = "prod", "shop"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SIG, SECRET_SIG = "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"
INSTANCE_TYPES = ("t3.medium", "m5.large", "c5.xlarge", "r5.large", "t3.large")
OPS = ("same",) * 6 + ("create", "create", "update", "replace", "delete")


def urn(rtype: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{rtype}::{name}"


def _resource(i: int) -> list[tuple[str, str, dict, dict]]:
    """(type, name, inputs, extra state) of one service's resources, numbered i."""
    zone = "us-east-1a" if i % 3 else "us-west-2b"
    itype = INSTANCE_TYPES[i % len(INSTANCE_TYPES)]
    out = [
        ("my:app:Service", f"svc-{i}", {}, {"custom": False}),
        ("aws:ec2/instance:Instance", f"web-{i}", {
            "ami": "ami-0abcdef1234567890", "instanceType": itype, "availabilityZone": zone,
            "rootBlockDevice": {"volumeSize": 20 + i % 5 * 10, "volumeType": "gp3"}, "subnetId": UNKNOWN,
            "userData": {SIG: SECRET_SIG, "plaintext": "\"#!/bin/bash\""}, "tags": {"Name": f"web-{i}"}}, {}),
        ("aws:ebs/volume:Volume", f"data-{i}", {"availabilityZone": zone, "size": 100 + i % 4 * 50, "type": "gp3"}, {}),
        ("aws:iam/role:Role", f"role-{i}", {"assumeRolePolicy": "{\"Version\":\"2012-10-17\"}"}, {}),
        ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", f"attach-{i}",
         {"role": UNKNOWN, "policyArn": "arn:aws:iam::aws:policy/x"}, {}),
        ("aws:ec2/securityGroup:SecurityGroup", f"sg-{i}", {"vpcId": UNKNOWN, "ingress": [
            {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}]}, {}),
        ("aws:ec2/subnet:Subnet", f"subnet-{i}", {"vpcId": UNKNOWN, "cidrBlock": f"10.{i % 250}.0.0/24",
                                                  "availabilityZone": zone}, {}),
        ("aws:s3/bucket:Bucket", f"bucket-{i}", {"bucket": f"shop-{i}"}, {}),
        ("aws:lambda/function:Function", f"fn-{i}", {"runtime": "python3.12", "memorySize": 128 * (1 + i % 4),
                                                    "timeout": 30, "role": UNKNOWN}, {}),
    ]
    if i % 10 == 0:
        out.append(("aws:ec2/natGateway:NatGateway", f"nat-{i}", {"subnetId": UNKNOWN, "allocationId": UNKNOWN}, {}))
        out.append(("aws:kinesis/stream:Stream", f"stream-{i}", {"shardCount": 1 + i % 3}, {}))
    if i % 25 == 0:
        out.append(("aws:cloudtrail/trail:Trail", f"trail-{i}", {"s3BucketName": UNKNOWN}, {}))
        out.append(("gcp:storage/bucket:Bucket", f"gcs-{i}", {"location": "US"}, {}))
        out.append(("random:index/randomPassword:RandomPassword", f"pw-{i}", {"length": 24}, {}))
    return out


def preview_file(size: int) -> dict:
    east, west = urn("pulumi:providers:aws", "default_7_10_0"), urn("pulumi:providers:aws", "west")
    steps = [{"op": "same", "urn": urn("pulumi:pulumi:Stack", f"{PROJECT}-{STACK}"),
              "newState": {"urn": urn("pulumi:pulumi:Stack", f"{PROJECT}-{STACK}"), "type": "pulumi:pulumi:Stack",
                           "custom": False, "inputs": {}}}]
    for name, region in ((east, "us-east-1"), (west, "us-west-2")):
        state = {"urn": name, "type": "pulumi:providers:aws", "custom": True, "inputs": {"region": region}}
        steps.append({"op": "same", "urn": name, "oldState": state, "newState": state})
    i = 0
    while len(steps) < size:
        parent = urn("pulumi:pulumi:Stack", f"{PROJECT}-{STACK}")
        for rtype, name, inputs, extra in _resource(i):
            if len(steps) >= size:
                break
            op = OPS[(i + len(name)) % len(OPS)] if rtype != "my:app:Service" else "same"
            u = urn(rtype, name)
            provider = f"{west if i % 2 else east}::{UNKNOWN}"
            state = {"urn": u, "type": rtype, "custom": extra.get("custom", True), "inputs": inputs,
                     "parent": parent, "provider": provider}
            old = {**state, "inputs": {**inputs, "instanceType": "t3.small"}} if op == "update" and \
                "instanceType" in inputs else state
            step = {"op": op, "urn": u}
            if op != "create":
                step["oldState"] = old
            if op != "delete":
                step["newState"] = state
            steps.append(step)
            if rtype == "my:app:Service":
                parent = u
        i += 1
    summary: dict[str, int] = {}
    for s in steps:
        summary[s["op"]] = summary.get(s["op"], 0) + 1
    return {"config": {"aws:region": "us-east-1"}, "steps": steps, "changeSummary": summary}


USAGE = """version: 1
types:
  aws:s3/bucket:Bucket:
    datasets:
      - prefix: ""
        initial_gb: 50
  aws:lambda/function:Function:
    invocations_per_month: 2000000
"""


# What `gnnstack estimate FILE --format json` imports, timed in a fresh interpreter.
IMPORTS = ("import time\nt = time.perf_counter()\n"
           "import gnnstack.cli, gnnstack.cli.estimate, gnnstack.costing.report, gnnstack.costing.usage_file\n"
           "import gnnstack.foreign, gnnstack.outputs.estimate\n"
           "print(time.perf_counter() - t)\n")


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"{command[2:4]} failed ({done.returncode}): {done.stderr.strip()[:500]}")
    return done


def _timed(command: list[str], env: dict[str, str], runs: int) \
        -> tuple[list[float], list[float], subprocess.CompletedProcess[str]]:
    """Wall and CPU seconds of each of `runs` runs, and the last run."""
    walls, cpus = [], []
    for _ in range(runs):
        t = time.perf_counter()
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = _run(command, env)
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
    return walls, cpus, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", help="write the generated preview file here")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="gnnstack-bench-"))
    path = Path(args.keep) if args.keep else tmp / "preview.json"
    usage = tmp / "usage.yaml"
    path.write_text(json.dumps(preview_file(args.resources), indent=2))
    usage.write_text(USAGE)
    print(f"{path}: {args.resources:,} steps, {path.stat().st_size / 1e6:.1f} MB")

    command = [sys.executable, "-m", "gnnstack", "estimate", str(path), "--usage", str(usage), "--format", "json"]
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cached = {**env, "PYTHONPYCACHEPREFIX": str(tmp / "pycache")}
    done = _run(command, cached)  # writes the bytecode; not timed
    walls, cpus, done = _timed(command, cached, args.runs)
    compiled = _timed(command, {**env, "PYTHONDONTWRITEBYTECODE": "1"}, args.runs) \
        if os.environ.get("PYTHONDONTWRITEBYTECODE") else None
    doc = json.loads(done.stdout)

    start = _timed([sys.executable, "-c", "pass"], cached, args.runs)[0]
    imports = [float(_run([sys.executable, "-c", IMPORTS], cached).stdout) for _ in range(args.runs)]

    import gc

    from gnnstack.costing.catalog import PriceBook
    from gnnstack.foreign import load, price_plan
    from gnnstack.outputs.estimate import estimate_json_text

    book = PriceBook.load()
    loads, prices, texts = [], [], []
    for _ in range(args.runs):
        gc.disable()  # as `gnnstack estimate FILE` runs
        t = time.perf_counter()
        plan = load(path)
        t1 = time.perf_counter()
        result = price_plan(plan, book, usage_file=str(usage))
        t2 = time.perf_counter()
        estimate_json_text(result)
        texts.append(time.perf_counter() - t2)
        gc.enable()
        loads.append(t1 - t)
        prices.append(t2 - t1)
    whole = statistics.median(walls)
    print(f"before ${doc['monthly']['before']['base']}/month, after ${doc['monthly']['after']['base']}/month, "
          f"change {doc['monthly']['change']['base']}; {len(doc['resources']):,} priced rows, "
          f"{sum(t['count'] for t in doc['unsupported_types'])} unsupported, {len(doc['not_priced'])} other providers")
    cpu = statistics.median(cpus)
    print(f"whole process (median of {args.runs}): {whole:.3f} s wall, {cpu:.3f} s CPU   target "
          f"{TARGET_SECONDS:.1f} s   {'OK' if whole <= TARGET_SECONDS else 'OVER'}"
          + ("   (wall well above CPU: other processes had the cores)" if whole > 1.3 * cpu else ""))
    if compiled is not None:
        print(f"  the same with sources compiled each run (PYTHONDONTWRITEBYTECODE here): "
              f"{statistics.median(compiled[0]):.3f} s wall, {statistics.median(compiled[1]):.3f} s CPU")
    load_s, price_s, text_s = statistics.median(loads), statistics.median(prices), statistics.median(texts)
    print(f"where: Python's start {statistics.median(start):.3f} s, imports {statistics.median(imports):.3f} s; "
          f"in process: load {load_s:.3f} s + price {price_s:.3f} s + JSON text {text_s:.3f} s "
          f"= {load_s + price_s + text_s:.3f} s")
    if "pulumi" in sys.modules:
        sys.exit("pulumi was imported on the JSON path")


if __name__ == "__main__":
    main()
