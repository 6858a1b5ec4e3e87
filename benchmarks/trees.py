"""Two source trees of egov-sim timed side by side (before/after a change of the model code).

Usage::

    git worktree add /tmp/old <commit>
    .venv/bin/python benchmarks/trees.py --old /tmp/old --new . [--reps 5] [--batch-runs 1000]

For each repetition, alternating which tree goes first, every measurement runs in a
fresh process whose ``PYTHONPATH`` puts that tree's ``sim`` first (the same
interpreter and packages for both): a Denmark run including construction (median
of ``--inner`` runs in the process, after a full warm-up run that loads the
compiled kernels), a France-sized synthetic run (34,870 municipalities, 60
quarters, construction included) and, unless ``--no-batch``, ``--batch-runs``
Denmark replicates through the experiment engine with 2 workers (``sim.api.compare``,
start-up included). Prints a Markdown table of medians and the new/old ratio and
appends one JSON line per measurement to ``benchmarks/results/trees-<date>.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"

DENMARK = """
import statistics, time
from sim.model.model import EGovModel
EGovModel(rng=0).run()
times = []
for seed in range({inner}):
    start = time.perf_counter()
    EGovModel(rng=seed).run()
    times.append(time.perf_counter() - start)
print(statistics.median(times))
"""

FRANCE = """
import time
from sim.model.model import EGovModel
from sim.model.params import CountryParams, ModelParams
EGovModel(rng=0).run()
params = ModelParams(country=CountryParams(name="synthetic", n_municipalities=34870, n_regions=20))
start = time.perf_counter()
EGovModel(params, rng=1).run()
print(time.perf_counter() - start)
"""

BATCH = """
import sys, time
if __name__ == "__main__":
    from sim import api
    start = time.perf_counter()
    api.compare([sys.argv[1]], reps=int(sys.argv[2]), out=sys.argv[3], report=False,
                execution=api.Execution(workers=2, progress=False), municipal=False)
    print(time.perf_counter() - start)
"""


def measure(tree: Path, code: str, batch_runs: int) -> float:
    """Seconds printed by ``code`` run in a fresh interpreter with ``tree`` first on the path."""
    env = dict(os.environ, PYTHONPATH=str(tree.resolve()))
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "measure.py"
        script.write_text(code)
        scenario = tree.resolve() / "scenarios" / "baseline.toml"
        argv = [str(scenario), str(batch_runs), str(Path(tmp) / "out")]
        done = subprocess.run(
            [sys.executable, str(script), *argv], env=env, capture_output=True, text=True,
            check=True, cwd=tmp,
        )  # fmt: skip
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True)
    parser.add_argument("--new", type=Path, default=Path("."))
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--inner", type=int, default=15)
    parser.add_argument("--batch-runs", type=int, default=1000)
    parser.add_argument("--no-batch", action="store_true")
    parser.add_argument("--no-france", action="store_true")
    args = parser.parse_args()
    cases = {"denmark_run_s": DENMARK.format(inner=args.inner)}
    if not args.no_france:
        cases["france_run_s"] = FRANCE
    trees = {"old": args.old, "new": args.new}
    results: dict[str, dict[str, list[float]]] = {t: {c: [] for c in cases} for t in trees}
    if not args.no_batch:
        cases["batch_s"] = BATCH
        for t in trees:
            results[t]["batch_s"] = []
    RESULTS.mkdir(exist_ok=True)
    log = RESULTS / f"trees-{time.strftime('%Y-%m-%d')}.jsonl"
    for rep in range(args.reps):
        order = list(trees) if rep % 2 == 0 else list(trees)[::-1]
        for name, code in cases.items():
            for t in order:
                seconds = measure(trees[t], code, args.batch_runs)
                results[t][name].append(seconds)
                line = {"kind": "trees", "tree": t, "path": str(trees[t]), "case": name,
                        "seconds": seconds, "rep": rep,
                        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                        "load": os.getloadavg()[0]}  # fmt: skip
                with open(log, "a") as fh:
                    fh.write(json.dumps(line) + "\n")
    print("| measurement | old (median) | new (median) | new / old |\n|---|---:|---:|---:|")
    for name in results["old"]:
        old, new = statistics.median(results["old"][name]), statistics.median(results["new"][name])
        print(f"| {name} | {old:.4f} | {new:.4f} | {new / old:.3f} |")


if __name__ == "__main__":
    main()
