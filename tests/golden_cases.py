"""Golden-file cases for the pricers: a few resources (inputs), their usage (in the usage-file
format, under `usage:`) and the cost lines they must produce. Run `python -m pytest tests/test_pricers.py
--update-golden` to rewrite the expected files after a deliberate change, and review the diff."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from gnnstack.costing import PriceBook, estimate
from gnnstack.costing.usage import UsageSet
from gnnstack.costing.usage_file import UsageFile, apply_usage_file
from gnnstack.graph import Resource, ResourceGraph

GOLDEN = Path(__file__).parent / "golden" / "pricers"


def load_case(path: Path) -> tuple[dict[str, Any], ResourceGraph]:
    case = yaml.safe_load(path.read_text())
    graph = ResourceGraph(path.stem, "golden", [
        Resource(r["type"], r["name"], r.get("parent"), r.get("inputs") or {}, r.get("custom", True))
        for r in case["resources"]])
    return case, graph


def run_case(path: Path) -> dict[str, Any]:
    case, graph = load_case(path)
    # A case's usage is written as a usage file is, and read by the same code.
    usage = apply_usage_file(UsageSet(), UsageFile.model_validate(case.get("usage") or {"version": 1}), graph,
                             path.name)
    result = estimate(graph, PriceBook.load(), region=case.get("region", "us-east-1"),
                      hours=Decimal(str(case.get("hours", 730))), usage=usage)
    # Only the case's own resources: the others are context (component usage, schedules, templates).
    targets = set(case["price"])
    result.lines = [line for line in result.lines if line.resource in targets]
    result.unpriced = [u for u in result.unpriced if u.resource in targets]
    return {
        "lines": [{k: v for k, v in line.to_json().items() if k not in ("price", "worst_case_price")}
                  | {"price": f"{line.price.service} {line.price.item}",
                     "worst_case_price": f"{line.worst_price.service} {line.worst_price.item}"}
                  for line in result.lines],
        "unpriced": [u.to_json() for u in result.unpriced],
    }


def expected_path(case: Path) -> Path:
    return case.with_suffix(".expected.json")


def write_expected(case: Path, result: dict[str, Any]) -> None:
    expected_path(case).write_text(json.dumps(result, indent=2) + "\n")
