"""`gnnstack report`'s report.html: one self-contained page for every stack of a cost analysis.

It is rendered from the cost_analysis.json document (the dict `cost_analysis_json` returns), so
the page and the JSON never disagree, and from the PNGs' bytes, which go inline as data: URIs.
Nothing on the page is fetched: inline CSS, no scripts, no external fonts, links or images, so it
works from a file:// URL, offline and printed (templates/reports/report.html.j2)."""

from __future__ import annotations

import base64
from collections import Counter
from decimal import Decimal
from typing import Any, Optional

from ..templating import render
from .figures import usd

IMAGES = ("cost_dashboard.png", "cost_comparison.png")


def image_key(stack: str, name: str) -> str:
    """The key of a stack's image in `report_html`'s `images`: its path under the report folder."""
    return f"{stack}/{name}"


def dollars(value: Optional[str]) -> str:
    """A decimal string of the document as "$1,234.56"; None (no cap) is "unbounded", never $0."""
    return "unbounded" if value is None else f"${usd(Decimal(value))}"


def worst_text(monthly: dict[str, Any], unbounded: int) -> str:
    """An option's worst case; an unbounded one says what the lines with a cap add up to."""
    if monthly["worst_case"] is not None:
        return dollars(monthly["worst_case"])
    lines = "line" if unbounded == 1 else "lines"
    return f"unbounded ({dollars(monthly['worst_case_bounded'])} + {unbounded} {lines} with no cap)"


def preferred(stack: dict[str, Any]) -> dict[str, Any]:
    """The option the page (and the dashboard) presents: the stack file's own, when it was
    assessed, else the first one (`gnnstack report --option` without it)."""
    options = stack["options"]
    return next((o for o in options if o["option"] == stack["stack_option"]), options[0])


def _over_budget(option: dict[str, Any], budget: str) -> bool:
    return Decimal(option["monthly"]["base"]) > Decimal(budget)


def _guardrails(option: dict[str, Any]) -> dict[str, Any]:
    g = option["guardrails"]
    mandatory = [v for v in g["violations"] if v["level"] == "mandatory"]
    advisory = len(g["violations"]) - len(mandatory)
    if g["passed"]:
        text = "pass" + (f" ({advisory} advisory)" if advisory else "")
    else:
        text = f"FAIL ({len(mandatory)} mandatory" + (f", {advisory} advisory)" if advisory else ")")
    return {"passed": g["passed"], "text": text}


def _first_step(option: dict[str, Any]) -> Optional[dict[str, Any]]:
    recs = option.get("recommendations")
    return recs[0] if recs else None


def _assumptions(option: dict[str, Any]) -> list[dict[str, Any]]:
    """Every assumption of the option, once each, with the resources that rest on it."""
    found: dict[tuple[str, str, str, str], list[str]] = {}
    for a in option["assumptions"]:
        found.setdefault((a["name"], a["value"], a["unit"], a["source"]), []).append("(the whole stack)")
    for line in option["lines"]:
        for a in line.get("assumptions", []):
            used = found.setdefault((a["name"], a["value"], a["unit"], a["source"]), [])
            if line["resource"] not in used:
                used.append(line["resource"])
    # The unit after a number ("4 hours"), not after words ("the end of the priced month").
    return [{"name": n, "value": v, "unit": u, "value_text": f"{v} {u}" if u and v[:1].isdigit() else v, "source": s,
             "resources": r}
            for (n, v, u, s), r in sorted(found.items(), key=lambda kv: kv[0])]


def _price_sources(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The prices behind every line on the page, grouped by source and date."""
    used: Counter[tuple[str, str, str, str]] = Counter()
    items: dict[tuple[str, str, str, str], set[str]] = {}
    for stack in document["stacks"]:
        for option in stack["options"]:
            for line in option["lines"]:
                p = line.get("price")
                if p is None:
                    continue
                key = (p["source"], p["as_of"], p["confidence"], p["origin"])
                used[key] += 1
                items.setdefault(key, set()).add(f"{p['service']} {p['item']} ({p['region']})")
    return [{"source": s, "as_of": d, "confidence": c, "origin": o, "lines": used[(s, d, c, o)],
             "prices": sorted(items[(s, d, c, o)])}
            for (s, d, c, o) in sorted(used, key=lambda k: (k[1], k[0], k[2], k[3]))]


def _carbon_sources(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The carbon coefficients used (PUE and grid factor per region), once each."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for stack in document["stacks"]:
        for option in stack["options"]:
            assumptions = option["carbon"]["assumptions"]
            for c in (assumptions["pue"], assumptions["grid"]):
                if c is not None:
                    seen.setdefault((c["kind"], c["key"]), c)
    return [seen[k] for k in sorted(seen)]


def _stack_view(stack: dict[str, Any], images: dict[str, bytes]) -> dict[str, Any]:
    own = preferred(stack)
    uris = {}
    for name in IMAGES:
        key = image_key(stack["stack"], name)
        if key not in images:
            raise ValueError(f"report.html: no image {key} for stack {stack['stack']}")
        uris[name] = "data:image/png;base64," + base64.b64encode(images[key]).decode("ascii")
    return {
        # None: the document has no recommendations (not computed); []: none saves money.
        "s": stack, "own": own, "images": uris, "first": _first_step(own), "recs": own.get("recommendations"),
        "guardrails": {o["option"]: _guardrails(o) for o in stack["options"]},
        "over_budget": {o["option"]: _over_budget(o, stack["budget_monthly"]) for o in stack["options"]},
        "assumptions": _assumptions(own), "regions": stack.get("regions"),
    }


def report_html(document: dict[str, Any], images: dict[str, bytes]) -> str:
    """The page for a cost_analysis.json `document`; `images` maps "STACK/cost_dashboard.png" and
    "STACK/cost_comparison.png" (see `image_key`) to the PNGs' bytes."""
    return render("reports/report.html.j2", doc=document, stacks=[_stack_view(s, images) for s in document["stacks"]],
                  prices=_price_sources(document), carbon_sources=_carbon_sources(document), dollars=dollars,
                  worst_text=worst_text)
