"""Where a guardrail finding comes from: the line (and column) of the stack-file field behind it,
or, for what the code decides, the component class that builds the resource.

`RULE_CAUSES` maps each rule, by the resources it names (`<stack>-<component>-<role>`, see
components/usage.py), to the scenario fields that cause its findings. It is data, checked by
tests: a rule without an entry fails them, and so does a field the scenario does not have.
Positions come from the YAML nodes of the stack file (`yaml.compose`), so moving a line moves
the location and nothing else. A field the file leaves out (its default applies) points at the
nearest enclosing section the file has, else at the `gnnstack:scenario:` key, and the note says
so. A finding no stack-file field causes points at the class, in components/*.py, whose type
token the resource's nearest component carries; the source is read as text, pulumi is never
imported. Imports nothing heavy: `check` calls it once per finding."""

from __future__ import annotations

import fnmatch
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional, Protocol

import yaml

SCENARIO_KEY = "gnnstack:scenario"  # as gnnstack.project reads it
SCENARIO = ""  # a cause that is the scenario as a whole: its key line


@dataclass(frozen=True)
class Cause:
    """Findings of a rule on `resources` (fnmatch patterns; `{stack}` is the stack's name) of a
    stack whose option matches `options` come from `fields` (dotted scenario paths): the first
    one the stack file sets, or with `by_value`, the one whose value the finding's message names.
    When the file sets none, `fields[0]` keeps its default, which comes from `default_from` if
    given (e.g. the tuning instance type defaults to the training one). No fields: the code."""

    resources: tuple[str, ...]
    fields: tuple[str, ...]
    options: tuple[str, ...] = ("*",)
    default_from: Optional[str] = None
    by_value: bool = False


CODE: tuple[Cause, ...] = ()  # a rule whose findings the code alone decides

RULE_CAUSES: dict[str, tuple[Cause, ...]] = {
    "autoscaling-caps": (
        Cause(("{stack}-db-asg",), ("neo4j.max_servers",), ("neo4j-ec2",)),
        Cause(("{stack}-training-asg",), ("workload.training.max_instance_count",),
              default_from="workload.training.instance_count"),
        Cause(("{stack}-db-replicas",), ("neptune.max_readers",), ("neptune-*",)),
        Cause(("{stack}-db-cluster", "{stack}-db-scaling"), ("emr.max_units",), ("emr-spark",)),
        Cause(("{stack}-training-pipeline",), ("workload.training.instance_count",)),
        Cause(("{stack}-tuning-pipeline",), ("workload.tuning.max_training_jobs",)),
        Cause(("{stack}-etl-job",), ("workload.etl.workers",)),
    ),
    # EMR task fleets run on spot in experiments by code, whatever the file says.
    "spot-for-experiments": (
        Cause(("{stack}-training-pipeline", "{stack}-training-asg", "{stack}-training"), ("workload.training.spot",)),
        Cause(("{stack}-tuning-pipeline",), ("workload.tuning.spot",)),
    ),
    "allowed-instance-types": (
        Cause(("{stack}-db-writer", "{stack}-db-reader-*"), ("neptune.instance_class",), ("neptune-*",)),
        Cause(("{stack}-db-server-lt", "{stack}-db-asg"), ("neo4j.instance_type",), ("neo4j-ec2",)),
        Cause(("{stack}-db-m*",), ("tigergraph.instance_type",), ("tigergraph-ec2",)),
        Cause(("{stack}-db-cluster",), ("emr.core_instance_type", "emr.primary_instance_type"), ("emr-spark",),
              by_value=True),
        Cause(("{stack}-db-task",), ("emr.task_instance_type",), ("emr-spark",)),
        Cause(("{stack}-training-gpu-lt", "{stack}-training-asg", "{stack}-training-pipeline", "{stack}-training"),
              ("workload.training.instance_type",)),
        Cause(("{stack}-tuning-pipeline",), ("workload.tuning.instance_type",),
              default_from="workload.training.instance_type"),
    ),
    "training-max-runtime": (
        Cause(("{stack}-training-pipeline", "{stack}-training"), ("workload.training.max_runtime_hours",)),
        Cause(("{stack}-tuning-pipeline",), ("workload.tuning.max_runtime_hours",)),
        Cause(("{stack}-etl-job",), ("workload.etl.timeout_minutes",)),
    ),
    "emr-auto-termination": (Cause(("{stack}-db-cluster",), ("emr.idle_timeout_minutes",), ("emr-spark",)),),
    "monthly-budget": (Cause(("*",), ("budget.monthly_usd",)),),
    "worst-case-ceiling": (
        Cause(("{stack}",), (SCENARIO,)),  # the total, every cap in the scenario at its maximum
        Cause(("{stack}-db-cluster",), ("neptune.io_millions_per_month",), ("neptune-*",)),
        Cause(("{stack}-net-nat",), ("network.nat_gateway",)),
        Cause(("{stack}-db-asg",), ("neo4j.servers",), ("neo4j-ec2",)),
        # Lambda bills every request: the request count has no cap, the duration is capped by
        # reserved concurrency.
        Cause(("{stack}-db-queries-function",), ("queries.requests_per_day", "queries.reserved_concurrency"),
              ("neptune-analytics",)),
    ),
    "cost-to-expiry": (Cause(("*",), ("ttl.hours", "ttl.expires_at")),),
    "unpriced-resources": (
        Cause(("{stack}-db",), ("neo4j.licence_usd_per_month",), ("neo4j-ec2",)),
        Cause(("{stack}-db",), ("tigergraph.licence_usd_per_month",), ("tigergraph-ec2",)),
    ),
    "licence-cost": (
        Cause(("{stack}-db",), ("neo4j.licence_usd_per_month",), ("neo4j-ec2",)),
        Cause(("{stack}-db",), ("tigergraph.licence_usd_per_month",), ("tigergraph-ec2",)),
    ),
    "required-tags": CODE,  # the components tag every resource
    "experiment-ttl": (Cause(("*",), ("ttl.hours", "ttl.expires_at")),),
    # The one provider is pinned to the scenario's region; a zone or replica elsewhere is code.
    "single-region": (Cause(("aws-*",), ("region",)),),
    "s3-lifecycle": CODE,
    # The training component sets the checkpoint location and a wait of twice the runtime.
    "spot-training-checkpoints": CODE,
    "bounded-fan-out": CODE,  # the inference component sets MaxConcurrency and reserved concurrency
    "no-public-database-ports": CODE,
    "encryption-at-rest": CODE,
}


@dataclass(frozen=True)
class Location:
    """A place in a file (1-based line and column) and what the finding comes from there."""

    path: str  # the file, as the caller named the stack file, or the component source relative to the project
    line: int
    column: Optional[int]
    field: Optional[str]  # the scenario field behind the finding ("" the scenario as a whole); None: code
    default: bool = False  # the stack file leaves `field` out: its default applies
    at: Optional[str] = None  # the stack-file key pointed at, when it is not `field` itself ("" the scenario key)
    component: Optional[str] = None  # code: the component class that builds the resource

    @property
    def note(self) -> str:
        """What the location stands for, for the finding's message."""
        if self.field is None:
            return f"decided in code: {self.component}" if self.component else "decided in code"
        if self.field == SCENARIO:
            return "from the scenario as a whole"
        if not self.default:
            return f"from {self.field}"
        if self.at and self.at != SCENARIO and not self.field.startswith(self.at + "."):
            return f"{self.field} is not in the stack file: its default comes from {self.at}"
        return f"{self.field} is not in the stack file: its default applies"


class _Finding(Protocol):
    rule: str
    resource: str
    message: str


# --------------------------------------------------------------------------- the stack file


@lru_cache(maxsize=64)
def _scenario_nodes(path: str, stamp: tuple[int, int]) -> Optional[tuple[yaml.Node, yaml.Node]]:
    """(key node, value node) of `gnnstack:scenario` under `config`, or None; cached by the
    file's modification time and size."""
    try:
        root = yaml.compose(Path(path).read_text())
    except (OSError, yaml.YAMLError):
        return None
    config = _child(root, "config")
    return _child(config[1], SCENARIO_KEY) if config else None


def _child(node: Any, key: str) -> Optional[tuple[yaml.Node, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return k, v
    return None


def _deepest(nodes: tuple[yaml.Node, yaml.Node], path: str) -> tuple[str, yaml.Node]:
    """The longest prefix of `path` the file has, and its key node ("" and the scenario key)."""
    key, value = nodes
    found: list[str] = []
    for part in path.split(".") if path else ():
        hit = _child(value, part)
        if hit is None:
            break
        (key, value), found = hit, [*found, part]
    return ".".join(found), key


def _scenario_file(path: Path) -> Optional[tuple[yaml.Node, yaml.Node]]:
    try:
        st = path.stat()
    except OSError:
        return None
    return _scenario_nodes(str(path), (st.st_mtime_ns, st.st_size))


def _value(scenario: Any, path: str) -> Any:
    node = scenario
    for part in path.split("."):
        node = getattr(node, part, None)
    return node


def _names(value: Any, message: str) -> bool:
    text = str(value)
    return value is not None and re.search(rf"(?<![\w.]){re.escape(text)}(?![\w.])", message) is not None


def cause_of(rule: str, resource: str, stack: str, option: Optional[str]) -> Optional[Cause]:
    """The table entry behind a finding: None when the code decides it."""
    for cause in RULE_CAUSES.get(rule, ()):
        if option is not None and not any(fnmatch.fnmatchcase(option, o) for o in cause.options):
            continue
        if any(fnmatch.fnmatchcase(resource, p.replace("{stack}", stack)) for p in cause.resources):
            return cause
    return None


def _field_location(shown: str, nodes: Optional[tuple[yaml.Node, yaml.Node]], cause: Cause,
                    message: str, scenario: Any) -> Location:
    fields = list(cause.fields)
    if cause.by_value and scenario is not None and len(fields) > 1:
        fields = [f for f in fields if _names(_value(scenario, f), message)] or fields
    if nodes is None:  # unreadable: the file's first line
        return Location(shown, 1, None, fields[0], default=False, at=SCENARIO)
    for f in fields:  # the first one the file sets
        found, key = _deepest(nodes, f)
        if found == f:
            return Location(shown, key.start_mark.line + 1, key.start_mark.column + 1, f)
    field = fields[0]
    if cause.default_from:
        found, key = _deepest(nodes, cause.default_from)
        if found == cause.default_from:
            return Location(shown, key.start_mark.line + 1, key.start_mark.column + 1, field, True, found)
    found, key = _deepest(nodes, field)
    return Location(shown, key.start_mark.line + 1, key.start_mark.column + 1, field, True, found)


# --------------------------------------------------------------------------- the components' source


@dataclass(frozen=True)
class Source:
    file: Path
    line: int  # the `class` statement, 1-based
    column: int
    name: str


_CLASS = re.compile(r"^(\s*)class\s+(\w+)\s*[(:]")
_TOKEN = re.compile(r"""["'](gnnstack:\w+:\w+)["']""")
_DECLARES = re.compile(r"^\s*(super\(\)\.__init__\(|TYPE\s*=)")


def components_folder() -> Path:
    spec = importlib.util.find_spec("gnnstack.components")  # finds it without importing it
    assert spec is not None and spec.submodule_search_locations
    return Path(list(spec.submodule_search_locations)[0])


@lru_cache(maxsize=4)
def component_sources(folder: Optional[str] = None) -> dict[str, Source]:
    """Component type token -> the class that declares it: the token passed to
    `super().__init__` in its body, or its `TYPE = ...` (the option classes)."""
    out: dict[str, Source] = {}
    for file in sorted(Path(folder or components_folder()).glob("*.py")):
        current: Optional[tuple[str, int, int]] = None
        for i, line in enumerate(file.read_text().splitlines(), 1):
            m = _CLASS.match(line)
            if m:
                current = (m.group(2), i, len(m.group(1)) + 1)
                continue
            if current and _DECLARES.match(line):
                for token in _TOKEN.findall(line):
                    out.setdefault(token, Source(file, current[1], current[2], current[0]))
    return out


def _owner(graph: Any, resource: str) -> Optional[str]:
    """The type token of the component that builds `resource` (itself if it is one)."""
    if graph is None:
        return None
    r = graph.names.get(resource)
    if r is None:
        return None
    if not r.custom:
        return r.type
    c = graph.component_of(r)
    return c.type if c is not None else None


def _relative(path: Path, root: Path) -> Optional[str]:
    """`path` relative to `root` (posix), or None when it lies outside."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (OSError, ValueError):
        return None


# --------------------------------------------------------------------------- locate


def locate(stack_file: str | Path, finding: _Finding, stack: str, *, graph: Any = None, scenario: Any = None,
           root: Optional[Path] = None) -> Location:
    """Where `finding` (rule, resource, message) of `stack` comes from. `stack_file` is shown as
    given and read relative to `root` (the project; default the working directory). `graph`
    (the stack's resource graph) gives the option and the component for code findings;
    `scenario` the values that pick among several fields."""
    base = Path(root) if root is not None else Path.cwd()
    shown = Path(stack_file).as_posix()
    nodes = _scenario_file(base / stack_file)
    option = getattr(graph, "option", None) or getattr(scenario, "option", None)
    if option is None and nodes is not None:
        found = _child(nodes[1], "option")
        option = found[1].value if found and isinstance(found[1], yaml.ScalarNode) else None
    cause = cause_of(finding.rule, finding.resource, stack, option)
    if cause is not None and cause.fields:
        return _field_location(shown, nodes, cause, finding.message, scenario)
    token = _owner(graph, finding.resource)
    source = component_sources().get(token) if token else None
    if source is not None:
        rel = _relative(source.file, base)
        if rel is not None:
            return Location(rel, source.line, source.column, None, component=source.name)
    # The component's source is not in this project (gnnstack installed as a package): the
    # finding stays on the stack, at its scenario key.
    key = nodes[0] if nodes is not None else None
    return Location(shown, key.start_mark.line + 1 if key else 1, key.start_mark.column + 1 if key else None,
                    None, at=SCENARIO, component=source.name if source else None)


def scenario_paths() -> set[str]:
    """Every dotted field path of the scenario model (for the table's tests)."""
    from pydantic import BaseModel

    from gnnstack.scenario import Scenario

    out: set[str] = set()

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            path = f"{prefix}{name}"
            out.add(path)
            for t in getattr(info.annotation, "__args__", (info.annotation,)):
                if isinstance(t, type) and issubclass(t, BaseModel):
                    walk(t, path + ".")

    walk(Scenario, "")
    return out
