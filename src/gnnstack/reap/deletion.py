"""Deletion: the only step that changes anything. Every item is checked by `reapable` here, before
any kind sees it; then each kind deletes its own, in the order derived from the kinds' declarations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable, Optional

from botocore.exceptions import BotoCoreError, ClientError, WaiterError

from gnnstack import clock

from .aws import Clients, Refused, is_gone
from .model import Found, Outcome
from .registry import REGISTRY
from .safety import reapable

Progress = Optional[Callable[[str], None]]


@dataclass
class Deletion:
    """What a kind's `delete` gets: clients, waiter settings, and where outcomes are recorded."""
    clients: Clients
    say: Callable[[str], None]
    wait_delay: float = 10
    wait_attempts: int = 60
    outcomes: list[Outcome] = field(default_factory=list)

    def client(self, service: str, region: str) -> Any:
        return self.clients(service, region)

    @property
    def waiter_config(self) -> dict[str, float]:
        return {"Delay": self.wait_delay, "MaxAttempts": self.wait_attempts}

    def record(self, o: Outcome) -> Outcome:
        self.outcomes.append(o)
        self.say(f"{o.found.label()}: {o.action}" + (f" ({o.error})" if o.error else ""))
        return o

    def attempt(self, f: Found, fn: Callable[[], str]) -> Outcome:
        """Run `fn` (which returns what it did) and record the outcome: a resource already gone
        counts as done; any other failure is recorded and the rest goes on."""
        try:
            return self.record(Outcome(f, True, fn()))
        except ClientError as e:
            if is_gone(e):
                return self.record(Outcome(f, True, "already gone"))
            return self.record(Outcome(f, False, "failed", str(e)))
        except (BotoCoreError, WaiterError, Refused) as e:
            return self.record(Outcome(f, False, "failed", str(e)))

    def done(self, kind: str) -> list[Outcome]:
        """The outcomes recorded so far for `kind` (a later kind may wait on them)."""
        return [o for o in self.outcomes if o.found.kind == kind]


def delete(found: Iterable[Found], *, session: Any = None, progress: Progress = None,
           wait_delay: float = 10, wait_attempts: int = 60, now: Optional[datetime] = None) -> list[Outcome]:
    """Delete `found` in dependency order. Every failure is caught and recorded; the rest goes
    on. Already gone counts as done, so running twice is harmless. Kinds reap does not handle,
    and anything `reapable` refuses (at `now`, else when it was discovered, else the clock's
    now), come back as not ok, untouched."""
    ctx = Deletion(Clients(session), progress or (lambda _msg: None), wait_delay, wait_attempts)
    todo: dict[str, list[Found]] = {name: [] for name in REGISTRY.order}
    for f in dict((f.arn, f) for f in found).values():
        ok, why = reapable(f.tags, now or f.observed_at or clock.now())
        if not ok:
            ctx.record(Outcome(f, False, "refused", why))
        elif f.kind not in todo:
            ctx.record(Outcome(f, False, "skipped",
                               f"reap does not delete {f.kind}; remove it with the stack's destroy"))
        else:
            todo[f.kind].append(f)
    for kind in REGISTRY.kinds():
        if todo[kind.name]:
            kind.delete(ctx, todo[kind.name])
    return ctx.outcomes
