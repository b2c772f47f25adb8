"""GitHub workflow commands: annotations at file and line (`::error file=...,line=...::message`)
for `check` and notices for `diff`, each followed by the markdown summary for the PR."""

from __future__ import annotations

from typing import Any, Optional

from ..check import CheckResult, findings
from .figures import finding_text, moved_words, percent_text, signed, usd, waiver_until
from .markdown import check_markdown, diff_markdown


def escape(text: str) -> str:
    """Workflow-command escaping for messages."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Workflow-command escaping for property values (file, title): also ':' and ','."""
    return escape(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(kind: str, text: str, props: list[tuple[str, str]]) -> str:
    """One workflow command (`::error file=...,line=...::message`), escaped."""
    return f"::{kind} " + ",".join(f"{k}={escape_property(x)}" for k, x in props) + f"::{escape(text)}"


def check_github(r: CheckResult, base: Optional[Any]) -> str:
    """Annotations at the field (or component class) behind each finding: `::error` for a
    mandatory violation, `::warning` for an advisory one, `::notice` for a waived one; then the
    markdown summary (with the cost change against `base`, a `gnnstack.diff.CheckFile`, if any)."""
    out = []
    for f in findings(r):
        v, where = f.violation, f.location
        kind = "notice" if f.waiver is not None else "error" if v.level == "mandatory" else "warning"
        props = [("file", where.path), ("line", str(where.line)),
                 *([("col", str(where.column))] if where.column else []), ("title", f"gnnstack {v.rule}")]
        text = finding_text(f) if f.waiver is None else f"waived: {waiver_until(f.waiver)}: {finding_text(f)}"
        out.append(workflow_command(kind, text, props))
    return "\n".join(out) + ("\n" if out else "") + check_markdown(r, base)


def diff_github(d: Any) -> str:
    """One notice per stack whose cost moves (a `gnnstack.diff.CostDiff`), then the markdown."""
    out = []
    if d.base_error:
        out.append(workflow_command("warning", f"base could not be priced: {d.base_error}",
                                    [("title", "gnnstack diff")]))
    if d.head_error:
        out.append(workflow_command("error", f"PR could not be priced: {d.head_error}", [("title", "gnnstack diff")]))
    for s in d.stacks if d.comparable else []:
        if s.base.change or s.status != "compared":
            props = ([("file", s.head.file)] if s.head is not None and s.head.file else []) + \
                [("title", f"gnnstack cost {s.stack}")]
            out.append(workflow_command("notice", f"{s.stack}: base {usd(s.base.before)} -> {usd(s.base.after)} USD "
                                        f"a month ({signed(s.base.change)}, {percent_text(s.base)}); worst case "
                                        f"{moved_words(s.worst_case)}", props))
    return "\n".join(out) + ("\n" if out else "") + diff_markdown(d)
