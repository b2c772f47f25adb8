"""`gnnstack check` outputs for PR pipelines: text, JSON, SARIF 2.1.0, JUnit XML, and GitHub
workflow annotations with a markdown summary (and cost change against a base JSON file)."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from . import __version__
from .assess import Assessment
from .costing.report import lifetime_text, usd, worst_text
from .errors import ConfigError

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"mandatory": "error", "advisory": "warning", "disabled": "none"}
# Each rule's page (docs/rules/<rule>.md, written by `gnnstack guardrails docs`): SARIF helpUri.
RULE_DOCS_URL = "https://github.com/gnnstack/gnnstack/blob/main/docs/rules/"
# The SARIF partialFingerprints key: sha256("stack|rule|resource")[:32], so a finding keeps its
# identity across runs and line moves (a second finding of one rule on one resource adds "|2").
FINGERPRINT = "gnnstackFinding/v1"


@dataclass
class CheckResult:
    assessments: list[Assessment]
    stack_files: dict[str, str]  # stack -> path relative to the project
    # The project root the stack files are relative to (None: the project found from here) and
    # the seconds each stack took to assess (capture, price, evaluate), for JUnit's time.
    root: Optional[Path] = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(a.verdict.passed for a in self.assessments)


# The `check --format json` shape `gnnstack diff` reads; raised when a field changes meaning.
CHECK_SCHEMA = 2


def _summary(a: Assessment) -> dict[str, Any]:
    e = a.costs.estimate
    return {"stack": a.graph.stack, "option": a.scenario.option, "environment": a.scenario.environment,
            "file": None, "monthly": e.summary_json(),
            "lifetime": a.costs.lifetime.to_json() if a.costs.lifetime is not None else None,
            "unpriced": len(e.unpriced),
            "unpriced_resources": [u.to_json() for u in e.unpriced],
            # What `gnnstack diff` compares: every priced line, by resource and line name.
            "lines": [_line(line) for line in e.lines],
            "guardrails": a.verdict.to_json()}


def _line(line) -> dict[str, Any]:
    worst = line.worst_monthly
    return {"resource": line.resource, "type": line.resource_type, "component": line.component,
            "name": line.name, "unit": line.unit, "base_quantity": str(line.base_quantity),
            "worst_case_quantity": None if line.worst_quantity is None else str(line.worst_quantity),
            "unit_price": str(line.unit_price), "worst_case_unit_price": str(line.worst_unit_price),
            "base_monthly": str(line.base_monthly), "worst_case_monthly": None if worst is None else str(worst)}


def to_json(r: CheckResult, commit: Optional[str] = None) -> dict[str, Any]:
    stacks = []
    for a in r.assessments:
        s = _summary(a)
        s["file"] = r.stack_files[a.graph.stack]
        stacks.append(s)
    return {"tool": "gnnstack", "version": __version__, "schema": CHECK_SCHEMA, "status": "priced",
            "commit": commit, "passed": r.passed, "stacks": stacks}


def failed_json(reason: str, commit: Optional[str] = None) -> dict[str, Any]:
    """What `check --format json` records when it cannot price: `gnnstack diff` then says "could
    not be priced: REASON", never a zero."""
    return {"tool": "gnnstack", "version": __version__, "schema": CHECK_SCHEMA, "status": "failed",
            "error": reason, "commit": commit, "passed": False, "stacks": []}


def to_text(r: CheckResult) -> str:
    from gnnstack.guardrails.report import verdict_text

    out = []
    for a in r.assessments:
        e = a.costs.estimate
        out.append(f"{a.graph.stack} ({a.scenario.option}, {a.scenario.environment}): base {usd(e.base)} USD a "
                   f"month, worst case {worst_text(e)}")
        out.append(f"  {lifetime_text(a.costs.lifetime)}")
        out.append(verdict_text(a.verdict))
    out.append("check passed" if r.passed else "check FAILED: mandatory guardrails violated")
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class Finding:
    """One guardrail finding of one stack as the PR outputs show it: the violation, the waiver
    that suppresses it (None: it counts), waivers for it that have expired, where it comes from,
    and its fingerprint."""

    stack: str
    violation: Any  # gnnstack.guardrails.Violation
    waiver: Any  # gnnstack.guardrails.config.Waiver, or None
    expired: tuple
    location: Any  # gnnstack.locate.Location
    fingerprint: str

    @property
    def text(self) -> str:
        v = self.violation
        text = f"{self.stack}: {v.resource}: {v.message} ({self.location.note})"
        for w in self.expired:
            text += f"; the waiver for it expired on {w.expires} ({w.reason})"
        return text


def _root(r: CheckResult) -> Path:
    if r.root is not None:
        return Path(r.root)
    from .project import find_project

    try:
        return find_project().root  # where `check` found the stacks
    except ConfigError:
        return Path.cwd()


def fingerprint(stack: str, rule: str, resource: str, occurrence: int = 1) -> str:
    key = f"{stack}|{rule}|{resource}" + (f"|{occurrence}" if occurrence > 1 else "")
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def findings(r: CheckResult) -> list[Finding]:
    """Every finding, stack by stack: the counted violations, then the waived ones."""
    from .locate import locate

    root = _root(r)
    out = []
    for a in r.assessments:
        stack, verdict = a.graph.stack, a.verdict
        seen: dict[tuple[str, str], int] = {}
        for v, w in [*((v, None) for v in verdict.violations), *verdict.waived]:
            n = seen[v.rule, v.resource] = seen.get((v.rule, v.resource), 0) + 1
            expired = tuple(x for x in verdict.expired_waivers if x.matches(v.rule, v.resource, stack))
            where = locate(r.stack_files[stack], v, stack, graph=a.graph, scenario=a.scenario, root=root)
            out.append(Finding(stack, v, w, () if w is not None else expired, where,
                               fingerprint(stack, v.rule, v.resource, n)))
    return out


def _until(w) -> str:
    return f"{w.reason} (until {w.expires})"


def rule_help_uri(rule: str) -> str:
    return f"{RULE_DOCS_URL}{rule}.md"


def to_sarif(r: CheckResult) -> dict[str, Any]:
    """SARIF 2.1.0: one result per finding at the stack-file field (or component class) behind
    it, with a stable partial fingerprint; waived findings carry an accepted external suppression."""
    from gnnstack.guardrails import RULES

    names = sorted(RULES)
    rules = [{"id": n, "name": n, "shortDescription": {"text": RULES[n].description},
              "fullDescription": {"text": RULES[n].description},
              "helpUri": rule_help_uri(n),
              "help": {"text": f"{RULES[n].description} Parameters, example and default levels: "
                               f"{rule_help_uri(n)}"},
              "defaultConfiguration": {"level": SARIF_LEVEL[RULES[n].levels["production"]]},
              "properties": {"defaultLevels": dict(RULES[n].levels)}} for n in names]
    results = []
    for f in findings(r):
        v, where = f.violation, f.location
        region = {"startLine": where.line, **({"startColumn": where.column} if where.column else {})}
        result: dict[str, Any] = {
            "ruleId": v.rule, "ruleIndex": names.index(v.rule), "level": SARIF_LEVEL[v.level],
            "message": {"text": f.text},
            "locations": [{
                "physicalLocation": {"artifactLocation": {"uri": where.path}, "region": region},
                "logicalLocations": [{"name": v.resource, "fullyQualifiedName": f"{f.stack}/{v.resource}",
                                      "kind": "resource"}],
            }],
            "partialFingerprints": {FINGERPRINT: f.fingerprint},
            "properties": {"stack": f.stack, "enforcementLevel": v.level, "field": where.field,
                           "defaultValue": where.default},
        }
        if f.expired:
            result["properties"]["expiredWaivers"] = [w.to_json() for w in f.expired]
        if f.waiver is not None:
            result["suppressions"] = [{"kind": "external", "status": "accepted",
                                       "justification": _until(f.waiver)}]
        results.append(result)
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "gnnstack", "version": __version__, "informationUri":
                            "https://github.com/gnnstack/gnnstack", "rules": rules}},
        # Columns count characters, as the YAML parser does.
        "columnKind": "unicodeCodePoints",
        "results": results,
    }]}


def to_junit(r: CheckResult) -> str:
    """JUnit XML: a suite per stack, a case per rule (classname the stack, name the rule) whatever
    the verdict. Mandatory violations fail the case (all of them in the failure text); advisory
    ones pass it with the messages in system-out; a rule whose findings are all waived, or that
    is disabled, is skipped. Suite time: the stack's assessment (capture, pricing, guardrails)
    when known; case time 0.000, rules are not timed one by one."""
    by_case: dict[tuple[str, str], list[Finding]] = {}
    for f in findings(r):
        by_case.setdefault((f.stack, f.violation.rule), []).append(f)
    suites = ET.Element("testsuites", name="gnnstack check")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for a in r.assessments:
        stack = a.graph.stack
        suite = ET.SubElement(suites, "testsuite", name=stack)
        props = ET.SubElement(suite, "properties")
        for key, value in (("file", r.stack_files[stack]), ("option", a.scenario.option),
                           ("environment", a.verdict.environment)):
            ET.SubElement(props, "property", name=key, value=str(value))
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for rule, level in a.verdict.rules:
            counts["tests"] += 1
            case = ET.SubElement(suite, "testcase", classname=stack, name=rule, time="0.000")
            found = by_case.get((stack, rule), [])
            counted = [f for f in found if f.waiver is None]
            waived = [f for f in found if f.waiver is not None]
            lines = [_junit_line(f) for f in counted]
            if level == "disabled":
                ET.SubElement(case, "skipped", message="disabled")
                counts["skipped"] += 1
            elif any(f.violation.level == "mandatory" for f in counted):
                failure = ET.SubElement(case, "failure", type="mandatory",
                                        message=f"{len(counted)} mandatory violation(s) of {rule}")
                failure.text = "\n".join(lines)
                counts["failures"] += 1
                lines = []
            elif waived and not counted:
                reasons = list(dict.fromkeys(_until(f.waiver) for f in waived))
                ET.SubElement(case, "skipped", message="waived: " + "; ".join(reasons))
                counts["skipped"] += 1
            lines += [f"waived until {f.waiver.expires}: {_junit_line(f)}" for f in waived]
            if lines:
                ET.SubElement(case, "system-out").text = "\n".join(lines)
        for key, n in counts.items():
            suite.set(key, str(n))
            totals[key] += n
        if stack in r.seconds:
            suite.set("time", f"{r.seconds[stack]:.3f}")
    for key, n in totals.items():
        suites.set(key, str(n))
    if r.assessments and all(a.graph.stack in r.seconds for a in r.assessments):
        suites.set("time", f"{sum(r.seconds[a.graph.stack] for a in r.assessments):.3f}")
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _junit_line(f: Finding) -> str:
    where = f.location
    return f"[{f.violation.level}] {f.text} at {where.path}:{where.line}"


def _escape(text: str) -> str:
    """GitHub workflow-command escaping for messages."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """GitHub workflow-command escaping for property values (file, title): also ':' and ','."""
    return _escape(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(kind: str, text: str, props: list[tuple[str, str]]) -> str:
    """One GitHub workflow command (`::error file=...,line=...::message`), escaped."""
    return f"::{kind} " + ",".join(f"{k}={_escape_property(x)}" for k, x in props) + f"::{_escape(text)}"


def load_base(path: Optional[str]):
    """The base branch's `check --format json` (a `gnnstack.diff.CheckFile`), or None."""
    if not path:
        return None
    from .diff import load_check

    return load_check(path)


def to_markdown(r: CheckResult, base) -> str:
    """The PR summary: verdicts, each stack's cost, and with a base file the change against it
    (the same report as `gnnstack diff`, so the two never disagree)."""
    lines = ["## gnnstack check", "",
             "**Passed**" if r.passed else "**Failed**: mandatory guardrails are violated.", ""]
    if base is not None:
        from .diff import CheckFile, diff, diff_markdown

        head = CheckFile.model_validate({**to_json(r), "schema_": CHECK_SCHEMA})
        body = diff_markdown(diff(base, head)).split("\n", 1)[1]  # under this report's own title
        return "\n".join(lines) + body
    lines += ["| stack | option | base USD/month | worst case | guardrails |", "|---|---|---:|---:|---|"]
    for a in r.assessments:
        e = a.costs.estimate
        verdict = "pass" if a.verdict.passed else f"**{len(a.verdict.mandatory)} mandatory**"
        if a.verdict.violations and a.verdict.passed:
            verdict += f", {len(a.verdict.violations)} advisory"
        lines.append(f"| {a.graph.stack} | {a.scenario.option} | {usd(e.base)} | {worst_text(e)} | {verdict} |")
    total = sum((a.costs.estimate.base for a in r.assessments), Decimal(0))
    lines.append(f"| **Total** | | **{usd(total)}** | | |")
    violations = [(a.graph.stack, v) for a in r.assessments for v in a.verdict.violations]
    if violations:
        lines += ["", "| stack | level | rule | resource | message |", "|---|---|---|---|---|"]
        lines += [f"| {s} | {v.level} | {v.rule} | `{v.resource}` | {v.message} |" for s, v in violations]
    waived = [(a.graph.stack, v, w) for a in r.assessments for v, w in a.verdict.waived]
    if waived:
        lines += ["", "| stack | waived rule | resource | until | reason |", "|---|---|---|---|---|"]
        lines += [f"| {s} | {v.rule} | `{v.resource}` | {w.expires} | {w.reason} |" for s, v, w in waived]
    return "\n".join(lines) + "\n"


def to_github(r: CheckResult, base) -> str:
    """Workflow annotations at the field (or component class) behind each finding: `::error` for
    a mandatory violation, `::warning` for an advisory one, `::notice` for a waived one; then the
    markdown summary."""
    out = []
    for f in findings(r):
        v, where = f.violation, f.location
        kind = "notice" if f.waiver is not None else "error" if v.level == "mandatory" else "warning"
        props = [("file", where.path), ("line", str(where.line)),
                 *([("col", str(where.column))] if where.column else []), ("title", f"gnnstack {v.rule}")]
        text = f.text if f.waiver is None else f"waived: {_until(f.waiver)}: {f.text}"
        out.append(workflow_command(kind, text, props))
    return "\n".join(out) + ("\n" if out else "") + to_markdown(r, base)
