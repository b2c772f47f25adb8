"""Tables and text for people: the `table`/`text` format of every command.

rich lays the tables out (column widths, wrapping a cell to the width, right-aligned figures);
prose lines are wrapped with a hanging indent, never cut. The width is $COLUMNS when set, else the
terminal's, else 100 (a pipe or a file). Each function returns styled text; the CLI writes it
with click, which drops the styling under NO_COLOR, in files and through pipes, so the layout
is the same with and without colour."""

from __future__ import annotations

import io
import os
import re
import shutil
import sys
import textwrap
from decimal import Decimal
from typing import Any, Iterable, Optional

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .figures import (TRAINING_HEAD, assumption_text, footnotes, lifetime_text, moved_words, percent_text, qty,
                      short_commit, signed, training_cells, training_facts, training_notes, usd, worst_text)

# Inputs worth a glance: what sizes, caps or schedules a resource. Anything else is in --format json.
SIZING_KEYS = (
    "instanceType", "instanceClass", "minSize", "maxSize", "desiredCapacity", "minCapacity", "maxCapacity",
    "workerType", "numberOfWorkers", "timeout", "executionClass", "shardCount", "retentionPeriod",
    "scheduleExpression", "schedule", "recurrence", "limitAmount", "releaseLabel", "cidrBlock",
    "targetOnDemandCapacity", "targetSpotCapacity", "backupRetentionPeriod", "storageEncrypted",
    "engineVersion", "fromPort", "toPort", "cidrIpv4", "forceDestroy",
)
# The width when neither $COLUMNS nor a terminal says: what a pipe, a file or a log gets.
DEFAULT_WIDTH = 100
MIN_WIDTH = 40
# Where a price source is shortened in `prices` tables (visibly, with "..."; JSON has it whole).
SOURCE_WIDTH = 70


def width() -> int:
    """The width to lay text out to: $COLUMNS (a positive number), else the terminal's when stdout
    is one, else DEFAULT_WIDTH; never under MIN_WIDTH."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return max(MIN_WIDTH, int(columns))
    try:
        terminal = sys.stdout.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        terminal = False
    if terminal:
        return max(MIN_WIDTH, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)
    return DEFAULT_WIDTH


def wrap(text: str, indent: str = "", hanging: str = "    ", width_: Optional[int] = None) -> list[str]:
    """`text` (plain) wrapped to `width_` (default `width()`): the first line starts with
    `indent`, the others with `indent + hanging`. Words are never cut, nor is a word longer than
    a line (an ARN, a URL): it gets a line of its own. A line break in `text` (a multi-line error
    message) stays one."""
    out: list[str] = []
    for i, part in enumerate(text.split("\n")):
        out += textwrap.wrap(part, width=width_ or width(), initial_indent=indent if i == 0 else indent + hanging,
                             subsequent_indent=indent + hanging, break_long_words=False,
                             break_on_hyphens=False) or [indent if i == 0 else ""]
    return out


_STYLE = re.compile(r"\x1b\[[0-9;]*m")
_TAIL = re.compile(r"(?:\x1b\[[0-9;]*m| )+$")


class _Page:
    """Text drawn by rich into a string, with styles; trailing blanks dropped from every line."""

    def __init__(self) -> None:
        self.width = width()
        self._console = Console(file=io.StringIO(), width=self.width, force_terminal=True, color_system="standard",
                                no_color=False, highlight=False, markup=False, emoji=False, legacy_windows=False)

    def line(self, text: str | Text = "", style: str = "") -> None:
        """One line as is (already short enough, or wrapped by `para`)."""
        self._console.print(text if isinstance(text, Text) else Text(text, style=style), soft_wrap=True)

    def para(self, text: str, indent: str = "  ", hanging: str = "    ", style: str = "") -> None:
        """Prose wrapped to the width with a hanging indent."""
        for line in wrap(text, indent, hanging, self.width):
            self.line(line, style)

    def block(self, text: Text, indent: int) -> None:
        """Text wrapped by rich to the width, every line indented by `indent`."""
        self._console.print(Padding(text, (0, 0, 0, indent)))

    def table(self, table: Table, indent: int = 1) -> None:
        self._console.print(Padding(table, (0, 0, 0, indent)))

    def text(self) -> str:
        raw = self._console.file.getvalue()  # type: ignore[attr-defined]
        return "\n".join(_TAIL.sub(lambda m: "".join(_STYLE.findall(m.group())), line)
                         for line in raw.split("\n"))


def _column(table: Table, name: str, kind: str, width_: Optional[int] = None) -> None:
    """Add a column of `kind`: "text" wraps at spaces and folds a word longer than the column;
    "figure" is right-aligned and not wrapped; "word" is left-aligned and not wrapped. A fixed
    `width_` folds what does not fit rather than cutting it."""
    if kind == "figure":
        table.add_column(name, justify="right", no_wrap=width_ is None, width=width_, overflow="fold")
    elif kind == "word":
        table.add_column(name, no_wrap=width_ is None, width=width_, overflow="fold")
    else:
        table.add_column(name, width=width_, overflow="fold")


def _table(*columns: tuple[str, str], header: bool = True, widths: Optional[list[int]] = None,
           edge: bool = True) -> Table:
    """A table without borders, columns two spaces apart (and one space before the first with
    `edge`); each column is (header, kind)."""
    table = Table(box=None, show_header=header, header_style="bold", padding=(0, 1), pad_edge=edge,
                  show_edge=False, highlight=False)
    for i, (name, kind) in enumerate(columns):
        _column(table, name, kind, widths[i] if widths else None)
    return table


def _indented(text: str | Text, by: int = 2) -> Padding | Text:
    """A cell whose text, wrapped lines too, is indented `by` columns."""
    text = text if isinstance(text, Text) else Text(text)
    return Padding(text, (0, 0, 0, by), expand=False) if by else text


def _cell_len(cell: str | Text) -> int:
    return cell.cell_len if isinstance(cell, Text) else Text(cell).cell_len


# A table's long text column (a cost line's name, a resource's inputs, an option's biggest lines)
# keeps its own column only when the width leaves it this many columns (or all it needs); else it
# gets a line of its own above or below each row.
WIDE_MIN = 30
PAD = 2  # the columns a cell's padding takes: one space each side


class _Grid:
    """A table with one long text column, `wide`: the other columns are as wide as their cells
    and the wide one wraps in the rest of the width; when that leaves it fewer than WIDE_MIN
    columns, its text moves to a line of its own above (`place="above"`) or below each row, and
    the others share the width (text columns give up room first). rich draws and wraps the
    cells; the columns keep one width across all rows, so they stay aligned either way."""

    def __init__(self, columns: list[tuple[str, str]], wide: int, place: str = "above", header: bool = True,
                 edge: bool = True):
        if place not in ("above", "below"):
            raise ValueError(f"place: {place!r}")
        self.columns, self.wide, self.place, self.header, self.edge = columns, wide, place, header, edge
        self.rows: list[Optional[tuple[int, tuple]]] = []  # (indent of the first cell, cells); None: a blank row

    def add(self, *cells: str | Text, level: int = 0) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        self.rows.append((level, cells))

    def blank(self) -> None:
        self.rows.append(None)

    def _natural(self, i: int) -> int:
        cells = [_cell_len(cells[i]) + (level if i == 0 else 0) for level, cells in filter(None, self.rows)]
        return max([_cell_len(self.columns[i][0]) if self.header else 0, *cells, 1])

    def draw(self, page: "_Page", indent: int = 1) -> None:
        others = [i for i in range(len(self.columns)) if i != self.wide]
        natural = {i: self._natural(i) for i in range(len(self.columns))}
        # (Without `edge` the table is two columns narrower than counted here: room to spare.)
        room = page.width - indent - sum(natural[i] + PAD for i in others) - PAD
        if room >= min(WIDE_MIN, natural[self.wide]):
            # The other columns as wide as their cells; the wide one gets the rest and wraps.
            widths = [min(room, natural[i]) if i == self.wide else natural[i] for i in range(len(self.columns))]
            table = _table(*self.columns, header=self.header, widths=widths, edge=self.edge)
            for row in self.rows:
                if row is None:
                    table.add_row()
                else:
                    level, cells = row
                    table.add_row(_indented(cells[0], level), *cells[1:])
            page.table(table, indent)
            return
        self._stacked(page, indent, others, self._widths(page.width - indent, others, natural))

    def _widths(self, space: int, others: list[int], natural: dict[int, int]) -> list[int]:
        """One width per column other than the wide one: what its cells need; text columns give
        up room, the widest first, when they do not all fit in `space`."""
        widths = {i: natural[i] for i in others}
        text = [i for i in others if self.columns[i][1] == "text"]
        excess = sum(widths[i] + PAD for i in others) - space
        while excess > 0 and text:
            widest = max(text, key=lambda i: widths[i])
            if widths[widest] <= WIDE_MIN // 2:
                break  # rich folds the rest
            cut = min(excess, widths[widest] - WIDE_MIN // 2)
            widths[widest] -= cut
            excess -= cut
        return [widths[i] for i in others]

    def _stacked(self, page: "_Page", indent: int, others: list[int], widths: list[int]) -> None:
        columns = [self.columns[i] for i in others]
        name = self.columns[self.wide][0]
        first = indent + (1 if self.edge else 0)  # where the first cell's text starts
        # A line below a row starts under the row's second cell. Under a line above, the row
        # keeps to the right, apart from the names.
        below = first + widths[0] + PAD if self.place == "below" else 0
        shift = indent if self.place == "below" else max(indent, page.width - sum(w + PAD for w in widths))
        if self.header:
            if self.place == "above" and name:
                page.block(Text(name, "bold"), first)
            page.table(_table(*columns, widths=widths, edge=self.edge), shift)
        for row in self.rows:
            if row is None:
                page.line()
                continue
            level, cells = row
            wide = cells[self.wide] if isinstance(cells[self.wide], Text) else Text(cells[self.wide])
            if self.place == "above" and wide.plain:
                page.block(wide, first + level)
            table = _table(*columns, header=False, widths=widths, edge=self.edge)
            rest = [cells[i] for i in others]
            table.add_row(_indented(rest[0], level if self.wide != 0 else 0), *rest[1:])
            page.table(table, shift)
            if self.place == "below" and wide.plain:
                label = Text(f"{name}: ", "bold") if self.header and name else Text("")
                page.block(label + wide, below)


# --------------------------------------------------------------------------- preview


def short_type(token: str) -> str:
    """aws:ec2/launchTemplate:LaunchTemplate -> ec2:LaunchTemplate."""
    if token.startswith("aws:") and "/" in token:
        module = token.split(":")[1].split("/")[0]
        return f"{module}:{token.rsplit(':', 1)[1]}"
    return token


def _value(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def key_inputs(r: Any) -> str:
    if r.is_component:
        items = sorted((k, v) for k, v in r.inputs.items() if v is not None)
    else:
        items = [(k, r.inputs[k]) for k in SIZING_KEYS if k in r.inputs and r.inputs[k] not in (None, "")]
        compute = r.inputs.get("computeLimits")
        if compute:
            items.append(("maxUnits", compute[0].get("maximumCapacityUnits")))
    return " ".join(f"{k}={_value(v)}" for k, v in items)


def _stack_header(graph: Any, scenario: Any) -> str:
    expires = scenario.expires_at()
    ttl = f", expires {expires:%Y-%m-%dT%H:%MZ}" if expires else ""
    db = "" if scenario.database_enabled else ", database off"
    return f"Stack {graph.stack}: option {scenario.option} ({scenario.environment}, {scenario.region}{db}{ttl})"


def resources_table(graph: Any, scenario: Any) -> str:
    """The resources a stack creates, by component: type, name and the inputs that size it."""
    page = _Page()
    components = [r for r in graph if r.is_component]
    managed = graph.managed()
    page.para(_stack_header(graph, scenario), indent="", style="bold")
    page.line(f"{len(managed)} resources in {len(components)} components (offline, Pulumi mock runtime)")
    page.line()
    groups: dict[str, list[Any]] = {c.name: [] for c in components}
    for r in managed:
        owner = graph.component_of(r)
        groups.setdefault(owner.name if owner else "(stack)", []).append(r)
    grid = _Grid([("type", "text"), ("name", "text"), ("inputs", "text")], wide=2, place="below", header=False,
                 edge=False)
    for comp_name, members in groups.items():
        if not members:
            continue
        if grid.rows:
            grid.blank()
        comp = graph.names.get(comp_name)
        grid.add(Text(comp_name, "bold cyan"), Text(f"[{comp.type}]" if comp else "", "cyan"),
                 Text(key_inputs(comp) if comp else "", "dim"))
        for r in members:
            grid.add(short_type(r.type), r.name, key_inputs(r), level=2)
    grid.draw(page, indent=0)
    return page.text()


def preview_table(graph: Any, scenario: Any, costs: Any, verdict: Any) -> str:
    """`preview`: the resources, the cost estimate, the guardrail verdicts, the defaults used."""
    from ..costing.carbon import estimate_carbon

    carbon = _Page()
    carbon.para(estimate_carbon(costs.estimate).summary(), indent="")
    return (resources_table(graph, scenario) + "\n" + cost_table(costs) + "\n" + carbon.text() + "\n"
            + verdict_text(verdict) + defaults_text(costs.estimate))


# --------------------------------------------------------------------------- cost


def cost_table(report: Any) -> str:
    """A `CostReport`: the lines by component with base and worst case, the totals, the lifetime
    cost, the assumptions behind each line, what is unbounded or unpriced, the top cost drivers
    and the next 12 months."""
    e = report.estimate
    page = _Page()
    page.line(f"Cost estimate: USD a month ({e.region}, {qty(e.hours_per_month)}-hour month)", "bold")
    if report.overrides:
        n = sum(1 for line in e.lines if line.price.overridden)
        page.para(f"prices: catalog with overrides from {report.overrides} ({n} line(s) use them)")
    by_component: dict[str, list[Any]] = {}
    for line in e.lines:
        by_component.setdefault(line.component, []).append(line)
    totals = e.by_component()
    ordered = {t.name: sorted(by_component[t.name], key=lambda x: -x.base_monthly) for t in totals}
    notes = footnotes([line for lines in ordered.values() for line in lines])
    grid = _Grid([("component / line", "text"), ("base qty", "figure"), ("worst qty", "figure"), ("unit", "text"),
                  ("unit price", "figure"), ("base", "figure"), ("worst case", "figure")], wide=0, place="above")
    for total in totals:
        grid.add(Text(total.name, "bold cyan"), "", "", "", "", usd(total.base), usd(total.worst_case))
        for line in ordered[total.name]:
            price = f"{line.unit_price}" + (f"/{line.worst_unit_price}" if line.worst_price != line.price else "")
            mark = f" [{notes[line.assumptions]}]" if line.assumptions else ""
            grid.add(f"{line.name}{mark}", qty(line.base_quantity), qty(line.worst_quantity), line.unit, price,
                     usd(line.base_monthly), usd(line.worst_monthly), level=2)
    grid.add(Text("Total", "bold"), "", "", "", "", Text(usd(e.base), "bold"), Text(usd(e.worst_case), "bold"))
    grid.draw(page)
    page.line()
    page.para(f"Base {usd(e.base)}; worst case {worst_text(e)}.")
    page.para(f"{lifetime_text(report.lifetime)}.")
    if notes:
        page.para("Assumptions [n] (source: stack file, usage-file, default, catalog):")
        for a, n in notes.items():
            page.para(f"[{n}] {assumption_text(a)}", indent="    ", hanging=" " * len(f"[{n}] "))
    if e.usage_file:
        page.para(f"Usage file: {e.usage_file}")
    if report.at_catalog is not None:
        c = report.at_catalog
        page.para(f"At catalog prices: base {usd(c.base)}; worst case {worst_text(c)}"
                  + (f"; {len(c.unpriced)} unpriced" if c.unpriced else "") + ".")
    if e.unbounded:
        page.line("  Unbounded (no cap):", "yellow")
        for line in e.unbounded:
            page.para(f"{line.resource}: {line.name}" + (f" ({line.note})" if line.note else ""), indent="    ")
    if e.unpriced:
        page.line(f"  Unpriced ({len(e.unpriced)}), not counted in the totals:", "red")
        for u in e.unpriced:
            page.para(f"{u.resource} [{u.type}]: {u.reason}", indent="    ")
    else:
        page.para(f"Unpriced: none ({e.free} free or priced-with resources).")
    if e.no_charge:
        page.para("No charge of their own: " + "; ".join(f"{name} ({why})" for name, (_, why) in
                                                          sorted(e.no_charge.items())) + ".")
    page.para("Top cost drivers: " + "; ".join(
        f"{line.name} {usd(line.base_monthly)}" for line in e.top(3) if line.base_monthly > 0))
    page.para("Next 12 months, base: " + ", ".join(usd(m) for m in e.months()))
    return page.text()


def defaults_text(e: Any) -> str:
    """The documented defaults an estimate rests on, for the end of a report."""
    page = _Page()
    used = e.defaults_used()
    if not used:
        page.para("Defaults used: none: every usage value comes from the stack file or the usage file.")
        return page.text()
    page.para(f"Defaults used ({len(used)}): set them in the stack file or a usage file "
              "(gnnstack usage template STACK)", style="yellow")
    for resource, a in used:
        page.para(f"{resource}: {a.name} = {a.value_text()}", indent="    ")
    return page.text()


def compare_table(c: Any) -> str:
    """A `Comparison`: each option's base, worst case, month 12, unpriced count and biggest lines."""
    page = _Page()
    page.line(f"Stack {c.stack}: the {len(c.reports)} options on the same scenario (USD a month)", "bold")
    grid = _Grid([("option", "word"), ("base", "figure"), ("worst case", "text"), ("month 12", "figure"),
                  ("unpriced", "figure"), ("biggest lines", "text")], wide=5, place="below")
    for r in c.reports:
        e = r.estimate
        biggest = "; ".join(f"{x.name} {usd(x.base_monthly)}" for x in e.top(2) if x.base_monthly > 0)
        grid.add(r.option, usd(e.base), worst_text(e), usd(e.months()[-1]), str(len(e.unpriced)), biggest)
    grid.draw(page)
    if any(r.at_catalog for r in c.reports):
        page.line()
        page.para("At catalog prices: " + "; ".join(
            f"{r.option} {usd(r.at_catalog.base)}" for r in c.reports if r.at_catalog))
    unpriced = [(r.option, u) for r in c.reports for u in r.estimate.unpriced]
    if unpriced:
        page.line()
        page.line("  Unpriced, not counted:", "red")
        for opt, u in unpriced:
            page.para(f"{opt}: {u.resource}: {u.reason}", indent="    ")
    return page.text()


def training_table(t: Any) -> str:
    """A `TrainingChoices` (`compare --training`): each candidate on demand and on managed spot,
    per run and per month, then what the figures rest on; with an override file, the same at
    catalog prices."""
    page = _Page()
    page.line(f"Stack {t.stack}: training choices (USD; ranges are low-high hours a run)", "bold")
    _training_grid(page, t.choices)
    page.line()
    for fact in training_facts(t):
        page.para(fact)
    for note in training_notes(t.choices):
        page.para(note, style="yellow")
    if t.at_catalog is not None:
        page.line()
        page.line("At catalog prices (without the overrides):", "bold")
        _training_grid(page, t.at_catalog)
        for note in training_notes(t.at_catalog):
            if "unpriced" in note:
                page.para(note, style="red")
    return page.text()


def _training_grid(page: "_Page", choices: list) -> None:
    grid = _Grid([(name, "word" if i < 2 else "figure") for i, name in enumerate(TRAINING_HEAD)], wide=0,
                 place="above")
    for c in choices:
        grid.add(*training_cells(c))
    grid.draw(page)


def up_summary(a: Any) -> str:
    """`up`, before it asks: the stack's cost in one line, then its guardrail verdicts."""
    e = a.costs.estimate
    page = _Page()
    page.para(f"{a.graph.stack}: {a.scenario.option} in {a.scenario.region}; base {usd(e.base)} USD a month, "
              f"worst case {worst_text(e)}; {len(e.unpriced)} unpriced", indent="")
    return page.text() + verdict_text(a.verdict)


# --------------------------------------------------------------------------- guardrails


LEVEL_STYLES = {"mandatory": "red", "advisory": "yellow"}


def verdict_text(v: Any) -> str:
    """A `Verdict`: the block printed under the cost table. Long messages and waiver reasons are
    wrapped, never cut."""
    page = _Page()
    head = "passed" if v.passed else f"FAILED ({len(v.mandatory)} mandatory violation(s))"
    page.line(f"Guardrails ({v.environment}): {head}", "bold green" if v.passed else "bold red")
    for x in sorted(v.violations, key=lambda x: (x.level != "mandatory", x.rule)):
        first, *rest = wrap(f"{x.level} {x.rule}: {x.resource}: {x.message}", "  ", width_=page.width)
        line = Text(first)
        line.stylize(LEVEL_STYLES.get(x.level, ""), 2, 2 + len(x.level))  # the level word, coloured
        page.line(line)
        for more in rest:
            page.line(more)
    for x, w in v.waived:
        page.para(f"waived {x.rule}: {x.resource} (until {w.expires}: {w.reason})")
    for w in v.expired_waivers:
        page.para(f"expired waiver for {w.rule} on {w.resource} (expired {w.expires}): no longer applies",
                  style="yellow")
    if not v.violations and not v.waived:
        page.line(f"  all {sum(1 for _, level in v.rules if level != 'disabled')} rules pass")
    return page.text()


def rules_text(rules: Iterable[Any]) -> str:
    """`guardrails list`: each rule, its default levels, its parameters and an example."""
    import json

    page = _Page()
    for r in sorted(rules, key=lambda r: r.name):
        title = Text(r.name, "bold")
        title.append(f"  (experiment: {r.levels['experiment']}, production: {r.levels['production']})")
        page.line(title)
        page.para(r.description)
        for field, info in r.params.model_fields.items():
            page.para(f"- {field}: {info.description or ''} (default {info.get_default(call_default_factory=True)!r})"
                      if not info.is_required() else f"- {field}: {info.description or ''} (required)")
        page.para(f"example params: {json.dumps(r.example)}")
    return page.text()


# --------------------------------------------------------------------------- check


def check_text(r: Any) -> str:
    """`check`: each stack's cost, lifetime cost and verdicts, then the outcome."""
    out = []
    for a in r.assessments:
        e = a.costs.estimate
        page = _Page()
        page.para(f"{a.graph.stack} ({a.scenario.option}, {a.scenario.environment}): base {usd(e.base)} USD a "
                  f"month, worst case {worst_text(e)}", indent="")
        page.para(lifetime_text(a.costs.lifetime))
        out.append(page.text() + verdict_text(a.verdict))
    out.append("check passed\n" if r.passed else "check FAILED: mandatory guardrails violated\n")
    return "\n".join(out)


# --------------------------------------------------------------------------- diff


def diff_table(d: Any) -> str:
    """A `CostDiff`: each stack's change, the resources behind it, and the total."""
    page = _Page()
    page.para(f"Cost change, USD a month (base {short_commit(d.base_commit)} → PR {short_commit(d.head_commit)})",
              indent="")
    if d.base_error:
        page.para(f"base could not be priced: {d.base_error}")
    if d.head_error:
        page.para(f"PR could not be priced: {d.head_error}")
    if not d.comparable:
        return page.text()
    for s in d.stacks:
        page.para(f"{s.stack} ({s.option}) [{s.status}]: base {usd(s.base.before)} -> {usd(s.base.after)} "
                  f"({signed(s.base.change)}, {percent_text(s.base)}); worst case {moved_words(s.worst_case)}")
        if not (s.resources or s.newly_unpriced or s.no_longer_unpriced):
            continue
        table = _table(("status", "word"), ("resource", "text"), ("change", "figure"), ("", "text"), header=False)
        for r in s.resources:
            table.add_row(r.status, Text(r.resource), signed(r.base.change),
                          "(price change only)" if r.status == "price-only" else "")
        for u in s.newly_unpriced:
            table.add_row("now unpriced", Text(u["resource"]), "", Text(u["reason"]))
        for u in s.no_longer_unpriced:
            table.add_row("now priced", Text(u["resource"]), "", "")
        page.table(table, indent=3)
    t = d.total
    page.para(f"Total: base {usd(t.before)} -> {usd(t.after)} ({signed(t.change)}, {percent_text(t)}); "
              f"worst case {moved_words(d.total_worst)}")
    return page.text()


# --------------------------------------------------------------------------- prices, usage, budgets


def short_source(source: str) -> str:
    """A price source for a table cell: shortened visibly ("..."), never cut silently."""
    return source if len(source) <= SOURCE_WIDTH else source[:SOURCE_WIDTH - 3] + "..."


def prices_table(entries: list[Any]) -> str:
    """`prices list`: each price with its region, unit, confidence, date and (shortened) source."""
    page = _Page()
    grid = _Grid([("region", "word"), ("service", "word"), ("item", "text"), ("usd", "figure"), ("unit", "text"),
                  ("confidence", "word"), ("as of", "word"), ("source", "text")], wide=7, place="below")
    for p in entries:
        grid.add(p.region, p.service, p.item, str(p.usd), p.unit, p.confidence, p.as_of.isoformat(),
                 short_source(p.source) + ("" if not p.overridden else f" [override: {p.origin}]"))
    grid.draw(page)
    page.line()
    page.para(f"{len(entries)} price(s); --format json gives full sources.")
    return page.text()


def audit_table(against: str, entries: int, diffs: list[Any]) -> str:
    """`prices audit`: every price in the override file `against` that differs from the catalog."""
    page = _Page()
    page.para(f"{against}: {entries} entries, {len(diffs)} differ from the catalog", indent="")
    if not diffs:
        return page.text()
    grid = _Grid([("region", "word"), ("service", "word"), ("item", "text"), ("override", "text"),
                  ("catalog", "text"), ("change", "figure"), ("catalog source", "text")], wide=6, place="below")
    for d in diffs:
        pct = d.change_percent
        grid.add(d.override.region, d.override.service, d.override.item, f"{d.override.usd} /{d.override.unit}",
                 "not in catalog" if d.catalog is None else f"{d.catalog.usd} ({d.catalog.confidence})",
                 "" if pct is None else f"{pct:+.1f}%", "" if d.catalog is None else short_source(d.catalog.source))
    grid.draw(page)
    if any(d.catalog is not None and short_source(d.catalog.source) != d.catalog.source for d in diffs):
        page.line()
        page.para("Sources ending in ... are shortened; --format json gives them in full.")
    return page.text()


def usage_fields_text(models: dict[str, Any]) -> str:
    """`usage fields`: each resource type's usage fields with unit, default and description."""
    page = _Page()
    for rtype, model in sorted(models.items()):
        title = Text(rtype, "bold")
        title.append(f"  ({model.title})")
        page.line(title)
        for name, f in model.model_fields.items():
            unit = model.unit(name)
            page.para(f"{name}" + (f" [{unit}]" if unit else "") + f"  default: {model.default_text(name)}")
            page.para(f"{f.description}", indent="      ", hanging="")
    return page.text()


def budgets_text(rows: list[Any]) -> str:
    """`budgets`: each stack's budget limit, actual and forecast spend, and its cost by tag."""
    def m(v: Any) -> str:
        return "n/a" if v is None else f"{v:,.2f}"

    page = _Page()
    for r in rows:
        page.para(f"{r.stack}: budget {r.name} limit {m(r.limit)} USD, actual {m(r.actual)}, forecast "
                  f"{m(r.forecast)}, cost by tag {m(r.cost_by_tag)}" + (f" ({r.note})" if r.note else ""), indent="")
    return page.text()


# --------------------------------------------------------------------------- actuals


def _pct(p: Optional[Decimal]) -> str:
    if p is None:
        return "n/a"
    p = p.quantize(Decimal("0.1"))
    return "±0.0%" if p == 0 else f"{p:+}%"


def actuals_table(r: Any) -> str:
    """`actuals`: each day's cost from Cost Explorer next to the estimate's share of a day, the
    total, then by AWS service, biggest difference first, and the services behind most of the gap."""
    page = _Page()
    last = r.days[-1].day if r.days else r.start
    page.para(f"Actual versus estimate, USD: {r.stack} (tag {r.tag[0]}={r.tag[1]}), {r.start} to {last} "
              f"({len(r.days)} day(s), UnblendedCost from Cost Explorer)", indent="")
    page.para(f"Estimate a day: monthly base {usd(r.monthly_base)} / {qty(r.days_per_month)} days "
              f"({r.month_basis}) = {usd(r.per_day)}", indent="")
    page.line()
    table = _table(("day", "word"), ("actual", "figure"), ("estimate", "figure"), ("difference", "figure"),
                   ("%", "figure"))
    for d in r.days:
        table.add_row(d.day.isoformat() + (" ~" if d.estimated else ""),
                      "no data" if d.actual is None else usd(d.actual), usd(d.estimate),
                      signed(d.difference), _pct(d.percent))
    table.add_row(Text(f"total ({len(r.reported)} day(s))", style="bold"), usd(r.actual), usd(r.estimate),
                  signed(r.difference), _pct(r.percent))
    page.table(table)
    page.line()
    page.para(f"By AWS service, over the {len(r.reported)} day(s) with cost, biggest difference first", indent="")
    services = _table(("service", "text"), ("actual", "figure"), ("estimate", "figure"), ("difference", "figure"),
                      ("%", "figure"))
    for s in r.services:
        services.add_row(Text(s.service + (f" ({s.note})" if s.note else "")),
                         "no data" if s.actual is None else usd(s.actual), usd(s.estimate), signed(s.difference),
                         _pct(s.percent))
    page.table(services)
    explaining = r.explaining()
    if explaining:
        page.line()
        page.para("Most of the gap: " + ", ".join(f"{s.service} ({signed(s.difference)})" for s in explaining),
                  indent="")
    for note in r.notes:
        page.para(f"Note: {note}", indent="")
    return page.text()
# --------------------------------------------------------------------------- solve


def _count(n: int) -> str:
    return f"{n:,}"


def solve_lambda_table(r: Any) -> str:
    """`solve lambda`: requests a day per GB-seconds a request, one column per architecture
    (and the seed's rounded x86_64 price beside them), then the prices and assumptions used."""
    page = _Page()
    page.line(f"Lambda requests a day for {r.budget.daily.quantize(Decimal('0.01'))} USD a day "
              f"({r.budget}), {r.region}", "bold")
    columns = [("GB-s/request", "figure")] + [(f"{a} req/day", "figure") for a in r.architectures]
    seed = any(row.at_seed_price is not None for row in r.rows)
    if seed:
        columns.append(("at seed price", "figure"))
    table = _table(*columns)
    for row in r.rows:
        cells = [qty(row.gb_seconds)] + [_count(row.requests[a]) for a in r.architectures]
        if seed:
            cells.append(_count(row.at_seed_price) if row.at_seed_price is not None else "")
        table.add_row(*cells)
    page.table(table)
    page.line()
    page.para("requests = budget a day / (USD per GB-second x GB-seconds a request + USD per request), "
              "rounded down.")
    for arch in r.architectures:
        price = r.duration_prices[arch]
        where = "given with --price-per-gb-second" if price is None else \
            f"catalog, {price.confidence}, {price.as_of.isoformat()}, {price.source}"
        page.para(f"{arch}: {r.duration_usd[arch]} USD per GB-second ({where}).")
    rp = r.request_price
    page.para(f"Requests: {rp.usd} USD per 1M requests (catalog, {rp.confidence}, {rp.as_of.isoformat()}, "
              f"{rp.source}).")
    if seed:
        diff = r.seed_difference()
        more = "" if diff is None else f"; the catalog's {r.duration_usd['x86_64']} buys up to " \
            f"{diff.quantize(Decimal('0.001'))}% more"
        page.para(f"At seed price: x86_64 at the seed's rounded 0.00001667 USD per GB-second "
                  f"(seed 002's table){more}.")
    if r.budget.per == "month":
        page.para("A monthly budget is spread over the days of a 730-hour month (30.42 days).")
    if r.free_tier is not None:
        page.para(f"Free tier subtracted (an assumption): 400,000 GB-seconds and 1M requests a month, spread over "
                  f"a 730-hour month: the first {r.free_tier.gb_seconds_per_day.quantize(Decimal('0.01'))} "
                  f"GB-seconds and {r.free_tier.requests_per_day.quantize(Decimal('0.01'))} requests of each day "
                  "are free, shared by both architectures (each column assumes it has the whole free tier).")
    else:
        page.para("No free tier: add --free-tier to subtract it.")
    return page.text()


def solution_text(s: Any) -> str:
    """`solve STACK`: the stack-file changes to make, then the cost before and after."""
    page = _Page()
    which = "worst case" if s.worst_case else "base"
    page.line(f"Stack {s.stack} ({s.option}): {which} within {usd(s.budget.monthly)} USD a month "
              f"({s.budget})", "bold")
    page.line()
    if s.changes:
        page.line(f"  Change in stacks/Pulumi.{s.stack}.yaml, under gnnstack:scenario:" if s.fits else
                  "  Nothing fits. The floor, every knob as low as it goes:")
        grid = _Grid([("setting", "word"), ("now", "figure"), ("", "word"), ("new", "figure"),
                      ("stopped by", "text")], wide=4, place="below")
        for c in s.changes:
            grid.add(c.path, f"{c.old}" + ("" if c.set_in_file else " (default)"), "->", str(c.new), c.why_stopped)
        grid.draw(page, indent=3)
    elif s.fits:
        page.line("  No change: no knob can be raised by a step and stay within the budget.")
    else:
        page.line("  Nothing fits, and no knob can be lowered.")
    if s.kept:
        page.line()
        page.line("  Left as they are:")
        kept = _Grid([("setting", "word"), ("value", "figure"), ("why", "text")], wide=2, place="below",
                     header=False)
        for c in s.kept:
            kept.add(c.path, f"{c.old}" + ("" if c.set_in_file else " (default)"), c.why_stopped)
        kept.draw(page, indent=3)
    page.line()
    table = _table(("", "word"), ("base", "figure"), ("worst case", "text"))
    table.add_row("stack file now", usd(s.start.base), _solved_worst(s.start))
    table.add_row("with the changes" if s.fits else "floor", usd(s.result.base), _solved_worst(s.result))
    page.table(table, indent=2)
    page.line()
    if s.result.unbounded:
        page.para(f"Worst case: {len(s.result.unbounded)} line(s) have no cap and are left out of the worst-case "
                  f"figure: {'; '.join(s.result.unbounded)}.")
    page.para(f"Knobs searched, in order: {', '.join(s.knobs)}. {s.evaluations} setting(s) priced, each as "
              f"`gnnstack preview {s.stack}` would price the stack file with those values.")
    if not s.fits:
        page.para(f"Nothing fits: even the floor's {which} is {usd(s.measure(s.result))} USD a month, over "
                  f"{usd(s.budget.monthly)}. Exit status 1.", style="red")
    return page.text()


def _solved_worst(p: Any) -> str:
    return usd(p.worst_bounded) + (f" + {len(p.unbounded)} uncapped line(s)" if p.unbounded else "")


def coverage_table(version: str, rows: list[Any], shown: list[Any]) -> str:
    """`prices coverage`: counts by status over every type, then the `shown` rows by status."""
    page = _Page()
    order = ("priced", "usage-based", "free", "priced-with", "unsupported")
    counts = {s: sum(1 for r in rows if r.status == s) for s in order}
    page.para(f"pulumi-aws {version}: {len(rows)} AWS resource types — "
              + ", ".join(f"{n} {s}" for s, n in counts.items()), indent="")
    for status in order:
        group = [r for r in shown if r.status == status]
        if group:
            page.line()
            page.line(f"{status} ({len(group)})", style="bold")
            for r in group:
                page.para(f"{r.type} — {r.detail}")
    page.line()
    page.para("priced: from its inputs; usage-based: once its usage is given (until then \"needs usage\"); free "
              "and priced-with: no line of their own, for the reason given; unsupported: listed as unpriced, "
              "never $0 (--status unsupported lists them).", indent="")
    return page.text()
