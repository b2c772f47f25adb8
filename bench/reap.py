"""Benchmark: `gnnstack.reap.discover` over 1,000 tagged resources in moto's server, started
here on 127.0.0.1 and stopped at the end. The mix is mostly S3 buckets and EBS volumes plus some
EC2 instances, spread over a few stacks, a third of them expired. Prints the median of 3 runs.

    python bench/reap.py [--resources 1000] [--runs 3]

The figure measures reap's own work plus moto's answers on this machine, not AWS latency.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

REGION = "us-east-1"
NOW = datetime(2026, 11, 23, 10, 30, tzinfo=timezone.utc)


def tag_set(i: int) -> list[dict[str, str]]:
    expires = "2026-11-01T00:00:00Z" if i % 3 == 0 else "2026-12-31T00:00:00Z"
    tags = {"Project": "gnnstack", "Owner": "team", "CostCenter": "cc-1", "Environment": "experiment",
            "gnnstack:stack": f"bench-{i % 7}", "gnnstack:option": "neo4j-ec2", "gnnstack:expires-at": expires}
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def populate(total: int) -> dict[str, int]:
    import boto3

    ec2 = boto3.client("ec2", region_name=REGION)
    s3 = boto3.client("s3", region_name=REGION)
    n_instances = total // 10
    n_volumes = (total - n_instances) * 2 // 5
    n_buckets = total - n_instances - n_volumes
    ami = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    for start in range(0, n_instances, 50):  # tags per batch: one stack per run_instances call
        count = min(50, n_instances - start)
        ec2.run_instances(ImageId=ami, MinCount=count, MaxCount=count, InstanceType="t3.micro",
                          TagSpecifications=[{"ResourceType": "instance", "Tags": tag_set(start)}])

    def volume(i: int) -> None:
        ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=8,
                          TagSpecifications=[{"ResourceType": "volume", "Tags": tag_set(i)}])

    def bucket(i: int) -> None:
        name = f"gnnstack-bench-{i:05d}"
        s3.create_bucket(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_set(i)})

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(volume, range(n_volumes)))
        list(pool.map(bucket, range(n_buckets)))
    return {"ec2:instance": n_instances, "ec2:volume": n_volumes, "s3:bucket": n_buckets}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resources", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        os.environ.update({"AWS_ENDPOINT_URL": f"http://{host}:{port}", "AWS_ACCESS_KEY_ID": "testing",
                           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION})
        for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
            os.environ.pop(key, None)
        from gnnstack import reap

        start = time.perf_counter()
        mix = populate(args.resources)
        print(f"created   {sum(mix.values())} tagged resources ({', '.join(f'{v} {k}' for k, v in mix.items())}) "
              f"in {time.perf_counter() - start:.1f} s")
        times, found = [], []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            found = reap.discover([REGION], NOW)
            times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        selected = reap.expired_experiments(found, NOW, allowed_regions=[REGION], allowed_accounts=None,
                                            account_id=None)
        select_s = time.perf_counter() - t0
        print(f"discover  median {statistics.median(times):.2f} s over {args.runs} runs "
              f"(min {min(times):.2f}, max {max(times):.2f}); found {len(found)}")
        print(f"select    {select_s * 1000:.1f} ms; {len(selected)} expired in "
              f"{len(reap.group_by_stack(selected))} stacks")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
