"""`gnnstack solve STACK`: the largest settings of a stack's cost knobs that keep its monthly cost
(base, or worst case) within a budget.

Every candidate is priced exactly as `gnnstack preview` prices a stack file (`reprice.Repricer`):
the stack file with the knobs changed is written to a scratch folder beside nothing else, its
program is captured (through the capture cache: a setting tried before costs nothing) and priced
with the stack's declared usage, price overrides and usage file. Most knobs change the captured resources (reader
instances, server counts, worker counts), so there is no cheaper path that stays exact.

The search, in words (also in `gnnstack solve --help`):
- start from the stack file's values;
- over budget: lower the knobs one at a time in the order of KNOBS, each by its step until the
  cost fits or the knob reaches its floor (or a step the stack file's own rules refuse, such as
  readers below what max_readers needs), then the next knob;
- within budget: raise the knobs one at a time in the same order, each by its step while the
  cost still fits, up to its ceiling or a step the stack file's rules refuse
  (hours_per_day above max_runtime_hours);
- nothing fits with every knob lowered as far as it goes: that floor is reported.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, ContextManager, Optional

from .costing.inverse import Budget
from .errors import ConfigError
from .project import SCENARIO_KEY, Project
from .reprice import Repricer
from .scenario import Scenario


@dataclass(frozen=True)
class Knob:
    path: str  # dotted, under gnnstack:scenario
    step: Decimal
    floor: Decimal
    ceiling: Decimal
    applies: Callable[[Scenario], bool]
    integer: bool = True

    def value(self, s: Scenario) -> Decimal:
        node: Any = s
        for part in self.path.split("."):
            node = getattr(node, part)
        return Decimal(node)

    def shown(self, v: Decimal) -> int | str:
        return int(v) if self.integer else str(v.normalize())


def _database(name: str) -> Callable[[Scenario], bool]:
    return lambda s: s.database_enabled and s.spec.database == name


D = Decimal
# The knobs, in the order the search lowers and raises them: usage first (hours, jobs, workers),
# then what the database runs on. A knob applies only when the stack uses it.
KNOBS: tuple[Knob, ...] = (
    Knob("workload.tuning.max_training_jobs", D(1), D(1), D(20), lambda s: s.workload.tuning.enabled),
    Knob("workload.etl.workers", D(1), D(2), D(40),
         lambda s: s.workload.etl.enabled and s.etl_engine == "glue"),
    Knob("workload.training.hours_per_day", D(1), D(1), D(24), lambda s: True, integer=False),
    Knob("workload.training.instance_count", D(1), D(1), D(8), lambda s: True),
    Knob("neptune.max_readers", D(1), D(0), D(15), _database("neptune")),
    Knob("neptune.readers", D(1), D(0), D(15), _database("neptune")),
    Knob("neo4j.max_servers", D(1), D(1), D(9), _database("neo4j")),
    Knob("neo4j.servers", D(1), D(1), D(9), _database("neo4j")),
    Knob("emr.hours_per_day", D(1), D(1), D(24), _database("emr"), integer=False),
    Knob("emr.max_units", D(1), D(1), D(40), _database("emr")),
    Knob("emr.core_instances", D(1), D(1), D(20), _database("emr")),
)


@dataclass(frozen=True)
class Priced:
    base: Decimal
    worst_bounded: Decimal
    unbounded: tuple[str, ...]  # "resource: line" of every line with no cap

    @property
    def worst(self) -> Optional[Decimal]:
        return None if self.unbounded else self.worst_bounded


@dataclass(frozen=True)
class Change:
    path: str
    old: int | str
    new: int | str
    set_in_file: bool  # False: the old value is the scenario's default
    why_stopped: str  # what kept the knob from going one step further


@dataclass
class Solution:
    stack: str
    option: str
    budget: Budget
    worst_case: bool  # the budget bounds the worst case (bounded part), not the base
    start: Priced
    result: Priced
    fits: bool
    direction: str  # "lower", "raise"
    knobs: list[str]
    changes: list[Change] = field(default_factory=list)
    evaluations: int = 0
    kept: list[Change] = field(default_factory=list)  # knobs left as they are, with why

    def measure(self, p: Priced) -> Decimal:
        return measure(p, self.worst_case)


def measure(p: Priced, worst_case: bool) -> Decimal:
    return p.worst_bounded if worst_case else p.base


def _is_set(raw: dict, path: str) -> bool:
    node: Any = raw
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


class _Pricer:
    """Prices the stack file with some knobs changed, as `preview` would (`reprice.Repricer`);
    remembers each answer."""

    def __init__(self, project: Project, stack: str, option: Optional[str], scratch: Path,
                 step: Callable[[str], ContextManager[object]]) -> None:
        self.stack, self.step = stack, step
        self.repricer = Repricer(project, stack, scratch, option)
        self.seen: dict[tuple, Priced | ConfigError] = {}

    def __call__(self, values: dict[str, int | str]) -> Priced | ConfigError:
        """The price with `values`, or the ConfigError the stack file's rules give for them."""
        key = tuple(sorted(values.items()))
        if key in self.seen:
            return self.seen[key]
        shown = ", ".join(f"{k.rsplit('.', 1)[-1]}={v}" for k, v in key) or "the stack file as it is"
        try:
            with self.step(f"{self.stack}: pricing {shown}"):
                a = self.repricer.assess(values)
            e = a.costs.estimate
            found: Priced | ConfigError = Priced(e.base, e.worst_case_bounded,
                                                 tuple(f"{x.resource}: {x.name}" for x in e.unbounded))
        except ConfigError as err:
            if not values:
                raise  # the stack file itself is wrong: that is the user's error, not a boundary
            found = err
        self.seen[key] = found
        return found


def solve(project: Project, stack: str, budget: Budget, option: Optional[str] = None, worst_case: bool = False,
          step: Optional[Callable[[str], ContextManager[object]]] = None) -> Solution:
    """The search described in the module docstring; the answer priced as `preview` prices it."""
    import contextlib

    from .project import load_stack

    step = step or (lambda text: contextlib.nullcontext())
    config, scenario = load_stack(project, stack, option)
    knobs = [k for k in KNOBS if k.applies(scenario)]
    limit = budget.monthly
    with tempfile.TemporaryDirectory(prefix="gnnstack-solve-") as folder:
        price = _Pricer(project, stack, option, Path(folder), step)
        start = price({})
        assert isinstance(start, Priced)
        values: dict[str, int | str] = {}
        current = {k.path: k.value(scenario) for k in knobs}
        stopped: dict[str, str] = {}
        over = measure(start, worst_case) > limit
        result = start

        which = "worst-case" if worst_case else "base"

        def fits(p: Priced) -> bool:
            return measure(p, worst_case) <= limit

        for knob in knobs:
            while True:
                if over and fits(result):
                    break
                nxt = current[knob.path] - knob.step if over else current[knob.path] + knob.step
                if (over and nxt < knob.floor) or (not over and nxt > knob.ceiling):
                    stopped[knob.path] = f"{'floor' if over else 'ceiling'} {knob.shown(current[knob.path])}"
                    break
                trial = {**values, knob.path: knob.shown(nxt)}
                p = price(trial)
                if isinstance(p, ConfigError):
                    rule = p.message.strip().splitlines()[0]
                    stopped[knob.path] = f"the stack file's rules refuse {knob.shown(nxt)}: {rule}"
                    break
                if not over and not fits(p):
                    stopped[knob.path] = f"{knob.shown(nxt)} costs {measure(p, worst_case):.2f}, over the budget"
                    break
                if measure(p, worst_case) == measure(result, worst_case):
                    # The step moves nothing the budget measures (a cap, for the base cost): it
                    # neither buys anything nor saves anything, so the file's value stays.
                    stopped[knob.path] = f"{knob.shown(nxt)} does not change the {which} cost"
                    break
                values, current[knob.path], result = trial, nxt, p
            if over and fits(result):
                break

        raw = config[SCENARIO_KEY]
        changes = [Change(k.path, k.shown(k.value(scenario)), values.get(k.path, k.shown(k.value(scenario))),
                          _is_set(raw, k.path), stopped.get(k.path, "not tried: the cost already fits"))
                   for k in knobs]
        return Solution(stack, scenario.option, budget, worst_case, start, result, fits(result),
                        "lower" if over else "raise", [k.path for k in knobs],
                        [c for c in changes if c.old != c.new], len(price.seen),
                        [c for c in changes if c.old == c.new])
