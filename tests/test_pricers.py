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


def test_pricers_register_themselves_from_every_module_and_each_imports_alone():
    """No hand-kept list: every pricer module of the package is imported by a pkgutil walk and
    registers with @pricer; each module imports on its own in a fresh interpreter (no cycle with
    the package's __init__)."""
    import pkgutil
    import subprocess
    import sys

    import gnnstack.costing.pricers as package
    from gnnstack.costing.pricers import PRICERS, USAGE_MODELS

    modules = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_"))
    registering = {fn.__module__.rsplit(".", 1)[1] for fn in PRICERS.values()}
    helpers = {"free", "schedules"}  # data and helpers, not pricers
    assert set(modules) - helpers == registering
    assert set(USAGE_MODELS) <= set(PRICERS)
    # One interpreter: each module imported first, gnnstack unloaded between them.
    script = "\n".join([
        "import importlib, sys",
        f"for name in {sorted(registering)!r}:",
        "    for m in [m for m in sys.modules if m.startswith('gnnstack')]: del sys.modules[m]",
        "    importlib.import_module('gnnstack.costing.pricers.' + name)",
    ])
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-600:]
