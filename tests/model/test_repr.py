"""What a notebook shows for the model and its agents: who, how big, where, how far, trust."""

from __future__ import annotations

import re

from sim.instruments.base import instrument_class
from sim.model.agents import Municipality
from sim.model.model import EGovModel
from sim.model.params import CountryParams, ModelParams, TimeParams
from sim.model.state import ADOPTED, IMPLEMENTING


def _model(**country) -> EGovModel:
    params = ModelParams(
        country=CountryParams(**{"name": "synthetic", "n_municipalities": 30, **country}),
        time=TimeParams(n_quarters=20),
    )
    legislation = instrument_class("legislation")(start=0, deadline=12)
    return EGovModel(params, instruments=[legislation], rng=3)


def test_model_repr_names_country_size_quarter_and_instruments():
    model = _model(n_regions=3)
    text = repr(model)
    assert text.startswith("<EGovModel synthetic, 30 municipalities in 3 regions, 7 blocks")
    assert "quarter 0 of 20" in text and "instruments [legislation]" in text
    model.run(5)
    assert "quarter 5 of 20" in repr(model)
    assert "object at 0x" not in text


def test_municipality_repr_shows_name_population_region_blocks_and_trust():
    model = _model(n_regions=3).run(12)
    st = model.state
    keys = model.catalogue.keys
    for agent in model.agents_by_type[Municipality]:
        i = agent.index
        text = repr(agent)
        region = model.country.region_names[st.region[i]]
        assert text.startswith(f"<Municipality {agent.name!r} ({agent.code}), ")
        assert f"pop {int(st.population[i]):,}" in text and f"region {region}," in text
        adopted = [keys[b] for b in range(len(keys)) if st.status[i, b] == ADOPTED]
        assert f"adopted [{', '.join(adopted) or '-'}]" in text
        building = [keys[b] for b in range(len(keys)) if st.status[i, b] == IMPLEMENTING]
        assert (f"implementing [{', '.join(building)}]" in text) == bool(building)
        assert f"trust central {st.trust_central[i]:.2f} region {st.trust_region[i]:.2f}>" in text
        assert agent.role in text
    assert (st.status == ADOPTED).any(), "the fixture should adopt something to show"


def test_government_reprs():
    model = _model(n_regions=2).run(8)
    central = repr(model.central)
    assert central.startswith("<CentralGovernment, platforms live [eid")
    assert f"credibility {model.central.credibility:.2f}" in central
    region = model.region_agents[1]
    text = repr(region)
    n = int((model.state.region == 1).sum())
    assert text.startswith(f"<RegionalGovernment {region.name!r}, {n} municipalities, pop ")
    assert re.search(r"trust central \d\.\d\d>$", text)


def test_repr_without_a_regional_tier():
    model = _model(n_regions=0)
    assert ", no regional tier, " in repr(model)
    agent = next(iter(model.agents_by_type[Municipality]))
    assert ", region -, " in repr(agent)
