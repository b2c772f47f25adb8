"""Guardrail configuration: levels and thresholds per environment, and waivers, from one
versioned YAML file (`guardrails/config.yaml`). A rule not named in an environment keeps its
default level and default params. Waivers carry a reason and an expiry date; an expired waiver
stops applying and the report says so."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Optional

import yaml
from pydantic import ValidationError

from gnnstack.errors import ConfigError, did_you_mean, not_utf8

from .registry import ENVIRONMENTS, LEVELS, RULES, Params, Rule

CONFIG_VERSION = 1


@dataclass(frozen=True)
class Setting:
    rule: Rule
    level: str
    params: Params


@dataclass(frozen=True)
class Waiver:
    rule: str
    resource: str  # fnmatch pattern on the resource name
    reason: str
    expires: date
    stack: str = "*"
    index: int = 0

    def matches(self, rule: str, resource: str, stack: str) -> bool:
        return (rule == self.rule and fnmatch.fnmatch(resource, self.resource)
                and fnmatch.fnmatch(stack, self.stack))

    def expired(self, today: date) -> bool:
        return today > self.expires

    def to_json(self) -> dict[str, str]:
        return {"rule": self.rule, "resource": self.resource, "stack": self.stack, "reason": self.reason,
                "expires": self.expires.isoformat()}


@dataclass(frozen=True)
class GuardrailConfig:
    source: str
    settings: dict[str, dict[str, Setting]]  # environment -> rule -> setting
    waivers: tuple[Waiver, ...]
    raw: dict[str, Any]
    reap_regions: Optional[tuple[str, ...]] = None  # where `gnnstack reap` may act; None: the stacks' regions
    reap_accounts: Optional[tuple[str, ...]] = None  # AWS accounts it may act in; None: any

    def for_environment(self, environment: str) -> dict[str, Setting]:
        return self.settings[environment]


def _error(source: str, where: str, message: str) -> ConfigError:
    return ConfigError(f"{where}: {message}", source=source)


def _params(source: str, where: str, rule: Rule, values: Any) -> Params:
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise _error(source, where, "params must be a mapping of the rule's parameters")
    try:
        return rule.params(**values)
    except ValidationError as e:
        err = e.errors(include_url=False)[0]
        field = ".".join(str(x) for x in err["loc"])
        allowed = ", ".join(rule.params.model_fields) or "none"
        msg = "unknown parameter" if err["type"] == "extra_forbidden" else err["msg"]
        raise _error(source, f"{where}.{field}", f"{msg} (parameters of {rule.name}: {allowed})") from None


def _date(source: str, where: str, value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _error(source, where, f"{value!r} is not a date; write it as YYYY-MM-DD") from None


def parse_config(data: Any, source: str) -> GuardrailConfig:
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping with version, environments and waivers", source=source)
    keys = ["version", "environments", "waivers", "reap"]
    unknown = set(data) - set(keys)
    if unknown:
        key = sorted(unknown)[0]
        raise _error(source, key, f"unknown key.{did_you_mean(key, keys)}")
    if data.get("version") != CONFIG_VERSION:
        raise _error(source, "version", f"expected version: {CONFIG_VERSION}, found {data.get('version')!r}")
    environments = data.get("environments") or {}
    settings: dict[str, dict[str, Setting]] = {}
    for env in ENVIRONMENTS:
        given = environments.get(env) or {}
        if not isinstance(given, dict):
            raise _error(source, f"environments.{env}", "expected a mapping of rule names to settings")
        for name in given:
            if name not in RULES:
                raise _error(source, f"environments.{env}.{name}",
                             f"unknown rule.{did_you_mean(name, RULES)} Rules: {', '.join(sorted(RULES))}")
        settings[env] = {}
        for name, rule in RULES.items():
            entry = given.get(name) or {}
            where = f"environments.{env}.{name}"
            if not isinstance(entry, dict) or set(entry) - {"level", "params"}:
                raise _error(source, where, "expected 'level' and/or 'params'")
            level = entry.get("level", rule.levels[env])
            if level not in LEVELS:
                raise _error(source, f"{where}.level", f"{level!r} is not a level; use one of {', '.join(LEVELS)}")
            params = entry.get("params", None)
            settings[env][name] = Setting(rule, level, _params(source, f"{where}.params", rule,
                                                                rule.example if params is None and _needs_params(rule)
                                                                else params))
    for env in environments:
        if env not in ENVIRONMENTS:
            raise _error(source, f"environments.{env}", f"unknown environment; use {', '.join(ENVIRONMENTS)}")
    waivers = []
    for i, w in enumerate(data.get("waivers") or []):
        where = f"waivers[{i}]"
        if not isinstance(w, dict):
            raise _error(source, where, "expected rule, resource, reason and expires")
        extra = set(w) - {"rule", "resource", "reason", "expires", "stack"}
        if extra:
            raise _error(source, f"{where}.{sorted(extra)[0]}", "unknown key (use rule, resource, stack, reason, "
                                                               "expires)")
        if w.get("rule") not in RULES:
            raise _error(source, f"{where}.rule",
                         f"unknown rule {w.get('rule')!r}.{did_you_mean(str(w.get('rule')), RULES)}")
        if not str(w.get("reason") or "").strip():
            raise _error(source, f"{where}.reason", "a waiver needs a reason: say why the rule may be broken")
        if not w.get("resource"):
            raise _error(source, f"{where}.resource", "name the resource (a pattern such as '*-db-cluster')")
        if "expires" not in w:
            raise _error(source, f"{where}.expires", "a waiver needs an expiry date (YYYY-MM-DD)")
        waivers.append(Waiver(w["rule"], str(w["resource"]), str(w["reason"]).strip(),
                              _date(source, f"{where}.expires", w["expires"]), str(w.get("stack", "*")), i))
    reap = data.get("reap") or {}
    if not isinstance(reap, dict) or set(reap) - {"regions", "accounts"}:
        raise _error(source, "reap", "expected 'regions' and/or 'accounts' lists")
    lists: dict[str, Optional[tuple[str, ...]]] = {}
    for key in ("regions", "accounts"):
        value = reap.get(key)
        if value is not None and (not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value)):
            raise _error(source, f"reap.{key}", "expected a list")
        lists[key] = None if value is None else tuple(str(v) for v in value)
    from gnnstack.scenario import REGIONS

    for region in lists["regions"] or ():
        if region not in REGIONS:
            raise _error(source, "reap.regions", f"unknown AWS region {region!r}.{did_you_mean(region, REGIONS)}")
    return GuardrailConfig(source, settings, tuple(waivers), data, lists["regions"], lists["accounts"])


def _needs_params(rule: Rule) -> bool:
    """Rules whose params have required fields take their example when the config gives none."""
    return any(f.is_required() for f in rule.params.model_fields.values())


def default_config_path(project_root: Path) -> Path:
    return project_root / "guardrails" / "config.yaml"


def load_config(path: Optional[Path | str]) -> GuardrailConfig:
    if path is None:
        return parse_config({"version": CONFIG_VERSION}, "(defaults)")
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(f"cannot read guardrail config: {e.strerror}", source=str(p)) from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"the guardrail config is {not_utf8(e)}", source=str(p)) from None
    except yaml.YAMLError as e:
        raise ConfigError(f"not valid YAML: {e}", source=str(p)) from None
    return parse_config(data, str(p))
