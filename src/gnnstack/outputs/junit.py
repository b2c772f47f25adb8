"""JUnit XML for test reporters: `check --format junit`, a suite per stack, a case per rule."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..check import CheckResult, Finding, findings
from .figures import finding_text, waiver_until


def check_junit(r: CheckResult) -> str:
    """A suite per stack, a case per rule (classname the stack, name the rule) whatever the
    verdict. Mandatory violations fail the case (all of them in the failure text); advisory
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
            lines = [_line(f) for f in counted]
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
                reasons = list(dict.fromkeys(waiver_until(f.waiver) for f in waived))
                ET.SubElement(case, "skipped", message="waived: " + "; ".join(reasons))
                counts["skipped"] += 1
            lines += [f"waived until {f.waiver.expires}: {_line(f)}" for f in waived]
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


def _line(f: Finding) -> str:
    where = f.location
    return f"[{f.violation.level}] {finding_text(f)} at {where.path}:{where.line}"
