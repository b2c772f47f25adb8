"""Pulumi component resources: the four stack options and their shared building blocks."""

from ._base import EXPIRES_TAG, STACK_TAG, TAG_KEYS, StackContext
from .options import OPTIONS, SECRET_KEYS, OptionStack

__all__ = ["EXPIRES_TAG", "OPTIONS", "OptionStack", "SECRET_KEYS", "STACK_TAG", "StackContext", "TAG_KEYS"]
