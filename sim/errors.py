"""Error types shared by several layers.

This module imports nothing from the package, so any layer (model, instruments,
experiments, analysis, api, cli) may import it without an import pointing up.
"""

from __future__ import annotations


class UsageError(ValueError):
    """A malformed command-line or API value (reported like a scenario error: one line, exit 2)."""
