"""What `gnnstack check` finds: the assessments of several stacks, and each guardrail finding
with where it comes from (the stack-file field or component class behind it) and a stable
fingerprint. Data only: gnnstack.outputs turns it into text, JSON, SARIF, JUnit, GitHub
annotations and markdown."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .assess import Assessment
from .errors import ConfigError


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


def _root(r: CheckResult) -> Path:
    if r.root is not None:
        return Path(r.root)
    from .project import find_project

    try:
        return find_project().root  # where `check` found the stacks
    except ConfigError:
        return Path.cwd()


def fingerprint(stack: str, rule: str, resource: str, occurrence: int = 1) -> str:
    """sha256("stack|rule|resource")[:32], so a finding keeps its identity across runs and line
    moves (a second finding of one rule on one resource adds "|2")."""
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


def load_base(path: Optional[str]):
    """The base branch's `check --format json` (a `gnnstack.diff.CheckFile`), or None."""
    if not path:
        return None
    from .diff import load_check

    return load_check(path)
