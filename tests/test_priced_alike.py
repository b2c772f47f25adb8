"""Resources priced alike (`PricingContext.alike`): an estimate makes the lines of the first
resource with a key and copies them to the others with that key. These tests price graphs full of
near-copies twice, once sharing lines and once pricing every resource on its own, and require the
same estimate: every input a pricer reads (of the resource, of its neighbours, of its usage) must
be in its key, or a copy that differs in it would get another resource's lines."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from decimal import Decimal
from typing import Any, Iterator

import pytest

from gnnstack.assess import stack_usage
from gnnstack.costing import PriceBook, estimate
from gnnstack.costing.lines import PricingContext
from gnnstack.costing.pricers import PRICED_WITH, PRICERS
from gnnstack.costing.usage import Declared, UsageSet
from gnnstack.graph import Resource, ResourceGraph

from gnnstack.costing.usage_file import UsageFile, apply_usage_file
from tests.golden_cases import GOLDEN, load_case

from .conftest import CASES, ROOT


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(path, value) of every number, text and flag inside an input value."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, path + (i,))
    else:
        yield path, value


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value * 2 + 1
    if isinstance(value, str):
        return value + "x"
    return "changed"


def _with(inputs: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(inputs)
    at: Any = out
    for step in path[:-1]:
        at = at[step]
    at[path[-1]] = value
    return out


def _retarget(value: Any, names: frozenset[str], suffix: str) -> Any:
    """`value` with its references to the resources being copied pointed at their copies: a
    name, a mock id (`<name>-id`) or an ARN or path ending in `/<name>`, so that a copy's neighbours are
    the copies, not the originals (a pricer reading a neighbour must then name it in its key)."""
    if isinstance(value, dict):
        return {k: _retarget(v, names, suffix) for k, v in value.items()}
    if isinstance(value, list):
        return [_retarget(v, names, suffix) for v in value]
    if not isinstance(value, str):
        return value
    if value in names:
        return value + suffix
    if value.endswith("-id") and value[:-3] in names:
        return value[:-3] + suffix + "-id"
    head, sep, tail = value.rpartition("/")
    if sep and tail in names:  # an ARN or a path such as an auto-scaling resourceId
        return f"{head}/{tail}{suffix}"
    return value


def _copy(resources: list[Resource], suffix: str, changed: dict[str, dict[str, Any]]) -> list[Resource]:
    """The resources renamed with `suffix` (parents too, and references between them), some with
    other inputs."""
    names = frozenset(r.name for r in resources)
    return [Resource(r.type, f"{r.name}{suffix}", f"{r.parent}{suffix}" if r.parent else None,
                     _retarget(changed.get(r.name, r.inputs), names, suffix), r.custom) for r in resources]


def near_copies(graph: ResourceGraph, usage: UsageSet) -> tuple[ResourceGraph, UsageSet]:
    """The graph, an exact copy, and one copy per input leaf of every priced (or priced-with)
    resource, with that leaf changed, and one per declared usage value, doubled; usage declared
    for every copy as for the original."""
    resources = list(graph.resources)
    out = UsageSet(declared=dict(usage.declared), by_type=usage.by_type, file=usage.file,
                   assumptions=list(usage.assumptions))
    out.by_name = dict(usage.by_name)
    variants: list[tuple[dict[str, dict[str, Any]], dict[str, Declared]]] = [({}, {})]
    for r in graph.resources:
        if r.type in PRICERS or r.type in PRICED_WITH:
            for path, value in _leaves(r.inputs):
                variants.append(({r.name: _with(r.inputs, path, _changed(value))}, {}))
            for key in r.inputs:
                variants.append(({r.name: {k: v for k, v in r.inputs.items() if k != key}}, {}))
    for name, d in usage.declared.items():
        for field in (d.usage.model_fields_set if d.usage is not None else ()):
            value = getattr(d.usage, field)
            if isinstance(value, Decimal):
                changed = type(d.usage).model_construct(_fields_set=set(d.usage.model_fields_set),
                                                        **{**dict(d.usage), field: value * 2 + 1})
                variants.append(({}, {name: replace(d, usage=changed)}))
    for i, (inputs, declared) in enumerate(variants):
        suffix = f"~{i}"
        resources += _copy(graph.resources, suffix, inputs)
        for name, d in usage.declared.items():
            out.declared[name + suffix] = replace(declared.get(name, d), resource=name + suffix)
        for name, values in usage.by_name.items():
            out.by_name[name + suffix] = values
    return ResourceGraph(graph.stack, graph.option, resources), out


def _priced_both_ways(graph: ResourceGraph, usage: UsageSet, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> None:
    """The estimate with lines shared alike is the one with every resource priced on its own,
    and lines were shared (the copies are alike: most of them are priced from a template)."""
    book = PriceBook.load()
    share = PricingContext.alike
    made, copied = 0, 0

    def counting(self: PricingContext, r: Resource, key: Any, build: Any) -> Any:
        nonlocal made, copied
        built = []
        lines = share(self, r, key, lambda: built.append(1) or build())
        made, copied = made + len(built), copied + (not built)
        return lines

    with monkeypatch.context() as m:
        m.setattr(PricingContext, "alike", counting)
        shared = estimate(graph, book, usage=usage, **kw)
    with monkeypatch.context() as m:
        m.setattr(PricingContext, "alike", lambda self, r, key, build: build())
        alone = estimate(graph, book, usage=usage, **kw)
    if any("~" not in line.resource for line in alone.lines):  # the original is priced: its exact copy ~0 too
        assert copied > 0, "no lines were shared: the test compares nothing"
    assert json.dumps(shared.to_json()) == json.dumps(alone.to_json())


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[f"{e}-{o}" for e, o in CASES])
def test_near_copies_of_every_stack_are_priced_as_on_their_own(captures, monkeypatch, case):
    graph, scenario = captures[case]
    big, usage = near_copies(graph, stack_usage(graph, scenario, project_root=ROOT))
    _priced_both_ways(big, usage, monkeypatch)


GOLDEN_CASES = sorted(GOLDEN.glob("*.yaml"))


@pytest.mark.parametrize("case", GOLDEN_CASES, ids=[c.stem for c in GOLDEN_CASES])
def test_near_copies_of_every_golden_case_are_priced_as_on_their_own(monkeypatch, case):
    data, graph = load_case(case)
    usage = apply_usage_file(UsageSet(), UsageFile.model_validate(data.get("usage") or {"version": 1}), graph,
                             case.name)
    big, usage = near_copies(graph, usage)
    _priced_both_ways(big, usage, monkeypatch, region=data.get("region", "us-east-1"),
                      hours=Decimal(str(data.get("hours", 730))))
