"""A deliberately naive, idiomatic per-agent Mesa version of the municipal rules.

The benchmark reference of issue 6: every municipality is a ``mesa.Agent``
(``naive_agent.NaiveMunicipality``) holding its own Python scalars and per-block
lists, and the per-municipality work of a quarter (the budget year, the
adoption decision, implementation progress, grants and payments, citizens' take-up,
trust and belief updates) runs as Python methods called on each agent through
``AgentSet.do``/``shuffle_do``, block by block in Python loops, with the scalar
rules of ``naive_rules.py``.

What is borrowed from production (not the per-municipality hot path): a production
``EGovModel`` built with the same parameters and seed (``self.shell``) supplies the
country, the catalogue, the initial municipal attributes (so a naive and a
production run with the same seed start from the same country), the central
government and the regions, whose stages run on the shell, and elections
(``politics.py``, run on the shell with the agents' columns). After each quarter the
naive agents publish the few columns those stages read (status, skills, centre
membership) back into the shell's arrays.

Same rules, different random streams: draws come from the model's ``random``
(stdlib, as in Mesa examples) and only where a rule needs one, so runs agree with
production in distribution, not path by path. Not modelled here: the ledger entries
of municipal payments, running costs and benefits (accounting only, no feedback on
behaviour) and instruments (the naive model runs the no-instrument baseline).
``rng`` must be an int seed or None (it seeds both the naive model and the shell).

Usage::

    model = NaiveModel(params, rng=seed).run()
    model.datacollector.model_vars["adoption_mun"]  # one value per quarter
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from benchmarks import naive_rules as r
from benchmarks.naive_agent import EFFECT_CELLS, EFFECT_ROWS, ELECTION_COLUMNS, NaiveMunicipality
from sim.model import politics, regional
from sim.model.blocks import Catalogue
from sim.model.effects import Effects
from sim.model.kernels.trust import trust as update_trust_values
from sim.model.model import EGovModel
from sim.model.params import ModelParams
from sim.model.politics import is_election


def adoption_mun(model: NaiveModel) -> float:
    """Share of municipality × block cells with the standard block adopted."""
    cells = [s == r.ADOPTED for m in model.municipalities for s in m.status]
    return sum(cells) / len(cells)


def adoption_pop(model: NaiveModel) -> float:
    """Population-weighted adoption share."""
    pop = sum(m.population for m in model.municipalities)
    adopted = sum(
        m.population * sum(s == r.ADOPTED for s in m.status) / len(m.status)
        for m in model.municipalities
    )
    return adopted / pop


def fragmentation(model: NaiveModel) -> float:
    """Share of cells running a local non-standard solution."""
    cells = [
        s == r.LOCAL or mig
        for m in model.municipalities
        for s, mig in zip(m.status, m.migrating, strict=True)
    ]
    return sum(cells) / len(cells)


def trust_mc(model: NaiveModel) -> float:
    """Mean trust of municipalities in the central government."""
    return sum(m.trust_central for m in model.municipalities) / len(model.municipalities)


REPORTERS = {
    "adoption_mun": adoption_mun,
    "adoption_pop": adoption_pop,
    "fragmentation": fragmentation,
    "trust_mc": trust_mc,
}


def role_probabilities(params: ModelParams, rurality: list[float]) -> list[tuple[float, float]]:
    """(P(entrepreneur), P(laggard)) per municipality, as ``state.draw_roles``."""
    lp = params.leadership
    tilt = [math.exp(lp.size_leadership * (0.5 - x) * 2) for x in rurality]
    mean_t = sum(tilt) / len(tilt)
    mean_inv = sum(1 / t for t in tilt) / len(tilt)
    return [
        (r.clip(lp.entrepreneur_share * t / mean_t, 0, 1),
         r.clip(lp.laggard_share / t * (1 / mean_inv), 0, 1))
        for t in tilt
    ]  # fmt: skip


class NaiveModel(mesa.Model):
    """Per-agent reference model: same municipal rules as ``EGovModel``, in Python loops."""

    def __init__(
        self,
        params: ModelParams | None = None,
        catalogue: Catalogue | None = None,
        *,
        rng: int | None = None,
    ) -> None:
        super().__init__(rng=rng)
        self.params = params if params is not None else ModelParams()
        self.shell = EGovModel(self.params, catalogue, rng=rng)
        self.catalogue = self.shell.catalogue
        self.quarter = 0
        self.ctx = self.static_context()
        self.fx: dict[str, list | None] = dict.fromkeys(EFFECT_CELLS + EFFECT_ROWS)
        self.hosts_centre: list[bool] = []
        self.offers: list[list] = []
        roles = role_probabilities(self.params, self.shell.state.rurality.tolist())
        self.municipalities = [
            NaiveMunicipality(self, i, roles[i]) for i in range(self.shell.state.n)
        ]
        adj = self.shell.country.adjacency.tocsr()
        for i, mun in enumerate(self.municipalities):
            lo, hi = adj.indptr[i], adj.indptr[i + 1]
            mun.neighbours = [
                (self.municipalities[j], w)
                for j, w in zip(adj.indices[lo:hi].tolist(), adj.data[lo:hi].tolist(), strict=True)
            ]
        self.datacollector = mesa.DataCollector(model_reporters=REPORTERS)

    def static_context(self) -> dict:
        """Block attributes as plain Python values, and constants of the value rule."""
        dp, branding = self.params.decision, self.params.leadership.central_branding
        prereq = np.asarray(self.catalogue.prerequisite_matrix, dtype=bool)
        blocks = [
            {
                "benefit": blk.benefit_per_capita,
                "spillover": blk.spillover_share,
                "network_exponent": blk.network_exponent,
                "visibility": blk.visibility * (1.0 - branding),
                "failure": blk.failure_hazard,
                "running": blk.running_per_capita,
                "quarters": blk.integration_quarters,
                "central_owned": blk.owner == "central",
                "prereqs": np.flatnonzero(prereq[b]).tolist(),
            }
            for b, blk in enumerate(self.catalogue)
        ]
        return {"dp": dp, "blocks": blocks, "pv": r.present_value(dp.horizon_years,
                                                                   dp.discount_rate)}  # fmt: skip

    # -- the quarter ---------------------------------------------------------------------
    def step(self) -> None:
        """One quarter, the stages of docs/ODD.md §3 in the production order."""
        sh, muns = self.shell, self.agents_by_type[NaiveMunicipality]
        sh.quarter = self.quarter
        sh.effects = Effects(sh.state.n, len(self.catalogue), sh.rstate.n)
        self.calendar()
        sh.central_stage()
        sh.regional_stage()
        self.refresh_effects()
        muns.do("progress")
        self.decision_context()
        muns.shuffle_do("decide")
        muns.do("citizens")
        muns.do("update_trust_and_beliefs")
        self.publish()
        self.quarter += 1
        self.datacollector.collect(self)
        if self.quarter >= self.params.time.n_quarters:
            self.running = False

    def run(self, n_quarters: int | None = None) -> NaiveModel:
        """Step to the horizon (or ``n_quarters`` more quarters); returns self."""
        n = self.params.time.n_quarters - self.quarter if n_quarters is None else n_quarters
        for _ in range(n):
            self.step()
        return self

    def calendar(self) -> None:
        """Elections of each level when due; the budget year every fourth quarter."""
        sh, tp, q = self.shell, self.params.time, self.quarter
        muns = self.agents_by_type[NaiveMunicipality]
        offsets = (tp.election_offset_central, tp.election_offset_municipal)
        if any(is_election(q, off, tp.election_period) for off in offsets) or (
            sh.rstate.n and is_election(q, tp.election_offset_regional, tp.election_period)
        ):
            self.elections()
        if q % 4 == 0:
            muns.do("new_year")
            sh.central.new_year()
            for reg in sh.region_agents:
                reg.new_year()

    def elections(self) -> None:
        """Elections are borrowed from production (``politics.py``) on the agents' columns.

        The columns an election reads or changes are written into the shell, the
        elections run there, and the agents read the results back.
        """
        st = self.shell.state
        for name in ELECTION_COLUMNS:
            getattr(st, name)[:] = [getattr(m, name) for m in self.municipalities]
        politics.elections(self.shell)
        guardian_cut = self.params.leadership.guardian_risk_cut
        for m in self.municipalities:
            for name in ELECTION_COLUMNS:
                setattr(m, name, getattr(st, name)[m.index].tolist())
            m.risk_cut = guardian_cut if m.guardian else 0.0

    def refresh_effects(self) -> None:
        """This quarter's effects from central and regions, as Python lists (None: zero)."""
        eff = self.shell.effects
        for name in EFFECT_CELLS + EFFECT_ROWS:
            arr = getattr(eff, name)
            self.fx[name] = arr.tolist() if arr.any() else None
        self.hosts_centre = self.shell.rstate.hosts_centre.tolist()

    def decision_context(self) -> None:
        """Quantities shared by every decision this quarter (after implementations settle)."""
        sh, c = self.shell, self.ctx
        pop_all = sum(m.population for m in self.municipalities)
        c["network"] = []
        for b, blk in enumerate(c["blocks"]):
            connected = sum(m.population for m in self.municipalities if m.status[b] == r.ADOPTED)
            cov = r.clip(connected / pop_all, 0.0, 1.0)
            floor = self.params.decision.network_floor
            c["network"].append(floor + (1.0 - floor) * cov ** blk["network_exponent"])
        c["live"] = sh.platform_live().tolist()
        c["standard"] = sh.standard_set().tolist()
        c["credibility"] = sh.central.credibility
        offers = sh.effects.grant_offers
        c["offer_shares"] = [o.share for o in offers if o.pool.remaining > 0]
        # Applications are taken in this quarter's random order against the pool as it
        # stood before any payment (production: cumulative asks vs. remaining).
        self.offers = [[o, 0.0, o.pool.remaining] for o in offers]
        c["block_order"] = self.random.sample(range(len(c["blocks"])), len(c["blocks"]))

    def apply_for_grants(self, mun: NaiveMunicipality, starts, base: dict) -> dict:
        """A municipality applies for all its started standard cells at once, per offer."""
        granted = dict.fromkeys(base, 0.0)
        std = [b for b, local in starts if not local]
        if not std or not self.offers:
            return granted
        for entry in self.offers:
            offer, cum, limit = entry
            row = offer.share[mun.index].tolist()
            asks = {b: min(row[b] * mun.gross_cost[b], max(base[b] - granted[b], 0.0)) for b in std}
            asked = sum(asks.values())
            if asked <= 0:
                continue
            entry[1] = cum + asked
            pool = offer.pool
            if cum + asked <= limit:
                for b, ask in asks.items():
                    granted[b] += ask
                pool.remaining -= asked
                pool.paid += asked
                self.shell.ledger.transfer(pool.payer, "municipal", asked, pool.label)
                if pool.payer != "central":
                    mun.tr_pos += self.params.trust.grant_weight
            else:
                pool.refused += 1
                if pool.payer == "central":
                    mun.tc_neg += 1.0
                else:
                    mun.tr_neg += 1.0
        return granted

    def publish(self) -> None:
        """Write back what the borrowed central and regional stages read; regions learn."""
        sh, tp = self.shell, self.params.trust
        st, rs, eff = sh.state, sh.rstate, sh.effects
        st.status[:] = [m.status for m in self.municipalities]
        st.skills[:] = [m.skills for m in self.municipalities]
        st.centre_member[:] = [m.centre_member for m in self.municipalities]
        sh._peer = None
        if rs.n:
            update_trust_values(
                sh.records.trust,
                rs.trust_central,
                eff.region_trust_pos,
                eff.region_trust_neg,
                tp.regional_central_init,
            )
        regional.learn(sh)
