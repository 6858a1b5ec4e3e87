"""The allocator tuning for large models is idempotent and leaves small models alone."""

from __future__ import annotations

import sys

from sim.model import memory


def test_small_models_do_not_tune(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "tune_allocator", lambda: calls.append(1) or True)
    memory.tune_for(98 * 7)
    assert calls == []
    memory.tune_for(34_870 * 7)
    assert calls == [1]


def test_tune_allocator_is_idempotent():
    first = memory.tune_allocator()
    assert memory.tune_allocator() is first
    if not sys.platform.startswith("linux"):
        assert first is False
