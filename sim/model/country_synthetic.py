"""Synthetic countries: municipalities of any number, with a settable size law.

A batch explores countries that do not exist, so that results can be checked for
dependence on the number and the size distribution of municipalities (docs/ODD.md §5).
Sizes follow a log-normal or a Zipf law; each parameter of the law is either set in
``country`` (``size_median``, ``size_sigma``, ``zipf_exponent``, ``size_min``,
``largest``) or, when left unset, fitted to the real preset ``country.size_fit``.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from sim.model.country import Country, _symmetric_adjacency, load_real
from sim.model.fields import ParameterError
from sim.model.params import CountryParams

#: Synthetic countries live in this lat/lon box (roughly Denmark's), so that maps and
#: great-circle code written for real presets also work for synthetic ones.
SYNTHETIC_LAT = (54.0, 58.0)
SYNTHETIC_LON = (8.0, 13.0)


def knn_adjacency(xy: np.ndarray, k: float):
    """Link each point to its ``round(k)`` nearest neighbours, then symmetrise.

    The mean degree lies between k and 2k (typically about 1.3k). Used for synthetic
    layouts and for user tables without an adjacency file.
    """
    n = len(xy)
    k = min(max(round(k), 1), n - 1)
    if n < 2:
        return _symmetric_adjacency(np.zeros(0, np.int64), np.zeros(0, np.int64), n)
    nbr = cKDTree(xy).query(xy, k=k + 1)[1][:, 1:].ravel().astype(np.int64)
    return _symmetric_adjacency(np.repeat(np.arange(n), k), nbr, n)


def make_synthetic(params: CountryParams, rng: np.random.Generator) -> Country:
    """Draw a synthetic country from ``rng`` alone (same seed, same country).

    Draw order (fixed, so seeds stay comparable): positions, sizes, region seeds.
    Positions are uniform in the unit square, shown in the lat/lon box
    ``SYNTHETIC_LAT`` x ``SYNTHETIC_LON``. Each municipality is linked to its
    ``k = round(params.neighbours)`` nearest neighbours in the square
    (:func:`knn_adjacency`).
    Regions are the Voronoi cells of ``n_regions`` distinct municipalities chosen at
    random, hence spatially contiguous and never empty.
    """
    n = params.n_municipalities
    if params.n_regions > n:
        raise ParameterError("n_regions", params.n_regions, f"at most n_municipalities ({n})")
    xy = rng.random((n, 2))
    population = _synthetic_sizes(params, n, rng)
    adjacency = knn_adjacency(xy, params.neighbours)
    region = np.full(n, -1, dtype=np.int64)
    width = len(str(max(params.n_regions, 1)))
    region_codes = tuple(f"R{j + 1:0{width}d}" for j in range(params.n_regions))
    if params.n_regions:
        seeds = rng.choice(n, size=params.n_regions, replace=False)
        region = cKDTree(xy[seeds]).query(xy)[1].astype(np.int64)
        region[seeds] = np.arange(params.n_regions)  # a seed on a tie keeps its own region
    mwidth = len(str(n))
    return Country(
        name="synthetic",
        codes=np.array([f"S{i + 1:0{mwidth}d}" for i in range(n)], dtype=str),
        names=np.array([f"Municipality {i + 1}" for i in range(n)], dtype=str),
        population=population,
        region=region,
        region_codes=region_codes,
        region_names=tuple(f"Region {j + 1}" for j in range(params.n_regions)),
        lat=SYNTHETIC_LAT[0] + xy[:, 1] * (SYNTHETIC_LAT[1] - SYNTHETIC_LAT[0]),
        lon=SYNTHETIC_LON[0] + xy[:, 0] * (SYNTHETIC_LON[1] - SYNTHETIC_LON[0]),
        adjacency=adjacency,
        provenance=f"synthetic ({size_law(params)}, seed from model rng)",
    )


def fit_lognormal(population: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation of log population (moment fit of a log-normal)."""
    logp = np.log(np.asarray(population, dtype=np.float64))
    return float(logp.mean()), float(logp.std())


def fit_zipf(population: np.ndarray) -> float:
    """Zipf exponent alpha of the rank-size curve, by least squares on log-log.

    Fits ``log size = c - alpha * log rank`` with sizes sorted from largest (rank 1).
    """
    sizes = np.sort(np.asarray(population, dtype=np.float64))[::-1]
    log_rank = np.log(np.arange(1, len(sizes) + 1))
    slope, _ = np.polyfit(log_rank, np.log(sizes), 1)
    return float(-slope)


def size_law(params: CountryParams) -> str:
    """One line naming the law and which of its parameters are set or fitted."""
    fit = params.size_fit
    if params.size_distribution == "lognormal":
        median = _shown(params.size_median, f"fitted to {fit}")
        parts = [f"median {median}", f"sigma {_shown(params.size_sigma, f'fitted to {fit}')}"]
    else:
        median = _shown(params.size_median, f"{fit}'s")
        parts = [f"median {median}", f"exponent {_shown(params.zipf_exponent, f'fitted to {fit}')}"]
    parts.append(f"min {params.size_min}")
    if params.largest is not None:
        parts.append(f"largest {params.largest}")
    return f"{params.size_distribution}: " + ", ".join(parts)


def _shown(value: float | None, otherwise: str) -> str:
    return otherwise if value is None else f"{value:g}"


def _synthetic_sizes(params: CountryParams, n: int, rng: np.random.Generator) -> np.ndarray:
    """Municipal populations from the size law, each unset parameter fitted to ``size_fit``.

    Log-normal: independent draws with log-median ln(``size_median``) (default: the real
    country's log mean) and log-sd ``size_sigma`` (default: the real log sd). Zipf: the
    deterministic curve ``scale * rank**-alpha`` (alpha ``zipf_exponent``, default
    fitted) with the scale set so that its median equals ``size_median`` (default: the
    real median), randomly permuted over locations. Both are rounded, floored at
    ``size_min`` and capped at ``largest`` (when set) so every municipality has
    inhabitants and no draw exceeds a stated largest city.
    """
    real = load_real(params.size_fit, "isolated").population  # cached; cheap
    if params.size_distribution == "lognormal":
        mu, sigma = fit_lognormal(real)
        mu = mu if params.size_median is None else float(np.log(params.size_median))
        sigma = sigma if params.size_sigma is None else params.size_sigma
        sizes = rng.lognormal(mu, sigma, size=n)
    else:
        alpha = fit_zipf(real) if params.zipf_exponent is None else params.zipf_exponent
        median = float(np.median(real)) if params.size_median is None else params.size_median
        rank = np.arange(1, n + 1, dtype=np.float64)
        scale = median / float(np.median(rank**-alpha))
        sizes = rng.permutation(scale * rank**-alpha)
    sizes = np.maximum(np.rint(sizes), params.size_min)
    if params.largest is not None:
        sizes = np.minimum(sizes, params.largest)
    return sizes.astype(np.int64)
