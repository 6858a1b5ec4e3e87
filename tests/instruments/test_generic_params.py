"""Each instrument's declared parameter type (``Instrument[P]``) is the ``Params`` it builds."""

from __future__ import annotations

import typing

from sim.instruments.base import REGISTRY, Instrument, instrument_class


def _declared_params(cls: type) -> type | None:
    """The ``P`` of the nearest generic base ``Instrument[P]`` / ``Participation[P]``."""
    for klass in cls.__mro__:
        for base in getattr(klass, "__orig_bases__", ()):
            args = typing.get_args(base)
            if args and isinstance(args[0], type):
                return args[0]
    return None


def test_every_instrument_declares_its_params_type():
    instrument_class("legislation")  # loads the built-in families
    assert len(REGISTRY) >= 13
    for name, cls in REGISTRY.items():
        assert _declared_params(cls) is cls.Params, name


def test_params_built_from_keywords_have_the_declared_type():
    cls = instrument_class("legislation")
    inst = cls(start=2, deadline=10)
    assert isinstance(inst.p, cls.Params) and inst.p.deadline == 10
    assert isinstance(inst, Instrument)
    assert not hasattr(Instrument, "finalize")  # no hook the model never calls
