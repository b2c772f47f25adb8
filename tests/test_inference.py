"""Serverless data-parallel inference (seed 004): the stack-file section, the component's
resources, how they are priced and bounded, and the bounded-fan-out guardrail."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest

from gnnstack.capture import capture
from gnnstack.errors import ConfigError
from gnnstack.project import load_scenario

from .conftest import base_scenario, priced
from .test_guardrails import fan_out, findings

INFERENCE = {"kind": "serverless", "world_size": 16, "max_concurrency": 16, "memory_mb": 2048,
             "seconds_per_item": "0.02", "items_per_day": 200_000}


def scenario(**inference):
    return load_scenario(base_scenario(workload={"inference": {**INFERENCE, **inference}}), "demo")


# --------------------------------------------------------------------------- the stack file


def test_inference_is_off_by_default_and_resolves_its_defaults_when_on():
    assert not load_scenario(base_scenario(), "demo").workload.inference.enabled
    i = scenario(max_concurrency=None, reserved_concurrency=None, world_size=8, items_per_day=80_000).workload.inference
    # max_concurrency defaults to every worker at once, reserved concurrency to max_concurrency.
    assert (i.concurrency, i.reserved, i.items_per_worker) == (8, 8, 10_000)
    # Twice a shard's expected 200 s, capped at Lambda's 900 s.
    assert i.timeout_seconds == 400
    assert scenario(seconds_per_item="0.07").workload.inference.timeout_seconds == 900


@pytest.mark.parametrize("fields,message", [
    ({"world_size": 0}, r"world_size\n.*greater than or equal to 1|world_size.*>= ?1|world_size"),
    ({"world_size": 1001, "max_concurrency": 40}, r"world_size 1001 is above the account's default Lambda "
                                                   r"concurrency \(1000\).*concurrency_limit_raised: true"),
    ({"world_size": 8, "max_concurrency": 16}, r"max_concurrency \(16\) must be <= world_size \(8\)"),
    ({"world_size": 64, "max_concurrency": None}, r"64 workers at once is above the inline Map's 40"),
    ({"reserved_concurrency": 8}, r"reserved_concurrency \(8\) is below max_concurrency \(16\)"),
    ({"reserved_concurrency": 950}, r"leaves less than the 100 unreserved"),
    ({"items_per_day": 2_000_000}, r"over Lambda's 900 s limit; raise world_size"),
    ({"world_size_typo": 3}, r"world_size_typo"),
])
def test_bad_inference_settings_are_one_clear_error(fields, message):
    with pytest.raises(ConfigError, match=message):
        scenario(**fields)


def test_a_raised_quota_allows_a_larger_world():
    i = scenario(world_size=2000, max_concurrency=40, concurrency_limit_raised=True).workload.inference
    assert (i.world_size, i.concurrency) == (2000, 40)


# --------------------------------------------------------------------------- the component


@pytest.fixture(scope="module")
def inference(project):
    return capture(project, "inference")


def of(graph, rtype):
    return [r for r in graph.resources if r.type == rtype]


def test_the_component_fans_a_capped_map_out_to_a_reserved_arm64_function(inference):
    graph, _ = inference
    (fn,) = of(graph, "aws:lambda/function:Function")
    assert fn.name == "inference-inference-worker" and fn.parent == "inference-inference"
    assert (fn.inputs["runtime"], fn.inputs["architectures"], fn.inputs["memorySize"]) == ("python3.12", ["arm64"],
                                                                                         2048)
    assert (fn.inputs["timeout"], fn.inputs["reservedConcurrentExecutions"]) == (500, 16)
    handler = fn.inputs["code"]["assets"]["handler.py"]["text"]
    assert "def handler(event, context)" in handler and 'INPUTS = "inference/inputs/"' in handler
    compile(handler, "handler.py", "exec")  # the rendered template is valid Python
    assert fn.inputs["tags"]["gnnstack:stack"] == "inference"
    machine = next(r for r in of(graph, "aws:sfn/stateMachine:StateMachine") if r.parent == "inference-inference")
    states = json.loads(machine.inputs["definition"])["States"]
    assert states["Shards"]["Result"]["shards"] == list(range(16))
    assert states["Infer"]["MaxConcurrency"] == 16
    worker = states["Infer"]["ItemProcessor"]["States"]["Worker"]
    assert worker["Parameters"]["FunctionName"].endswith("inference-inference-worker")
    (schedule,) = [r for r in of(graph, "aws:scheduler/schedule:Schedule") if r.parent == "inference-inference"]
    assert schedule.inputs["scheduleExpression"] == "cron(0 3 ? * * *)"


def test_the_worker_role_reads_only_inputs_and_writes_only_outputs(inference):
    graph, _ = inference
    policy = next(r for r in of(graph, "aws:iam/rolePolicy:RolePolicy")
                  if r.name == "inference-inference-worker-role-policy")
    statements = json.loads(policy.inputs["policy"])["Statement"]
    grants = {s["Action"] if isinstance(s["Action"], str) else ",".join(s["Action"]): s["Resource"]
              for s in statements}
    assert grants["s3:GetObject"].endswith("/inference/inputs/*")
    assert [r.rsplit("/", 2)[-2] for r in grants["s3:PutObject"]] == ["outputs", "intermediate"]
    assert "s3:DeleteObject" not in json.dumps(statements) and '"*"' not in json.dumps(statements)


def test_no_other_stack_gets_the_component(captures):
    for graph, _ in captures.values():
        assert not [r for r in graph.resources if r.name.startswith(f"{graph.stack}-inference")]
        # The only other Lambda function is neptune-analytics' query function.
        assert {r.name for r in of(graph, "aws:lambda/function:Function")} <= {f"{graph.stack}-db-queries-function"}


# --------------------------------------------------------------------------- pricing


def same(quantity, expected):
    """Quantities are kept to 6 decimal places."""
    return abs(quantity - expected) < Decimal("0.000001")


def lines(estimate, resource):
    return {line.name: line for line in estimate.lines if line.resource == resource}


def test_lambda_is_priced_at_the_arm64_rate_and_its_worst_case_is_bounded(inference):
    graph, s = inference
    e = priced(graph, s)
    fn = lines(e, "inference-inference-worker")
    runs = s.month_days
    duration = fn["Duration (arm64)"]
    assert duration.unit_price == Decimal("0.0000133334")
    # Base: 16 workers x 12,500 items x 0.02 s x 2 GB a run; worst: every attempt to the 500 s timeout.
    assert same(duration.base_quantity, 16 * runs * Decimal(250) * 2)
    assert same(duration.worst_quantity, 16 * runs * 3 * Decimal(500) * 2)
    assert same(fn["Requests"].worst_quantity, 16 * runs * 3 / 1_000_000)
    transitions = lines(e, "inference-inference-pipeline")["State transitions"]
    # 3 a run for the outer states; 1 per worker, 3 with two retries.
    assert same(transitions.base_quantity, (3 + 16) * runs / 1000)
    assert same(transitions.worst_quantity, (3 + 16 * 3) * runs / 1000)
    bucket = lines(e, "inference-data-bucket")
    assert same(bucket["Requests (GET, SELECT)"].base_quantity, 200_000 * runs / 1000)
    assert same(bucket["Requests (PUT, COPY, POST, LIST)"].base_quantity, (200_000 + 32) * runs / 1000)
    assert not [u for u in e.unpriced if u.resource.startswith("inference-inference")]


def test_without_reserved_concurrency_or_an_invocation_bound_the_duration_is_unbounded(inference):
    from gnnstack.assess import stack_usage
    from gnnstack.costing import PriceBook, estimate
    from gnnstack.costing.pricers.lambda_function import FunctionUsage
    from gnnstack.costing.usage import Declared
    from gnnstack.graph import ResourceGraph

    graph, s = inference
    fn = next(r for r in graph.resources if r.type == "aws:lambda/function:Function")
    bare = replace(fn, inputs={k: v for k, v in fn.inputs.items() if k != "reservedConcurrentExecutions"})
    g = ResourceGraph(graph.stack, graph.option, [bare if r is fn else r for r in graph.resources])
    usage = stack_usage(g, s, None)
    usage.declared[fn.name] = Declared(fn.name, FunctionUsage.model_construct(
        _fields_set={"invocations_per_month"}, invocations_per_month=Decimal(1000)))
    worker = lines(estimate(g, PriceBook.load(), usage=usage), fn.name)
    assert worker["Duration (arm64)"].worst_quantity is None and worker["Requests"].worst_quantity is None


def test_a_map_without_its_items_needs_usage(inference):
    from gnnstack.assess import stack_usage
    from gnnstack.costing import PriceBook, estimate

    graph, s = inference
    usage = stack_usage(graph, s, None)
    del usage.declared["inference-inference-pipeline"]
    e = estimate(graph, PriceBook.load(), usage=usage)
    (u,) = [u for u in e.unpriced if u.resource == "inference-inference-pipeline"]
    assert "needs usage: map_items_per_run" in u.reason


# --------------------------------------------------------------------------- the guardrail


def test_bounded_fan_out_fails_a_map_without_max_concurrency_or_a_worker_without_reservation():
    from .test_guardrails import graph

    assert findings("bounded-fan-out", graph(*fan_out())) == []
    assert findings("bounded-fan-out", graph(*fan_out(max_concurrency=None))) == [
        ("s-inf-pipeline", "Map state Infer without MaxConcurrency: its fan-out has no cap")]
    assert findings("bounded-fan-out", graph(*fan_out(max_concurrency=0))) != []
    assert findings("bounded-fan-out", graph(*fan_out(reserved=None))) == [
        ("s-inf-worker", "Lambda function fanned out to by s-inf-pipeline without reserved concurrency")]


def test_the_shipped_inference_stack_passes_boundedfan_out(inference):
    from gnnstack.costing import PriceBook, estimate
    from gnnstack.guardrails import RULES
    from gnnstack.guardrails.context import RuleContext

    from .test_guardrails import NOW

    graph, _ = inference
    r = RULES["bounded-fan-out"]
    assert list(r.check(RuleContext(graph, estimate(graph, PriceBook.load()), NOW), r.params())) == []
