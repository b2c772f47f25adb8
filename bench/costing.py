"""Benchmark: price a synthetic graph of 100,000 resources of mixed types (the captured stacks'
resources, copied and renamed until the count is reached, so every pricer and the free and
unpriced paths run). Targets: under 2 s and under 500 MB peak memory for the estimate.

    python bench/costing.py [--resources 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def synthetic_graph(size: int):
    from gnnstack.capture import capture
    from gnnstack.graph import Resource, ResourceGraph
    from gnnstack.project import find_project
    from gnnstack.scenario import OPTIONS

    project = find_project(ROOT)
    templates = []
    for stack in ("experiment", "production"):
        for option in OPTIONS:
            templates.append(capture(project, stack, option)[0].resources)
    # One copy of a whole stack per round, names suffixed, so parents and components still resolve.
    resources: list[Resource] = []
    copy = 0
    while len(resources) < size:
        for r in templates[copy % len(templates)]:
            parent = f"{r.parent}~{copy}" if r.parent else None
            resources.append(Resource(r.type, f"{r.name}~{copy}", parent, r.inputs, r.custom))
        copy += 1
    resources = resources[:size]
    return ResourceGraph("bench", "mixed", resources), copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("GNNSTACK_NOW", "2026-11-23T10:30:00Z")
    from gnnstack.costing import PriceBook, estimate

    graph, copies = synthetic_graph(args.resources)
    types = len({r.type for r in graph.resources})
    book = PriceBook.load()
    times = []
    for _ in range(args.runs):
        g = type(graph)(graph.stack, graph.option, graph.resources)  # fresh indexes each run
        start = time.perf_counter()
        result = estimate(g, book, region="us-east-1")
        result.months()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    g = type(graph)(graph.stack, graph.option, graph.resources)
    result = estimate(g, book, region="us-east-1")
    result.months()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"graph    {len(graph)} resources, {types} types, {copies} stack copies")
    print(f"estimate median {statistics.median(times):.3f} s over {args.runs} runs (target < 2 s); "
          f"{len(result.lines)} lines, {len(result.unpriced)} unpriced, {result.free} free")
    print(f"memory   peak {peak / 2**20:.1f} MB traced during one estimate (target < 500 MB)")


if __name__ == "__main__":
    sys.exit(main())
