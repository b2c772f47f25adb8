"""Reading a JSON file another tool wrote into before and after resource graphs.

Accepted shapes, told apart by their keys:

- `pulumi preview --json`: `{"config", "steps": [{"op", "urn", "newState", "oldState"}], "changeSummary"}`;
  also the flattened variant some tools write (`steps[].type`, `steps[].inputs`, no states).
- `pulumi stack export`: `{"version": 3, "deployment": {"resources": [...]}}`: what is deployed.
- gnnstack's own `gnnstack preview --format json`: `stack`, `option`, `resources`, `estimate`.

No pulumi import here: the file is plain JSON and this path must stay fast.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields
from operator import attrgetter
from pathlib import Path
from typing import Any, Callable, Optional

from ..costing.estimate import no_cycle_collection
from ..errors import ConfigError, not_utf8
from ..graph import SECRET, UNKNOWN, Resource, ResourceGraph
from ..regions import REGIONS

# Pulumi's wire sentinels (pulumi/runtime/rpc.py): a dict with SIG_KEY set to SECRET_SIG is a
# secret ({"<sig>": "<secret sig>", "plaintext"|"ciphertext"|"value": ...}); UNKNOWN_VALUE stands
# for a value known only after deploy. Previews without --show-secrets print "[secret]".
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

PREVIEW, PREVIEW_FLAT, STACK_EXPORT, GNNSTACK = ("pulumi preview --json", "pulumi preview --json (flattened steps)",
                                                  "pulumi stack export", "gnnstack preview --format json")
SHAPES = (PREVIEW, PREVIEW_FLAT, STACK_EXPORT, GNNSTACK)
# Not a file: a Pulumi Python project run under mocks (gnnstack.foreign.program), priced as what it would create.
PROGRAM = "Pulumi Python program (run under mocks)"
SHAPES_TEXT = ("accepted: `pulumi preview --json` (steps[] with op, urn, newState/oldState, or steps[] with "
               "type and inputs), `pulumi stack export` (deployment.resources[]), or `gnnstack preview "
               "--format json` (stack, option, resources, estimate)")

# Packages whose resources AWS bills (their region matters); everything else custom is another provider.
AWS_PACKAGES = frozenset({"aws", "aws-native"})
# Provider packages, for files that do not say which resources are custom (flattened steps,
# gnnstack's own JSON): a type in one of these, or with a module path ("mod/res"), is custom.
PROVIDER_PACKAGES = frozenset({
    "aws", "aws-native", "gcp", "google-native", "azure", "azure-native", "azuread", "kubernetes", "random", "tls",
    "command", "docker", "cloudflare", "datadog", "github", "gitlab", "vault", "newrelic", "mongodbatlas",
    "snowflake", "digitalocean", "linode", "fastly", "auth0", "okta", "pagerduty", "postgresql", "mysql",
    "consul", "nomad", "archive", "http", "local", "null", "time", "external", "std", "awsx", "eks"})

# Ops -> (in the before graph, in the after graph). A replacement's steps (create-replacement,
# replace, delete-replaced) are merged into one "replace". `read` and `read-replacement` read a
# resource the stack does not manage: in neither graph. `import` brings an existing resource
# under management: its bill does not change, so it is in both. `discard`: the resource leaves
# the stack's state but keeps running (retainOnDelete): in neither graph's cost from now on.
OPS: dict[str, tuple[bool, bool]] = {
    "create": (False, True), "update": (True, True), "replace": (True, True), "delete": (True, False),
    "same": (True, True), "read": (False, False), "read-replacement": (False, False), "import": (True, True),
    "import-replacement": (True, True), "refresh": (True, True), "discard": (True, False),
    "discard-replaced": (True, False), "remove-pending-replace": (False, False),
}
_REPLACEMENT = {"create-replacement", "delete-replaced", "replace", "discard-replaced", "import-replacement"}
# (urn, op, state before or None, state after or None, either state) per resource.
Record = tuple[str, str, Optional[dict[str, Any]], Optional[dict[str, Any]], dict[str, Any]]
_ZONE = re.compile(r"^([a-z]{2}(?:-gov)?-[a-z]+-\d+)[a-z]$")
_REGIONS = frozenset(REGIONS)


@dataclass(frozen=True)
class Change:
    """One resource of the file: what happens to it and whether it is in each graph."""

    name: str
    type: str
    op: str
    before: bool
    after: bool


@dataclass(frozen=True)
class NotPriced:
    """A resource of another cloud or provider: listed, never priced, never $0."""

    name: str
    type: str
    provider: str
    op: str


def _plain(cls: type, names: tuple[str, ...]) -> bool:
    """Whether `cls` is a frozen dataclass whose instances are exactly these fields in a __dict__
    (no slots, no __post_init__): then filling the __dict__ makes the object its constructor makes."""
    return (tuple(f.name for f in fields(cls)) == names and not hasattr(cls, "__post_init__")
            and "__slots__" not in vars(cls))


# A frozen dataclass's constructor sets each field through object.__setattr__; a 10,000-resource
# plan builds tens of thousands of Resources and Changes, and that was a tenth of reading it. They
# are built by filling the new object's __dict__ instead: the same object (equal, hashed alike,
# still frozen; tests/test_estimate_json.py compares the two), and the constructor itself should
# either class change shape.
_new = object.__new__


def _fast_resource(rtype: str, name: str, parent: Optional[str], inputs: dict[str, Any], custom: bool,
                   region: Optional[str]) -> Resource:
    r = _new(Resource)
    r.__dict__.update(type=rtype, name=name, parent=parent, inputs=inputs, custom=custom, region=region)
    return r


def _fast_change(name: str, rtype: str, op: str, before: bool, after: bool) -> Change:
    c = _new(Change)
    c.__dict__.update(name=name, type=rtype, op=op, before=before, after=after)
    return c


_resource: Callable[[str, str, Optional[str], dict[str, Any], bool, Optional[str]], Resource] = \
    _fast_resource if _plain(Resource, ("type", "name", "parent", "inputs", "custom", "region")) else Resource
_change: Callable[[str, str, str, bool, bool], Change] = \
    _fast_change if _plain(Change, ("name", "type", "op", "before", "after")) else Change
_by_name = attrgetter("name")


@dataclass
class ForeignPlan:
    path: str
    shape: str  # one of SHAPES
    stack: str
    project: str
    before: ResourceGraph
    after: ResourceGraph
    changes: list[Change] = field(default_factory=list)
    not_priced: list[NotPriced] = field(default_factory=list)
    # Where each priced resource's region came from, by name (for the report).
    regions_from: dict[str, str] = field(default_factory=dict)
    # gnnstack's own JSON: the usage its lines rested on, as (resource, type, field, value, source).
    declared_usage: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    hours_per_month: Optional[str] = None

    @property
    def has_before(self) -> bool:
        """Whether the file says what existed before (a preview) or only what is there (an export)."""
        return self.shape in (PREVIEW, PREVIEW_FLAT)


def from_program(graph: ResourceGraph, where: str, *, region: Optional[str] = None) -> ForeignPlan:
    """A captured program's graph as a plan with nothing before and everything created, read by
    the same rules as a file: names, other providers, unsupported types, a region per resource
    (its own input or zone, else its provider's region as the capture noted it, else `region`)."""
    return _Reader(where, PROGRAM, region, None).program(graph)


def load(path: str | Path, *, region: Optional[str] = None) -> ForeignPlan:
    """The file at `path` as before and after graphs. `region`: the last fallback for AWS
    resources whose own inputs, provider and stack config name none."""
    with no_cycle_collection():
        return _load(path, region)


def _load(path: str | Path, region: Optional[str]) -> ForeignPlan:
    p = Path(path)
    where = str(p)
    if region is not None and region not in _REGIONS:
        raise ConfigError(f"--region {region!r} is not an AWS region; use one like us-east-1")
    try:
        text = p.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"the file is {not_utf8(e)}", source=where) from None
    except OSError as e:
        raise ConfigError(f"cannot read the file: {e.strerror or e}", source=where) from None
    # Pulumi's unknowns become UNKNOWN in the text (one pass in C, not a walk of every input), its
    # secret objects SECRET as the parser builds them; "[secret]" already is SECRET.
    if UNKNOWN_VALUE in text:
        text = text.replace(f'"{UNKNOWN_VALUE}"', f'"{UNKNOWN}"')
    try:
        data = json.loads(text, object_hook=_secret) if SIG_KEY in text else json.loads(text)
    except json.JSONDecodeError as e:
        raise ConfigError(f"not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}; {SHAPES_TEXT}",
                          source=where) from None
    if isinstance(data, dict):
        steps = data.get("steps")
        if isinstance(steps, list):
            flat = bool(steps) and all(isinstance(s, dict) and "newState" not in s and "oldState" not in s
                                       and ("type" in s or "inputs" in s) for s in steps)
            return _Reader(where, PREVIEW_FLAT if flat else PREVIEW, region, data.get("config")).preview(steps)
        deployment = data.get("deployment")
        if isinstance(deployment, dict) and isinstance(deployment.get("resources"), list):
            return _Reader(where, STACK_EXPORT, region, None).export(deployment["resources"])
        if isinstance(data.get("resources"), list) and "stack" in data and "estimate" in data:
            return _Reader(where, GNNSTACK, region, None).gnnstack(data)
    raise ConfigError(f"not a file gnnstack can price; {SHAPES_TEXT}", source=where)


def _secret(value: dict[str, Any]) -> Any:
    """A parsed JSON object, or SECRET for a Pulumi secret (UNKNOWN for an asset or archive)."""
    if SIG_KEY in value:
        return SECRET if value.get(SIG_KEY) == SECRET_SIG else UNKNOWN
    return value


def _name_of(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _type_of(urn: str) -> str:
    parts = urn.split("::")
    return parts[-2].rsplit("$", 1)[-1] if len(parts) >= 4 else ""


def _is_custom(rtype: str) -> bool:
    """For files that do not say: provider packages' types are custom, others components."""
    package, _, rest = rtype.partition(":")
    return package in PROVIDER_PACKAGES or rtype.startswith("pulumi:providers:") or "/" in rest.partition(":")[0]


class _Reader:
    def __init__(self, where: str, shape: str, region: Optional[str], config: Any) -> None:
        self.where, self.shape, self.fallback = where, shape, region
        self.config_region: Optional[str] = None
        if isinstance(config, dict):
            for key in ("aws:region", "aws:config:region"):
                value = config.get(key)
                if isinstance(value, dict):  # {"value": ..., "secret": ...} in some writers
                    value = value.get("value")
                if isinstance(value, str) and value:
                    self.config_region = self._region(value, f"config {key}")
                    break
        self.stack, self.project = "", ""
        # What `_resource_region` worked out per availability zone and per provider reference.
        self._zones: dict[str, tuple[str, str]] = {}
        self._providers: dict[str, tuple[Optional[str], str]] = {}

    def _region(self, value: str, what: str) -> str:
        if value not in _REGIONS:
            raise ConfigError(f"{what} is {value!r}, not an AWS region", source=self.where)
        return value

    def _urn(self, urn: Any, what: str) -> str:
        if not isinstance(urn, str) or not urn.startswith("urn:pulumi:") or urn.count("::") < 3:
            raise ConfigError(f"{what}: urn {urn!r} is not a Pulumi URN (urn:pulumi:STACK::PROJECT::TYPE::NAME)",
                              source=self.where)
        if not self.stack:
            head = urn[len("urn:pulumi:"):].split("::")
            self.stack, self.project = head[0], head[1]
        return urn

    # ------------------------------------------------------------------ shapes

    def preview(self, steps: list[Any]) -> ForeignPlan:
        # Per URN, in file order (a dict keeps it): [op, new state, old state] (type, inputs,
        # parent, provider, custom).
        found: dict[str, list[Any]] = {}
        flat = self.shape == PREVIEW_FLAT
        for i, step in enumerate(steps):
            if not isinstance(step, dict):
                raise ConfigError(f"steps[{i}] is not an object", source=self.where)
            op = step.get("op")
            if not isinstance(op, str):
                raise ConfigError(f"steps[{i}]: no op", source=self.where)
            new, old = step.get("newState"), step.get("oldState")
            urn = step.get("urn") or (new or {}).get("urn") or (old or {}).get("urn")
            if not (self.stack and isinstance(urn, str) and urn.startswith("urn:pulumi:") and urn.count("::") >= 3):
                urn = self._urn(urn, f"steps[{i}]")  # the first step, or one that is not a URN: an error
            if flat:
                state = {"type": step.get("type") or _type_of(urn), "inputs": step.get("inputs") or {},
                         "parent": step.get("parent"), "provider": step.get("provider"), "custom": step.get("custom")}
                old_inputs = step.get("oldInputs", step.get("old_inputs"))
                new = None if op in ("delete", "delete-replaced") else state
                old = ({**state, "inputs": old_inputs} if isinstance(old_inputs, dict) else state) \
                    if op not in ("create", "create-replacement") else None
            entry = found.get(urn)
            if entry is None:  # most URNs: one step each
                found[urn] = ["replace" if op == "create-replacement" else op,
                              new if op != "delete-replaced" and isinstance(new, dict) else None,
                              old if isinstance(old, dict) else None]
                continue
            if op in _REPLACEMENT or entry[0] in _REPLACEMENT:
                entry[0] = "replace"
            if op == "delete-replaced":
                entry[2] = entry[2] or (old if isinstance(old, dict) else None)
            else:
                if isinstance(new, dict):
                    entry[1] = new
                if isinstance(old, dict):
                    entry[2] = entry[2] or old
            if op == "create-replacement":
                entry[0] = "replace"
        records: list[Record] = []
        for urn, (op, new, old) in found.items():
            if op in ("create-replacement", "delete-replaced"):
                op = "replace"
            before, after = OPS.get(op, (old is not None, new is not None))
            either_old = old or new
            either_new = new or old
            records.append((urn, op, either_old if before else None, either_new if after else None,
                            either_new or either_old))
        return self._build(records)

    def export(self, resources: list[Any]) -> ForeignPlan:
        records: list[Record] = []
        for i, r in enumerate(resources):
            if not isinstance(r, dict):
                raise ConfigError(f"deployment.resources[{i}] is not an object", source=self.where)
            urn = self._urn(r.get("urn"), f"deployment.resources[{i}]")
            if r.get("delete"):  # pending deletion after a replacement: on its way out
                continue
            records.append((urn, "deployed", None, r, r))
        return self._build(records)

    def gnnstack(self, data: dict[str, Any]) -> ForeignPlan:
        stack, option = str(data.get("stack")), str(data.get("option") or "")
        self.stack, self.project = stack, "gnnstack"
        region = data.get("region")
        if isinstance(region, str) and region:
            self.config_region = self._region(region, "region")
        records: list[Record] = []
        for i, r in enumerate(data["resources"]):
            if not isinstance(r, dict) or not isinstance(r.get("type"), str) or not isinstance(r.get("name"), str):
                raise ConfigError(f"resources[{i}] has no type or name", source=self.where)
            parent = r.get("parent")
            urn = f"urn:pulumi:{stack}::gnnstack::{r['type']}::{r['name']}"
            state = {"type": r["type"], "inputs": r.get("inputs") or {}, "custom": r.get("custom"),
                     "parent": f"urn:pulumi:{stack}::gnnstack::-::{parent}" if parent else None,
                     "region": r.get("region")}
            records.append((urn, "deployed", None, state, state))
        plan = self._build(records, option=option)
        usage = []
        for line in (data.get("estimate") or {}).get("lines") or []:
            for a in line.get("assumptions") or []:
                usage.append((line.get("resource"), line.get("type"), a.get("name"), a.get("value"), a.get("source")))
        plan.declared_usage = usage
        hours = (data.get("estimate") or {}).get("hours_per_month")
        plan.hours_per_month = hours if isinstance(hours, str) else None
        return plan

    def program(self, graph: ResourceGraph) -> ForeignPlan:
        self.stack, self.project = graph.stack, graph.option
        urns = {r.name: f"urn:pulumi:{graph.stack}::{graph.option}::{r.type}::{r.name}" for r in graph.resources}
        records: list[Record] = []
        for r in graph.resources:
            state = {"type": r.type, "inputs": r.inputs, "custom": r.custom,
                     "parent": urns.get(r.parent) if r.parent else None, "region": r.region}
            records.append((urns[r.name], "create", None, state, state))
        return self._build(records)

    # ------------------------------------------------------------------ graphs

    def _build(self, records: list[Record], option: str = "") -> ForeignPlan:
        # Each record's logical name and type, once.
        named: list[tuple[str, str]] = []
        self._zones, self._providers = {}, {}  # `_resource_region`'s, for this build's providers
        # Logical names are unique per type, not per stack: a name two types share gets its type.
        counts: dict[str, int] = {}
        providers: dict[str, Optional[str]] = {}  # provider URN -> its region input
        dropped: set[str] = set()
        for urn, _, _, _, state in records:
            n = urn.rpartition("::")[2]  # _name_of
            rtype = state.get("type") or _type_of(urn)
            named.append((n, rtype))
            counts[n] = counts.get(n, 0) + 1
            if rtype.startswith("pulumi:"):
                if rtype.startswith("pulumi:providers:"):
                    region = (state.get("inputs") or {}).get("region")
                    providers[urn] = region if isinstance(region, str) and region in _REGIONS else None
                elif rtype == "pulumi:pulumi:Stack":
                    dropped.add(urn)
        names: dict[str, str] = {}
        for (urn, *_), (n, rtype) in zip(records, named):
            names[urn] = n if counts[n] == 1 else f"{n} [{rtype}]"
        label = option or self.project
        plan = ForeignPlan(self.where, self.shape, self.stack, self.project,
                           ResourceGraph(self.stack, label), ResourceGraph(self.stack, label))
        before: list[Resource] = []
        after: list[Resource] = []
        changes, not_priced = plan.changes, plan.not_priced
        gnnstack = self.shape == GNNSTACK
        customs: dict[str, bool] = {}  # per type, for the files that do not say
        for (urn, op, old, new, state), (_, rtype) in zip(records, named):
            if urn in dropped:
                continue
            name = names[urn]
            custom = state.get("custom")
            if not isinstance(custom, bool):
                custom = customs.get(rtype)
                if custom is None:
                    custom = customs[rtype] = _is_custom(rtype)
            changes.append(_change(name, rtype, op, old is not None, new is not None))
            package = rtype.partition(":")[0]
            if package == "pulumi":
                continue  # structure: providers and stack references cost nothing themselves
            if custom and package not in AWS_PACKAGES:
                not_priced.append(NotPriced(name, rtype, package, op))
                continue
            region = None
            if custom:
                region = self._resource_region(urn, name, state, new or old or state, providers, plan)
            for target, st in ((before, old), (after, new)):
                if st is None:
                    continue
                parent_urn = st.get("parent") or state.get("parent")
                parent = None
                if isinstance(parent_urn, str) and parent_urn not in dropped:
                    parent = names.get(parent_urn)
                    if parent is None and gnnstack:
                        parent = _name_of(parent_urn)
                inputs = st.get("inputs")
                # `load` replaced secrets and unknowns while parsing.
                target.append(_resource(rtype, name, parent, inputs if isinstance(inputs, dict) else {}, custom,
                                        region))
        plan.before.resources, plan.after.resources = before, after
        changes.sort(key=_by_name)
        not_priced.sort(key=lambda x: (x.provider, x.name))
        return plan

    def _resource_region(self, urn: str, name: str, state: dict[str, Any], inputs_state: dict[str, Any],
                         providers: dict[str, Optional[str]], plan: ForeignPlan) -> str:
        """Its own region input, its availability zone, its provider's region, the config's, --region."""
        inputs = inputs_state.get("inputs") or {}
        own = inputs.get("region") if isinstance(inputs, dict) else None
        if isinstance(own, str) and own in _REGIONS:
            plan.regions_from[name] = "its region input"
            return own
        zone = inputs.get("availabilityZone") if isinstance(inputs, dict) else None
        if isinstance(zone, str):
            found = self._zones.get(zone)
            if found is None:
                m = _ZONE.match(zone)
                found = self._zones[zone] = (m.group(1), f"its availability zone {zone}") \
                    if m and m.group(1) in _REGIONS else ("", "")
            if found[0]:
                plan.regions_from[name] = found[1]
                return found[0]
        declared = state.get("region")
        if isinstance(declared, str) and declared in _REGIONS:
            plan.regions_from[name] = "the file"
            return declared
        ref = state.get("provider") or inputs_state.get("provider")
        if isinstance(ref, str) and ref:
            # Many resources, few providers: each reference's provider region and text once.
            by_ref = self._providers.get(ref)
            if by_ref is None:
                provider_urn = ref.rsplit("::", 1)[0] if ref.count("::") >= 4 else ref
                by_ref = self._providers[ref] = (providers.get(provider_urn), f"provider {_name_of(provider_urn)}")
            if by_ref[0]:
                plan.regions_from[name] = by_ref[1]
                return by_ref[0]
        if self.config_region:
            plan.regions_from[name] = "the stack config aws:region" if self.shape != GNNSTACK else "the file's region"
            return self.config_region
        if self.fallback:
            plan.regions_from[name] = "--region"
            return self.fallback
        raise ConfigError(f"{name} ({state.get('type') or _type_of(urn)}): no AWS region in its inputs, its provider "
                          "or the stack config; pass --region REGION", source=self.where)
