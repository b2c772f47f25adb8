"""Benchmark: price a synthetic graph of 100,000 resources of mixed types (the captured stacks'
resources, copied and renamed until the count is reached, so every pricer and the free and
unpriced paths run), each copy priced with the usage its stack declares (the typed usage
contract), as `gnnstack preview` prices it. Targets: at least 200,000 resources a second (100,000
in 0.5 s, the 12-month view included) and under 500 MB peak memory for the estimate.

The machine may be shared: the figure is the median of the runs, and CPU time is shown beside it
(wall time well above CPU time means other processes took the cores).

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
TARGET_PER_SECOND = 200_000


def synthetic_graph(size: int):
    from dataclasses import replace

    from gnnstack.assess import stack_usage
    from gnnstack.capture import capture
    from gnnstack.costing.usage import UsageSet
    from gnnstack.graph import Resource, ResourceGraph
    from gnnstack.project import find_project
    from gnnstack.options import OPTIONS

    project = find_project(ROOT)
    templates = []
    for stack in ("experiment", "production"):
        for option in OPTIONS:
            graph, scenario = capture(project, stack, option)
            templates.append((graph.resources, stack_usage(graph, scenario, project_root=ROOT)))
    # One copy of a whole stack per round, names suffixed, so parents and components still resolve;
    # its declared usage is copied under the same suffixed names.
    resources: list[Resource] = []
    usage = UsageSet()
    copy = 0
    while len(resources) < size:
        items, declared = templates[copy % len(templates)]
        for r in items:
            parent = f"{r.parent}~{copy}" if r.parent else None
            resources.append(Resource(r.type, f"{r.name}~{copy}", parent, r.inputs, r.custom))
        for name, d in declared.declared.items():
            usage.declared[f"{name}~{copy}"] = replace(d, resource=f"{name}~{copy}")
        copy += 1
    resources = resources[:size]
    kept = {r.name for r in resources}
    usage.declared = {k: v for k, v in usage.declared.items() if k in kept}
    usage.assumptions = list(templates[0][1].assumptions)
    return ResourceGraph("bench", "mixed", resources), usage, copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("GNNSTACK_NOW", "2026-11-23T10:30:00Z")
    from gnnstack.costing import PriceBook, estimate

    graph, usage, copies = synthetic_graph(args.resources)
    types = len({r.type for r in graph.resources})
    book = PriceBook.load()
    times, cpu = [], []
    for _ in range(args.runs):
        g = type(graph)(graph.stack, graph.option, graph.resources)  # fresh indexes each run
        start, start_cpu = time.perf_counter(), time.process_time()
        result = estimate(g, book, region="us-east-1", usage=usage)
        result.months()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    tracemalloc.start()
    g = type(graph)(graph.stack, graph.option, graph.resources)
    result = estimate(g, book, region="us-east-1", usage=usage)
    result.months()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    median = statistics.median(times)
    rate = len(graph) / median
    print(f"graph    {len(graph)} resources, {types} types, {copies} stack copies")
    print(f"estimate median {median:.3f} s over {args.runs} runs (CPU {statistics.median(cpu):.3f} s; runs "
          f"{', '.join(f'{t:.3f}' for t in times)}); {len(result.lines)} lines, {len(result.unpriced)} unpriced, "
          f"{result.free} free")
    print(f"rate     {rate:,.0f} resources/s (target >= {TARGET_PER_SECOND:,}: "
          f"{'met' if rate >= TARGET_PER_SECOND else 'NOT met'})")
    print(f"memory   peak {peak / 2**20:.1f} MB traced during one estimate (target < 500 MB)")


if __name__ == "__main__":
    sys.exit(main())
