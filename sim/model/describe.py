"""One-line descriptions of the model and its agents, for ``repr`` in a notebook.

A person inspecting ``model.agents`` wants to recognise each agent (name, size,
region), see where it stands (blocks adopted or under way, by short key) and how it
relates to the other levels (trust, rounded), not ``<Municipality object at 0x...>``.
The ``__repr__`` methods of :mod:`sim.model.agents` and :mod:`sim.model.model` call
these functions; they only read state.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from sim.model.central import BUILDING, LIVE
from sim.model.state import ADOPTED, IMPLEMENTING, LOCAL, ROLE_NAMES

if TYPE_CHECKING:
    from sim.model.agents import CentralGovernment, Municipality, RegionalGovernment
    from sim.model.model import EGovModel

NONE = "-"


def keys_where(keys: Sequence[str], flags: Iterable[bool]) -> str:
    """Comma-separated block keys whose flag is set, or ``-``."""
    chosen = [k for k, f in zip(keys, flags, strict=True) if f]
    return ", ".join(chosen) if chosen else NONE


def _block_states(keys: Sequence[str], status: np.ndarray) -> str:
    """``adopted [..]`` plus, when not empty, ``implementing [..]`` and ``local [..]``."""
    parts = [f"adopted [{keys_where(keys, status == ADOPTED)}]"]
    for label, code in (("implementing", IMPLEMENTING), ("local", LOCAL)):
        if (status == code).any():
            parts.append(f"{label} [{keys_where(keys, status == code)}]")
    return ", ".join(parts)


def municipality(agent: Municipality) -> str:
    """``<Municipality 'Aarhus' (751), pop 355,238, region Midtjylland, ...>``."""
    model, i = agent.model, agent.index
    st = model.state
    r = int(st.region[i])
    region = model.country.region_names[r] if r >= 0 else NONE
    return (
        f"<Municipality {agent.name!r} ({agent.code}), pop {int(st.population[i]):,}, "
        f"region {region}, {ROLE_NAMES[int(st.role[i])]}, "
        f"{_block_states(model.catalogue.keys, st.status[i])}, "
        f"trust central {st.trust_central[i]:.2f} region {st.trust_region[i]:.2f}>"
    )


def regional_government(agent: RegionalGovernment) -> str:
    """``<RegionalGovernment 'Midtjylland', 19 municipalities, pop 1,339,000, ...>``."""
    model, r = agent.model, agent.index
    rs = model.rstate
    centre = ", hosts a shared centre" if bool(rs.hosts_centre[r]) else ""
    return (
        f"<RegionalGovernment {agent.name!r}, {len(agent.mine_rows)} municipalities, "
        f"pop {int(rs.population[r]):,}{centre}, "
        f"{_block_states(model.catalogue.keys, rs.status[r])}, "
        f"trust central {rs.trust_central[r]:.2f}>"
    )


def central_government(agent: CentralGovernment) -> str:
    """``<CentralGovernment, platforms live [..], building [..], credibility 0.62, ...>``."""
    keys = agent.model.catalogue.keys
    building = ""
    if (agent.platform == BUILDING).any():
        building = f", building [{keys_where(keys, agent.platform == BUILDING)}]"
    return (
        f"<CentralGovernment, platforms live [{keys_where(keys, agent.platform == LIVE)}]"
        f"{building}, credibility {agent.credibility:.2f}, priority {agent.priority:.2f}, "
        f"leadership {agent.leadership:.2f}, failures {agent.failures}>"
    )


def model(m: EGovModel) -> str:
    """``<EGovModel denmark, 98 municipalities in 5 regions, 7 blocks, quarter 0 of 60, ...>``."""
    names = [inst.name for inst in m.instruments]
    tools = ", ".join(names) if names else "none"
    regions = f" in {m.rstate.n} regions" if m.rstate.n else ", no regional tier"
    adoption = float(m.state.adopted.mean()) if m.state.n else 0.0
    return (
        f"<EGovModel {m.country.name}, {m.state.n:,} municipalities{regions}, "
        f"{len(m.catalogue)} blocks, quarter {m.quarter} of {m.params.time.n_quarters}, "
        f"municipal adoption {adoption:.2f}, instruments [{tools}]>"
    )
