"""`gnnstack reap`'s report: the terminal listing (rich) and the dry run's JSON, as functions of
the library's plain results (the regions searched and `reap.Selection`), plus the lines it
prints while removing.

The listing is styled with ANSI codes; the CLI writes it through click, which drops them when
the output is not a terminal or NO_COLOR is set, as for every other command."""

from __future__ import annotations

import io
from typing import Any, Iterable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from gnnstack.reap import Found, Outcome, Selection, StackPlan, group_by_stack
from gnnstack.reap.removal import DIRECT, HELD, PULUMI

# Wide enough that rich never wraps or crops a row: one resource is one line, whatever its length.
_UNLIMITED = 1_000_000


def listing(regions: list[str], chosen: Selection) -> str:
    """What would go, by stack; what is skipped and why; how many are not expired yet."""
    parts: list[Any] = []
    for stack, items in group_by_stack(chosen.reap).items():
        parts.append(Text(f"{stack}: {len(items)} expired resource(s)", style="bold"))
        parts.append(_rows([(f.region, f.kind, f.identifier, f"(expired {f.expires_at:%Y-%m-%dT%H:%MZ})")
                            for f in items]))
    if chosen.skipped:
        parts.append(Text(f"skipped {len(chosen.skipped)} resource(s) not marked as expired experiments "
                          "(never touched):", style="bold"))
        parts.append(_rows([(f.region, f.kind, f.identifier, f"[{f.stack or 'no stack'}]", why)
                            for f, why in chosen.skipped]))
    if chosen.not_expired:
        parts.append(Text(f"{len(chosen.not_expired)} experiment resource(s) not expired yet"))
    if not chosen.reap:
        parts.append(Text(f"nothing has expired in {', '.join(regions)}"))
    return _render(parts)


def json_report(regions: list[str], chosen: Selection) -> dict[str, Any]:
    """The dry run as data: what would go by stack, what is skipped (with the reason), what waits."""
    def item(f: Found, **extra: Any) -> dict[str, Any]:
        return {"kind": f.kind, "identifier": f.identifier, "region": f.region, "arn": f.arn, **extra}

    def expiry(f: Found) -> str | None:
        return f.expires_at.isoformat() if f.expires_at else None

    return {"dry_run": True, "regions": regions,
            "stacks": {stack: [item(f, expires_at=expiry(f)) for f in items]
                       for stack, items in group_by_stack(chosen.reap).items()},
            "skipped": [{"stack": f.stack or None, **item(f, reason=why)} for f, why in chosen.skipped],
            "not_expired": [{"stack": f.stack, **item(f, expires_at=expiry(f))} for f, _ in chosen.not_expired]}


def announcement(plan: StackPlan) -> tuple[str, bool] | None:
    """The line said before a stack is removed (or held back), and whether it goes to stderr."""
    if plan.route == HELD:
        f, why = plan.blocking[0]
        return (f"{plan.stack}: not destroyed: its Pulumi state exists and {len(plan.blocking)} of its resource(s) "
                f"may not be reaped, e.g. {f.label()}: {why}", True)
    if plan.route == PULUMI:
        return f"{plan.stack}: destroying through Pulumi (state in {plan.backend})", False
    if plan.route == DIRECT:
        return f"{plan.stack}: no Pulumi state; deleting the orphans directly", False
    return None


def failure(o: Outcome) -> str:
    return f"FAILED {o.found.label()}: {o.error}"


def _rows(rows: Iterable[tuple[str, ...]]) -> Table:
    grid = Table.grid(padding=(0, 2), pad_edge=True)  # the edge padding indents the rows under their heading
    rows = list(rows)
    for _ in range(max(len(r) for r in rows)):
        grid.add_column(no_wrap=True)
    for r in rows:
        grid.add_row(*(Text(cell) for cell in r))
    return grid


def _render(parts: list[Any]) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=_UNLIMITED, force_terminal=True, color_system="standard", highlight=False,
                      markup=False, emoji=False)
    for part in parts:
        console.print(part)
    # rich pads every row to the table's width; the padding carries nothing.
    return "".join(line.rstrip() + "\n" for line in buf.getvalue().splitlines())

