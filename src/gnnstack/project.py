"""Finding the Pulumi project, reading a stack file, and turning it into a validated Scenario
with one clear message when anything is wrong."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import yaml
from pydantic import BaseModel, ValidationError

from .errors import ConfigError, did_you_mean, not_utf8
from .options import option as option_spec
from .scenario import Scenario

SCENARIO_KEY = "gnnstack:scenario"
OPTION_KEY = "gnnstack:option"


@dataclass(frozen=True)
class Project:
    root: Path
    name: str
    stack_dir: Path

    def stack_file(self, stack: str) -> Path:
        return self.stack_dir / f"Pulumi.{stack}.yaml"

    def stacks(self) -> list[str]:
        return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in self.stack_dir.glob("Pulumi.*.yaml"))

    def relative(self, path: Path) -> str:
        """`path` as the user knows it: relative to the project when it is inside it."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def all_stacks(self) -> list[str]:
        """Every stack (for commands that default to all of them); none at all is an error, not
        a vacuous pass."""
        found = self.stacks()
        if not found:
            folder = self.relative(self.stack_dir)
            prefix = "" if folder == "." else f"{folder}/"
            raise ConfigError(f"no stack files under {prefix or './'} (looked in {self.stack_dir.resolve()}); "
                              f"create {prefix}Pulumi.<stack>.yaml")
        return found


def find_project(start: Optional[Path] = None) -> Project:
    """The gnnstack Pulumi project: $GNNSTACK_PROJECT, else the nearest Pulumi.yaml upwards."""
    env = os.environ.get("GNNSTACK_PROJECT")
    here = Path(env) if env else (start or Path.cwd())
    for d in [here, *here.resolve().parents]:
        f = d / "Pulumi.yaml"
        if f.is_file():
            data = _read_yaml(f, "project file")
            return Project(d, str(data.get("name", "gnnstack")), d / str(data.get("stackConfigDir", ".")))
    raise ConfigError(
        f"no Pulumi.yaml found in {here} or above: run gnnstack from the project folder "
        "or set GNNSTACK_PROJECT to it")


def read_text(path: Path, what: str) -> str:
    """A text file the user gave, as UTF-8; a file that is not UTF-8 is one ConfigError naming
    it (`what`: "stack file", "price file", ...) and where its first bad byte is."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"the {what} is {not_utf8(e)}", source=str(path)) from None
    except OSError as e:
        raise ConfigError(f"cannot read the {what}: {e.strerror or e}", source=str(path)) from None


# libyaml's parser when PyYAML has it (about 10x faster, same safe constructors): `report` and
# `solve` read stack files a hundred times a run.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path, what: str = "stack file") -> dict[str, Any]:
    try:
        data = yaml.load(read_text(path, what), Loader=_SAFE_LOADER) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"not valid YAML{where}: {getattr(e, 'problem', e)}", source=str(path)) from None
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping at the top level", source=str(path))
    return data


def read_stack_config(project: Project, stack: str) -> dict[str, Any]:
    path = project.stack_file(stack)
    if path.is_dir():
        raise ConfigError(f"{project.relative(path)} is a folder, not a stack file")
    if not path.is_file():
        known = project.stacks()
        raise ConfigError(
            f"no stack {stack!r} (looked for {path}).{did_you_mean(stack, known)} "
            f"Known stacks: {', '.join(known) or 'none'}")
    config = _read_yaml(path).get("config") or {}
    if SCENARIO_KEY not in config:
        raise ConfigError(f"missing '{SCENARIO_KEY}' under 'config'", source=str(path))
    return config


def load_scenario(raw: Any, source: str, option: Optional[str] = None) -> Scenario:
    if not isinstance(raw, dict):
        raise ConfigError(f"'{SCENARIO_KEY}' must be a mapping of scenario fields", source=source)
    if option is not None:
        option_spec(option)  # an unknown name fails here, with the options and the closest one
        raw = {**raw, "option": option}
    try:
        return Scenario.model_validate(raw)
    except ValidationError as e:
        raise ConfigError(format_validation_error(e), source=source) from None


def load_stack(project: Project, stack: str, option: Optional[str] = None) -> tuple[dict[str, Any], Scenario]:
    config = read_stack_config(project, stack)
    source = f"{project.stack_file(stack)}: {SCENARIO_KEY}"
    return config, load_scenario(config[SCENARIO_KEY], source, option or config.get(OPTION_KEY))


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names allowed at `loc` (for "did you mean" on a typo)."""
    for part in loc:
        if isinstance(part, int):  # an entry of a list: its model is the list's
            continue
        field = model.model_fields.get(str(part))
        ann = getattr(field, "annotation", None) if field else None
        inner = [a for a in getattr(ann, "__args__", (ann,)) if isinstance(a, type) and issubclass(a, BaseModel)]
        if not inner:
            return []
        model = inner[0]
    return list(model.model_fields)


def format_validation_error(e: ValidationError) -> str:
    lines = []
    for err in e.errors(include_url=False):
        loc = tuple(err["loc"])
        path = ".".join(str(p) for p in loc) or "(scenario)"
        kind = err["type"]
        if kind == "extra_forbidden":
            allowed = _fields_at(Scenario, loc[:-1])
            name = str(loc[-1])
            msg = f"unknown field {name!r}.{did_you_mean(name, allowed)} Allowed: {', '.join(allowed)}"
        elif kind == "missing":
            msg = "required field is missing"
        else:
            msg = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
            if kind == "literal_error" and "input" in err:
                msg = f"{err['input']!r} is not allowed. {msg}"
        lines.append(f"{path}: {msg}")
    return lines[0] if len(lines) == 1 else "\n  " + "\n  ".join(lines)
