"""``python -m sim``: the same command line as ``egov-sim``.

The guard matters beyond style: process pools start workers with ``spawn``, which
re-imports the main module in every worker, and must not re-run the command there.
"""

from sim.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
