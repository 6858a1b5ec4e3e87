"""Provenance: what produced a set of results (versions, code commit, machine).

A result folder is only worth keeping if someone can tell, years later, which code
and which libraries made it. Everything here is best effort: a missing package or a
source tree outside git yields ``None`` rather than an error, because losing a
finished batch over a provenance detail would be worse than an incomplete manifest.
"""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

PACKAGES = (
    "egov-sim",
    "mesa",
    "numpy",
    "pandas",
    "scipy",
    "pyarrow",
    "matplotlib",
    "networkx",
    "SALib",
    "dask",
    "distributed",
    "xarray",
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def package_versions(packages: tuple[str, ...] = PACKAGES) -> dict[str, str | None]:
    """Installed version of each package (``None`` when not installed).

    Read from installed metadata rather than ``__version__`` attributes, which not
    every package defines and which can disagree with what pip installed.
    """
    out: dict[str, str | None] = {}
    for name in packages:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def _git(repo: Path, *args: str) -> str | None:
    """Run one git command in ``repo``; ``None`` when git or the repository is missing."""
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def git_state(repo: Path = REPO_ROOT) -> dict[str, Any]:
    """Commit of the source tree and whether it had uncommitted changes.

    The dirty flag matters as much as the commit: results from a modified tree cannot
    be reproduced from the commit alone, so readers must be warned.
    """
    commit = _git(repo, "rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = _git(repo, "status", "--porcelain")
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def machine() -> dict[str, str]:
    """Python and platform, since floating-point results may differ across them."""
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
    }


def collect() -> dict[str, Any]:
    """All provenance in one JSON-ready dictionary."""
    return {"versions": package_versions(), "git": git_state(), **machine()}
