"""egov-sim: agent-based simulator of multi-level e-government adoption."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("egov-sim")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"
