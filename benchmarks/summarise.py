"""Summarise benchmark results into benchmarks/README.md and results/scaling.png.

Usage::

    .venv/bin/python benchmarks/summarise.py [--include-quick]

Reads every ``benchmarks/results/*.jsonl``; for each (model, N) and each batch worker
count it takes the latest summary line (quick smoke-test runs are ignored unless
``--include-quick`` or nothing else exists), writes the table and the state of the
issue 6 targets between ``<!-- BEGIN RESULTS -->`` and ``<!-- END RESULTS -->`` in
the README, and draws the log-log scaling plot.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import statistics
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
README = HERE / "README.md"
PLOT = RESULTS / "scaling.png"
BEGIN, END = "<!-- BEGIN RESULTS -->", "<!-- END RESULTS -->"
DENMARK, FRANCE, RATIO_AT = 98, 34_870, 10_000


def load(results: Path, include_quick: bool) -> list[dict]:
    """All records of all result files; quick ones only if asked or nothing else exists."""
    records = []
    for path in sorted(results.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            if line.strip():
                records.append(json.loads(line))
    full = [r for r in records if not r.get("quick")]
    return records if include_quick or not full else full


def latest(records: list[dict], kind: str, key) -> dict:
    """The most recent record of ``kind`` for each key (a function of the record)."""
    out: dict = {}
    for rec in sorted((r for r in records if r["kind"] == kind), key=lambda r: r["timestamp"]):
        out[key(rec)] = rec
    return out


def paired_ratio(records: list[dict], prod: dict, n: int) -> float | None:
    """Median over repetitions of naive step / production step, same run and repetition."""
    singles = [r for r in records if r["kind"] == "single" and r["n"] == n]
    run = [r for r in singles if r["run_id"] == prod["run_id"]]
    by = {(r["impl"], r["rep"]): r["step_s"] for r in run}
    reps = sorted({k for i, k in by if i == "naive"} & {k for i, k in by if i == "production"})
    ratios = [by[("naive", k)] / by[("production", k)] for k in reps]
    return statistics.median(ratios) if ratios else None


def cell(stat: dict | None, fmt: str = "{:.3g}") -> str:
    """median (min–max)."""
    if stat is None:
        return "–"
    return f"{fmt.format(stat['median'])} ({fmt.format(stat['min'])}–{fmt.format(stat['max'])})"


def table(records: list[dict]) -> tuple[list[str], dict, dict]:
    singles = latest(records, "single_summary", lambda r: (r["impl"], r["n"]))
    batches = latest(records, "batch_summary", lambda r: r["workers"])
    rows = [
        "| N | naive step s | production step s | speed-up | construction s "
        "(naive / production) | peak RSS MiB (naive / production) | runs/s, 1 worker "
        "| runs/s, 2 workers |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sorted({n for _, n in singles}):
        naive, prod = singles.get(("naive", n)), singles.get(("production", n))
        ratio = None
        if naive and prod:
            ratio = paired_ratio(records, prod, n)
            ratio = ratio or naive["step_s"]["median"] / prod["step_s"]["median"]
        get = lambda rec, k: rec[k] if rec else None  # noqa: E731
        one, two = (batches.get(w) if n == DENMARK else None for w in (1, 2))
        rows.append(
            f"| {n:,} | {cell(get(naive, 'step_s'))} | {cell(get(prod, 'step_s'))} "
            f"| {f'{ratio:.1f}×' if ratio else '–'} "
            f"| {cell(get(naive, 'construct_s'))} / {cell(get(prod, 'construct_s'))} "
            f"| {cell(get(naive, 'peak_rss_mib'), '{:.0f}')} / "
            f"{cell(get(prod, 'peak_rss_mib'), '{:.0f}')} "
            f"| {cell(get(one, 'runs_per_s'))} | {cell(get(two, 'runs_per_s'))} |"
        )
    return rows, singles, batches


def scaling_slopes(singles: dict, impl: str) -> list[tuple[int, int, float]]:
    """Log-log slopes of stepping time on N × blocks × quarters between successive sizes."""
    pts = sorted(
        (n, math.log(n * r["n_blocks"] * r["quarters"]), math.log(r["step_s"]["median"]))
        for (i, n), r in singles.items()
        if i == impl
    )
    return [(a[0], b[0], (b[2] - a[2]) / (b[1] - a[1])) for a, b in itertools.pairwise(pts)]


def status(ok: bool | None, text: str) -> str:
    if ok is None:
        return f"- {text.split(' (')[0]}: not measured"
    return f"- {text}: {'met' if ok else '**not met**'}"


def targets(records: list[dict], singles: dict, batches: dict) -> list[str]:
    """State of the issue 6 targets, from the medians."""
    naive, prod = singles.get(("naive", RATIO_AT)), singles.get(("production", RATIO_AT))
    ratio = paired_ratio(records, prod, RATIO_AT) if naive and prod else None
    text = f"≥ 25× faster than naive at 10,000 (measured {ratio or math.nan:.1f}×)"
    out = [status(None if ratio is None else ratio >= 25, text)]
    fr = singles.get(("production", FRANCE))
    t = fr["total_s"]["median"] if fr else math.nan
    rss = fr["peak_rss_mib"]["median"] if fr else math.nan
    text = f"34,870 municipalities in ≤ 8 s and ≤ 1 GiB (measured {t:.2f} s incl. construction"
    out.append(status(None if fr is None else t <= 8 and rss <= 1024, f"{text}, {rss:.0f} MiB)"))
    dk = singles.get(("production", DENMARK))
    t = dk["total_s"]["median"] * 1000 if dk else math.nan
    text = f"Denmark run incl. construction ≤ 40 ms (measured {t:.0f} ms)"
    out.append(status(None if dk is None else t <= 40, text))
    two = batches.get(2)
    t = 1000 / two["runs_per_s"]["median"] if two else math.nan
    text = f"1,000 Denmark replicates ≤ 60 s with 2 workers (extrapolated: {t:.0f} s)"
    out.append(status(None if two is None else t <= 60, text))
    # Small sizes are dominated by fixed per-quarter costs (slope < 1); judge N ≥ 1,000.
    slopes = [x for x in scaling_slopes(singles, "production") if x[0] >= 1000]
    worst = max((x[2] for x in slopes), default=None)
    steps = ", ".join(f"{a:,}→{b:,}: {k:.2f}" for a, b, k in slopes)
    text = f"cost no worse than linear (log-log slopes, tolerance 1.1: {steps})"
    out.append(status(None if worst is None else worst <= 1.1, text))
    return out


def plot(singles: dict, path: Path) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.4))
    ax = fig.subplots()
    for impl, marker in (("naive", "s"), ("production", "o")):
        recs = sorted((n, r) for (i, n), r in singles.items() if i == impl)
        if not recs:
            continue
        x = [n * r["n_blocks"] * r["quarters"] for n, r in recs]
        y = [r["step_s"]["median"] for _, r in recs]
        err = [[r["step_s"]["median"] - r["step_s"]["min"] for _, r in recs],
               [r["step_s"]["max"] - r["step_s"]["median"] for _, r in recs]]  # fmt: skip
        ax.errorbar(x, y, yerr=err, marker=marker, capsize=3, label=impl)
    prod = sorted((n, r) for (i, n), r in singles.items() if i == "production")
    if prod:
        n, r = prod[-1]
        x1, y1 = n * r["n_blocks"] * r["quarters"], r["step_s"]["median"]
        xs = [x1 / 1000, x1 * 3]
        ax.plot(xs, [y1 * x / x1 for x in xs], "k--", lw=0.8, label="slope 1 (linear)")
    ax.set(xscale="log", yscale="log", xlabel="municipalities × blocks × quarters",
           ylabel="stepping time, s (median, min–max)",
           title="Scaling of a run (60 quarters, 7 blocks)")  # fmt: skip
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def provenance(singles: dict) -> str:
    rec = max(singles.values(), key=lambda r: r["timestamp"])
    m = rec["machine"]
    dirty = f", uncommitted under sim/: {', '.join(m['sim_uncommitted'])}" if m.get(
        "sim_uncommitted") else ""  # fmt: skip
    return (
        f"Latest run {rec['run_id']} on {m['cpu_count']} × {m['cpu']}, Python {m['python']}, "
        f"numpy {m['numpy']}, Mesa {m['mesa']}, commit `{m['git_commit'][:10]}`{dirty}. "
        f"Medians over {rec['reps']} repetitions, (min–max) in brackets; speed-up is the "
        "median of per-repetition naive/production stepping-time ratios."
    )


def write_readme(block: str, readme: Path) -> None:
    text = readme.read_text() if readme.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = f"{text.rstrip()}\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{BEGIN}\n{block}\n{END}{tail}")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--include-quick", action="store_true")
    p.add_argument("--results", type=Path, default=RESULTS, help="folder of *.jsonl")
    p.add_argument("--readme", type=Path, default=README)
    args = p.parse_args(argv)
    records = load(args.results, args.include_quick)
    rows, singles, batches = table(records)
    if not singles:
        raise SystemExit(f"no summary records in {args.results}/*.jsonl: run benchmarks/run.py")
    plot(singles, args.results / PLOT.name)
    block = "\n".join(
        [provenance(singles), "", *rows, "", "Targets of issue 6:", "",
         *targets(records, singles, batches), "", "![scaling](results/scaling.png)"]
    )  # fmt: skip
    write_readme(block, args.readme)
    print(block)


if __name__ == "__main__":
    main()
