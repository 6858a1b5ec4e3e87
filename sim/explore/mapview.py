"""The municipalities of a running model on a map, coloured by adoption or trust.

Positions are the lat/lon of the country tables (real presets) or the synthetic
layout's box, so one map serves every country. The interactive map is altair (vega
renders it in the browser, with tooltips, from Solara's local asset cache); the PNG
export is matplotlib, since altair's own PNG export needs a converter that is not a
dependency.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import altair as alt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.model.state import ADOPTED, STATUS_NAMES

if TYPE_CHECKING:
    from sim.model.model import EGovModel

ALL_BLOCKS = "adoption (all blocks)"
TRUST_CENTRAL = "trust in central"
TRUST_REGION = "trust in region"
EDGE = {"edgecolor": "white", "linewidth": 0.4}
STATUS_COLOURS = {
    "none": "#d9d9d9",
    "implementing": "#fdae61",
    "adopted": "#1a9641",
    "local": "#7b3294",
    "failed": "#d7191c",
}


def colour_options(blocks: list[str]) -> list[str]:
    """What the map can be coloured by: all blocks, one block's status, or trust."""
    return [ALL_BLOCKS, *(f"block: {b}" for b in blocks), TRUST_CENTRAL, TRUST_REGION]


def map_frame(model: EGovModel) -> pd.DataFrame:
    """One row per municipality: position, size, region, adoption, trust, block statuses."""
    st, country = model.state, model.country
    keys = list(model.catalogue.keys)
    adopted = st.status == ADOPTED
    names = np.array(keys, dtype=object)
    adopted_list = [", ".join(names[row]) or "none" for row in adopted]
    regions = np.array([*country.region_names, "(no region)"], dtype=object)
    frame = pd.DataFrame(
        {
            "name": country.names.astype(str),
            "lat": country.lat,
            "lon": country.lon,
            "population": st.population.astype(np.int64),
            "region": regions[np.where(st.region >= 0, st.region, len(regions) - 1)],
            "adoption": adopted.mean(axis=1),
            "blocks_adopted": [f"{n} of {len(keys)}: {s}" for n, s in
                               zip(adopted.sum(axis=1), adopted_list, strict=True)],
            "trust_central": st.trust_central.astype(float),
            "trust_region": st.trust_region.astype(float),
        }
    )  # fmt: skip
    status = np.asarray(STATUS_NAMES, dtype=object)[st.status]
    for j, key in enumerate(keys):
        frame[f"status_{key}"] = status[:, j]
    return frame


def _colour(option: str) -> tuple[str, alt.Color]:
    """The column and altair colour encoding of a colour option."""
    if option.startswith("block: "):
        block = option.removeprefix("block: ")
        scale = alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values()))
        return f"status_{block}", alt.Color(
            f"status_{block}:N", scale=scale, title=f"{block.replace('_', ' ')}"
        )
    column = {ALL_BLOCKS: "adoption", TRUST_CENTRAL: "trust_central"}.get(option, "trust_region")
    scale = alt.Scale(domain=[0, 1], scheme="viridis")
    return column, alt.Color(f"{column}:Q", scale=scale, title=option)


def map_chart(frame: pd.DataFrame, option: str, title: str = "") -> alt.Chart:
    """Circles at municipal positions: colour by ``option``, area by population, tooltips."""
    _, colour = _colour(option)
    tooltip = [
        alt.Tooltip("name:N", title="municipality"),
        alt.Tooltip("population:Q", format=","),
        alt.Tooltip("region:N"),
        alt.Tooltip("blocks_adopted:N", title="blocks adopted"),
        alt.Tooltip("trust_central:Q", title="trust in central", format=".2f"),
        alt.Tooltip("trust_region:Q", title="trust in region", format=".2f"),
    ]
    size = alt.Size("population:Q", scale=alt.Scale(range=[12, 700]), legend=None)
    return (
        alt.Chart(frame, title=title)
        .mark_circle(opacity=0.85, stroke="white", strokeWidth=0.4)
        .encode(longitude="lon:Q", latitude="lat:Q", color=colour, size=size, tooltip=tooltip)
        .project("mercator")
        .properties(width=360, height=270)
    )


def map_figure(frame: pd.DataFrame, option: str, title: str = "") -> Figure:
    """The same map as a matplotlib figure (for PNG export)."""
    column, _ = _colour(option)
    fig = Figure(figsize=(6, 5.5), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    area = 12 + 700 * frame["population"] / max(float(frame["population"].max()), 1.0)
    if column.startswith("status_"):
        for status, colour in STATUS_COLOURS.items():
            rows = frame[column] == status
            if rows.any():
                lon, lat = frame.loc[rows, "lon"], frame.loc[rows, "lat"]
                ax.scatter(lon, lat, s=area[rows], color=colour, label=status, **EDGE)
        ax.legend(fontsize=8, frameon=False, markerscale=0.5)
    else:
        values = frame[column]
        points = ax.scatter(frame["lon"], frame["lat"], s=area, c=values, vmin=0, vmax=1, **EDGE)
        fig.colorbar(points, ax=ax, label=option, shrink=0.7)
    ax.set_aspect(1 / np.cos(np.radians(float(frame["lat"].mean()))))
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_title(title or option, fontsize=11)
    return fig
