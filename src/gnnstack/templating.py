"""jinja2 rendering for boot scripts, ETL scripts and reports (templates/)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import jinja2


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    root = resources.files("gnnstack.templates")
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        undefined=jinja2.StrictUndefined,  # a missing value is an error, not an empty string
        keep_trailing_newline=True,
        # HTML templates (*.html.j2) escape every value; scripts and markdown are written as they are.
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False, default=False),
    )


def render(template: str, **values: object) -> str:
    return environment().get_template(template).render(**values)
