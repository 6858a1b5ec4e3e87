"""[blocks] in_play: the set of building blocks a scenario puts in play."""

from __future__ import annotations

import pytest
from scenario_helpers import HEAD, expect_error, write

from sim.experiments.scenario import ScenarioError, load_scenario, load_scenarios
from sim.model import metrics
from sim.model.central import LIVE
from sim.model.model import EGovModel


def _load(tmp_path, body):
    return load_scenario(write(tmp_path, HEAD + body))


def test_in_play_restricts_catalogue_and_outputs(tmp_path):
    sc = _load(tmp_path, '[blocks]\nin_play = ["digital_post"]\n')
    assert sc.catalogue.keys == ("digital_post",)
    # eID is live at start and out of play: treated as in use, so no prerequisite left
    assert sc.catalogue["digital_post"].prerequisites == ()
    assert "live at start, out of play" in sc.catalogue.sources["digital_post"]["prerequisites"]
    names = metrics.metric_names(sc.catalogue)
    assert [n for n in names if "__" in n] == [f"{m}__digital_post" for m in metrics.BLOCK_METRICS]
    model = EGovModel(sc.params, sc.catalogue, sc.build_instruments(), rng=1)
    for _ in range(6):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert [c for c in frame.columns if "__" in c] == [n for n in names if "__" in n]
    assert list(sc.to_dict()["catalogue"]["blocks"]) == ["digital_post"]


def test_prerequisites_in_play_are_kept(tmp_path):
    sc = _load(tmp_path, '[blocks]\nin_play = ["data_exchange", "base_registers"]\n')
    assert sc.catalogue.keys == ("base_registers", "data_exchange")  # catalogue order
    assert sc.catalogue["data_exchange"].prerequisites == ("base_registers",)


def test_missing_prerequisite_not_live_is_an_error(tmp_path):
    path = write(tmp_path, HEAD + '[blocks]\nin_play = ["data_exchange"]\n')
    live = "blocks.base_registers.platform_live_at_start = true"
    expect_error(path, "blocks.in_play", "misses a prerequisite", "'base_registers' in play too",
                 "'data_exchange' needs it", live)  # fmt: skip
    # made live at start, it may stay out of play
    body = HEAD + (
        '[blocks]\nin_play = ["data_exchange"]\n'
        "[blocks.base_registers]\nplatform_live_at_start = true\n"
    )
    assert load_scenario(write(tmp_path, body)).catalogue.keys == ("data_exchange",)


def test_eid_not_live_then_needed(tmp_path):
    body = HEAD + '[blocks]\nin_play = ["portal"]\n[blocks.eid]\nplatform_live_at_start = false\n'
    expect_error(write(tmp_path, body), "blocks.in_play", "'eid' in play too")


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("[]", ["blocks.in_play", "non-empty list"]),
        ('"digital_post"', ["blocks.in_play", "non-empty list"]),
        ('["digital_post", "digital_post"]', ["distinct"]),
        ('["digital_psot"]', ["'digital_psot'", "is an unknown block", "'digital_post'"]),
    ],
)
def test_bad_in_play_values(tmp_path, value, words):
    expect_error(write(tmp_path, HEAD + f"[blocks]\nin_play = {value}\n"), *words)


def test_override_of_a_block_out_of_play_is_an_error(tmp_path):
    body = HEAD + '[blocks]\nin_play = ["digital_post"]\n[blocks.portal]\nvisibility = 0.2\n'
    expect_error(write(tmp_path, body), "blocks.portal", "is not in play", "['digital_post']")


def test_target_outside_play_is_an_error(tmp_path):
    body = HEAD + (
        '[blocks]\nin_play = ["digital_post"]\n'
        '[[instruments]]\ntype = "legislation"\nstart = 1\ndeadline = 5\n'
        '[instruments.target]\nblocks = ["portal"]\n'
    )
    expect_error(
        write(tmp_path, body), "instruments.0.target.blocks", "'portal'", "['digital_post']"
    )


def test_in_play_through_set(tmp_path):
    path = write(tmp_path, HEAD)
    sc = load_scenario(path, ['blocks.in_play=["eid", "e_payment"]'])
    assert sc.catalogue.keys == ("eid", "e_payment")
    expect_error(path, "--set blocks.in_play", overrides=('blocks.in_play=["nope"]',))


@pytest.mark.parametrize("block", ["digital_post", "e_payment"])
def test_platform_live_at_start_per_block(tmp_path, block):
    """blocks.<b>.platform_live_at_start = true: the platform is live in quarter 0."""
    sc = load_scenario(write(tmp_path, HEAD), [f"blocks.{block}.platform_live_at_start=true"])
    assert sc.catalogue[block].platform_live_at_start
    live = EGovModel(sc.params, sc.catalogue, rng=3)
    plain = EGovModel(load_scenario(write(tmp_path, HEAD)).params, rng=3)
    b = sc.catalogue.index(block)
    assert live.central.platform[b] == LIVE != plain.central.platform[b]
    live.step()
    plain.step()
    assert live.current["platforms_live"] > plain.current["platforms_live"]


def test_a_batch_puts_the_same_blocks_in_play(tmp_path):
    full = write(tmp_path, HEAD, "full")
    one = write(tmp_path, HEAD + '[blocks]\nin_play = ["digital_post"]\n', "one")
    also = write(tmp_path, HEAD + '[blocks]\nin_play = ["digital_post"]\n', "also")
    assert len(load_scenarios([one, also])) == 2
    with pytest.raises(ScenarioError) as err:
        load_scenarios([full, one])
    msg = str(err.value)
    assert msg.startswith(f"{one}: blocks.in_play = ['digital_post'] differs within the batch")
    assert "first scenario 'full'" in msg
