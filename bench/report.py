"""Benchmark: whole-process wall time of `gnnstack report` for every shipped stack on every option
(the default), warm: the capture cache already holds every capture, as on a second run after
editing prices or usage. Target: under 5 s. Also printed: where the time goes in one process
(building the assessments, recommendations and region rows; drawing the figures; the page), and
the same run with GNNSTACK_JOBS=1 (figures drawn one after another).

    python bench/report.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 5.0


def wall(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True, env={**os.environ, **(env or {})})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "gnnstack", "report", "--out", out]
        first = wall(cmd)  # fills the capture cache when it is cold
        print(f"first run (cache as found): {first:.2f} s")
        warm = [wall(cmd) for _ in range(args.runs)]
        serial = [wall(cmd, {"GNNSTACK_JOBS": "1"}) for _ in range(args.runs)]
    median = statistics.median(warm)
    print(f"warm report, every stack and option: median {median:.2f} s over {args.runs} runs "
          f"(min {min(warm):.2f}); target under {TARGET:.0f} s: {'met' if median < TARGET else 'MISSED'}")
    print(f"warm, GNNSTACK_JOBS=1: median {statistics.median(serial):.2f} s")
    phases()


def phases() -> None:
    """Where the time goes, in this process (warm cache)."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("GNNSTACK_PROJECT", str(ROOT))
    from gnnstack.project import find_project
    from gnnstack.report import build

    start = time.perf_counter()
    reports = build(find_project())
    built = time.perf_counter()
    from gnnstack.outputs import report_png

    loaded = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        for r in reports:
            report_png.dashboard(r.own, r.own.scenario.budget.monthly_usd, Path(out) / "d.png")
        dashboards = time.perf_counter()
        for r in reports:
            report_png.comparison(r.stack, r.assessments, r.own.scenario.budget.monthly_usd, Path(out) / "c.png",
                                  regions=r.regions)
        comparisons = time.perf_counter()
    print(f"phases (one process): build {built - start:.2f} s, import matplotlib {loaded - built:.2f} s, "
          f"{len(reports)} dashboards {dashboards - loaded:.2f} s, {len(reports)} comparisons "
          f"{comparisons - dashboards:.2f} s")


if __name__ == "__main__":
    main()
