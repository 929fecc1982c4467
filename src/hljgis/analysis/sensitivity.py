"""How much does the ranking depend on the weights?

Weights come from judgement, so a ranking that flips when a weight moves by a few percent
should not be presented as settled. Two standard checks:

* :func:`monte_carlo_weights`: multiply every weight by a random factor in
  ``[1 - p, 1 + p]``, renormalise, re-rank, many times; report each alternative's best,
  worst and median rank and how often it lands in the top k. Vectorised: one
  (runs x criteria) by (criteria x alternatives) product per chunk of runs and one sort per
  run, so 1,000 runs over 100,000 candidate cells take seconds, not minutes.
* :func:`one_at_a_time`: sweep one criterion's weight from 0 to 1, rescaling the others
  proportionally so the weights still sum to 1, and tabulate the ranks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hljgis.analysis.aggregate import rank_scores, weighted_sum, wlc
from hljgis.analysis.weights import direct_weights

__all__ = [
    "MonteCarloResult",
    "OneAtATimeResult",
    "monte_carlo_weights",
    "one_at_a_time",
]

#: ``method`` callables take (scores (m, c), weights (c,)) and return scores (m,).
Aggregator = Callable[[np.ndarray, np.ndarray], np.ndarray]

_CHUNK_ELEMENTS = 4_000_000  # runs x alternatives held at once (~32 MB per float array)
_MEDIAN_ELEMENTS = 25_000_000  # int32 ranks kept for the median (~100 MB)


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """Per-alternative rank statistics over perturbed weights.

    All arrays have one entry per input alternative (input order); excluded and unscored
    alternatives hold NaN.

    Attributes
    ----------
    base_rank : numpy.ndarray
        Rank with the unperturbed weights.
    min_rank, max_rank : numpy.ndarray
        Best and worst rank seen over all runs.
    median_rank, mean_rank : numpy.ndarray
        Median and mean rank over the runs (median over the first ``median_runs`` runs).
    p_top_k : numpy.ndarray
        Share of runs in which the alternative ranked ``<= top_k``.
    runs, top_k, median_runs : int
    perturb : float
    seed : int or None
    """

    base_rank: np.ndarray
    min_rank: np.ndarray
    max_rank: np.ndarray
    median_rank: np.ndarray
    mean_rank: np.ndarray
    p_top_k: np.ndarray
    runs: int
    top_k: int
    perturb: float
    seed: int | None
    median_runs: int

    def to_frame(self, index: Sequence[object] | None = None) -> pd.DataFrame:
        """Return the statistics as a DataFrame, one row per alternative."""
        return pd.DataFrame(
            {
                "base_rank": self.base_rank,
                "min_rank": self.min_rank,
                "max_rank": self.max_rank,
                "median_rank": self.median_rank,
                "mean_rank": self.mean_rank,
                f"p_top_{self.top_k}": self.p_top_k,
            },
            index=index,
        )


@dataclass(frozen=True, eq=False)
class OneAtATimeResult:
    """Ranks while one criterion's weight is swept.

    Attributes
    ----------
    criterion : int
        Index of the swept criterion.
    values : numpy.ndarray, shape (k,)
        The swept weight values.
    weights : numpy.ndarray, shape (k, c)
        Full weight vector used at each value (each sums to 1).
    scores : numpy.ndarray, shape (m, k)
        Aggregated score of each alternative at each value.
    ranks : numpy.ndarray, shape (m, k)
        Rank (1 = best, ties share the lowest rank) at each value; NaN when unranked.
    """

    criterion: int
    values: np.ndarray
    weights: np.ndarray
    scores: np.ndarray
    ranks: np.ndarray

    def to_frame(self, index: Sequence[object] | None = None) -> pd.DataFrame:
        """Return the rank table: rows are alternatives, columns the swept weight values."""
        return pd.DataFrame(self.ranks, index=index, columns=pd.Index(self.values, name="weight"))


# ----------------------------------------------------------------------------- helpers


def _as_scores(scores: object) -> np.ndarray:
    """Return scores as a float (alternatives x criteria) array."""
    s = np.asarray(scores, dtype=float)
    if s.ndim == 1:
        s = s[:, None]
    if s.ndim != 2:
        raise ValueError(
            f"sensitivity: scores must be 2-D (alternatives x criteria), got {s.ndim}-D"
        )
    return s


def _excluded_mask(excluded: object | None, m: int) -> np.ndarray:
    """Return a boolean mask of excluded alternatives (all False when None)."""
    if excluded is None:
        return np.zeros(m, dtype=bool)
    ex = np.asarray(excluded, dtype=bool).ravel()
    if ex.size != m:
        raise ValueError(f"sensitivity: excluded has {ex.size} entries for {m} alternatives")
    return ex


def _aggregator(method: str | Aggregator) -> Aggregator:
    """Resolve ``method`` to a callable ``(scores, weights) -> scores``."""
    if callable(method):
        return method
    if method == "wlc":
        return wlc
    raise ValueError(f"sensitivity: method must be 'wlc' or a callable, got {method!r}")


def _batch_scores(scores: np.ndarray, weights: np.ndarray, method: str | Aggregator) -> np.ndarray:
    """Aggregate for each weight row: (r, c) weights -> (r, m) scores."""
    if method == "wlc":
        return weighted_sum(scores, weights)
    aggregate = _aggregator(method)
    return np.stack([np.asarray(aggregate(scores, w), dtype=float) for w in weights])


def _rank_rows(values: np.ndarray) -> np.ndarray:
    """Rank each row of (r, m) scores, largest = 1, ties share the lowest rank; NaN last."""
    r, m = values.shape
    neg = -values
    order = np.argsort(neg, axis=1)  # ties need no stable order: they get one rank anyway
    ordered = np.take_along_axis(neg, order, axis=1)
    new = np.ones((r, m), dtype=bool)
    new[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    position = np.broadcast_to(np.arange(1, m + 1, dtype=np.int32), (r, m))
    sorted_ranks = np.maximum.accumulate(np.where(new, position, 0), axis=1)
    ranks = np.empty((r, m), dtype=np.int32)
    np.put_along_axis(ranks, order, sorted_ranks.astype(np.int32), axis=1)
    return ranks


def _perturbed_weights(
    w: np.ndarray, perturb: float, runs: int, rng: np.random.Generator
) -> np.ndarray:
    """Draw ``runs`` weight vectors ``w * U(1-p, 1+p)``, each renormalised to sum 1."""
    if perturb == 0:
        return np.tile(w, (runs, 1))  # exactly the plain weights, so ranks match exactly
    factors = rng.uniform(1.0 - perturb, 1.0 + perturb, size=(runs, w.size))
    raw = w * factors
    return raw / raw.sum(axis=1, keepdims=True)


def _check_mc_args(perturb: float, runs: int, top_k: int) -> None:
    """Validate the Monte Carlo settings with messages naming the argument."""
    if not 0.0 <= perturb < 1.0:
        raise ValueError(f"monte_carlo_weights: perturb ({perturb!r}) must be in [0, 1)")
    if int(runs) != runs or runs < 1:
        raise ValueError(f"monte_carlo_weights: runs ({runs!r}) must be a positive integer")
    if int(top_k) != top_k or top_k < 1:
        raise ValueError(f"monte_carlo_weights: top_k ({top_k!r}) must be a positive integer")


def _spread(values: np.ndarray, keep: np.ndarray, fill: float = np.nan) -> np.ndarray:
    """Place per-kept-alternative values back into an all-alternatives array."""
    out = np.full(keep.shape, fill, dtype=float)
    out[keep] = values
    return out


# ------------------------------------------------------------------------- Monte Carlo


def monte_carlo_weights(
    scores: object,
    weights: object,
    *,
    perturb: float = 0.2,
    runs: int = 1000,
    seed: int | None = 0,
    top_k: int = 10,
    excluded: object | None = None,
    method: str | Aggregator = "wlc",
) -> MonteCarloResult:
    """Rank stability under random weight perturbation.

    Each run multiplies every weight by an independent factor drawn uniformly from
    ``[1 - perturb, 1 + perturb]``, renormalises the weights to sum 1, aggregates and ranks
    (1 = best, ties share the lowest rank).

    Parameters
    ----------
    scores : array_like, shape (m, c)
        Criterion scores (0..1 for WLC).
    weights : array_like, shape (c,)
        Base weights (normalised here).
    perturb : float, default 0.2
        Relative perturbation ``p`` in [0, 1); 0 reproduces the plain ranking in every run.
    runs : int, default 1000
    seed : int or None, default 0
        Seed for :func:`numpy.random.default_rng`; the same seed gives the same result.
    top_k : int, default 10
        Size of the shortlist for ``p_top_k``.
    excluded : array_like of bool, shape (m,), optional
        Alternatives that take no part (failed constraints): they get NaN everywhere and do
        not occupy ranks.
    method : "wlc" or callable, default "wlc"
        Aggregation. A callable gets ``(scores, weights)`` and returns one score per
        alternative (e.g. ``lambda s, w: topsis(s, w, benefit)``); it is called once per
        run, so it should be vectorised over alternatives.

    Returns
    -------
    MonteCarloResult
        Alternatives whose base score is NaN (missing data under WLC) are treated as
        excluded. Ranks are among the ranked alternatives only.

    Raises
    ------
    ValueError
        On invalid settings or shapes, or scores outside 0..1 for WLC.

    Notes
    -----
    Memory stays bounded: runs are processed in chunks of about 4 million
    (run, alternative) cells. The median needs every rank, so when ``runs x alternatives``
    exceeds 25 million it is taken over the first ``median_runs`` runs only (an unbiased
    sample, since runs are independent); ``median_runs`` says how many.
    """
    _check_mc_args(perturb, runs, top_k)
    s = _as_scores(scores)
    w = direct_weights(np.atleast_1d(np.asarray(weights, dtype=float)))
    if w.size != s.shape[1]:
        raise ValueError(f"monte_carlo_weights: {w.size} weights given for {s.shape[1]} criteria")
    # Excluded rows are dropped before aggregating: for TOPSIS they must not set the ideals.
    keep = ~_excluded_mask(excluded, s.shape[0])
    base_scores = np.asarray(_aggregator(method)(s[keep], w), dtype=float)
    keep[keep] = ~np.isnan(base_scores)
    sk = s[keep]
    m = sk.shape[0]
    rng = np.random.default_rng(seed)
    all_weights = _perturbed_weights(w, float(perturb), int(runs), rng)

    base_rank = _rank_rows(_batch_scores(sk, w[None, :], method))[0] if m else np.empty(0)
    lo = np.full(m, np.iinfo(np.int32).max, dtype=np.int32)
    hi = np.zeros(m, dtype=np.int32)
    total = np.zeros(m)
    in_top = np.zeros(m)
    median_runs = int(min(runs, max(1, _MEDIAN_ELEMENTS // max(m, 1))))
    kept_ranks = np.empty((median_runs, m), dtype=np.int32)
    chunk = max(1, _CHUNK_ELEMENTS // max(m, 1))
    for start in range(0, int(runs), chunk):  # loop over chunks of runs, never alternatives
        ranks = _rank_rows(_batch_scores(sk, all_weights[start : start + chunk], method))
        np.minimum(lo, ranks.min(axis=0), out=lo)
        np.maximum(hi, ranks.max(axis=0), out=hi)
        total += ranks.sum(axis=0)
        in_top += (ranks <= top_k).sum(axis=0)
        if start < median_runs:
            take = min(median_runs - start, ranks.shape[0])
            kept_ranks[start : start + take] = ranks[:take]
    median = np.median(kept_ranks, axis=0) if m else np.empty(0)
    return MonteCarloResult(
        base_rank=_spread(base_rank, keep),
        min_rank=_spread(lo, keep),
        max_rank=_spread(hi, keep),
        median_rank=_spread(median, keep),
        mean_rank=_spread(total / runs, keep),
        p_top_k=_spread(in_top / runs, keep),
        runs=int(runs),
        top_k=int(top_k),
        perturb=float(perturb),
        seed=seed,
        median_runs=median_runs,
    )


# ------------------------------------------------------------------------ one at a time


def _sweep_weights(w: np.ndarray, criterion: int, values: np.ndarray) -> np.ndarray:
    """Weight vectors with ``w[criterion] = v`` and the others rescaled to sum ``1 - v``."""
    others = w.copy()
    others[criterion] = 0.0
    rest = others.sum()
    share = others / rest if rest > 0 else np.where(np.arange(w.size) == criterion, 0.0, 1.0)
    share = share / share.sum()
    table = (1.0 - values)[:, None] * share[None, :]
    table[:, criterion] = values
    return table


def _criterion_index(criterion: int | str, names: Sequence[str] | None, c: int) -> int:
    """Resolve a criterion given by index or by name."""
    if isinstance(criterion, str):
        if names is None or criterion not in list(names):
            raise ValueError(f"one_at_a_time: unknown criterion {criterion!r}")
        return list(names).index(criterion)
    k = int(criterion)
    if not 0 <= k < c:
        raise ValueError(f"one_at_a_time: criterion index {k} is outside 0..{c - 1}")
    return k


def one_at_a_time(
    scores: object,
    weights: object,
    criterion: int | str,
    values: object | None = None,
    *,
    names: Sequence[str] | None = None,
    excluded: object | None = None,
    method: str | Aggregator = "wlc",
) -> OneAtATimeResult:
    """Sweep one criterion's weight and record every alternative's rank.

    At each value ``v`` the swept criterion gets weight ``v`` and the others share
    ``1 - v`` in their original proportions (equally, if they were all 0), so the weights
    always sum to 1 and the other criteria keep their relative importance.

    Parameters
    ----------
    scores : array_like, shape (m, c)
    weights : array_like, shape (c,)
        Base weights (normalised here).
    criterion : int or str
        Index of the swept criterion, or its name when ``names`` is given.
    values : array_like, optional
        Weights to try, each in 0..1; default ``np.linspace(0, 1, 11)``.
    names : sequence of str, optional
        Criterion names, to allow ``criterion`` by name.
    excluded : array_like of bool, shape (m,), optional
        Alternatives that are never ranked.
    method : "wlc" or callable, default "wlc"
        As in :func:`monte_carlo_weights`.

    Returns
    -------
    OneAtATimeResult

    Raises
    ------
    ValueError
        With fewer than two criteria, an unknown criterion, or a value outside 0..1.

    Examples
    --------
    >>> r = one_at_a_time([[1.0, 0.0], [0.0, 1.0]], [0.5, 0.5], 0, values=[0.2, 0.8])
    >>> r.ranks.tolist()
    [[2.0, 1.0], [1.0, 2.0]]
    """
    s = _as_scores(scores)
    c = s.shape[1]
    if c < 2:
        raise ValueError("one_at_a_time: needs at least two criteria")
    w = direct_weights(np.atleast_1d(np.asarray(weights, dtype=float)))
    if w.size != c:
        raise ValueError(f"one_at_a_time: {w.size} weights given for {c} criteria")
    k = _criterion_index(criterion, names, c)
    v = np.linspace(0.0, 1.0, 11) if values is None else np.atleast_1d(np.asarray(values, float))
    if v.ndim != 1 or not ((v >= 0) & (v <= 1)).all():
        raise ValueError(f"one_at_a_time: values must each be in 0..1, got {v.tolist()}")
    table = _sweep_weights(w, k, v)
    _aggregator(method)(s, w)  # validate method and scores (0..1 for WLC) before the sweep
    aggregated = _batch_scores(s, table, method)  # (k, m)
    ex = _excluded_mask(excluded, s.shape[0])
    ranks = np.stack([rank_scores(row, ex) for row in aggregated])  # loop over sweep values
    return OneAtATimeResult(
        criterion=k, values=v, weights=table, scores=aggregated.T, ranks=ranks.T
    )
