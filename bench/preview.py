"""Benchmark: whole-process wall time of `gnnstack preview experiment --format json` (costing
included) against the floor `python -c "import pulumi, pulumi_aws"`, measured in the same run.
Target: under 4x. Measured twice: cold (capture cache off: the program runs under the mocks every
time) and warm (the repeated preview a user runs while editing prices or reading the output,
served from the capture cache; the cache key covers the stack file, the code and the TTL).
Then cold `compare` (all the options on the same scenario, in one process) against one cold preview:
the options share every import, so the target is at most 1.3x.

    python bench/preview.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def wall(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True,
                         env={**os.environ, **(env or {})}).stdout
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stack", default="experiment")
    args = parser.parse_args()
    floor_cmd = [sys.executable, "-c", "import pulumi, pulumi_aws"]
    preview_cmd = [sys.executable, "-m", "gnnstack", "preview", args.stack, "--format", "json"]
    cold_env = {"GNNSTACK_CACHE": "off"}
    warm_env = {"GNNSTACK_CACHE_DIR": tempfile.mkdtemp(prefix="gnnstack-bench-")}
    wall(floor_cmd), wall(preview_cmd, cold_env), wall(preview_cmd, warm_env)  # warm file caches, fill the cache
    compare_cmd = [sys.executable, "-m", "gnnstack", "compare", args.stack, "--format", "json"]
    wall(compare_cmd, cold_env)
    floors, previews, warms, compares, count = [], [], [], [], 0
    for _ in range(args.runs):  # interleaved, so load on the machine hits all alike
        floors.append(wall(floor_cmd)[0])
        seconds, out = wall(preview_cmd, cold_env)
        previews.append(seconds)
        warms.append(wall(preview_cmd, warm_env)[0])
        compares.append(wall(compare_cmd, cold_env)[0])
        count = len(json.loads(out)["resources"])
    # What any program declaring these resources pays: pulumi-aws loads a whole service package
    # (every resource in it) on first use, which the floor's lazy top-level import does not.
    first_class = {}
    for t in (r["type"] for r in json.loads(out)["resources"]):
        if t.startswith("aws:") and "/" in t:
            first_class.setdefault(t.split(":")[1].split("/")[0], t.rsplit(":", 1)[1])
    modules = sorted(first_class)
    services_cmd = [sys.executable, "-c", "import pulumi, pulumi_aws as aws; " +
                    "; ".join(f"aws.{m}.{c}" for m, c in sorted(first_class.items()))]
    services = statistics.median(wall(services_cmd)[0] for _ in range(args.runs))
    floor, preview, warm = statistics.median(floors), statistics.median(previews), statistics.median(warms)
    compare = statistics.median(compares)
    print(f"floor   (import pulumi, pulumi_aws):      median {floor:.3f} s over {args.runs} runs")
    print(f"cold    preview {args.stack} --format json: median {preview:.3f} s, {count} resources, "
          f"{preview / floor:.2f}x the floor (target < 4x)")
    print(f"warm    same, from the capture cache:     median {warm:.3f} s, {warm / floor:.2f}x the floor")
    print(f"cold    compare {args.stack} --format json: median {compare:.3f} s, {compare / preview:.2f}x one cold "
          f"preview (target <= 1.3x)")
    print(f"context importing the {len(modules)} pulumi-aws service packages used ({', '.join(modules)}): "
          f"median {services:.3f} s = {services / floor:.2f}x the floor")


if __name__ == "__main__":
    main()
