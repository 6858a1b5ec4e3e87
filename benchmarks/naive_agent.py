"""The naive municipality agent: its own Python scalars and lists, rules in methods.

See ``benchmarks/naive.py`` for what the naive model is and what it borrows.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

from benchmarks import naive_rules as r

if TYPE_CHECKING:
    from benchmarks.naive import NaiveModel

ROW_SCALARS = (
    "population", "region", "capacity", "ict_budget", "free_budget", "priority",
    "autonomy", "role", "guardian", "trust_central", "trust_region", "skills",
    "centre_member", "rurality",
)  # fmt: skip
ROW_BLOCKS = (
    "gross_cost", "status", "building_local", "since", "remaining", "due", "instalment",
    "belief", "takeup", "mandated", "granted", "grant_unspent", "adopted_at", "failed_at",
    "migrating",
)  # fmt: skip
ELECTION_COLUMNS = (
    "priority", "role", "guardian", "status", "due", "instalment", "remaining",
    "building_local", "migrating", "since", "granted", "grant_unspent", "mandated",
)  # fmt: skip
EFFECT_CELLS = ("pressure", "cost_cut", "support", "extra_failure", "mandator", "belief_push")
EFFECT_ROWS = (
    "priority_push", "trust_central_pos", "trust_central_neg", "trust_region_pos",
    "trust_region_neg",
)  # fmt: skip


class NaiveMunicipality(mesa.Agent):
    """A municipality holding its own state as Python scalars and lists."""

    def __init__(self, model: NaiveModel, index: int, p_roles: tuple[float, float]):
        super().__init__(model)
        self.index = index
        st = model.shell.state
        for name in ROW_SCALARS:
            setattr(self, name, getattr(st, name)[index].item())
        for name in ROW_BLOCKS:
            setattr(self, name, getattr(st, name)[index].tolist())
        self.p_entrepreneur, self.p_laggard = p_roles
        self.risk_cut = model.params.leadership.guardian_risk_cut if self.guardian else 0.0
        self.neighbours: list[tuple[NaiveMunicipality, float]] = []
        self.reset_experiences()

    def reset_experiences(self) -> None:
        self.tc_pos = self.tc_neg = self.tr_pos = self.tr_neg = 0.0

    def fx(self, name: str, b: int | None = None) -> float:
        """This quarter's instrument effect on this municipality (0 when none)."""
        rows = self.model.fx[name]
        if rows is None:
            return 0.0
        return rows[self.index] if b is None else rows[self.index][b]

    # -- calendar --------------------------------------------------------------------
    def new_year(self) -> None:
        """Yearly envelope; a competing-needs shock cuts priority unless funding is committed."""
        bp = self.model.params.budget
        envelope = bp.innovation_share * self.ict_budget
        committed_funding = any(
            s == r.IMPLEMENTING and g > 0 for s, g in zip(self.status, self.granted, strict=True)
        )
        if self.model.random.random() < bp.shock_probability and not committed_funding:
            self.priority *= 1.0 - bp.shock_size
        committed = 0.0
        for b, s in enumerate(self.status):
            if s == r.IMPLEMENTING:
                own_due = max(self.due[b] - self.grant_unspent[b], 0.0)
                committed += min(4 * self.instalment[b], own_due)
        carried = min(self.free_budget, bp.carry_over_years * envelope)
        self.free_budget = max(self.priority * envelope - committed + carried, 0.0)

    # -- municipal stage, pass 1: centres and ongoing implementations -----------------
    def progress(self) -> None:
        """Maybe join the region's shared centre, then advance every implementation."""
        rp, ip, m = self.model.params.regional, self.model.params.implementation, self.model
        if (
            self.region >= 0
            and m.hosts_centre[self.region]
            and self.population < rp.centre_small_population
            and not self.centre_member
            and m.random.random() < rp.centre_join_probability * self.trust_region
        ):
            self.centre_member = True
            self.tr_pos += 1.0
        for b, s in enumerate(self.status):
            if s != r.IMPLEMENTING:
                continue
            support, cap = self.support_and_capacity(b)
            slip = ip.slip_probability * (1.0 - r.clip(cap, 0.0, 1.0))
            u = m.random.random()
            u_fail = (u - slip) / max(1.0 - slip, 1e-12) if u >= slip else 1.0
            if u >= slip:
                self.remaining[b] -= 1
            done = self.remaining[b] <= 0
            pay = self.due[b] if done else min(self.instalment[b], self.due[b])
            self.due[b] -= pay
            self.grant_unspent[b] -= min(pay, self.grant_unspent[b])
            if done:
                p_fail = r.failure_probability(m.ctx["blocks"][b]["failure"], cap, support, ip)
                p_fail = r.clip(p_fail + self.fx("extra_failure", b), 0.0, 0.95)
                self.settle(b, u_fail < p_fail)

    def support_and_capacity(self, b: int) -> tuple[float, float]:
        rp, ip = self.model.params.regional, self.model.params.implementation
        support = r.clip(self.fx("support", b) + self.centre_member * rp.centre_support, 0.0, 1.0)
        staff = self.capacity + self.centre_member * rp.centre_capacity
        own = staff / (staff + ip.capacity_half)
        return support, r.clip(own + ip.support_capacity * support, 0.0, 1.0)

    def settle(self, b: int, failed: bool) -> None:
        """Success or failure of a finished implementation, with its trust experiences."""
        q, local = self.model.quarter, self.building_local[b]
        if failed:
            self.status[b] = r.LOCAL if self.migrating[b] else r.FAILED
            self.failed_at[b] = q
            self.belief[b] *= 1.0 - self.model.params.decision.failure_belief_drop
            if self.mandated[b] == r.MANDATE_CENTRAL:
                self.tc_neg += 1.0
            elif self.mandated[b] == r.MANDATE_REGIONAL:
                self.tr_neg += 1.0
        elif local:
            self.status[b] = r.LOCAL
        else:
            self.status[b] = r.ADOPTED
            self.adopted_at[b] = q
            if self.model.ctx["blocks"][b]["central_owned"]:
                self.tc_pos += self.model.params.trust.joint_success_weight
        self.since[b] = q
        self.building_local[b] = self.migrating[b] = False
        self.mandated[b] = 0
        self.grant_unspent[b] = 0.0

    # -- municipal stage, pass 2: decisions, in random order --------------------------
    def options(self, b: int) -> tuple[bool, bool]:
        """Whether the standard block, and a local build, can start on block b."""
        c, dp, q = self.model.ctx, self.model.params.decision, self.model.quarter
        s, prereqs = self.status[b], c["blocks"][b]["prereqs"]
        ready = s == r.NONE or (s == r.FAILED and q - self.since[b] >= dp.retry_after)
        settled = self.failed_at[b] < 0 or q - self.failed_at[b] >= dp.retry_after
        live = c["live"][b]
        prereq_std = all(self.status[p] == r.ADOPTED for p in prereqs)
        can_std = (ready or (s == r.LOCAL and settled)) and live and prereq_std
        if not ready:
            return can_std, False
        prereq_loc = all(
            self.status[p] in (r.ADOPTED, r.LOCAL) or self.migrating[p] for p in prereqs
        )
        distrust = self.trust_central < dp.local_trust_threshold
        return can_std, prereq_loc and (not live or not c["standard"][b] or distrust)

    def peer_share(self, b: int) -> float:
        """Link-weighted share of neighbours with the standard block b adopted."""
        total = adopted = 0.0
        for other, w in self.neighbours:
            total += w
            if other.status[b] == r.ADOPTED:
                adopted += w
        return adopted / total if total > 0 else 0.0

    def decide(self) -> None:
        """Value each open option, choose by logit, start what the budget allows."""
        c, dp = self.model.ctx, self.model.params.decision
        nb = len(self.status)
        choice, cost = [r.WAIT] * nb, [0.0] * nb
        lead = (dp.entrepreneur_bonus if self.role == r.ENTREPRENEUR
                else -dp.laggard_penalty if self.role == r.LAGGARD else 0.0)  # fmt: skip
        peer_w = dp.peer_weight * (1.0 + dp.follower_peer_boost if self.role == r.FELLOW else 1.0)
        member_cut = self.centre_member * self.model.params.regional.centre_cost_cut
        cap = self.model.params.implementation.cost_cut_cap
        self.cut, self.grant, self.common = [0.0] * nb, [0.0] * nb, [0.0] * nb
        self.lead = lead + (self.model.params.leadership.sponsor_bonus if self.guardian else 0.0)
        for b in range(nb):
            can_std, can_loc = self.options(b)
            if not (can_std or can_loc):
                continue
            u = self.random.random()
            if u >= dp.consider_hazard:  # not reviewed this quarter: waits whatever the value
                continue
            self.cut[b] = r.clip(self.fx("cost_cut", b) + member_cut, 0.0, cap)
            self.grant[b] = min(sum(share[self.index][b] for share in c["offer_shares"]), 1.0)
            self.common[b] = peer_w * self.peer_share(b)  # leadership: standard only
            v_std, cost_std = r.standard_value(self, b, c)
            v_loc, cost_loc = r.local_value(self, b, c)
            choice[b] = r.logit_choice(v_std, v_loc, can_std, can_loc, u, dp)
            cost[b] = cost_loc if choice[b] == r.LOCAL_BUILD else cost_std
        starts = []
        for b in c["block_order"]:
            commit = cost[b] / max(c["blocks"][b]["quarters"] / 4.0, 1.0)
            if choice[b] != r.WAIT and commit <= self.free_budget:
                self.free_budget -= commit
                starts.append((b, choice[b] == r.LOCAL_BUILD))
        if starts:
            self.begin(starts)

    def begin(self, starts: list[tuple[int, bool]]) -> None:
        """Open implementations: grants, overrun, duration, mandate experiences."""
        dp, ip, q = self.model.params.decision, self.model.params.implementation, self.model.quarter
        base = {}
        for b, local in starts:
            gross = self.gross_cost[b]
            base[b] = gross * r.clip(1.0 - self.cut[b], 0.0, 1.0)
            if local:
                base[b] *= dp.local_cost_factor
            elif self.status[b] == r.LOCAL:
                base[b] += dp.migration_cost_share * gross
        granted = self.model.apply_for_grants(self, starts, base)
        for b, local in starts:
            total = base[b] * (1.0 + ip.local_overrun_scale * r.overrun(self.random.random(), ip))
            support, _ = self.support_and_capacity(b)
            quarters = math.ceil(self.model.ctx["blocks"][b]["quarters"]
                                 * (1.0 - ip.support_speedup * support))  # fmt: skip
            quarters = max(int(quarters), 1)
            self.migrating[b] = not local and self.status[b] == r.LOCAL
            self.status[b], self.building_local[b], self.since[b] = r.IMPLEMENTING, local, q
            self.remaining[b], self.due[b], self.instalment[b] = quarters, total, total / quarters
            mandator = 0 if local else int(self.fx("mandator", b))
            self.mandated[b] = mandator
            self.granted[b] = self.grant_unspent[b] = granted[b]
            funded = r.clip(granted[b] / base[b] if base[b] > 0 else 0.0, 0.0, 1.0)
            if mandator == r.MANDATE_CENTRAL:
                self.tc_neg, self.tc_pos = self.tc_neg + 1.0 - funded, self.tc_pos + funded
            elif mandator == r.MANDATE_REGIONAL:
                self.tr_neg, self.tr_pos = self.tr_neg + 1.0 - funded, self.tr_pos + funded

    # -- citizens and trust ------------------------------------------------------------
    def citizens(self) -> None:
        """Bass take-up per block, skills growth, demand-driven priority."""
        cp = self.model.params.citizens
        for b, s in enumerate(self.status):
            active = s in (r.ADOPTED, r.LOCAL) or self.migrating[b]
            self.takeup[b] = r.bass_step(self.takeup[b], self.skills, active, cp)
        self.skills += cp.skills_growth / 4.0 * (1.0 - self.skills)
        if sum(self.takeup) / len(self.takeup) > cp.coproduction_threshold:
            self.priority += cp.coproduction_boost * (1.0 - self.priority)
        self.priority += self.fx("priority_push") * (1.0 - self.priority)

    def update_trust_and_beliefs(self) -> None:
        """Trust from this quarter's experiences; beliefs from neighbours' outcomes."""
        tp, m = self.model.params.trust, self.model
        pos = self.tc_pos + self.fx("trust_central_pos")
        neg = self.tc_neg + self.fx("trust_central_neg")
        self.trust_central = r.update_trust(self.trust_central, pos, neg,
                                            tp.municipal_central_init, tp)  # fmt: skip
        pos = self.tr_pos + self.fx("trust_region_pos")
        neg = self.tr_neg + self.fx("trust_region_neg")
        self.trust_region = r.update_trust(self.trust_region, pos, neg,
                                           tp.municipal_regional_init, tp)  # fmt: skip
        self.reset_experiences()
        nb = len(self.status)
        total, champions = 0.0, 0.0
        success, failure = [0.0] * nb, [0.0] * nb
        for other, w in self.neighbours:
            total += w
            champions += w * (other.role == r.ENTREPRENEUR)
            for b, s in enumerate(other.status):
                if s == r.ADOPTED:
                    success[b] += w
                elif s == r.FAILED:
                    failure[b] += w
        if total <= 0:
            total = 1.0  # isolated: no evidence (shares stay 0)
        learn = m.params.decision.belief_learning
        push0 = m.params.leadership.entrepreneur_belief_push * champions / total
        for b in range(nb):
            push = self.fx("belief_push", b) + push0
            self.belief[b] = r.update_belief(self.belief[b], success[b] / total,
                                             failure[b] / total, push, learn)  # fmt: skip
