"""The one shape everything downstream reads: resources as (type token, name, parent, inputs).

Costing and guardrails work on this, never on pulumi-aws objects, so the same code serves the
offline capture, Pulumi's own preview (the policy pack) and a `pulumi preview --json` file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator, Optional

SECRET = "[secret]"
UNKNOWN = "[unknown]"


@dataclass(frozen=True)
class Resource:
    type: str
    name: str
    parent: Optional[str]
    inputs: dict[str, Any]
    custom: bool = True
    # The AWS region the resource is in when the graph spans several (a preview file of another
    # program); None: the graph's own region (the option's, or the one `estimate` is given).
    # gnnstack's own captures leave it None: one stack, one region.
    region: Optional[str] = None

    @property
    def is_component(self) -> bool:
        return not self.custom

    @property
    def is_provider(self) -> bool:
        return self.type.startswith("pulumi:providers:")

    def to_json(self) -> dict[str, Any]:
        out = {"type": self.type, "name": self.name, "parent": self.parent, "inputs": self.inputs}
        if self.region is not None:  # only graphs that span regions say it: captures stay as they were
            out["region"] = self.region
        return out


@dataclass
class ResourceGraph:
    stack: str
    option: str
    resources: list[Resource] = field(default_factory=list)
    # The nearest component above each resource asked about so far, by name: `component_of` fills
    # it as it walks up (pricing asks about a fraction of a large graph's resources).
    _component_of: dict[str, Optional[Resource]] = field(default_factory=dict, init=False, repr=False,
                                                         compare=False)

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    @cached_property
    def names(self) -> dict[str, Resource]:
        """Resources by name; a graph is not changed once captured."""
        return {r.name: r for r in self.resources}

    @cached_property
    def children(self) -> dict[Optional[str], list[Resource]]:
        """Resources by the name of their parent."""
        kids: dict[Optional[str], list[Resource]] = {}
        for r in self.resources:
            siblings = kids.get(r.parent)
            if siblings is None:
                kids[r.parent] = [r]
            else:
                siblings.append(r)
        return kids

    @cached_property
    def by_type(self) -> dict[str, list[Resource]]:
        index: dict[str, list[Resource]] = {}
        for r in self.resources:
            index.setdefault(r.type, []).append(r)
        return index

    def of_type(self, *types: str) -> list[Resource]:
        if len(types) == 1:
            return list(self.by_type.get(types[0], ()))
        return [r for r in self.resources if r.type in types]

    def component_of(self, r: Resource) -> Optional[Resource]:
        """The nearest component resource above `r`."""
        known = self._component_of
        name = r.name
        if name in known:
            return known[name]
        names = self.names
        mine = names.get(name)
        if mine is not None:
            r = mine  # the graph's answer for a name it holds
        chain = []
        p = names.get(r.parent) if r.parent else None
        while p is not None and p.custom and p.name not in known:
            chain.append(p.name)
            p = names.get(p.parent) if p.parent else None
            if len(chain) > len(names):  # parent links that loop: no component above
                p = None
        found = known[p.name] if p is not None and p.custom else p
        for above in chain:
            known[above] = found
        if mine is not None:
            known[name] = found
        return found

    def in_tree_order(self) -> "ResourceGraph":
        """The same graph with its resources in one fixed order: each parent before its
        children, siblings by name. The capture records resources in the order the program's
        asynchronous registrations finish, which changes from run to run; reports, JSON, golden
        files and diffs need the same bytes for the same inputs."""
        kids: dict[Optional[str], list[Resource]] = {}
        names = {r.name for r in self.resources}
        for r in self.resources:
            kids.setdefault(r.parent if r.parent in names else None, []).append(r)
        ordered: list[Resource] = []
        todo = sorted(kids.get(None, ()), key=lambda r: r.name, reverse=True)
        while todo:
            r = todo.pop()
            ordered.append(r)
            todo.extend(sorted(kids.get(r.name, ()), key=lambda c: c.name, reverse=True))
        if len(ordered) != len(self.resources):  # parent links that loop: keep the rest, by name
            seen = {id(r) for r in ordered}
            ordered += sorted((r for r in self.resources if id(r) not in seen), key=lambda r: r.name)
        return ResourceGraph(self.stack, self.option, ordered)

    def managed(self) -> list[Resource]:
        """Resources a provider creates: not components, not provider objects."""
        return [r for r in self.resources if r.custom and not r.is_provider]
