"""Stage kernels: compiled loops over cells that call the rules of ``sim/model/rules/``.

A kernel takes named records (``typing.NamedTuple``) of arrays and parameters,
loops over municipalities, regions or blocks in a fixed order and writes its
results in place; it holds no rule of its own beyond the order of the loop and
the bookkeeping of which cells are visited. The stage functions (``municipal.py``,
``regional.py``, ``central.py``, ``stages.py``) gather the records from the model,
call a kernel and book money in the ledger.

Sums that reach the ledger or the outputs are taken with ``exact_sums`` (numpy's
pairwise summation), so totals do not depend on how a kernel is written.
"""
