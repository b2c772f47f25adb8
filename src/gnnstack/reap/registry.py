"""The kinds of resource reap removes, each declared once in its own module under `kinds/`, and
the deletion order derived from what each declares it must go before or after.

    @register
    class Volume(Kind):
        \"\"\"EBS volumes ...\"\"\"
        name = "ec2:volume"            # how reports and Found.kind call it
        service = "ec2"                # the boto3 client it uses
        arn = ("ec2", "volume")        # the ARNs of the tagging API it claims: (service, resource type)
        after = ("ec2:instance",)      # deleted once these are (an attached volume cannot go first)

        def delete_one(self, ctx, f): ...

A cycle in those declarations is a KindError when the kind registers; a name that no kind has
is one when the package has been walked (`load`)."""

from __future__ import annotations

import importlib
import pkgutil
import re
from graphlib import CycleError, TopologicalSorter
from typing import TYPE_CHECKING, Callable, ClassVar, Optional

from gnnstack.errors import GnnstackError

from .arns import Arn

if TYPE_CHECKING:
    from .deletion import Deletion
    from .discovery import Discovery
    from .model import Found

_NAME = re.compile(r"^[a-z0-9-]+:[a-z0-9-]+$")


class KindError(GnnstackError):
    """A kind's declaration is wrong: a mistake in gnnstack.reap.kinds, caught when it loads."""


class Kind:
    """One kind of AWS resource that reap finds and deletes. Subclass it in a module of its own
    under `gnnstack.reap.kinds`, decorate it with `@register`, set the class attributes below and
    implement `delete_one` (or `delete`, to handle a batch at once)."""

    name: ClassVar[str] = ""
    service: ClassVar[str] = ""
    arn: ClassVar[tuple[str, Optional[str]]] = ("", None)
    before: ClassVar[tuple[str, ...]] = ()
    after: ClassVar[tuple[str, ...]] = ()

    def from_arn(self, arn: Arn) -> tuple[str, str, str]:
        """(service, kind, identifier) for a resource of this kind known only by its ARN."""
        return self.service, self.name, arn.resource_id

    def discover(self, ctx: Discovery, tagged: list[Found]) -> list[Found]:
        """What of this kind exists in `ctx.regions`, given what the tagging API listed under this
        kind's ARNs (`tagged`). By default the tagging API is trusted as it is."""
        return tagged

    def delete(self, ctx: Deletion, items: list[Found]) -> None:
        """Delete `items` (already checked by `reapable`), recording an Outcome for each."""
        for f in items:
            ctx.attempt(f, lambda f=f: self.delete_one(ctx, f))

    def delete_one(self, ctx: Deletion, f: Found) -> str:
        """Delete one resource; returns what was done ("deleted", "terminated", ...)."""
        raise NotImplementedError(f"{type(self).__name__} implements neither delete_one nor delete")


class Registry:
    def __init__(self) -> None:
        self._kinds: dict[str, Kind] = {}
        self._by_arn: dict[tuple[str, Optional[str]], Kind] = {}
        self._order: Optional[tuple[str, ...]] = None

    # -- declaring

    def register(self, cls: type[Kind]) -> type[Kind]:
        """Class decorator: check `cls`'s declaration and add it. A declaration that would make the
        deletion order circular is refused here, naming the cycle."""
        where = f"{cls.__module__}.{cls.__qualname__}"
        if not (isinstance(cls, type) and issubclass(cls, Kind)):
            raise KindError(f"{where}: only subclasses of gnnstack.reap.registry.Kind can be registered")
        problems = _problems(cls)
        if problems:
            raise KindError(f"{where}: {'; '.join(problems)}")
        if cls.name in self._kinds:
            raise KindError(f"{where}: kind {cls.name!r} is already registered by "
                            f"{type(self._kinds[cls.name]).__module__}; give one of them another name")
        if cls.arn in self._by_arn:
            raise KindError(f"{where}: ARNs {cls.arn} are already claimed by {self._by_arn[cls.arn].name!r}; "
                            "one kind per ARN type")
        kinds = {**self._kinds, cls.name: cls()}
        try:
            TopologicalSorter(_graph(kinds)).prepare()
        except CycleError as e:
            cycle = " -> ".join(e.args[1])
            raise KindError(f"{where}: the deletion order has a cycle ({cycle}: each is declared to go "
                            "after the next); drop one of those before/after declarations") from None
        self._kinds = kinds
        self._by_arn[cls.arn] = kinds[cls.name]
        self._order = None
        return cls

    def load(self, package: str) -> Registry:
        """Import every module of `package` (each registers its kind; `_helpers` are skipped),
        then check that every before/after names a registered kind and fix the deletion order."""
        pkg = importlib.import_module(package)
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
            if info.name.startswith("_"):
                continue  # a helper shared by kinds
            module = importlib.import_module(f"{package}.{info.name}").__name__
            if not any(type(k).__module__ == module for k in self._kinds.values()):
                raise KindError(f"{module} registers no kind; decorate its Kind subclass with @register "
                                "(or move the module out of the package)")
        return self.seal()

    def seal(self) -> Registry:
        """Check every reference and compute the deletion order: each round, the kinds whose
        predecessors are all gone, by name (so the order is the same on every run)."""
        for kind in self._kinds.values():
            unknown = sorted(set(kind.before + kind.after) - set(self._kinds))
            if unknown:
                raise KindError(f"{type(kind).__module__}: kind {kind.name!r} is declared before/after "
                                f"{', '.join(map(repr, unknown))}, which no module registers; add that kind or "
                                "drop the name")
        sorter = TopologicalSorter(_graph(self._kinds))
        sorter.prepare()
        order: list[str] = []
        while sorter.is_active():
            ready = sorted(sorter.get_ready())
            order.extend(ready)
            sorter.done(*ready)
        self._order = tuple(order)
        return self

    # -- reading

    @property
    def order(self) -> tuple[str, ...]:
        if self._order is None:
            raise KindError("the kinds are not loaded yet: call load() (importing gnnstack.reap does)")
        return self._order

    def kinds(self) -> list[Kind]:
        """Every kind, in deletion order."""
        return [self._kinds[name] for name in self.order]

    def get(self, name: str) -> Optional[Kind]:
        return self._kinds.get(name)

    def claiming(self, arn: Arn) -> Optional[Kind]:
        """The kind whose ARNs look like `arn`, if reap handles it."""
        return self._by_arn.get((arn.service, arn.resource_type))

    def position(self) -> Callable[[str], int]:
        """A sort key: a kind's place in the deletion order (kinds reap does not handle last)."""
        index = {name: i for i, name in enumerate(self.order)}
        return lambda name: index.get(name, len(index))


def _problems(cls: type[Kind]) -> list[str]:
    out = []
    if not (cls.__doc__ or "").strip() or cls.__doc__ is Kind.__doc__:
        out.append("no docstring: say what the kind is and how reap finds and deletes it")
    if not isinstance(cls.name, str) or not _NAME.match(cls.name):
        out.append(f"name {cls.name!r} is not '<service>:<resource>' in lower case, e.g. 'ec2:volume'")
    if not isinstance(cls.service, str) or not cls.service:
        out.append("no service: set the boto3 service name, e.g. service = 'ec2'")
    if not (isinstance(cls.arn, tuple) and len(cls.arn) == 2 and isinstance(cls.arn[0], str) and cls.arn[0]
            and (cls.arn[1] is None or isinstance(cls.arn[1], str))):
        out.append(f"arn {cls.arn!r} is not (ARN service, resource type or None), e.g. ('ec2', 'volume')")
    for field in ("before", "after"):
        value = getattr(cls, field)
        if not (isinstance(value, tuple) and all(isinstance(v, str) for v in value)):
            out.append(f"{field} {value!r} is not a tuple of kind names")
        elif cls.name in value:
            out.append(f"{field} names the kind itself")
    if cls.delete is Kind.delete and cls.delete_one is Kind.delete_one:
        out.append("implements neither delete_one nor delete")
    return out


def _graph(kinds: dict[str, Kind]) -> dict[str, set[str]]:
    """kind -> the kinds that must be deleted before it."""
    graph: dict[str, set[str]] = {name: set(kind.after) for name, kind in kinds.items()}
    for name, kind in kinds.items():
        for later in kind.before:
            graph.setdefault(later, set()).add(name)
    return graph


REGISTRY = Registry()
register = REGISTRY.register
