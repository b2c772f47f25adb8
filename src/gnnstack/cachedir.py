"""Where gnnstack keeps its caches (captured graphs, the parsed price catalog).

`GNNSTACK_CACHE=off` (or 0, no, false) disables every cache; `GNNSTACK_CACHE_DIR` moves them;
the default is `$XDG_CACHE_HOME/gnnstack`, else `~/.cache/gnnstack`. Every entry is keyed by a
digest of what it was made from, so a stale entry is never read: it is simply never asked for."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional


def cache_root() -> Optional[Path]:
    """The caches' folder, or None when caching is off."""
    if os.environ.get("GNNSTACK_CACHE", "").lower() in ("off", "0", "no", "false"):
        return None
    return Path(os.environ.get("GNNSTACK_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "gnnstack"))
