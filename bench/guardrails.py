"""Benchmark: evaluate every guardrail on a synthetic 5,000-resource graph (whole captured stacks,
copied and renamed). Target: under 1 s for the evaluation. Prints the estimate's time apart.

    python bench/guardrails.py [--resources 5000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resources", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("GNNSTACK_NOW", "2026-11-23T10:30:00Z")
    from costing import ROOT, synthetic_graph

    from gnnstack import clock
    from gnnstack.costing import PriceBook, estimate
    from gnnstack.guardrails import RULES, evaluate, load_config

    graph, copies = synthetic_graph(args.resources)
    config = load_config(ROOT / "guardrails" / "config.yaml")
    book = PriceBook.load()
    est_times, eval_times = [], []
    for _ in range(args.runs):
        g = type(graph)(graph.stack, graph.option, graph.resources)
        start = time.perf_counter()
        e = estimate(g, book, region="us-east-1")
        mid = time.perf_counter()
        verdict = evaluate(g, e, config, clock.now(), "experiment")
        eval_times.append(time.perf_counter() - mid)
        est_times.append(mid - start)
    print(f"graph     {len(graph)} resources from {copies} stack copies; {len(RULES)} rules")
    print(f"evaluate  median {statistics.median(eval_times):.3f} s over {args.runs} runs (target < 1 s); "
          f"{len(verdict.violations)} violations, {len(verdict.waived)} waived")
    print(f"estimate  median {statistics.median(est_times):.3f} s (priced once per evaluation)")


if __name__ == "__main__":
    main()
