"""User-facing errors: one message that names the field (or file) and the fix."""

from __future__ import annotations

import difflib
from typing import Iterable


class GnnstackError(Exception):
    """An error caused by the user's input. The CLI prints it and exits with code 2."""

    exit_code = 2

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message


class ConfigError(GnnstackError):
    """A stack file or scenario value is wrong."""


def closest(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The known names closest to `word`, for "did you mean" hints."""
    choices = list(choices)
    found = difflib.get_close_matches(word, choices, n=n, cutoff=0.5)
    if not found:
        # A prefix match still helps for "r6g" -> "r6g.large", ...
        found = [c for c in choices if c.startswith(word.split(".")[0])][:n]
    return found


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    near = closest(word, choices)
    return f" Did you mean {', '.join(repr(c) for c in near)}?" if near else ""


def not_utf8(e: UnicodeDecodeError) -> str:
    """What is wrong with a file the user gave that is not UTF-8: "not UTF-8 text (byte ...)"."""
    return f"not UTF-8 text (byte 0x{e.object[e.start]:02x} at offset {e.start}); save it as UTF-8"
