"""`gnnstack report`'s figures (matplotlib, Agg backend, PNG): a dashboard of one stack option
and the options side by side on one stack's scenario. Figures come from the estimates only; a
resource with no price is named as unpriced, never drawn as $0; an unbounded worst case is an
arrow, never a bar."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend)

from ..costing.carbon import round_kwh  # noqa: E402

DPI = 100
BASE = "#1f5fa8"  # base case
WORST = "#c0392b"  # worst case / unbounded
BUDGET = "#e67e22"
MUTED = "#555555"
# Colour-blind-safe (Okabe-Ito) for services in stacked bars.
SERVICE_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999",
                   "#000000", "#882255", "#44AA99", "#117733"]
OTHER = "#bbbbbb"
SHOWN = 7  # services in their own colour in the comparison
TOP = 8

plt.rcParams.update({"font.size": 12, "axes.titlesize": 15, "axes.titleweight": "bold", "axes.labelsize": 12,
                     "axes.spines.top": False, "axes.spines.right": False})


def _save(fig: Any, path: Path) -> None:
    """PNG with no metadata that changes between runs; zlib level 3: as small within a few per
    cent as the default, in less time."""
    fig.savefig(path, dpi=DPI, facecolor="white", metadata={"Software": None}, pil_kwargs={"compress_level": 3})
    plt.close(fig)


def _usd(v: Optional[Decimal]) -> str:
    return "unbounded" if v is None else f"${v:,.2f}"


def _bar_usd(v: float) -> str:
    """A bar's label: cents, and "< $0.01" for an amount that is not zero but rounds to it."""
    return "< $0.01" if 0 < v < 0.005 else _usd(Decimal(str(v)).quantize(Decimal("0.01")))


def _short(text: str, n: int = 34) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _by_service(est: Any) -> dict[str, tuple[Decimal, Optional[Decimal]]]:
    out: dict[str, tuple[Decimal, Optional[Decimal]]] = {}
    for line in est.lines:
        base, worst = out.get(line.price.service, (Decimal(0), Decimal(0)))
        lw = line.worst_monthly
        out[line.price.service] = (base + line.base_monthly, None if worst is None or lw is None else worst + lw)
    return dict(sorted(out.items(), key=lambda kv: (-kv[1][0], kv[0])))


def _ranges(ax: Any, labels: list[str], base: list[Decimal], worst: list[Optional[Decimal]], unit: str,
            at_least: float = 1.0) -> None:
    """Horizontal base bars with the worst case as a whisker; unbounded: an arrow and a label.
    The axis reaches at least `at_least` (a budget line drawn on it)."""
    y = list(range(len(labels)))[::-1]
    b = [float(v) for v in base]
    bounded = [float(w) for w in worst if w is not None]
    right = max(b + bounded + [at_least]) * 1.25
    ax.barh(y, b, color=BASE, height=0.6, label="base")
    for yi, bi, wi in zip(y, b, worst):
        if wi is None:
            ax.annotate("", xy=(right * 0.97, yi), xytext=(bi, yi),
                        arrowprops={"arrowstyle": "->", "color": WORST, "lw": 2})
            ax.text(right * 0.97, yi + 0.3, "unbounded", color=WORST, ha="right", va="bottom", fontsize=10)
        elif float(wi) > bi:
            ax.errorbar([bi], [yi], xerr=[[0], [float(wi) - bi]], fmt="none", ecolor=WORST, capsize=6, lw=2)
        ax.text(bi, yi - 0.32, f" {_bar_usd(bi)}", va="top", fontsize=10,
                color=MUTED)
    ax.set_yticks(y, [_short(lbl, 46) for lbl in labels])
    ax.set_xlim(0, right)
    ax.set_xlabel(unit)
    ax.plot([], [], color=WORST, lw=2, label="worst case (whisker) / unbounded (arrow)")
    ax.legend(loc="lower right", fontsize=10, frameon=False)


def _text_panel(ax: Any, title: str, lines: list[tuple[str, str]]) -> None:
    ax.axis("off")
    ax.set_title(title, loc="left")
    y = 0.95
    for text, colour in lines:
        for part in textwrap.wrap(text, 80) or [""]:
            ax.text(0.0, y, part, transform=ax.transAxes, va="top", fontsize=11, color=colour, family="monospace")
            y -= 0.1
            if y < 0.02:
                return


EFFORTS = ("low", "medium", "high")
RISK_COLOURS = {"low": "#009E73", "medium": "#E69F00", "high": "#D55E00"}  # Okabe-Ito
CARBON = "#1e7d32"


def _carbon_panel(ax: Any, carbon: Any) -> None:
    """kg CO2e a month by component (bars), with the total, the utilisation and PUE it assumes.
    `carbon`: the assessment's Carbon (computed once, shared with cost_analysis.json)."""
    if carbon.grid is None:
        ax.axis("off")
        ax.set_title("Carbon by component (kg CO2e/month)", loc="left")
        ax.text(0.0, 0.9, f"Not estimated: no grid factor for {carbon.region}.", transform=ax.transAxes,
                fontsize=12, color=MUTED, va="top")
        return
    comps = sorted(carbon.by_component(), key=lambda c: (-c[2], c[0]))
    shown = comps[:TOP]
    ax.set_title(f"Carbon by component: {round_kwh(carbon.kg_co2e)} kg CO2e/month ({round_kwh(carbon.kwh)} kWh)",
                 loc="left")
    y = list(range(len(shown)))[::-1]
    kg = [float(c[2]) for c in shown]
    right = max(kg + [1.0]) * 1.3
    ax.barh(y, kg, color=CARBON, height=0.6)
    for yi, (_, kwh, k) in zip(y, shown):
        ax.text(float(k), yi, f" {round_kwh(k)} kg ({round_kwh(kwh)} kWh)", va="center", fontsize=10, color=MUTED)
    ax.set_yticks(y, [_short(c[0], 46) for c in shown])
    ax.set_xlim(0, right)
    ax.set_xlabel("kg CO2e per month")
    notes = [f"at {(carbon.utilisation * 100).normalize():f}% CPU utilisation, PUE {carbon.pue.value}, "
             f"grid {carbon.region} (CCF method)"]
    if len(comps) > len(shown):
        notes.append(f"{len(comps) - len(shown)} smaller components not drawn")
    if carbon.not_estimated:
        notes.append(f"{len(carbon.not_estimated)} lines not estimated (listed in cost_analysis.json)")
    ax.text(0.99, 0.02, "\n".join(notes), transform=ax.transAxes, ha="right", va="bottom", fontsize=10,
            color=MUTED)


def _recommendations_panel(ax: Any, key: Any, recommendations: Sequence[Any]) -> None:
    """Saving against effort, one numbered bubble per recommendation (area grows with the saving),
    coloured by risk; beside it (`key`) what each number is, what it saves and what to change."""
    ax.set_title("Recommendations: USD/month saved vs effort", loc="left")
    ax.set_xticks(range(len(EFFORTS)), list(EFFORTS))
    ax.set_xlabel("effort to make the change")
    ax.set_xlim(-0.6, len(EFFORTS) - 0.4)
    ax.set_ylabel("USD per month saved (measured)")
    key.axis("off")
    if not recommendations:
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        ax.text(0.5, 0.5, "No change gnnstack tries\nsaves money on this option.", transform=ax.transAxes,
                ha="center", va="center", fontsize=12, color=MUTED)
        return
    ranked = sorted(recommendations, key=lambda r: (-r.saving_monthly, r.id))
    top = float(ranked[0].saving_monthly)
    ax.set_ylim(0, top * 1.3)
    # Bubbles of the same effort side by side, largest first, so that they do not hide each other.
    by_effort: dict[str, list[Any]] = {}
    for r in ranked:
        by_effort.setdefault(r.effort, []).append(r)
    for effort, group in by_effort.items():
        n = len(group)
        for i, r in enumerate(group):
            x = EFFORTS.index(effort) + (0 if n == 1 else -0.3 + 0.6 * i / (n - 1))
            v = float(r.saving_monthly)
            ax.scatter([x], [v], s=250 + 1500 * v / top, color=RISK_COLOURS[r.risk], alpha=0.8,
                       edgecolors="white", linewidths=1.5, zorder=3)
            ax.text(x, v, str(ranked.index(r) + 1), ha="center", va="center", fontsize=11, fontweight="bold",
                    color="white", zorder=4)
    ax.grid(axis="y", alpha=0.3)
    handles = [ax.scatter([], [], s=100, color=colour, alpha=0.8) for colour in RISK_COLOURS.values()]
    ax.legend(handles, list(RISK_COLOURS), title="risk", loc="upper right", fontsize=9.5, title_fontsize=9.5,
              frameon=False, ncol=3, handletextpad=0.1, columnspacing=0.6)
    y = 1.0
    for i, r in enumerate(ranked, start=1):
        for j, part in enumerate(textwrap.wrap(r.title, 32)[:2]):
            key.text(0.0, y, f"{i}  {part}" if j == 0 else f"    {part}", transform=key.transAxes, va="top",
                     fontsize=11, fontweight="bold")
            y -= 0.055
        change: list[str] = []
        for c in r.changes:  # "path: from → to", split after the path when it is long
            text = c.text()
            change += [text] if len(text) <= 38 else [f"{text.split(': ', 1)[0]}:", f"  {text.split(': ', 1)[1]}"]
        for part in [f"{_usd(r.saving_monthly)}/month · {r.effort} effort · {r.risk} risk", *change][:4]:
            key.text(0.04, y, part, transform=key.transAxes, va="top", fontsize=10, color=MUTED)
            y -= 0.05
        y -= 0.02
        if y < 0.12 and i < len(ranked):
            key.text(0.0, y, f"+ {len(ranked) - i} more in cost_analysis.json", transform=key.transAxes, va="top",
                     fontsize=10, color=MUTED)
            break
    key.text(0.0, 0.0, "bubble area grows with the saving; each saving is\nthe stack re-priced with the change",
             transform=key.transAxes, va="bottom", fontsize=9.5, color=MUTED)


def dashboard(a: Any, budget: Decimal, path: Path, recommendations: Sequence[Any] = ()) -> None:
    """Six panels for one assessment: by component, by service, the 12 months against the
    budget, the top cost drivers, carbon by component and the recommendations (saving vs
    effort); under them a strip with the guardrail verdict and the unpriced resources.
    `recommendations`: gnnstack.recommend.Recommendation list of this assessment's option."""
    est = a.costs.estimate
    fig, axes = plt.subplots(4, 2, figsize=(20, 22), dpi=DPI, gridspec_kw={"height_ratios": [1, 1, 1, 0.45]})
    fig.suptitle(f"{a.graph.stack} · {a.graph.option} · {a.scenario.region} — monthly cost "
                 f"{_usd(est.base)} base, {_usd(est.worst_case)} worst case", fontsize=18, fontweight="bold")

    comps = est.by_component()
    ax = axes[0][0]
    ax.set_title("Monthly cost by component (USD/month)", loc="left")
    _ranges(ax, [c.name for c in comps], [c.base for c in comps], [c.worst_case for c in comps], "USD per month")

    services = _by_service(est)
    ax = axes[0][1]
    ax.set_title("Monthly cost by AWS service (USD/month)", loc="left")
    _ranges(ax, list(services), [v[0] for v in services.values()], [v[1] for v in services.values()],
            "USD per month")

    ax = axes[1][0]
    months = [float(m) for m in est.months()]
    ax.set_title("Next 12 months (base case) against the budget", loc="left")
    ax.plot(range(1, 13), months, marker="o", color=BASE, lw=2.5, label="base cost")
    ax.axhline(float(budget), color=BUDGET, ls="--", lw=2, label=f"budget {_usd(budget)}/month")
    over = [m for m in range(1, 13) if months[m - 1] > float(budget)]
    if over:
        ax.text(0.01, 0.95, f"over budget from month {over[0]}", transform=ax.transAxes, color=WORST, va="top",
                fontsize=12, fontweight="bold")
    ax.set_xticks(range(1, 13))
    ax.set_xlabel("month from now")
    ax.set_ylabel("USD per month")
    ax.set_ylim(0, max(months + [float(budget)]) * 1.15)
    ax.legend(loc="lower right", frameon=False)

    top = est.top(TOP)
    ax = axes[1][1]
    ax.set_title(f"Top {len(top)} cost drivers (lines, USD/month)", loc="left")
    _ranges(ax, [f"{x.resource}: {x.name}" for x in top], [x.base_monthly for x in top],
            [x.worst_monthly for x in top], "USD per month")

    _carbon_panel(axes[2][0], a.carbon)
    # The recommendations' cell holds the bubbles and, beside them, what each number is.
    cell = axes[2][1].get_subplotspec().subgridspec(1, 2, width_ratios=[1, 1], wspace=0.08)
    axes[2][1].remove()
    _recommendations_panel(fig.add_subplot(cell[0]), fig.add_subplot(cell[1]), recommendations)

    v = a.verdict
    left: list[tuple[str, str]] = [("PASS — no mandatory rule fails" if v.passed else "FAIL — a mandatory rule fails",
                                    "#1e7d32" if v.passed else WORST)]
    left += [(_short(f"✗ [{x.level}] {x.rule}: {x.resource} — {x.message}", 95),
              WORST if x.level == "mandatory" else MUTED) for x in v.violations]
    left += [(f"waived {x.rule}: {x.resource}", MUTED) for x, _ in v.waived]
    # Unpriced in its own column, so that a long list of violations never hides it.
    right: list[tuple[str, str]] = []
    if est.unpriced:
        right.append((f"Unpriced ({len(est.unpriced)}): not in the totals, not $0", WORST))
        right += [(_short(f"? {u.resource} ({u.type}): {u.reason}", 95), MUTED) for u in est.unpriced]
    else:
        right.append(("Every resource is priced.", MUTED))
    _text_panel(axes[3][0], "Guardrails", left)
    _text_panel(axes[3][1], "Unpriced resources", right)

    # Fixed margins, not tight_layout: they fit the longest labels _short lets through, and
    # tight_layout's measuring pass cost a third of the figure's time.
    fig.subplots_adjust(left=0.14, right=0.98, top=0.95, bottom=0.02, wspace=0.62, hspace=0.3)
    _save(fig, path)


def comparison(stack: str, assessments: list[Any], budget: Decimal, path: Path, regions: Sequence[Any] = ()) -> None:
    """The options of one stack side by side: base stacked by catalog service, the worst case as
    a whisker (an arrow when unbounded), the budget as a line; unpriced counts under each bar.
    Beside it, `regions` (gnnstack.report.RegionCost): one option in each catalog region, its
    cost and its carbon."""
    fig = plt.figure(figsize=(24, 10.5), dpi=DPI)
    grid = fig.add_gridspec(2, 2, width_ratios=[2.5, 1], hspace=0.5, wspace=0.22)
    ax = fig.add_subplot(grid[:, 0])
    if regions:
        _regions(fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, 1]), regions, budget)
    per = [_by_service(a.costs.estimate) for a in assessments]
    ranked = sorted({s for p in per for s in p}, key=lambda s: (-sum(float(p.get(s, (0, 0))[0]) for p in per), s))
    # Past SHOWN services the colours would repeat: the smallest are summed as one "other" segment.
    shown, rest = ranked[:SHOWN], ranked[SHOWN:]
    x = list(range(len(assessments)))
    bottoms = [0.0] * len(x)
    segments = [(s, [float(p.get(s, (Decimal(0), Decimal(0)))[0]) for p in per]) for s in shown]
    if rest:
        segments.append((f"other ({', '.join(rest)})" if len(rest) <= 3 else f"{len(rest)} other services",
                         [sum(float(p.get(s, (Decimal(0), Decimal(0)))[0]) for s in rest) for p in per]))
    for i, (s, vals) in enumerate(segments):
        colour = OTHER if i == SHOWN else SERVICE_COLOURS[i]
        ax.bar(x, vals, bottom=bottoms, width=0.55, color=colour, label=s, edgecolor="white", linewidth=0.5)
        bottoms = [b + v for b, v in zip(bottoms, vals)]
    ests = [a.costs.estimate for a in assessments]
    tops = [float(e.worst_case) if e.worst_case is not None else float(e.base) for e in ests]
    ceiling = max(tops + [float(budget)] + bottoms + [1.0]) * 1.3
    for xi, e in zip(x, ests):
        base = float(e.base)
        if e.worst_case is None:
            # Beside the bar's total, not through it.
            ax.annotate("", xy=(xi + 0.2, ceiling * 0.9), xytext=(xi + 0.2, base),
                        arrowprops={"arrowstyle": "-|>", "color": WORST, "lw": 2, "mutation_scale": 18})
            ax.text(xi + 0.2, ceiling * 0.91, "worst case\nunbounded", color=WORST, ha="center", va="bottom",
                    fontsize=11)
        elif float(e.worst_case) > base:
            ax.errorbar([xi + 0.2], [base], yerr=[[0], [float(e.worst_case) - base]], fmt="none", ecolor=WORST,
                        capsize=8, lw=2)
            ax.text(xi + 0.2, float(e.worst_case), f"worst {_usd(e.worst_case)}\n", color=WORST, ha="center",
                    va="bottom", fontsize=10)
        ax.text(xi - 0.06, base, f"{_usd(e.base)}\n", ha="center", va="bottom", fontsize=12, fontweight="bold")
    ax.axhline(float(budget), color=BUDGET, ls="--", lw=2, label=f"budget {_usd(budget)}/month")
    labels = []
    for a, e in zip(assessments, ests):
        extra = [] if a.verdict.passed else ["guardrails FAIL"]
        if e.unpriced:
            extra.append(f"{len(e.unpriced)} unpriced")
        labels.append(a.graph.option + ("\n" + ", ".join(extra) if extra else ""))
    ax.set_xticks(x, labels)
    for tick, a in zip(ax.get_xticklabels(), assessments):
        if not a.verdict.passed:
            tick.set_color(WORST)
    ax.set_ylim(0, ceiling)
    ax.set_ylabel("USD per month (base, stacked by catalog service)")
    ax.set_title(f"{stack}: the options on the same scenario ({assessments[0].scenario.region})", loc="left")
    ax.plot([], [], color=WORST, lw=2, label="worst case")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.11), frameon=False, ncol=6, fontsize=11)
    fig.subplots_adjust(left=0.05, right=0.97, top=0.94, bottom=0.2)
    _save(fig, path)


def _regions(cost_ax: Any, carbon_ax: Any, regions: Sequence[Any], budget: Decimal) -> None:
    """One option in each region: cost (base, worst whisker, budget line) and carbon a month."""
    names = [r.region + ("\n(stack file)" if r.current else "") for r in regions]
    ests = [r.assessment.costs.estimate for r in regions]
    option = regions[0].assessment.graph.option
    cost_ax.set_title(f"{option} in each region: USD/month", loc="left", fontsize=14)
    _ranges(cost_ax, names, [e.base for e in ests], [e.worst_case for e in ests], "USD per month (base)",
            at_least=float(budget))
    cost_ax.get_legend().remove()  # the options chart beside it has the legend
    cost_ax.axvline(float(budget), color=BUDGET, ls="--", lw=2)
    cost_ax.text(float(budget), len(regions) - 0.45, "budget ", color=BUDGET, ha="right", va="top", fontsize=10)
    cost_ax.set_ylim(-0.9, len(regions) - 0.4)
    for e, y in zip(ests, range(len(ests))[::-1]):
        if e.unpriced:
            cost_ax.text(0, y + 0.32, f" {len(e.unpriced)} unpriced, not in the bar", color=WORST, fontsize=10)
    carbon_ax.set_title(f"{option} in each region: kg CO2e/month", loc="left", fontsize=14)
    y = list(range(len(regions)))[::-1]
    kg = [r.assessment.carbon.kg_co2e if r.assessment.carbon.grid is not None else None for r in regions]
    carbon_ax.barh(y, [float(k or 0) for k in kg], color="#009E73", height=0.6)
    right = max([float(k) for k in kg if k is not None] + [1.0]) * 1.3
    for yi, k in zip(y, kg):
        carbon_ax.text(float(k or 0), yi, f" {round_kwh(k)} kg" if k is not None else " no grid factor: not estimated",
                       va="center", fontsize=10, color=MUTED)
    carbon_ax.set_yticks(y, names)
    carbon_ax.set_xlim(0, right)
    carbon_ax.set_ylim(-0.6, len(regions) - 0.4)
    carbon_ax.set_xlabel("kg CO2e per month (CCF method, location-based)")
