"""Golden-file tests: each case under tests/golden/pricers/ (resources + declared usage) must
produce exactly its expected cost lines. `--update-golden` rewrites the expected files."""

from __future__ import annotations

import json

import pytest

from tests.golden_cases import GOLDEN, expected_path, run_case, write_expected

CASES = sorted(GOLDEN.glob("*.yaml"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_pricer_golden(case, request):
    result = run_case(case)
    expected = expected_path(case)
    if request.config.getoption("--update-golden") or not expected.exists():
        write_expected(case, result)
        if not request.config.getoption("--update-golden"):
            pytest.fail(f"wrote {expected.name}: review it and commit it")
    assert result == json.loads(expected.read_text())


def test_every_pricer_has_a_golden_case():
    from gnnstack.costing.pricers import PRICERS

    covered = set()
    for case in CASES:
        from tests.golden_cases import load_case

        data, graph = load_case(case)
        covered |= {r.type for r in graph.resources if r.name in data["price"]}
    assert set(PRICERS) - covered == set()
