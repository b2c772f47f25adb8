"""`gnnstack usage`: the usage fields pricers read, and a complete usage file for a stack."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import click
import yaml

from gnnstack.project import find_project
from gnnstack.options import OPTIONS

from .output import progress, write_output


@click.group()
def usage() -> None:
    """Usage: what no resource input says (hours a day, GB stored, requests), declared per resource.

    The stack file declares usage through the components; a usage file (--usage on preview,
    compare and check) overrides it by logical name or by resource type; what neither sets takes
    the field's documented default. Every value shows up with the lines it prices.

    \b
    Examples:
      gnnstack usage fields
      gnnstack usage template experiment -o usage.yaml
    """


@usage.command("template")
@click.argument("stack")
@click.option("--option", "option", type=click.Choice(OPTIONS), help="Another stack option on the same scenario.")
@click.option("--usage", "usage_file", metavar="FILE", help="Start from this usage file's values.")
@click.option("--output", "-o", "output", metavar="FILE", help="Write to FILE instead of stdout.")
def template(stack: str, option: Optional[str], usage_file: Optional[str], output: Optional[str]) -> None:
    """Write a complete usage file for STACK: every usage field of every priced resource.

    Each field carries the value the estimate uses now, its unit, its source (stack file,
    usage file or default) and its description, so you edit rather than guess. Required fields
    nothing sets are written as comments to fill in. Loading the file unchanged prices the
    stack exactly as before.

    \b
    Examples:
      gnnstack usage template experiment -o usage.yaml
      gnnstack preview experiment --usage usage.yaml
    """
    from gnnstack.assess import stack_usage
    from gnnstack.capture_cache import capture
    from gnnstack.costing.pricers import USAGE_MODELS
    from gnnstack.templating import render

    project = find_project()
    with progress(f"{stack}: running the Pulumi program under mocks"):
        graph, scenario = capture(project, stack, option)
    u = stack_usage(graph, scenario, usage_file, project_root=project.root)
    entries = []
    for r in sorted((r for r in graph.resources if r.type in USAGE_MODELS), key=lambda r: r.name):
        model = USAGE_MODELS[r.type]
        given = u.given(r.name, r.type, model)
        fields = []
        for name, f in model.model_fields.items():
            value, source = given.get(name, (None if f.is_required() else f.default, "default"))
            fields.append({
                "name": name, "unit": model.unit(name), "description": f.description or "",
                "source": "required, not set" if value is None and f.is_required() else source,
                "bounds": _bounds(f), "value": None if value is None else _yaml(value),
                "placeholder": ("<set me>" if f.is_required() else f"default: {model.default_text(name)}"),
            })
        entries.append({"name": r.name, "type": r.type, "title": model.title, "fields": fields})
    text = render("usage/usage.yaml.j2", stack=stack, option=graph.option, entries=entries,
                  out_name=Path(output).name if output else "usage.yaml")
    write_output(text, output)
    if output:
        click.echo(f"wrote {output}: {sum(len(e['fields']) for e in entries)} fields of {len(entries)} resources",
                   err=True)


@usage.command("fields")
def fields() -> None:
    """List every usage field each resource type's pricer reads: unit, default, description.

    \b
    Example:
      gnnstack usage fields
    """
    from gnnstack.costing.pricers import USAGE_MODELS
    from gnnstack.outputs.table import usage_fields_text

    click.echo(usage_fields_text(USAGE_MODELS), nl=False)


def _bounds(f: Any) -> str:
    low = next((m.ge for m in f.metadata if getattr(m, "ge", None) is not None), None)
    high = next((m.le for m in f.metadata if getattr(m, "le", None) is not None), None)
    if low is None and high is None:
        return ""
    return f"from {low}" + (f" to {high}" if high is not None else "") if low is not None else f"at most {high}"


def _plain(value: Any) -> Any:
    from decimal import Decimal

    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return {k: _plain(getattr(value, k)) for k in type(value).model_fields}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        v = value.normalize()
        return int(v) if v == v.to_integral_value() else float(f"{v:f}")
    return value


def _yaml(value: Any) -> str:
    """A value as one line of YAML (flow style for structures)."""
    dumped = yaml.safe_dump(_plain(value), default_flow_style=True, width=10_000, sort_keys=False)
    return dumped.strip().removesuffix("...").strip()
