"""The usage contract: pricers' usage models, what components declare, usage files, the template,
and the assumptions every line carries."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import yaml
from click.testing import CliRunner

from gnnstack.assess import stack_usage
from gnnstack.cli import main
from gnnstack.components.usage import declare
from gnnstack.costing import PriceBook, estimate
from gnnstack.costing.pricers import USAGE_MODELS
from gnnstack.costing.usage import DEFAULT, SOURCES, USAGE_FILE, Declared, NeedsUsage, UsageSet

from .conftest import CASES, ROOT

SEEDS = ("seed-analysis", "seed-analysis-high")


def run(*args):
    return CliRunner().invoke(main, list(args), env={"GNNSTACK_PROJECT": str(ROOT)}, catch_exceptions=False)


def preview_json(*args):
    result = run("preview", *args, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def all_captures(captures, project):
    from gnnstack.capture import capture

    out = dict(captures)
    for stack in SEEDS:
        out[(stack, None)] = capture(project, stack)
    return out


# --------------------------------------------------------------------------- the models


@pytest.mark.parametrize("rtype", sorted(USAGE_MODELS))
def test_every_usage_field_has_a_unit_description_bounds_and_a_default_or_none(rtype):
    model = USAGE_MODELS[rtype]
    assert model.title, rtype
    for name, f in model.model_fields.items():
        assert f.description, (rtype, name)
        assert model.default_text(name), (rtype, name)
        if f.annotation in (Decimal,) or "Decimal" in str(f.annotation):
            # Numbers are never negative and have an upper bound against absurd magnitudes.
            assert any(getattr(m, "ge", None) == 0 for m in f.metadata), (rtype, name)
            assert any(getattr(m, "le", None) is not None for m in f.metadata), (rtype, name)
            assert model.unit(name), (rtype, name)


@pytest.mark.parametrize("rtype", sorted(USAGE_MODELS))
def test_a_required_field_nobody_sets_is_needs_usage_and_a_default_is_shown_as_one(rtype):
    model = USAGE_MODELS[rtype]
    empty = UsageSet()
    if model.required():
        with pytest.raises(NeedsUsage) as e:
            empty.resolve("r", rtype, model)
        assert f"needs usage: {model.required()[0]}" in str(e.value)
    else:
        _, assumptions = empty.resolve("r", rtype, model)
        # Quiet fields (used by some resources of the type only) are listed only where set.
        assert {a.name for a in assumptions} == {k for k in model.model_fields if not model.quiet(k)}
        assert all(a.source == DEFAULT for a in assumptions)  # none at all for a model of quiet fields only


def test_a_quiet_field_is_listed_where_it_is_set_and_only_there():
    from gnnstack.costing.pricers.step_functions import StateMachineUsage

    rtype = "aws:sfn/stateMachine:StateMachine"
    usage = UsageSet()
    usage.declare(Declared("set", StateMachineUsage.model_construct(_fields_set={"map_items_per_run"},
                                                                    map_items_per_run=Decimal(16))))
    _, shown = usage.resolve("set", rtype, StateMachineUsage)
    _, hidden = usage.resolve("unset", rtype, StateMachineUsage)
    assert [a.text() for a in shown if a.name == "map_items_per_run"] == ["map_items_per_run = 16 items/run (stack)"]
    assert [a.name for a in hidden] == ["hours_per_job"]


# --------------------------------------------------------------------------- the contract, walked


def _declared_fields(all_captures):
    for case, (graph, scenario) in sorted(all_captures.items(), key=str):
        for name, d in sorted(declare(scenario, graph.stack).declared.items()):
            if d.usage is not None:
                for field in sorted(d.usage.model_fields_set):
                    yield case, name, field


def test_every_declaration_names_a_resource_the_program_creates_with_the_pricers_model(all_captures):
    for (graph, scenario) in all_captures.values():
        for name, d in declare(scenario, graph.stack).declared.items():
            r = graph.names.get(name)
            assert r is not None, f"{graph.stack}: usage declared for {name}, which is not in the graph"
            if d.usage is not None:
                assert type(d.usage) is USAGE_MODELS[r.type], (name, r.type)


def test_every_priced_resource_that_reads_usage_gets_a_declaration(all_captures):
    """A resource whose pricer reads usage and that nothing declares would price from defaults
    only: every such resource in the shipped stacks is declared by its component."""
    for (graph, scenario) in all_captures.values():
        declared = declare(scenario, graph.stack).declared
        missing = [r.name for r in graph.resources if r.type in USAGE_MODELS and r.name not in declared]
        assert missing == [], f"{graph.stack}/{graph.option}: no usage declared for {missing}"


def test_removing_any_declared_field_is_needs_usage_or_a_visible_default(all_captures):
    """The contract test: drop each declared usage field in turn, in every captured stack. The
    resource must become "needs usage: FIELD", or its lines must show FIELD with source
    `default`; never an unchanged-looking total."""
    book = PriceBook.load()
    checked = 0
    for case, name, field in _declared_fields(all_captures):
        graph, scenario = all_captures[case]
        usage = declare(scenario, graph.stack)
        d = usage.declared[name]
        kept = {k: getattr(d.usage, k) for k in d.usage.model_fields_set if k != field}
        usage.declared[name] = Declared(name, type(d.usage).model_construct(_fields_set=set(kept), **kept),
                                        d.config, d.sources)
        e = estimate(graph, book, usage=usage)
        needs = [u for u in e.unpriced if u.resource == name and f"needs usage: {field}" in u.reason]
        lines = [line for line in e.lines if line.resource == name or _reads(line, name, graph)]
        shown = lines and all(any(a.name == field and a.source == DEFAULT for a in line.assumptions)
                              for line in lines)
        assert needs or shown, f"{case}: removing {name}.{field} is silent"
        checked += 1
    assert checked >= 40  # every option, both environments and the seeds


def _reads(line, name, graph) -> bool:
    """Lines of resources priced from `name`'s usage (an EMR task fleet reads its cluster's hours)."""
    r = graph.names.get(line.resource)
    return r is not None and r.parent == name and any(a.source for a in line.assumptions) and \
        graph.names[name].type == "aws:emr/cluster:Cluster"


def test_a_misspelt_field_in_a_component_declaration_fails_with_the_allowed_names(all_captures):
    from gnnstack.components.usage import Declarations
    from gnnstack.costing.pricers.emr_cluster import EmrClusterUsage

    _, scenario = all_captures[("experiment", "emr-spark")]
    with pytest.raises(ValueError, match=r"no usage field 'hoursPerDay'.*allowed: hours_per_day"):
        Declarations(scenario).usage("experiment-db-cluster", EmrClusterUsage, hoursPerDay=2)


def test_removing_the_emr_hours_makes_the_cluster_needs_usage_not_a_month_of_hours(all_captures):
    graph, scenario = all_captures[("experiment", "emr-spark")]
    usage = declare(scenario, graph.stack)
    del usage.declared["experiment-db-cluster"]
    e = estimate(graph, PriceBook.load(), usage=usage)
    reasons = {u.resource: u.reason for u in e.unpriced}
    assert reasons["experiment-db-cluster"].startswith("needs usage: hours_per_day (hours/day)")
    assert reasons["experiment-db-task"].startswith("needs usage: hours_per_day")
    assert not [line for line in e.lines if line.resource in ("experiment-db-cluster", "experiment-db-task")]


# --------------------------------------------------------------------------- assumptions in the output


def test_every_line_of_every_preview_carries_assumptions_with_known_sources(all_captures):
    for (graph, scenario) in all_captures.values():
        e = estimate(graph, PriceBook.load(), usage=stack_usage(graph, scenario, project_root=ROOT))
        for line in e.lines:
            data = line.to_json()["assumptions"]
            assert isinstance(data, list)
            for a in data:
                assert set(a) == {"name", "value", "unit", "source"} and a["source"] in SOURCES


def test_json_lines_name_their_usage_and_the_defaults_are_listed():
    doc = preview_json("experiment")
    lines = {(x["resource"], x["name"]): x for x in doc["estimate"]["lines"]}
    io = lines[("experiment-db-cluster", "I/O requests")]["assumptions"]
    assert {"name": "io_millions_per_month", "value": "100", "unit": "1M requests/month", "source": "default"} in io
    train = lines[("experiment-training-pipeline", "Training job (managed spot, ml.p3.2xlarge)")]["assumptions"]
    assert {"name": "hours_per_job", "value": "4", "unit": "hours", "source": "stack"} in train
    defaults = {(d["resource"], d["name"]) for d in doc["estimate"]["defaults_used"]}
    assert ("experiment-db-cluster", "io_millions_per_month") in defaults


def test_the_table_footnotes_each_line_and_ends_with_the_defaults():
    out = run("preview", "experiment").output
    assert "Storage [3]" in out or any(f"Storage [{n}]" in out for n in range(1, 20))
    assert "Assumptions [n]" in out
    tail = out[out.index("Guardrails ("):]
    assert "Defaults used" in tail and "io_millions_per_month = 100 1M requests/month" in tail


# --------------------------------------------------------------------------- usage files


def test_a_usage_file_for_the_training_hours_changes_exactly_the_training_lines(tmp_path):
    before = preview_json("experiment")["estimate"]
    f = tmp_path / "usage.yaml"
    f.write_text("version: 1\nresources:\n  experiment-training-pipeline:\n    hours_per_job: 5\n")
    after = preview_json("experiment", "--usage", str(f))["estimate"]
    old = {(x["resource"], x["name"]): x for x in before["lines"]}
    new = {(x["resource"], x["name"]): x for x in after["lines"]}
    assert old.keys() == new.keys()
    changed = {k for k in old if old[k]["base_monthly"] != new[k]["base_monthly"]}
    assert changed == {("experiment-training-pipeline", "Training job (managed spot, ml.p3.2xlarge)"),
                       ("experiment-training-pipeline", "Training job ML storage (200 GB per instance)")}
    # One job a day, 730/24 days: 5 h instead of 4 at the managed-spot price 3.825 x (1 - 0.7).
    days = Decimal(730) / 24
    job = ("experiment-training-pipeline", "Training job (managed spot, ml.p3.2xlarge)")
    assert Decimal(new[job]["base_quantity"]) == (5 * days).quantize(Decimal("0.000001"))
    assert Decimal(new[job]["unit_price"]) == Decimal("1.1475")
    delta = Decimal(after["monthly"]["base"]) - Decimal(before["monthly"]["base"])
    # 30.416667 h more of ML instance (x 1.1475) and 200 GB x 30.416667 h / 730 h of ML storage (x 0.14).
    expected = days * Decimal("1.1475") + 200 * days / 730 * Decimal("0.14")
    assert abs(delta - expected) <= Decimal("0.01")
    assert {"name": "hours_per_job", "value": "5", "unit": "hours", "source": USAGE_FILE} in new[job]["assumptions"]
    assert after["usage_file"] == str(f)


def test_a_type_entry_applies_to_every_resource_of_the_type_and_a_name_entry_wins(tmp_path):
    f = tmp_path / "usage.yaml"
    f.write_text("version: 1\ntypes:\n  aws:sfn/stateMachine:StateMachine:\n    hours_per_job: 2 hours\n"
                 "resources:\n  experiment-tuning-pipeline:\n    hours_per_job: 3\n")
    lines = {(x["resource"], x["name"]): x for x in preview_json("experiment", "--usage", str(f))["estimate"]["lines"]}
    values = {r: next(a["value"] for a in x["assumptions"] if a["name"] == "hours_per_job")
              for (r, n), x in lines.items() if n.endswith("ml.p3.2xlarge)")}
    assert values == {"experiment-training-pipeline": "2", "experiment-tuning-pipeline": "3"}


@pytest.mark.parametrize("case", CASES + [(s, None) for s in SEEDS], ids=str)
def test_the_template_loaded_unchanged_prices_the_stack_exactly_as_before(all_captures, tmp_path, case):
    stack, option = case
    args = ["--option", option] if option else []
    out = tmp_path / "usage.yaml"
    result = run("usage", "template", stack, *args, "--output", str(out))
    assert result.exit_code == 0, result.output
    doc = yaml.safe_load(out.read_text())
    graph, _ = all_captures[case]
    readers = sorted(r.name for r in graph.resources if r.type in USAGE_MODELS)
    assert sorted(doc["resources"]) == readers
    plain = preview_json(stack, *args)["estimate"]
    with_file = preview_json(stack, *args, "--usage", str(out))["estimate"]
    assert with_file["monthly"] == plain["monthly"]
    assert [(x["resource"], x["name"], x["base_quantity"], x["worst_case_quantity"]) for x in with_file["lines"]] == \
        [(x["resource"], x["name"], x["base_quantity"], x["worst_case_quantity"]) for x in plain["lines"]]
    assert [u["resource"] for u in with_file["unpriced"]] == [u["resource"] for u in plain["unpriced"]]


def test_the_template_writes_required_fields_nobody_set_as_comments_to_fill_in():
    text = run("usage", "template", "production", "--option", "neo4j-ec2").output
    assert "# licence_usd_per_month: default: none" in text
    assert "production-db-asg:" in text and "inter_az_gb_per_month:" in text


BAD = [
    ("resources:\n  experiment-training-pipeline:\n    hours_per_jbo: 5\n",
     "resources.experiment-training-pipeline: unknown usage field 'hours_per_jbo' (did you mean 'hours_per_job'?); "
     "allowed: hours_per_job (hours)"),
    ("resources:\n  experiment-training-pipelin:\n    hours_per_job: 5\n",
     "resources.experiment-training-pipelin: no such resource in stack 'experiment' (did you mean "
     "'experiment-training-pipeline'"),
    ("resources:\n  experiment-db-writer:\n    hours_per_job: 5\n",
     "resources.experiment-db-writer: a aws:neptune/clusterInstance:ClusterInstance reads no usage"),
    ("types:\n  aws:sfn/stateMachine:StateMachin:\n    hours_per_job: 5\n",
     "types.aws:sfn/stateMachine:StateMachin: no pricer reads usage for this type (did you mean "
     "'aws:sfn/stateMachine:StateMachine'"),
    ("resources:\n  experiment-db-cluster:\n    io_millions_per_month: -5\n",
     "resources.experiment-db-cluster.io_millions_per_month: -5: must not be negative"),
    ("resources:\n  experiment-db-cluster:\n    io_millions_per_month: .nan\n",
     "io_millions_per_month: nan: is not a finite number"),
    ("resources:\n  experiment-db-cluster:\n    io_millions_per_month: .inf\n",
     "io_millions_per_month: inf: "),
    ("resources:\n  experiment-db-cluster:\n    io_millions_per_month: lots\n",
     "io_millions_per_month: 'lots': is not a finite number"),
    ("resources:\n  experiment-training-pipeline:\n    hours_per_job: 100000\n",
     "hours_per_job: 100000: is beyond the largest plausible value (672): check the unit"),
    ("resources:\n  experiment-training-pipeline:\n    hours_per_job: 4 days\n",
     "hours_per_job: '4 days' is in the wrong unit; hours_per_job is in hours"),
    ("resources:\n  experiment-training-pipeline:\n    hours_per_job: [5\n", "line 5, column 1: expected ',' or ']'"),
    ("resources:\n  experiment-training-pipeline: 5\n",
     "resources.experiment-training-pipeline: expected a mapping of usage fields to values"),
    ("resource:\n  x: {}\n", "resource: unknown key; allowed: version, resources, types"),
]


@pytest.mark.parametrize("body,message", BAD, ids=[m[:40] for _, m in BAD])
@pytest.mark.parametrize("command", ["preview", "compare", "check"])
def test_a_bad_usage_file_is_one_message_exit_2_nothing_priced(tmp_path, body, message, command):
    f = tmp_path / "usage.yaml"
    f.write_text(("version: 1\n" if "version" not in body else "") + body)
    args = {"preview": ["preview", "experiment"], "compare": ["compare", "experiment"],
            "check": ["check", "experiment"]}[command]
    result = CliRunner().invoke(main, [*args, "--usage", str(f)], env={"GNNSTACK_PROJECT": str(ROOT)})
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout == ""  # nothing priced
    assert message in result.stderr and str(f) in result.stderr, result.stderr


def test_a_usage_file_without_a_version_says_which(tmp_path):
    f = tmp_path / "usage.yaml"
    f.write_text("resources: {}\n")
    result = CliRunner().invoke(main, ["preview", "experiment", "--usage", str(f)], env={"GNNSTACK_PROJECT": str(ROOT)})
    assert result.exit_code == 2 and "version: must be 1" in result.stderr


def test_usage_fields_lists_every_model():
    out = run("usage", "fields").output
    for rtype, model in USAGE_MODELS.items():
        assert rtype in out
        for name in model.model_fields:
            assert name in out


def test_a_stack_file_field_left_out_that_takes_a_priced_default_is_named(tmp_path):
    """Leaving out neptune.instance_class prices two db.r6g.8xlarge instances: the lines say so."""
    from .conftest import base_scenario, make_project

    proj = make_project(tmp_path, base_scenario(option="neptune-sagemaker"))
    result = CliRunner().invoke(main, ["preview", "demo", "--format", "json"], env={"GNNSTACK_PROJECT": str(proj)})
    doc = json.loads(result.output)
    writer = next(x for x in doc["estimate"]["lines"] if x["resource"] == "demo-db-writer")
    assert {"name": "neptune.instance_class", "value": "db.r6g.8xlarge", "unit": "", "source": "default"} \
        in writer["assumptions"]
    assert {"resource": "demo-db-writer", "name": "neptune.instance_class", "value": "db.r6g.8xlarge", "unit": "",
            "source": "default"} in doc["estimate"]["defaults_used"]
    table = CliRunner().invoke(main, ["preview", "demo"], env={"GNNSTACK_PROJECT": str(proj)}).output
    assert "demo-db-writer: neptune.instance_class = db.r6g.8xlarge" in table.split("Defaults used")[1]


def test_a_usage_file_is_read_once_while_unchanged_and_again_once_edited(tmp_path):
    from gnnstack.costing.usage_file import load_usage_file

    f = tmp_path / "usage.yaml"
    f.write_text("version: 1\nresources:\n  a:\n    hours_per_job: 5\n")
    first = load_usage_file(f)
    assert load_usage_file(f) is first  # the same parse, not read again
    f.write_text("version: 1\nresources:\n  a:\n    hours_per_job: 50\n")
    assert load_usage_file(f).resources == {"a": {"hours_per_job": 50}}
