"""The option registry and the typed component arguments: one place lists the options, every
consumer agrees with it, and no component reads the scenario."""

from __future__ import annotations

import ast
import typing
from pathlib import Path

import pytest

from gnnstack import options
from gnnstack.errors import ConfigError
from gnnstack.options import OPTIONS, REGISTRY
from gnnstack.project import find_project, load_stack
from gnnstack.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
COMPONENTS = ROOT / "components"
# The two pulumi-free modules that turn the scenario into what components take: the typed
# arguments and the usage declarations for pricing.
READS_SCENARIO = {"args.py", "usage.py"}


def _scenario_reads(path: Path) -> list[str]:
    """Where a module imports the scenario or reaches into a scenario through `.s` / `.scenario`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and "scenario" in node.module.split("."):
            found.append(f"{path.name}:{node.lineno}: imports {node.module}")
        elif isinstance(node, ast.Import) and any("scenario" in a.name.split(".") for a in node.names):
            found.append(f"{path.name}:{node.lineno}: imports the scenario")
        elif isinstance(node, ast.Attribute) and node.attr in ("s", "scenario"):
            found.append(f"{path.name}:{node.lineno}: reads .{node.attr}")
    return found


def test_components_see_only_their_arguments():
    modules = sorted(p for p in COMPONENTS.glob("*.py") if p.name not in READS_SCENARIO)
    assert len(modules) >= 10, "the components folder moved?"
    reads = [r for p in modules for r in _scenario_reads(p)]
    assert not reads, "components must take typed Args, not the scenario:\n" + "\n".join(reads)


def test_the_scenario_read_check_finds_a_read(tmp_path):
    """The check above can fail: a module that imports the scenario or reads `ctx.s` is found."""
    bad = tmp_path / "bad.py"
    bad.write_text("from gnnstack.scenario import Scenario\n\ndef f(ctx):\n    return ctx.s.neptune\n")
    assert [r.split(": ", 1)[1] for r in _scenario_reads(bad)] == ["imports gnnstack.scenario", "reads .s"]


def test_every_consumer_lists_the_registry_options():
    from gnnstack.components.usage import DATABASES

    from gnnstack.components.args import DATABASE_ARGS

    assert OPTIONS == tuple(REGISTRY) and len(OPTIONS) == len(set(OPTIONS))
    assert typing.get_args(Scenario.model_fields["option"].annotation) == OPTIONS
    sections = {spec.database for spec in REGISTRY.values()}
    assert set(DATABASE_ARGS) == sections, "components/args.py: one argument builder per database section"
    assert set(DATABASES) == sections, "components/usage.py: one usage declaration per database section"
    for spec in REGISTRY.values():
        field = Scenario.model_fields.get(spec.database)
        assert field is not None, f"{spec.name}: the scenario has no {spec.database!r} section"
        assert "enabled" in field.annotation.model_fields, f"{spec.name}: {spec.database} cannot be turned off"


def test_every_option_names_a_component_of_its_own():
    pytest.importorskip("pulumi")
    from gnnstack.components.options import OptionStack

    classes = [spec.load_stack_class() for spec in REGISTRY.values()]
    assert all(issubclass(c, OptionStack) for c in classes)
    assert len({c.TYPE for c in classes}) == len(classes), "two options register the same component type"


def test_an_unknown_option_names_the_closest():
    with pytest.raises(ConfigError, match=r"unknown option 'neo4j-ec'; allowed: neptune-sagemaker, .*neo4j-ec2"):
        options.option("neo4j-ec")


@pytest.mark.parametrize("option", OPTIONS)
def test_option_args_follow_the_registry_defaults(option):
    """What the registry says an option defaults to is what its components are built with, and
    the database is left out exactly when the stack file turns it off."""
    from gnnstack.components.args import DATABASE_ARGS, option_args

    spec = REGISTRY[option]
    _, s = load_stack(find_project(ROOT), "experiment", option)
    args = option_args(s)
    assert args.option == option
    if spec.trains:
        assert args.training is not None and args.training.platform == spec.training_platform
    else:
        assert args.training is None and args.tuning is None, "an option that does not train builds no training"
    assert (args.queries is not None) == spec.serves_queries
    assert args.network.nat_gateway == spec.nat_gateway
    assert (args.etl is None) == spec.runs_etl
    assert type(args.database) is typing.get_type_hints(DATABASE_ARGS[spec.database])["return"]
    off = s.model_copy(update={spec.database: getattr(s, spec.database).model_copy(update={"enabled": False})})
    assert option_args(off).database is None
    assert option_args(off).etl is not None, "with its cluster off, an option's ETL runs on Glue"


def test_the_readme_describes_every_option():
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## What each option provisions"):]
    section = section[:section.index("\n## ", 4)]
    rows = [line.split("|")[1].strip().strip("`") for line in section.splitlines() if line.startswith("| `")]
    assert rows == list(OPTIONS), "README: 'What each option provisions' lists the registry's options, in order"
