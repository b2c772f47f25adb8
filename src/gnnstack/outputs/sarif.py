"""SARIF 2.1.0 for code scanning: `check --format sarif`, one result per guardrail finding at the
stack-file field (or component class) behind it."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..check import CheckResult, findings
from .figures import finding_text, waiver_until

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"mandatory": "error", "advisory": "warning", "disabled": "none"}
# Each rule's page (docs/rules/<rule>.md, written by `gnnstack guardrails docs`): SARIF helpUri.
RULE_DOCS_URL = "https://github.com/gnnstack/gnnstack/blob/main/docs/rules/"
# The partialFingerprints key; the value is gnnstack.check.fingerprint: stable across runs and
# line moves.
FINGERPRINT = "gnnstackFinding/v1"


def rule_help_uri(rule: str) -> str:
    return f"{RULE_DOCS_URL}{rule}.md"


def check_sarif(r: CheckResult) -> dict[str, Any]:
    """One result per finding with a stable partial fingerprint; waived findings carry an
    accepted external suppression. The caller dumps it (`json.dumps(doc, indent=2)`)."""
    from ..guardrails import RULES

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
            "message": {"text": finding_text(f)},
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
                                       "justification": waiver_until(f.waiver)}]
        results.append(result)
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "gnnstack", "version": __version__, "informationUri":
                            "https://github.com/gnnstack/gnnstack", "rules": rules}},
        # Columns count characters, as the YAML parser does.
        "columnKind": "unicodeCodePoints",
        "results": results,
    }]}
