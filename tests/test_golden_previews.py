"""Golden totals, line by line, for every option in both environments and for the seed stacks:
a change in any pricer, price, component or usage declaration that moves a number shows up here
as a diff to review. After a deliberate change: `python -m pytest -q tests/test_golden_previews.py
--update-golden`, then read the diff."""

from __future__ import annotations

import json

import pytest

from gnnstack.capture import capture
from gnnstack.costing import cents

from .conftest import CASES, ROOT, priced

GOLDEN = ROOT / "tests" / "golden" / "previews"
SEEDS = [("seed-analysis", None), ("seed-analysis-high", None), ("inference", None)]


def summary(e) -> dict:
    """What the golden file holds: totals, each line's quantities, prices, money and assumptions."""
    return {
        "monthly": e.summary_json(),
        "lines": [{"resource": line.resource, "name": line.name, "unit": line.unit,
                   "base_quantity": str(line.base_quantity),
                   "worst_case_quantity": None if line.worst_quantity is None else str(line.worst_quantity),
                   "unit_price": str(line.unit_price), "worst_case_unit_price": str(line.worst_unit_price),
                   "base_monthly": str(cents(line.base_monthly)),
                   "worst_case_monthly": None if line.worst_monthly is None else str(cents(line.worst_monthly)),
                   "assumptions": [a.text() for a in line.assumptions]}
                  for line in e.lines],
        "unpriced": [u.to_json() for u in e.unpriced],
    }


@pytest.mark.parametrize("stack,option", list(CASES) + SEEDS, ids=lambda v: str(v))
def test_preview_totals_match_their_golden_file(request, project, captures, stack, option):
    graph, scenario = captures[(stack, option)] if option else capture(project, stack)
    from gnnstack.costing.report import price_book

    book, _ = price_book(project.root, scenario.costing.price_overrides, None)
    got = json.dumps(summary(priced(graph, scenario, book)), indent=1) + "\n"
    path = GOLDEN / f"{stack}{'-' + option if option else ''}.json"
    if request.config.getoption("--update-golden"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(got)
    assert path.exists(), f"no golden file {path.name}: run with --update-golden and review it"
    assert got == path.read_text(), f"{path.name} changed: review, then --update-golden"
