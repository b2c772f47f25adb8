"""gnnstack guardrails: one rule set, evaluated offline by `gnnstack preview` and `gnnstack check`
and inside `pulumi preview` by the CrossGuard pack in this folder (`__main__.py`)."""

from . import rules  # noqa: F401  (registers the rules)
from .config import GuardrailConfig, default_config_path, load_config
from .evaluate import Verdict, Violation, evaluate
from .registry import RULES

__all__ = ["GuardrailConfig", "RULES", "Verdict", "Violation", "default_config_path", "evaluate", "load_config"]
