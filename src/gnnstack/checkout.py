"""`gnnstack check` outputs for PR pipelines: text, JSON, SARIF 2.1.0, JUnit XML, and GitHub
workflow annotations with a markdown summary (and cost change against a base JSON file)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from . import __version__
from .assess import Assessment
from .costing.report import lifetime_text, usd, worst_text
from .errors import ConfigError

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"mandatory": "error", "advisory": "warning", "disabled": "none"}


@dataclass
class CheckResult:
    assessments: list[Assessment]
    stack_files: dict[str, str]  # stack -> path relative to the project

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


def to_sarif(r: CheckResult) -> dict[str, Any]:
    from gnnstack.guardrails import RULES

    names = sorted(RULES)
    rules = [{"id": n, "name": n, "shortDescription": {"text": RULES[n].description},
              "fullDescription": {"text": RULES[n].description},
              "defaultConfiguration": {"level": SARIF_LEVEL[RULES[n].levels["production"]]},
              "helpUri": "https://github.com/gnnstack/gnnstack#guardrails"} for n in names]
    results = []
    for a in r.assessments:
        uri = r.stack_files[a.graph.stack]
        for v in a.verdict.violations:
            results.append({
                "ruleId": v.rule, "ruleIndex": names.index(v.rule), "level": SARIF_LEVEL[v.level],
                "message": {"text": f"{a.graph.stack}: {v.resource}: {v.message}"},
                "locations": [{
                    "physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": 1}},
                    "logicalLocations": [{"name": v.resource, "fullyQualifiedName": f"{a.graph.stack}/{v.resource}",
                                          "kind": "resource"}],
                }],
                "properties": {"stack": a.graph.stack, "enforcementLevel": v.level},
            })
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "gnnstack", "version": __version__, "informationUri":
                            "https://github.com/gnnstack/gnnstack", "rules": rules}},
        "results": results,
    }]}


def to_junit(r: CheckResult) -> str:
    suites = ET.Element("testsuites", name="gnnstack check")
    total = failures = 0
    for a in r.assessments:
        suite = ET.SubElement(suites, "testsuite", name=a.graph.stack)
        cases = 0
        bad = 0
        by_rule: dict[str, list] = {}
        for v in a.verdict.violations:
            by_rule.setdefault(v.rule, []).append(v)
        for rule, level in a.verdict.rules:
            if level == "disabled":
                continue
            found = by_rule.get(rule, [])
            if not found:
                cases += 1
                ET.SubElement(suite, "testcase", classname=a.graph.stack, name=rule)
            for v in found:
                cases += 1
                bad += 1
                case = ET.SubElement(suite, "testcase", classname=a.graph.stack, name=f"{rule}: {v.resource}")
                failure = ET.SubElement(case, "failure", message=v.message, type=v.level)
                failure.text = f"[{v.level}] {v.rule} on {v.resource}: {v.message}"
        suite.set("tests", str(cases))
        suite.set("failures", str(bad))
        total, failures = total + cases, failures + bad
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _escape(text: str) -> str:
    """GitHub workflow-command escaping for messages."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def load_base(path: Optional[str]) -> dict[str, dict[str, Any]]:
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text())
        return {s["stack"]: s for s in data["stacks"]}
    except OSError as e:
        raise ConfigError(f"cannot read the base file: {e.strerror}", source=path) from None
    except (ValueError, KeyError, TypeError):
        raise ConfigError("not the output of `gnnstack check --format json`", source=path) from None


def _change(now: Optional[str], before: Optional[str]) -> str:
    if now is None or before is None:
        return "n/a"
    d = Decimal(now) - Decimal(before)
    return "±0.00" if d == 0 else f"{d:+,.2f}"


def to_markdown(r: CheckResult, base: dict[str, dict[str, Any]]) -> str:
    lines = ["## gnnstack check", "",
             "**Passed**" if r.passed else "**Failed**: mandatory guardrails are violated.", "",
             "| stack | option | base USD/month | change | worst case | change | guardrails |",
             "|---|---|---:|---:|---:|---:|---|"]
    for a in r.assessments:
        e = a.costs.estimate
        s = _summary(a)
        b = base.get(a.graph.stack, {}).get("monthly", {})
        verdict = "pass" if a.verdict.passed else f"**{len(a.verdict.mandatory)} mandatory**"
        if a.verdict.violations and a.verdict.passed:
            verdict += f", {len(a.verdict.violations)} advisory"
        lines.append(f"| {a.graph.stack} | {a.scenario.option} | {usd(e.base)} | "
                     f"{_change(s['monthly']['base'], b.get('base'))} | {worst_text(e)} | "
                     f"{_change(s['monthly']['worst_case'], b.get('worst_case'))} | {verdict} |")
    violations = [(a.graph.stack, v) for a in r.assessments for v in a.verdict.violations]
    if violations:
        lines += ["", "| stack | level | rule | resource | message |", "|---|---|---|---|---|"]
        lines += [f"| {s} | {v.level} | {v.rule} | `{v.resource}` | {v.message} |" for s, v in violations]
    waived = [(a.graph.stack, v, w) for a in r.assessments for v, w in a.verdict.waived]
    if waived:
        lines += ["", f"{len(waived)} waived: " + "; ".join(f"{v.rule} on `{v.resource}` until {w.expires}"
                                                           for _, v, w in waived)]
    return "\n".join(lines) + "\n"


def to_github(r: CheckResult, base: dict[str, dict[str, Any]]) -> str:
    out = []
    for a in r.assessments:
        path = r.stack_files[a.graph.stack]
        for v in a.verdict.violations:
            kind = "error" if v.level == "mandatory" else "warning"
            out.append(f"::{kind} file={path},line=1,title=gnnstack {v.rule}::"
                       f"{_escape(f'{a.graph.stack}: {v.resource}: {v.message}')}")
    return "\n".join(out) + ("\n" if out else "") + to_markdown(r, base)
