"""Recommendations: changes to a stack file's `gnnstack:scenario` that lower its monthly cost, each
with its saving MEASURED, never guessed: the stack file with the change applied is assessed
exactly as `gnnstack preview` assesses it (same option, prices file, usage file and guardrails:
`reprice.Repricer`), and the saving is the base before minus the base after, in cents as
`preview --format json` shows them. A change whose saving is not positive is dropped, and so is
one the stack file's rules refuse or one that leaves a resource unpriced (unpriced is never $0).

The candidates, each only where the scenario and the option make it meaningful:
- `spot-training`, `spot-tuning`: managed spot (SageMaker) or spot capacity (the EC2 GPU group)
  for training and tuning that run on demand;
- `graviton`: the option's database instances on the arm64 (Graviton) type of the same size
  (r5/r6i -> r6g, m5/m6i -> m6g, c5 -> c6g), for engines that run on arm64 (Neptune, Neo4j, Spark
  on EMR; not TigerGraph, which ships x86_64 builds only), where the service offers that type;
- `training-window`: the EC2 training group scaled down when a run is expected to end
  (`max_runtime_hours` down to `hours_per_day`) instead of holding idle GPUs until the cap;
- `savings-plan-1y`: a 1-year Compute Savings Plan (no upfront) for a production stack's
  always-on instances (`costing.commitment`), priced from the catalog's savings-plan rows.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, ContextManager, Iterator, Literal, Optional

from . import instances
from .assess import Assessment
from .costing.catalog import Price, PriceBook
from .costing.estimate import cents, money
from .costing.report import price_book
from .errors import ConfigError
from .project import Project
from .reprice import Repricer
from .scenario import Scenario

Level = Literal["low", "medium", "high"]
Value = Any  # a JSON value: bool, int, str

# Same size, arm64: the Graviton generation of each x86_64 family the catalog prices.
GRAVITON = {"r5": "r6g", "r6i": "r6g", "m5": "m6g", "m6i": "m6g", "c5": "c6g", "c6i": "c6g"}
# The instance-type fields of each database section that may move to Graviton, with the service
# that offers the type. TigerGraph is left out on purpose: it ships x86_64 builds only.
GRAVITON_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "neptune": (("neptune.instance_class", "neptune"),),
    "neo4j": (("neo4j.instance_type", "ec2"),),
    "emr": (("emr.primary_instance_type", "emr"), ("emr.core_instance_type", "emr"),
            ("emr.task_instance_type", "emr")),
}


# The discount row a derived price rests on, where its name is not "<kind>-discount".
DISCOUNT_ROWS = {("sagemaker", "training-spot"): "managed-spot-discount"}


@dataclass(frozen=True)
class Change:
    path: str  # dotted, under gnnstack:scenario
    old: Value
    new: Value

    def text(self) -> str:
        return f"{self.path}: {_yaml(self.old)} → {_yaml(self.new)}"

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "from": self.old, "to": self.new}


@dataclass(frozen=True)
class Candidate:
    """A change to try, with what a person needs to judge it."""

    id: str
    title: str
    changes: tuple[Change, ...]
    effort: Level
    risk: Level
    risk_note: str


@dataclass(frozen=True)
class Recommendation:
    id: str
    title: str
    changes: tuple[Change, ...]
    base_monthly_before: Decimal  # in cents, as preview shows it
    base_monthly_after: Decimal
    worst_case_monthly_after: Optional[Decimal]  # None: unbounded
    effort: Level
    risk: Level
    risk_note: str
    sources: tuple[str, ...] = field(default=())

    @property
    def saving_monthly(self) -> Decimal:
        return self.base_monthly_before - self.base_monthly_after

    @property
    def stack_file_change(self) -> str:
        return "; ".join(c.text() for c in self.changes)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "changes": [c.to_json() for c in self.changes],
                "stack_file_change": self.stack_file_change,
                "base_monthly_before": money(self.base_monthly_before),
                "base_monthly_after": money(self.base_monthly_after),
                "saving_monthly": money(self.saving_monthly),
                "worst_case_monthly_after": money(self.worst_case_monthly_after),
                "effort": self.effort, "risk": self.risk, "risk_note": self.risk_note,
                "sources": list(self.sources)}


def _yaml(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _hours(value: Decimal) -> int | str:
    """Hours as the stack file would say them: 4, or "4.5"."""
    return int(value) if value == value.to_integral_value() else str(value.normalize())


def _graviton(instance_type: str, service: str) -> Optional[str]:
    prefix = "db." if instance_type.startswith("db.") else ""
    m = re.fullmatch(r"([a-z0-9]+)\.([a-z0-9]+)", instance_type[len(prefix):])
    if not m or m.group(1) not in GRAVITON:
        return None
    target = f"{prefix}{GRAVITON[m.group(1)]}.{m.group(2)}"
    try:
        spec = instances.lookup(target, service)
    except ValueError:
        return None  # the service does not offer it: no candidate
    return target if spec.arch == "arm64" else None


def candidates(s: Scenario) -> Iterator[Candidate]:
    """What could be changed in `s` (resolved for its option); each is priced before it is kept."""
    if s.spec.trains:
        t = s.training
        if not t.spot:
            where = "SageMaker managed spot" if t.platform == "sagemaker" else "spot instances in the training group"
            yield Candidate(
                "spot-training", "Train on spot capacity", (Change("workload.training.spot", False, True),),
                "low", "medium",
                f"{where} can be reclaimed at two minutes' notice: the job must checkpoint and resume, and a run "
                "may take longer (the worst case stays the on-demand price).")
        if s.workload.tuning.enabled and not s.tuning_spot:
            yield Candidate(
                "spot-tuning", "Tune on managed spot", (Change("workload.tuning.spot", False, True),),
                "low", "medium",
                "Managed spot tuning jobs can be interrupted and restarted from checkpoints; a tuning round may "
                "take longer.")
        if t.platform == "ec2" and t.max_runtime_hours > t.hours_per_day:
            yield Candidate(
                "training-window", "Stop the training group when a run should end",
                (Change("workload.training.max_runtime_hours", _hours(t.max_runtime_hours),
                        _hours(t.hours_per_day)),),
                "low", "medium",
                f"Assumes a run takes the stack file's hours_per_day ({_hours(t.hours_per_day)} h): a longer run "
                "is cut when the group scales down, so measure the runs before tightening the window.")
    if s.database_enabled:
        section = s.spec.database
        changes = []
        for path, service in GRAVITON_FIELDS.get(section, ()):
            current = getattr(getattr(s, section), path.split(".")[1])
            target = _graviton(current, service)
            if target is not None:
                changes.append(Change(path, current, target))
        if changes:
            engine = {"neptune": "Neptune runs Graviton instance classes as a managed service",
                      "neo4j": "Neo4j 5 publishes arm64 builds (the servers take the arm64 Ubuntu image)",
                      "emr": "EMR 6.1+ runs Spark on Graviton"}[section]
            yield Candidate(
                "graviton", "Move the database to Graviton (arm64)", tuple(changes), "medium", "medium",
                f"Assumes same-size arm64 instances do the same work: {engine}, but native plugins, UDFs or "
                "JVM flags built for x86_64 must be rebuilt and the workload benchmarked.")
    if s.environment == "production" and s.costing.commitment == "none":
        yield Candidate(
            "savings-plan-1y", "1-year Savings Plan for always-on capacity",
            (Change("costing.commitment", "none", "savings-plan-1y"),), "low", "low",
            "A 1-year commitment (no upfront) bills the committed hours whether they run or not: commit only "
            "what runs all year; scheduled and spot capacity stays on demand.")


def _row(p: Price) -> str:
    origin = "catalog" if not p.overridden else p.origin
    return f"{origin}: {p.service} {p.item} {p.region} ({p.confidence}, {p.as_of.isoformat()})"


def _sources(before: Assessment, after: Assessment, book: PriceBook) -> tuple[str, ...]:
    """The prices the changed stack uses that the stack did not: the catalog rows that made the
    difference. A price derived from others (spot or a commitment from a typical discount) is
    named with its rule, and with the discount row it rests on."""
    had = {(x.price.key, x.price.usd) for x in before.costs.estimate.lines}
    out = {}
    for line in after.costs.estimate.lines:
        p = line.price
        if (p.key, p.usd) in had:
            continue
        if book.get(p.service, p.item, p.region) is not None:
            out[_row(p)] = None
            continue
        out[f"derived: {p.service} {p.item} {p.region} = {p.source} ({p.confidence})"] = None
        kind = p.item.split("/")[0]
        discount = book.get(p.service, DISCOUNT_ROWS.get((p.service, kind), f"{kind}-discount"), p.region)
        if discount is not None:
            out[_row(discount)] = None
    return tuple(sorted(out))


def recommend(project: Project, stack: str, assessment: Assessment, prices: Optional[str] = None,
              usage_file: Optional[str] = None, config: Any = None, usage_others: frozenset[str] = frozenset(),
              step: Optional[Callable[[str], ContextManager[object]]] = None) -> list[Recommendation]:
    """The recommendations for `assessment` (of `stack`, on its option), each measured by
    assessing the changed stack file as preview would; sorted by saving (largest first), then id."""
    import contextlib

    step = step or (lambda text: contextlib.nullcontext())
    option = assessment.graph.option
    est = assessment.costs.estimate
    before = cents(est.base)
    unpriced = {u.resource for u in est.unpriced}
    book, _ = price_book(project.root, assessment.scenario.costing.price_overrides, prices)
    found = []
    with tempfile.TemporaryDirectory(prefix="gnnstack-recommend-") as folder:
        repricer = Repricer(project, stack, Path(folder), option, prices, usage_file, config, usage_others)
        for c in candidates(assessment.scenario):
            try:
                with step(f"{stack}: {option}: measuring {c.id}"):
                    after = repricer.assess({x.path: x.new for x in c.changes})
            except ConfigError:
                continue  # the stack file's rules refuse the change: nothing to recommend
            a = after.costs.estimate
            if {u.resource for u in a.unpriced} - unpriced:
                continue  # a resource the change leaves unpriced would count as $0
            base = cents(a.base)
            if base >= before:
                continue
            found.append(Recommendation(c.id, c.title, c.changes, before, base,
                                        None if a.worst_case is None else cents(a.worst_case), c.effort, c.risk,
                                        c.risk_note, _sources(assessment, after, book)))
    return sorted(found, key=lambda r: (-r.saving_monthly, r.id))
