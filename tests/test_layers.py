"""What each layer may import (docs/ARCHITECTURE.md draws the same table). Read from the source
with `ast`, lazy imports inside functions included, so a shortcut across layers fails here and
not in a review."""

from __future__ import annotations

import ast
import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Where each installed package's source lives (pyproject's package-dir).
SOURCES = {"gnnstack": ROOT / "src" / "gnnstack", "gnnstack.components": ROOT / "components",
           "gnnstack.guardrails": ROOT / "guardrails"}
WATCHED = ("gnnstack", "pulumi", "pulumi_aws", "pulumi_policy", "click", "jinja2", "rich", "boto3", "botocore")

BASE = ["gnnstack", "gnnstack.errors", "gnnstack.clock", "gnnstack.tags", "gnnstack.options", "gnnstack.regions",
        "gnnstack.graph", "gnnstack.instances", "gnnstack.cachedir"]
# layer: (its modules, what they may import among WATCHED). Patterns are fnmatch-style.
LAYERS = {
    "base": (BASE[1:], BASE),
    "scenario": (["gnnstack.scenario", "gnnstack.scenario.*", "gnnstack.sizing"],
                 [*BASE, "gnnstack.scenario", "gnnstack.scenario.*"]),
    "costing": (["gnnstack.costing", "gnnstack.costing.*"], [*BASE, "gnnstack.costing", "gnnstack.costing.*"]),
    "guardrails": (["gnnstack.guardrails", "gnnstack.guardrails.config", "gnnstack.guardrails.context",
                    "gnnstack.guardrails.evaluate", "gnnstack.guardrails.registry", "gnnstack.guardrails.waivers",
                    "gnnstack.guardrails.rules", "gnnstack.guardrails.rules.*"],
                   [*BASE, "gnnstack.costing", "gnnstack.costing.*", "gnnstack.scenario",
                    "gnnstack.guardrails", "gnnstack.guardrails.*"]),
    # The policy pack runs inside `pulumi preview`: it prices and evaluates like the CLI, and
    # words its messages with the outputs' plain figures (no click, jinja2 or rich).
    "policy pack": (["gnnstack.guardrails.pack", "gnnstack.guardrails.__main__"],
                    [*BASE, "gnnstack.costing", "gnnstack.costing.*", "gnnstack.scenario", "gnnstack.guardrails",
                     "gnnstack.guardrails.*", "gnnstack.assess", "gnnstack.project", "gnnstack.outputs",
                     "gnnstack.outputs.figures", "pulumi", "pulumi.log", "pulumi_policy", "pulumi_policy.*"]),
    "component arguments": (["gnnstack.components.args", "gnnstack.components.usage"],
                            [*BASE, "gnnstack.scenario", "gnnstack.sizing", "gnnstack.costing",
                             "gnnstack.costing.usage", "gnnstack.costing.pricers.*"]),  # the usage models
    "components": (["gnnstack.components", "gnnstack.components._*", "gnnstack.components.budget",
                    "gnnstack.components.emr", "gnnstack.components.etl", "gnnstack.components.neo4j",
                    "gnnstack.components.neptune", "gnnstack.components.network", "gnnstack.components.options",
                    "gnnstack.components.queries", "gnnstack.components.storage", "gnnstack.components.tigergraph",
                    "gnnstack.components.training", "gnnstack.components.inference"],
                   [*BASE, "gnnstack.components", "gnnstack.components.*", "gnnstack.templating",
                    "pulumi", "pulumi_aws"]),
    # Reading other tools' JSON (preview files, stack exports) into graphs and pricing them: fast
    # and plain, never pulumi, click or rich. gnnstack.foreign.program, which runs a Pulumi
    # program, is the top layer's.
    "foreign": (["gnnstack.foreign", "gnnstack.foreign.load", "gnnstack.foreign.plan"],
                [*BASE, "gnnstack.costing", "gnnstack.costing.*", "gnnstack.foreign", "gnnstack.foreign.load",
                 "gnnstack.foreign.plan"]),
    "reap": (["gnnstack.reap", "gnnstack.reap.*"],
             [*BASE, "gnnstack.reap", "gnnstack.reap.*", "gnnstack.deploy", "boto3", "botocore", "botocore.*"]),
    "outputs": (["gnnstack.outputs", "gnnstack.outputs.*"],
                [*BASE, "gnnstack.outputs", "gnnstack.outputs.*", "gnnstack.costing", "gnnstack.costing.*",
                 "gnnstack.guardrails", "gnnstack.guardrails.*", "gnnstack.scenario", "gnnstack.check",
                 "gnnstack.diff", "gnnstack.locate", "gnnstack.reap", "gnnstack.reap.*", "gnnstack.templating",
                 "gnnstack.__version__", "rich", "rich.*"]),
}
# Modules of the top layer (anything goes) inside a package whose other modules belong to a
# layer: they run Pulumi. No layer's pattern claims them.
TOP_MODULES = {"gnnstack.foreign.program"}


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for package, folder in SOURCES.items():
        for path in sorted(folder.rglob("*.py")):
            parts = [p for p in path.relative_to(folder).with_suffix("").parts if p != "__init__"]
            if package == "gnnstack" and parts[:1] in (["components"], ["guardrails"]):
                continue
            found[".".join([package, *parts])] = (path, path.name == "__init__.py")
    return found


def imports_of(name: str, path: Path, is_package: bool) -> set[str]:
    """Every module (and `module.name`) the file imports, relative imports resolved."""
    here = name.split(".") if is_package else name.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(here[:len(here) - node.level + 1] + [node.module or ""]).strip(".") if node.level \
                else node.module or ""
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in out if m.split(".")[0] in WATCHED}


def _allowed(target: str, patterns: list[str], modules: dict) -> bool:
    # `from pkg import name` gives `pkg.name`: fine when `pkg` is allowed and `name` is not a module.
    if any(fnmatch.fnmatchcase(target, p) for p in patterns):
        return True
    parent = target.rsplit(".", 1)[0]
    return target not in modules and parent != target and any(fnmatch.fnmatchcase(parent, p) for p in patterns)


def violations(modules: dict) -> list[str]:
    bad = []
    for layer, (members, allowed) in LAYERS.items():
        for name, (path, is_package) in modules.items():
            if name in TOP_MODULES or not any(fnmatch.fnmatchcase(name, m) for m in members):
                continue
            for target in sorted(imports_of(name, path, is_package)):
                if target != name and not _allowed(target, allowed, modules):
                    bad.append(f"{layer}: {name} imports {target}")
    return bad


def test_every_layer_imports_only_what_it_may():
    modules = _modules()
    assert not violations(modules), "\n".join(violations(modules))


def test_every_module_belongs_to_a_checked_layer_or_is_above_them():
    """Modules no layer claims are the top: the CLI and the engine that drives Pulumi
    (capture, program, deploy, assess, check...). A new package must pick a layer."""
    modules = _modules()
    claimed = {n for n in modules for members, _ in LAYERS.values() if any(fnmatch.fnmatchcase(n, m) for m in members)}
    top = {n for n in modules if n not in claimed and n not in TOP_MODULES}
    assert {n.split(".")[1] for n in top if n.count(".") >= 1} <= {
        "cli", "capture", "capture_cache", "program", "project", "deploy", "assess", "check", "diff", "locate",
        "budgets", "solve", "reprice", "recommend", "report", "parallel", "templating", "data", "__main__"}, sorted(top)


@pytest.mark.parametrize("source,expected", [
    ("import pulumi\n", "costing: gnnstack.costing.bad imports pulumi"),
    ("from ..outputs import table\n", "costing: gnnstack.costing.bad imports gnnstack.outputs.table"),
    ("def f():\n    import click\n", "costing: gnnstack.costing.bad imports click"),
])
def test_a_shortcut_across_layers_is_found(tmp_path, source, expected):
    bad = tmp_path / "bad.py"
    bad.write_text(source)
    found = violations({"gnnstack.costing.bad": (bad, False), "gnnstack.outputs.table": (bad, False)})
    assert expected in found
