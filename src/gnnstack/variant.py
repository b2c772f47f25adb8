"""A stack file with some `gnnstack:scenario` values changed, written to a scratch project that
shares the real project's root (its program, usage and price files) and holds only that stack
file, so that it is captured and priced exactly as `gnnstack preview` would price the changed
file. The capture cache keys on the stack file's bytes: a variant priced before costs nothing."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Mapping

import yaml

from .errors import ConfigError
from .project import SCENARIO_KEY, Project, read_stack_config


def set_path(scenario: dict, path: str, value: Any) -> None:
    """`scenario[a][b][c] = value` for path "a.b.c", creating mappings on the way."""
    node = scenario
    parts = path.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ConfigError(f"{path}: {part} is not a mapping in the stack file")
    node[parts[-1]] = value


class Variants:
    def __init__(self, project: Project, stack: str, folder: Path) -> None:
        self.stack = stack
        self.config = read_stack_config(project, stack)
        self.scratch = Project(project.root, project.name, folder)

    def stack_config(self, changes: Mapping[str, Any]) -> dict:
        """The stack file's config with `changes` (dotted paths under gnnstack:scenario) applied."""
        config = copy.deepcopy(self.config)
        for path, value in sorted(changes.items()):
            set_path(config[SCENARIO_KEY], path, value)
        return config

    def project(self, changes: Mapping[str, Any]) -> Project:
        """The scratch project, its stack file now the real one with `changes` applied."""
        self.scratch.stack_file(self.stack).write_text(
            yaml.safe_dump({"config": self.stack_config(changes)}, sort_keys=True), encoding="utf-8")
        return self.scratch
