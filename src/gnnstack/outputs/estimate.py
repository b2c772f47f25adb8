"""`gnnstack estimate`: a priced foreign plan (`gnnstack.foreign.PlanEstimate`) as a table, JSON
or markdown. Every collection is in a fixed order; nothing here prices anything."""

from __future__ import annotations

from typing import Any, Optional

from .figures import signed, usd, worst_text

# rich (the table) and jinja2 (markdown) load only for their formats: `--format json` on a large
# plan is timed, and they are a fifth of its start.

# Resources listed one per row; the rest are summed in one "and N more" row.
ROWS = 40


def estimate_json(pe: Any) -> dict[str, Any]:
    return pe.to_json()


def estimate_json_text(pe: Any, extra: Optional[dict[str, Any]] = None, indent_up_to: int = 2000) -> str:
    """`estimate_json` with `extra` keys (the guardrails' verdict) as JSON text, sorted keys;
    indented up to `indent_up_to` resources, compact beyond: indenting 10,000 resources takes
    Python's slow encoder. A large plan's rows are written by `PlanEstimate.json_text`."""
    return pe.json_text(extra, indent=2 if len(pe.resources) <= indent_up_to else None)


def _side(s: Any) -> str:
    if s is None:
        return "-"
    if s.free:
        return "free"
    if not s.priced:  # unpriced or an unsupported type: its cost is not known, never shown as $0
        return "unpriced" if not s.base else f"{usd(s.base)}*"
    return usd(s.base)


def _worst(s: Any) -> str:
    """A side's worst case: as `_side`, and "unbounded" when no cap bounds it."""
    if s is None or s.free or not s.priced:
        return _side(s)
    return "unbounded" if s.worst is None else usd(s.worst)


def _rows(pe: Any, limit: int) -> tuple[list[Any], list[Any]]:
    shown = [r for r in pe.resources if r.before or r.after]
    return shown[:limit], shown[limit:]


def _facts(pe: Any) -> list[str]:
    p = pe.plan
    out = [f"{p.path}: {p.shape}, stack {p.stack or '?'} ({p.project or '?'})"]
    regions = sorted({r.region for r in p.after.resources + p.before.resources if r.region})
    out.append(f"Regions: {', '.join(regions) or 'none'}")
    if p.has_before:
        ops = {}
        for c in p.changes:
            ops[c.op] = ops.get(c.op, 0) + 1
        out.append("Steps: " + ", ".join(f"{n} {op}" for op, n in sorted(ops.items())))
    return out


def _not_priced(pe: Any) -> list[str]:
    from .table import short_type

    out = []
    for u in pe.unpriced_after + ([u for u in pe.unpriced_before if u.resource not in pe.plan.after.names]
                                  if pe.plan.has_before else []):
        out.append(f"{u.resource} ({short_type(u.type)}): {u.reason}")
    return out


def estimate_table(pe: Any) -> str:
    from .table import _Page, _table, short_type

    page = _Page()
    p = pe.plan
    for fact in _facts(pe):
        page.para(fact, indent="", hanging="  ")
    page.line()
    shown, rest = _rows(pe, ROWS)
    if p.has_before:
        t = _table(("Resource", "word"), ("Type", "text"), ("Region", "word"), ("Op", "word"),
                   ("Before $/mo", "figure"), ("After $/mo", "figure"), ("Change", "figure"))
        for r in shown:
            t.add_row(r.name, short_type(r.type), r.region or "", r.op, _side(r.before), _side(r.after),
                      signed(r.base_change))
        if rest:
            t.add_row(f"and {len(rest)} more", "", "", "", "", "", signed(sum((r.base_change for r in rest), 0)))
    else:
        t = _table(("Resource", "word"), ("Type", "text"), ("Region", "word"), ("$/month", "figure"),
                   ("Worst case", "figure"))
        for r in shown:
            t.add_row(r.name, short_type(r.type), r.region or "", _side(r.after), _worst(r.after))
        if rest:
            t.add_row(f"and {len(rest)} more", "", "", usd(sum((r.after.base for r in rest if r.after), 0)), "")
    page.table(t)
    page.line()
    if p.has_before:
        page.line(f"Before:  ${usd(pe.before.base)}/month (worst case {worst_text(pe.before)})")
        page.line(f"After:   ${usd(pe.after.base)}/month (worst case {worst_text(pe.after)})", style="bold")
        page.line(f"Change:  {signed(pe.base_change)} USD/month (worst case {signed(pe.worst_change)})", style="bold")
    else:
        page.line(f"Total:   ${usd(pe.after.base)}/month (worst case {worst_text(pe.after)})", style="bold")
    notes = _not_priced(pe)
    missing = len(notes) + pe.unsupported_count
    if missing:
        page.line(f"         for the priced resources only: {missing} more are not priced (below) and not counted")
    if notes:
        page.line()
        page.line(f"Unpriced ({len(notes)}; their cost is not known and not counted, never $0):", style="bold")
        for n in notes:
            page.para(n)
    if pe.unsupported:
        page.line()
        page.line(f"Unsupported types ({pe.unsupported_count} resources, {len(pe.unsupported)} types):", style="bold")
        for rtype, names in pe.unsupported.items():
            page.para(f"{rtype}: {len(names)} ({', '.join(names[:5])}{', ...' if len(names) > 5 else ''})")
    free = pe.free
    if free:
        page.line()
        page.line(f"Free ({sum(n for _, _, n in free)} resources: no charge of their own, or counted on another "
                  "resource):", style="bold")
        for rtype, why, n in free:
            page.para(f"{short_type(rtype)} ×{n}: {why}")
    if pe.not_priced:
        page.line()
        page.line(f"Not priced: other providers ({len(pe.not_priced)} resources):", style="bold")
        for provider, n in pe.providers.items():
            names = [x.name for x in pe.not_priced if x.provider == provider]
            page.para(f"provider {provider}: {n} ({', '.join(names[:5])}{', ...' if len(names) > 5 else ''})")
    return page.text()


def estimate_markdown(pe: Any) -> str:
    from ..templating import render
    from .table import short_type

    shown, rest = _rows(pe, ROWS)
    return render("reports/estimate-plan.md.j2", pe=pe, p=pe.plan, facts=_facts(pe), shown=shown, rest=rest,
                  side=_side, usd=usd, signed=signed, worst_text=worst_text, short_type=short_type,
                  not_priced=_not_priced(pe), rest_change=sum((r.base_change for r in rest), 0),
                  rest_after=sum((r.after.base for r in rest if r.after), 0))
