"""The model's rules, each written once, grouped by mechanism (docs/ODD.md §7).

The table "Where is rule X" in docs/architecture.md maps each rule to its section.

Every rule is a small compiled scalar function (numba ``@njit``: scalars in,
scalars out, no model object), so the stage kernels (``sim/model/kernels/``) can
call it per cell and a per-agent reference can call its plain-Python form
(``rule.py_func``). Parameters reach the rules as named records
(``typing.NamedTuple`` of floats, built once per model from the parameter
dataclasses), never as positional packs.

==================  ===========================================================
module              rules
==================  ===========================================================
``numeric``         clip and NaN-propagating max, as numpy's
``decision``        value of the standard block and of a local build, the choice
``implementation``  slips, capacity and support, failure chance, duration, overrun
``trust``           trust between levels, beliefs about a block
``citizens``        Bass take-up, skills, co-production demand
``benefits``        benefits by level and running costs of blocks in operation
==================  ===========================================================
"""
