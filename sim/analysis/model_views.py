"""Tables and figures that look inside one running model (the first-run notebook's views).

Everything else in :mod:`sim.analysis` reads result tables; these read a live
:class:`~sim.model.model.EGovModel` and its DataCollector, so a student can step a
model quarter by quarter and see what one municipality, its region and the central
government hold. They only read: nothing here changes the model or its random streams.
Figures use Matplotlib's object-oriented API (no pyplot state, no backend choice).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.model.agents import Municipality
from sim.model.central import LIVE
from sim.model.metrics import LEVELS
from sim.model.state import ROLE_NAMES, STATUS_NAMES

if TYPE_CHECKING:
    from sim.model.blocks import Catalogue
    from sim.model.model import EGovModel

DPI = 100


def catalogue_table(catalogue: Catalogue) -> pd.DataFrame:
    """One row per building block: owner, prerequisites, costs, benefit and spillover.

    The columns are those that decide who adopts a block and who gains from it, so the
    table answers "why is this block adopted late?" without opening the TOML file.
    """
    rows = [
        {
            "block": b.key,
            "name": b.name,
            "owner": b.owner,
            "prerequisites": ", ".join(b.prerequisites) or "-",
            "live_at_start": b.platform_live_at_start,
            "integration_fixed_eur": b.integration_fixed,
            "benefit_per_capita": b.benefit_per_capita,
            "spillover_share": b.spillover_share,
        }
        for b in catalogue
    ]
    return pd.DataFrame(rows).set_index("block")


def municipality_profile(model: EGovModel, index: int) -> pd.Series:
    """One municipality's state: who it is, its means, its trust and its blocks.

    Raises:
        IndexError: ``index`` is not a municipality of the model (the message says the range).
    """
    n = model.state.n
    if not 0 <= index < n:
        raise IndexError(f"municipality index {index} is out of range; expected 0..{n - 1}")
    agent = next(a for a in model.agents_by_type[Municipality] if a.index == index)
    st, region = model.state, agent.region
    values: dict[str, object] = {
        "name": agent.name,
        "code": agent.code,
        "population": int(agent.population),
        "region": model.country.region_names[region] if region >= 0 else "-",
        "ict_staff_fte": round(agent.capacity, 2),
        "ict_budget_eur_per_year": round(float(st.ict_budget[index])),
        "free_budget_eur": round(float(st.free_budget[index])),
        "priority": round(agent.priority, 3),
        "leadership_role": ROLE_NAMES[int(st.role[index])],
        "trust_in_central": round(agent.trust_central, 3),
        "trust_in_region": round(agent.trust_region, 3),
        "citizens_digital_skills": round(agent.skills, 3),
    }
    values.update({f"block:{k}": s for k, s in agent.block_status.items()})
    return pd.Series(values, name=f"municipality {index}")


def status_table(model: EGovModel) -> pd.DataFrame:
    """Municipalities per block and status, with the central platform and standard state.

    A block can only be adopted once its platform is live and its standard set, which
    is why the platform columns sit beside the counts.
    """
    st = model.state
    counts = {name: (st.status == code).sum(axis=0) for code, name in enumerate(STATUS_NAMES)}
    out = pd.DataFrame(counts, index=pd.Index(model.catalogue.keys, name="block"))
    out["platform_live"] = model.platform_live()
    out["standard_set"] = model.standard_set()
    return out


def levels_table(model: EGovModel) -> pd.DataFrame:
    """One row per level: money spent and gained so far, yearly budget, and mean trust.

    Trust is the level's trust in the level above (municipal: in central). Money is
    cumulative from quarter 0, as in the outputs.
    """
    led, st, rs = model.ledger, model.state, model.rstate
    budget = {
        "central": model.central.budget_year,
        "regional": float(rs.budget.sum()) if rs.n else 0.0,
        "municipal": float(st.ict_budget.sum()),
    }
    trust = {
        "central": float(model.central.credibility),
        "regional": float(rs.trust_central.mean()) if rs.n else np.nan,
        "municipal": float(st.trust_central.mean()),
    }
    rows = [
        {
            "level": lv,
            "budget_eur_per_year": budget[lv],
            "spent_eur": led.spending[lv],
            "benefit_eur": led.benefit[lv],
            "trust_upward": trust[lv],
        }
        for lv in LEVELS
    ]
    return pd.DataFrame(rows).set_index("level")


def region_table(model: EGovModel) -> pd.DataFrame:
    """One row per region: members, population, trust in central, shared centre."""
    rs, st = model.rstate, model.state
    members = np.bincount(st.region[st.region >= 0], minlength=rs.n)
    return pd.DataFrame(
        {
            "municipalities": members,
            "population": rs.population.astype(np.int64),
            "trust_in_central": np.round(rs.trust_central, 3),
            "hosts_centre": rs.hosts_centre,
            "blocks_adopted": (rs.status == STATUS_NAMES.index("adopted")).sum(axis=1),
        },
        index=pd.Index(model.country.region_names, name="region"),
    )


def platforms_live(model: EGovModel) -> list[str]:
    """Keys of the blocks whose national platform is live now."""
    live = model.central.platform == LIVE
    return [k for k, on in zip(model.catalogue.keys, live, strict=True) if on]


def series_figure(
    frame: pd.DataFrame,
    panels: Mapping[str, Sequence[str]],
    ylabels: Mapping[str, str] | None = None,
    title: str | None = None,
) -> Figure:
    """One panel per idea, each a few columns of a per-quarter table drawn against quarter.

    Args:
        frame: A DataCollector table (one row per quarter, index = quarter).
        panels: Panel title -> columns to draw in it. Columns named ``<m>__<block>``
            are labelled by the block.
        ylabels: Panel title -> y-axis label (default: none).
        title: Figure title.

    Raises:
        ValueError: A column is missing (the message lists those present), or no panel.
    """
    if not panels:
        raise ValueError("series_figure: no panels were given")
    for cols in panels.values():
        for c in cols:
            if c not in frame.columns:
                raise ValueError(f"series_figure: column {c!r} is missing; the table has "
                                 f"{list(frame.columns)}")  # fmt: skip
    n = len(panels)
    ncols = 1 if n == 1 else 2
    nrows = -(-n // ncols)
    fig = Figure(figsize=(5.2 * ncols, 3.3 * nrows), dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    q = np.asarray(frame.index)
    for ax, (heading, cols) in zip(axes, panels.items(), strict=False):
        for c in cols:
            ax.plot(q, frame[c].to_numpy(dtype=float), lw=1.6, label=c.partition("__")[2] or c)
        ax.set(title=heading, xlabel="quarter", ylabel=(ylabels or {}).get(heading, ""))
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(frameon=False, fontsize=8)
    for ax in axes[n:]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    return fig


def prerequisite_figure(catalogue: Catalogue) -> Figure:
    """The blocks as a graph: an arrow from each prerequisite to the block that needs it.

    Blocks are placed in columns by depth (longest chain of prerequisites), so a block
    stands right of everything it waits for.
    """
    keys = list(catalogue.keys)
    depth: dict[str, int] = {}
    for b in catalogue:  # topological order: prerequisites come first
        depth[b.key] = 1 + max((depth[p] for p in b.prerequisites), default=-1)
    rows: dict[int, int] = {}
    pos = {}
    for k in keys:
        d = depth[k]
        pos[k] = (d, -rows.get(d, 0))
        rows[d] = rows.get(d, 0) + 1
    fig = Figure(figsize=(2.6 * (max(depth.values()) + 1) + 1, 0.9 * max(rows.values()) + 1),
                 dpi=DPI, layout="constrained")  # fmt: skip
    ax = fig.add_subplot()
    for b in catalogue:
        for p in b.prerequisites:
            ax.annotate("", xy=pos[b.key], xytext=pos[p],
                        arrowprops={"arrowstyle": "->", "color": "0.4", "shrinkA": 28,
                                    "shrinkB": 28})  # fmt: skip
    for k, (x, y) in pos.items():
        ax.text(x, y, k.replace("_", " "), ha="center", va="center", fontsize=9,
                bbox={"boxstyle": "round", "fc": "#dbe9f6", "ec": "0.5"})  # fmt: skip
    ax.set_xlim(-0.6, max(depth.values()) + 0.6)
    ax.set_ylim(-max(rows.values()) + 0.4, 0.6)
    ax.set_axis_off()
    ax.set_title("Building blocks: arrows point from a prerequisite to the block needing it")
    return fig
