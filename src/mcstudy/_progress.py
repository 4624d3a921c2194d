"""Progress bars that stay silent where they would only add noise."""

from __future__ import annotations

import os
import sys


def progress_enabled(enabled: bool | None) -> bool:
    """Whether to show a bar: never with ``TQDM_DISABLE`` set; by default only on a terminal."""
    if os.environ.get("TQDM_DISABLE"):
        return False
    if enabled is None:
        return sys.stderr.isatty()
    return bool(enabled)


def progress_bar(iterable, *, total=None, desc=None, unit="it", enabled=None):
    """Wrap ``iterable`` in a tqdm bar when :func:`progress_enabled`; else return it."""
    if not progress_enabled(enabled):
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, unit=unit, leave=False)
