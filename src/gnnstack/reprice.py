"""A stack file with some `gnnstack:scenario` fields changed, assessed exactly as `gnnstack preview`
assesses a stack file: the changed file is written to a scratch stack folder (beside nothing
else, under the same project root, so relative paths such as `costing.price_overrides` still
resolve), its program is captured through the capture cache (a variant tried before costs
nothing) and priced with the same option, prices file, usage file and guardrails.

`solve` (the knobs that fit a budget) and `recommend` (changes that save money) both price their
candidates through it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Mapping, Optional

import yaml

from .assess import Assessment, assess, guardrail_config
from .errors import ConfigError
from .project import SCENARIO_KEY, Project, read_stack_config


def set_path(raw: dict, path: str, value: Any) -> None:
    """Set the dotted `path` of a scenario mapping to `value`, creating mappings on the way."""
    node = raw
    parts = path.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ConfigError(f"{path}: {part} is not a mapping in the stack file")
    node[parts[-1]] = value


class Repricer:
    """Assesses `stack` of `project` with changed scenario fields. `scratch`: an empty folder the
    caller owns (a temporary directory); the changed stack file is written there."""

    def __init__(self, project: Project, stack: str, scratch: Path, option: Optional[str] = None,
                 prices: Optional[str] = None, usage_file: Optional[str] = None, config: Any = None,
                 usage_others: frozenset[str] = frozenset()) -> None:
        self.project, self.stack, self.option = project, stack, option
        self.prices, self.usage_file, self.usage_others = prices, usage_file, usage_others
        self.guardrails = config if config is not None else guardrail_config(project, None)
        self.config = read_stack_config(project, stack)
        self.scratch = Project(project.root, project.name, scratch)

    def stack_config(self, values: Mapping[str, Any]) -> dict:
        """The stack file's `config` with `values` (dotted path under gnnstack:scenario -> value) set."""
        config = copy.deepcopy(self.config)
        for path, value in sorted(values.items()):
            set_path(config[SCENARIO_KEY], path, value)
        return config

    def stack_file_text(self, values: Mapping[str, Any]) -> str:
        return yaml.safe_dump({"config": self.stack_config(values)}, sort_keys=True)

    def assess(self, values: Mapping[str, Any]) -> Assessment:
        """The assessment of the changed stack file; a ConfigError when its rules refuse `values`."""
        self.scratch.stack_file(self.stack).write_text(self.stack_file_text(values), encoding="utf-8")
        return assess(self.scratch, self.stack, self.option, self.prices, config=self.guardrails,
                      usage_file=self.usage_file, usage_others=self.usage_others)
