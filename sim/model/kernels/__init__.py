"""Stage kernels: compiled loops over cells that call the rules of ``sim/model/rules/``.

A kernel takes named records of arrays and parameters,
loops over municipalities, regions or blocks in a fixed order and writes its
results in place; it holds no rule of its own beyond the order of the loop and
the bookkeeping of which cells are visited. The stage functions (``municipal.py``,
``regional.py``, ``central.py``, ``stages.py``) gather the records from the model,
call a kernel and book money in the ledger.

How records travel, and why: numba checks the type of every argument at every
call, in one step for an ndarray or a plain tuple, but field by field in Python
for a ``NamedTuple`` (about 0.3 us a field; a Denmark quarter makes a dozen calls
with ~80 fields). So parameters are structured arrays (``jit.record``, one record;
``jit.table``, one record per block), and groups of state arrays are passed as
plain tuples in the field order of their ``NamedTuple`` class, which the kernel
names on entry (``work = Work(*work)``); inside the kernel only the names are used.

Sums that reach the ledger or the outputs are taken with ``exact_sums`` (numpy's
pairwise summation), so totals do not depend on how a kernel is written.
"""
