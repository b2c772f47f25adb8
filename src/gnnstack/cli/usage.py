"""`gnnstack usage`: the usage fields pricers read, and a complete usage file for a stack."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import click
import yaml

from gnnstack.errors import ConfigError
from gnnstack.project import find_project
from gnnstack.options import OPTIONS

from .options import timeout_option
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
@click.argument("stack", metavar="STACK|PATH")
@click.option("--option", "option", type=click.Choice(OPTIONS), help="Another stack option on the same scenario.")
@click.option("--usage", "usage_file", metavar="FILE", help="Start from this usage file's values.")
@click.option("--output", "-o", "output", metavar="FILE", help="Write to FILE instead of stdout.")
@click.option("--stack", "foreign_stack", metavar="NAME", help="PATH a project folder: its stack (as for estimate).")
@click.option("--config", "config", metavar="KEY=VALUE", multiple=True,
              help="PATH a project folder: a config value on top of its stack's (as for estimate).")
@click.option("--region", "region", metavar="REGION", help="PATH: the region of AWS resources that name none.")
@timeout_option
def template(stack: str, option: Optional[str], usage_file: Optional[str], output: Optional[str],
             foreign_stack: Optional[str], config: tuple[str, ...], region: Optional[str],
             timeout: Optional[float]) -> None:
    """Write a complete usage file for STACK (a gnnstack stack) or PATH (what `gnnstack estimate`
    reads: a Pulumi Python project folder, a `pulumi preview --json` or `pulumi stack export`
    file): every usage field of every priced resource.

    Each field carries the value the estimate uses now, its unit, its source (stack file,
    usage file or default) and its description, so you edit rather than guess. Required fields
    nothing sets are written as comments to fill in. Loading the file unchanged prices the
    stack exactly as before. For PATH the file names resources by their logical names.

    \b
    Examples:
      gnnstack usage template experiment -o usage.yaml
      gnnstack preview experiment --usage usage.yaml
      gnnstack usage template plan.json -o usage.yaml && gnnstack estimate plan.json --usage usage.yaml
    """
    from gnnstack.costing.pricers import USAGE_MODELS
    from gnnstack.templating import render

    if Path(stack).exists():
        graph, u = _foreign(stack, foreign_stack, config, region, timeout, usage_file)
    else:
        if foreign_stack or config or region or timeout is not None:
            raise ConfigError(f"--stack, --config, --region and --timeout are for a PATH; {stack!r} is a gnnstack "
                              "stack name")
        from gnnstack.assess import stack_usage
        from gnnstack.capture_cache import capture

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
    foreign = Path(stack).exists()
    what = f"{stack} ({graph.option or 'a Pulumi project'})" if foreign else f"stack {stack} (option {graph.option})"
    command = f"gnnstack estimate {stack}" if foreign else f"gnnstack preview {stack}"
    example = next(({"type": e["type"], "name": f["name"], "value": f["value"]} for e in entries for f in e["fields"]
                    if f["value"] is not None and not f["value"].startswith(("[", "{"))), None)
    text = render("usage/usage.yaml.j2", what=what, command=command, entries=entries, foreign=foreign, example=example,
                  out_name=Path(output).name if output else "usage.yaml")
    write_output(text, output)
    if output:
        click.echo(f"wrote {output}: {sum(len(e['fields']) for e in entries)} fields of {len(entries)} resources",
                   err=True)


def _foreign(path: str, stack: Optional[str], config: tuple[str, ...], region: Optional[str],
             timeout: Optional[float], usage_file: Optional[str]) -> tuple[Any, Any]:
    """PATH's after graph (what it deploys) and its usage, as `gnnstack estimate` prices it."""
    from gnnstack.costing.usage import UsageSet
    from gnnstack.costing.usage_file import apply_usage_file, load_usage_file
    from gnnstack.foreign.plan import declared_usage

    from .estimate import load_plan

    parsed = load_usage_file(usage_file) if usage_file else None  # a bad file fails first
    plan = load_plan(path, stack, config, region, timeout)
    graph = plan.after
    u = declared_usage(plan, graph) if plan.declared_usage else UsageSet()
    if parsed is not None and usage_file:
        apply_usage_file(u, parsed, graph, usage_file, frozenset(plan.before.names))
    return graph, u


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
