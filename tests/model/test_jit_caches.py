"""Compiled kernels are recompiled when any model source changes (not only their own file).

Numba keys a cache on the kernel's own source file; a kernel calling a rule from
another module would otherwise keep running the old rule after the rule is edited.
"""

from __future__ import annotations

from pathlib import Path

from sim.model.jit import refresh_caches, sources_digest


def _tree(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "model"
    (root / "rules").mkdir(parents=True)
    (root / "rules" / "trust.py").write_text("GAIN = 0.1\n")
    (root / "kernels").mkdir()
    (root / "kernels" / "trust.py").write_text("from rules.trust import GAIN\n")
    cache = root / "kernels" / "__pycache__"
    cache.mkdir()
    for name in ("trust.trust-10.py312.nbi", "trust.trust-10.py312.1.nbc"):
        (cache / name).write_text("compiled")
    return root, root / "__pycache__" / "stamp"


def test_an_edited_rule_drops_the_kernels_caches(tmp_path):
    root, stamp = _tree(tmp_path)
    assert refresh_caches(root, stamp)  # first sight: no stamp yet
    assert not list(root.rglob("*.nb*"))
    (root / "kernels" / "__pycache__" / "trust.trust-10.py312.nbi").write_text("compiled")
    assert not refresh_caches(root, stamp)  # nothing changed: caches kept
    assert list(root.rglob("*.nbi"))
    (root / "rules" / "trust.py").write_text("GAIN = 0.2\n")  # the rule, not the kernel
    assert refresh_caches(root, stamp)
    assert not list(root.rglob("*.nb*"))
    assert stamp.read_text() == sources_digest(root)


def test_the_digest_sees_contents_and_names(tmp_path):
    root, _ = _tree(tmp_path)
    before = sources_digest(root)
    (root / "rules" / "trust.py").rename(root / "rules" / "belief.py")
    assert sources_digest(root) != before
