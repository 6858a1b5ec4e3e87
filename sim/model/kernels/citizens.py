"""Citizens' take-up, skills and demand over all municipalities (docs/ODD.md §7.7)."""

from __future__ import annotations

from sim.model.jit import njit
from sim.model.rules import citizens as cr
from sim.model.state import ADOPTED, LOCAL


@njit
def citizens(rule, status, migrating, takeup, skills, priority, push, enrolment):
    """One quarter: take-up per block, skills, then priority from demand and pushes.

    Demand comes from the services citizens can already use: the mean over the
    blocks in operation of take-up as a share of the skilled (0 with none running).

    ``rule`` is a ``CitizenRule`` record.

    A block is in operation when adopted, run as a local solution, or kept running
    while its municipality migrates to the standard. Where an obligation enrols
    citizens by default (``enrolment``), take-up is at least that share of the
    skilled.
    """
    r = rule[0]
    n_blocks = status.shape[1]
    for i in range(status.shape[0]):
        ceil = cr.ceiling(skills[i])
        used, running = 0.0, 0
        for b in range(n_blocks):
            s = status[i, b]
            in_operation = s in (ADOPTED, LOCAL) or migrating[i, b]
            takeup[i, b] = cr.takeup(r, takeup[i, b], ceil, in_operation)
            if in_operation and enrolment[i, b] > 0.0:
                takeup[i, b] = cr.enrolled(takeup[i, b], ceil, enrolment[i, b])
            if in_operation:
                used += takeup[i, b] / ceil
                running += 1
        skills[i] = cr.skills(r, skills[i])
        use = used / running if running else 0.0
        priority[i] = cr.priority(r, priority[i], use, push[i])
