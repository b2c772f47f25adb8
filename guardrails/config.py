"""Guardrail configuration: levels and thresholds per environment, and waivers, from one
versioned YAML file (`guardrails/config.yaml`). A rule not named in an environment keeps its
default level and default params. Waivers carry a reason and an expiry date; an expired waiver
stops applying and the report says so.

The file's shape is a set of pydantic models (unknown keys refused); each rule's params are
checked by the rule's own params model from the registry, each waiver by `waivers.Waiver`. A
mistake is one `ConfigError` naming the file (and line, when read from a file), the entry
(`environments.experiment.autoscaling-caps.params.max_instances`, `waivers[2].expires`) and the
fix."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Optional, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator
from pydantic_core import ErrorDetails

from gnnstack.errors import ConfigError, did_you_mean, not_utf8

from .registry import ENVIRONMENTS, LEVELS, RULES, Level, Params, Rule
from .waivers import NEEDS, Waiver, Waivers

CONFIG_VERSION = 1
_STRICT = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- the file's shape


class RuleEntry(BaseModel):
    """`environments.<env>.<rule>`; each rule's own subclass types `params` with its model."""

    model_config = _STRICT
    level: Optional[Level] = None  # not given: the rule's default for the environment
    params: Optional[Params] = None  # not given or null: the defaults (or the example, see _parse)

    @field_validator("level", mode="before")
    @classmethod
    def _not_blank(cls, level: object) -> object:
        if level is None:  # `level:` left empty is a mistake, not a request for the default
            raise ValueError(f"None is not a level; use one of {', '.join(LEVELS)}")
        return level


class Keyed(BaseModel):
    """A mapping whose keys are known names (environments, rules): each is an optional field
    with the name as its alias, so an unknown key is refused where it stands."""

    model_config = _STRICT

    def entries(self) -> dict[str, Any]:
        return {info.alias or name: getattr(self, name) for name, info in type(self).model_fields.items()}


class ReapEntry(BaseModel):
    """Where `gnnstack reap` may act: regions (default: the stacks' own) and AWS account ids."""

    model_config = _STRICT
    regions: Optional[list[str]] = None
    accounts: Optional[list[str]] = None

    @field_validator("regions")
    @classmethod
    def _known_regions(cls, regions: Optional[list[str]]) -> Optional[list[str]]:
        from gnnstack.regions import REGIONS

        for region in regions or ():
            if region not in REGIONS:
                raise ValueError(f"unknown AWS region {region!r}.{did_you_mean(region, REGIONS)}")
        return regions

    @field_validator("accounts", mode="before")
    @classmethod
    def _ids_as_text(cls, ids: Any) -> Any:
        # YAML reads an unquoted account id as a number.
        if isinstance(ids, list):
            return [str(i) if isinstance(i, int) and not isinstance(i, bool) else i for i in ids]
        return ids


class GuardrailFile(BaseModel):
    """The file; `file_model()` narrows `environments` to the environments and rules there are."""

    model_config = _STRICT
    version: Literal[1]  # CONFIG_VERSION
    environments: Optional[Keyed] = None
    waivers: Optional[list[Waiver]] = None
    reap: Optional[ReapEntry] = None


def _keyed(model_name: str, fields: Mapping[str, type[BaseModel]]) -> type[Keyed]:
    # Field definitions are built at run time: typed as Any, which create_model's signature takes.
    definitions: dict[str, Any] = {key.replace("-", "_"): (Optional[kind], Field(default=None, alias=key))
                                   for key, kind in fields.items()}
    return create_model(model_name, __base__=Keyed, **definitions)


_MODEL: Optional[tuple[tuple[Rule, ...], type[GuardrailFile]]] = None


def file_model() -> type[GuardrailFile]:
    """The file's model for the rules registered now (built again only when they change)."""
    global _MODEL
    rules = tuple(RULES.values())
    if _MODEL is None or [id(r) for r in _MODEL[0]] != [id(r) for r in rules]:
        entries = {r.name: _entry_model(r) for r in rules}
        environments = _keyed("Environments", dict.fromkeys(ENVIRONMENTS, _keyed("Environment", entries)))
        narrowed: dict[str, Any] = {"environments": (Optional[environments], None)}
        _MODEL = rules, create_model("GuardrailFile[registry]", __base__=GuardrailFile, **narrowed)
    return _MODEL[1]


def _entry_model(rule: Rule) -> type[RuleEntry]:
    params: dict[str, Any] = {"params": (Optional[rule.params], None)}
    return create_model(f"RuleEntry[{rule.name}]", __base__=RuleEntry, **params)


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True)
class Setting:
    rule: Rule
    level: Level
    params: Params


@dataclass(frozen=True)
class GuardrailConfig:
    source: str
    settings: dict[str, dict[str, Setting]]  # environment -> rule -> setting
    waivers: Waivers
    raw: dict[str, Any]
    reap_regions: Optional[tuple[str, ...]] = None  # where `gnnstack reap` may act; None: the stacks' regions
    reap_accounts: Optional[tuple[str, ...]] = None  # AWS accounts it may act in; None: any

    def for_environment(self, environment: str) -> dict[str, Setting]:
        return self.settings[environment]


Loc = tuple[Union[int, str], ...]  # pydantic's path into the file's data: ('waivers', 2, 'expires')


class _Problem(Exception):
    def __init__(self, loc: Loc, message: str) -> None:
        super().__init__(message)
        self.loc, self.message = loc, message

    def text(self) -> str:
        return f"{_path(self.loc)}: {self.message}" if self.loc else self.message


def parse_config(data: Any, source: str) -> GuardrailConfig:
    try:
        return _parse(data, source)
    except _Problem as p:
        raise ConfigError(p.text(), source=source) from None


def _parse(data: Any, source: str) -> GuardrailConfig:
    try:
        checked = file_model().model_validate(data)
    except ValidationError as e:
        first = min(e.errors(include_url=False), key=lambda err: len(err["loc"]))  # the outermost problem
        raise _Problem(first["loc"], _message(first, data)) from None
    given = checked.environments.entries() if checked.environments else {}
    settings: dict[str, dict[str, Setting]] = {}
    for env in ENVIRONMENTS:
        entries = given[env].entries() if given.get(env) else {}
        settings[env] = {}
        for name, rule in RULES.items():
            entry: RuleEntry = entries.get(name) or RuleEntry()
            params = entry.params
            if params is None:  # rules whose params have required fields take their example
                params = rule.params(**(rule.example if _needs_params(rule) else {}))
            settings[env][name] = Setting(rule, entry.level or rule.levels[env], params)
    reap = checked.reap or ReapEntry()
    return GuardrailConfig(source, settings, Waivers(tuple(checked.waivers or ())), data,
                           None if reap.regions is None else tuple(reap.regions),
                           None if reap.accounts is None else tuple(reap.accounts))


def _needs_params(rule: Rule) -> bool:
    return any(f.is_required() for f in rule.params.model_fields.values())


def _path(loc: Loc) -> str:
    """('waivers', 2, 'expires') -> 'waivers[2].expires'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out


def _message(err: ErrorDetails, data: Any) -> str:
    """pydantic's error in the words of this file: what is wrong, and what to write instead."""
    kind, loc = err["type"], err["loc"]
    if kind == "value_error":  # our validators' own messages
        return str(err.get("ctx", {}).get("error", err["msg"]))
    if loc[:1] == ("version",):
        return f"expected version: {CONFIG_VERSION}, found {data.get('version')!r}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _not_a_mapping(loc)
    if loc[:1] == ("environments",) and len(loc) >= 5 and loc[3] == "params":
        rule = RULES[str(loc[2])]
        allowed = ", ".join(rule.params.model_fields) or "none"
        what = "unknown parameter" if kind == "extra_forbidden" else err["msg"]
        return f"{what} (parameters of {rule.name}: {allowed})"
    if kind == "extra_forbidden":
        return _unknown(loc)
    if kind in ("missing", "string_type", "string_too_short") and loc[:1] == ("waivers",):
        return NEEDS[str(loc[-1])]
    if kind == "literal_error" and loc[-1] == "level":
        return f"{err['input']!r} is not a level; use one of {', '.join(LEVELS)}"
    if loc == ("waivers",):
        return "expected a list of waivers, each with rule, resource, reason and expires"
    if loc[:2] == ("reap", "regions"):
        return "expected a list of region names"
    if loc[:2] == ("reap", "accounts"):
        return "expected a list of AWS account ids"
    return err["msg"][:1].lower() + err["msg"][1:]


def _not_a_mapping(loc: Loc) -> str:
    if not loc:
        return "expected a mapping with version, environments and waivers"
    if loc[0] == "waivers":
        return "expected rule, resource, reason and expires"
    if loc[0] == "reap":
        return "expected 'regions' and/or 'accounts' lists"
    return ("expected a mapping of environments", "expected a mapping of rule names to settings",
            "expected 'level' and/or 'params'", "params must be a mapping of the rule's parameters")[len(loc) - 1]


def _unknown(loc: Loc) -> str:
    key = str(loc[-1])
    if len(loc) == 1:
        return f"unknown key.{did_you_mean(key, GuardrailFile.model_fields)}"
    if loc[0] == "environments" and len(loc) == 2:
        return f"unknown environment; use {', '.join(ENVIRONMENTS)}"
    if loc[0] == "environments" and len(loc) == 3:
        return f"unknown rule.{did_you_mean(key, RULES)} Rules: {', '.join(sorted(RULES))}"
    if loc[0] == "environments":
        return "unknown key; a rule's setting has 'level' and/or 'params'"
    if loc[0] == "waivers":
        return "unknown key (use rule, resource, stack, reason, expires)"
    return "unknown key; use 'regions' and/or 'accounts' lists"


def default_config_path(project_root: Path) -> Path:
    return project_root / "guardrails" / "config.yaml"


def load_config(path: Optional[Path | str]) -> GuardrailConfig:
    if path is None:
        return parse_config({"version": CONFIG_VERSION}, "(defaults)")
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"cannot read guardrail config: {e.strerror}", source=str(p)) from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"the guardrail config is {not_utf8(e)}", source=str(p)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise ConfigError(f"not valid YAML: {where}{getattr(e, 'problem', None) or e}", source=str(p)) from None
    try:
        return _parse(data, str(p))
    except _Problem as problem:
        line = _line(text, problem.loc)
        raise ConfigError(problem.text(), source=f"{p}, line {line}" if line else str(p)) from None


def _line(text: str, loc: Loc) -> Optional[int]:
    """The line of the deepest node on `loc` the file has (1-based), or None for the whole file."""
    node: Optional[yaml.Node] = yaml.compose(text)
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            hit = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)), None)
            if hit is None:
                break
            line, node = hit[0].start_mark.line + 1, hit[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
