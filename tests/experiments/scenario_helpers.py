"""Shared fixtures text and helpers for the scenario tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.experiments.scenario import ScenarioError, load_scenario

SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "scenarios"
SHIPPED = sorted(SCENARIOS_DIR.glob("*.toml"))

GOOD = """\
# A mandate with money attached (test fixture).
[scenario]
name = "funded"
description = "funded mandate on two blocks"

[country]
name = "denmark"

[decision]
peer_weight = 1.0

[blocks.digital_post]
spillover_share = 0.6

[[instruments]]
type = "legislation"
start = 8
deadline = 24
[instruments.target]
blocks = ["digital_post", "portal"]
levels = ["municipal"]
regions = ["Region Hovedstaden", "1085"]

[[instruments]]
type = "financial_incentive"
start = 8
share = 0.75
[instruments.target]
blocks = ["digital_post"]
"""

HEAD = '[scenario]\ndescription = "test"\n'
MANDATE = '[[instruments]]\ntype = "legislation"\nstart = 8\ndeadline = 24\n'


def write(tmp_path: Path, body: str, name: str = "case") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(body, encoding="utf-8")
    return path


def expect_error(path: Path, *fragments: str, overrides: tuple[str, ...] = ()) -> str:
    """Load, expect a ScenarioError, check it names the file and every fragment."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, overrides)
    message = str(info.value)
    for fragment in (path.name, *fragments):
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert "\n" not in message
    return message
