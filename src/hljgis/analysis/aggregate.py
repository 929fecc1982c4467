"""Aggregation of criterion scores into one suitability value, and ranking.

Two aggregation rules are offered because planners' textbooks use both:

* :func:`wlc`, weighted linear combination (weighted sum of 0..1 scores), the GIS
  suitability-mapping standard; fully compensatory and easy to explain in a score card.
* :func:`topsis`, closeness to the ideal alternative (Hwang & Yoon 1981), which works on
  raw values with benefit/cost directions and is common in site-selection papers.

:func:`rank_scores` turns either result into ranks 1..k, leaving excluded alternatives
(failed constraints, missing data) without a rank. All functions are vectorised over
alternatives; none loops in Python over rows.
"""

from __future__ import annotations

import numpy as np

from hljgis.analysis.weights import direct_weights

__all__ = ["NAN_POLICIES", "RANK_METHODS", "descending_order", "rank_order", "rank_scores",
           "topsis", "weighted_sum", "wlc"]

#: Accepted values of ``wlc(..., nan_policy=...)``.
NAN_POLICIES = ("propagate", "renormalize", "zero")
#: Accepted values of ``rank_scores(..., method=...)``.
RANK_METHODS = ("min", "dense", "first", "max")

_SCORE_TOL = 1e-9


def _as_matrix(values: object, what: str) -> np.ndarray:
    """Return a float 2-D (alternatives x criteria) array or raise naming ``what``."""
    x = np.asarray(values, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise ValueError(f"{what}: expected a 2-D table (alternatives x criteria), got {x.ndim}-D")
    return x


def _weights_for(weights: object, n_criteria: int, what: str) -> np.ndarray:
    """Normalise weights and check there is one per criterion column."""
    w = direct_weights(np.atleast_1d(np.asarray(weights, dtype=float)))
    if w.size != n_criteria:
        raise ValueError(f"{what}: {w.size} weights given for {n_criteria} criteria")
    return w


def _check_unit_interval(scores: np.ndarray) -> None:
    """Refuse scores outside 0..1 (NaN allowed), naming the first offending cell."""
    with np.errstate(invalid="ignore"):
        bad = (scores < -_SCORE_TOL) | (scores > 1 + _SCORE_TOL)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(
            f"wlc: score of alternative {i + 1} on criterion {j + 1} is {scores[i, j]:g}; "
            "WLC expects transformed scores in 0..1 (apply a transform first)"
        )


def weighted_sum(scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Return ``scores @ weights.T`` summed criterion by criterion in a fixed order.

    ``weights`` is (c,) or (r, c); the result is (m,) or (r, m). Summing column by column
    (instead of BLAS, whose summation order depends on the matrix shape) gives bit-identical
    results for the same weight vector whether it is applied alone or in a batch, so the
    Monte Carlo ranks with ``perturb=0`` equal the plain ranks exactly, ties included.
    """
    w = np.asarray(weights, dtype=float)
    out = np.zeros(w.shape[:-1] + scores.shape[:1])
    for j in range(scores.shape[1]):  # loop over criteria (few), not alternatives
        if np.any(w[..., j]):  # a criterion weighted 0 everywhere cannot matter, even if NaN
            out += w[..., j, None] * scores[:, j]
    return out


def wlc(
    scores: object,
    weights: object,
    *,
    nan_policy: str = "propagate",
) -> np.ndarray:
    """Weighted linear combination: ``sum_j w_j * s_ij`` with weights normalised to sum 1.

    Parameters
    ----------
    scores : array_like, shape (m, c)
        Criterion scores in 0..1 (1 = most suitable), one row per alternative. A 1-D array is
        read as one criterion.
    weights : array_like, shape (c,)
        Non-negative importance values; normalised here, so "5, 3, 2" is fine.
    nan_policy : {"propagate", "renormalize", "zero"}, default "propagate"
        What a missing score (NaN) means:

        * ``"propagate"``: the alternative cannot be scored, its result is NaN, and
          :func:`rank_scores` leaves it unranked. The safe default: a site is not rewarded
          or punished for data nobody collected. A NaN on a criterion weighted 0 is ignored.
        * ``"renormalize"``: score the alternative on the criteria it has, with those weights
          rescaled to sum 1. NaN only if every weighted criterion is missing.
        * ``"zero"``: treat missing as worst (score 0).

    Returns
    -------
    numpy.ndarray, shape (m,)
        Aggregated scores in 0..1.

    Raises
    ------
    ValueError
        If shapes disagree, weights are invalid, a score lies outside 0..1 (the message names
        alternative and criterion), or ``nan_policy`` is unknown.

    Examples
    --------
    >>> wlc([[1.0, 0.0], [0.5, 0.5]], [3, 1]).tolist()
    [0.75, 0.5]
    """
    s = _as_matrix(scores, "wlc")
    w = _weights_for(weights, s.shape[1], "wlc")
    _check_unit_interval(s)
    if nan_policy not in NAN_POLICIES:
        raise ValueError(f"wlc: nan_policy must be one of {NAN_POLICIES}, got {nan_policy!r}")
    missing = np.isnan(s)
    if nan_policy == "propagate" or not missing.any():
        return weighted_sum(s, w)
    total = weighted_sum(np.where(missing, 0.0, s), w)
    if nan_policy == "zero":
        return total
    present_weight = weighted_sum((~missing).astype(float), w)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = total / present_weight
    out[present_weight <= 0] = np.nan
    return out


def _benefit_mask(benefit: object, n_criteria: int) -> np.ndarray:
    """Return a boolean benefit flag per criterion (True = larger is better)."""
    b = np.asarray(benefit)
    if b.ndim == 0:
        b = np.full(n_criteria, bool(b))
    if b.shape != (n_criteria,):
        raise ValueError(f"topsis: {b.size} benefit flags given for {n_criteria} criteria")
    if b.dtype != bool:
        if not np.isin(b, (0, 1)).all():
            raise ValueError("topsis: benefit flags must be True (benefit) or False (cost)")
        b = b.astype(bool)
    return b


def topsis(values: object, weights: object, benefit: object = True) -> np.ndarray:
    """TOPSIS closeness coefficient of each alternative (Hwang & Yoon 1981).

    Steps: vector-normalise each criterion column (``x_ij / sqrt(sum_i x_ij**2)``), multiply
    by the weights, take the ideal (best per column: max for a benefit criterion, min for a
    cost one) and the anti-ideal, and return ``d- / (d+ + d-)`` from Euclidean distances.
    1 means the alternative is the ideal, 0 the anti-ideal.

    Parameters
    ----------
    values : array_like, shape (m, c)
        Raw, non-negative criterion values (units do not matter; normalisation removes them).
    weights : array_like, shape (c,)
        Non-negative importance values; normalised here.
    benefit : bool or array_like of bool, shape (c,), default True
        True where larger is better, False for a cost criterion.

    Returns
    -------
    numpy.ndarray, shape (m,)
        Closeness coefficients in 0..1. A row with any NaN gets NaN and is left out of the
        normalisation and of the ideal points. A column that is all zeros has norm 0; it is
        kept as zeros (it cannot separate alternatives) instead of producing NaN. If every
        alternative coincides with both ideal points (no criterion separates them), the
        closeness is 0.5 for all of them.

    Raises
    ------
    ValueError
        On shape mismatch, invalid weights, or a negative value (vector normalisation
        assumes values measured from zero; transform or shift the column first).

    Examples
    --------
    >>> topsis([[1.0, 2.0], [2.0, 1.0]], [1, 1], [True, False]).round(3).tolist()
    [0.0, 1.0]
    """
    x = _as_matrix(values, "topsis")
    w = _weights_for(weights, x.shape[1], "topsis")
    b = _benefit_mask(benefit, x.shape[1])
    valid = ~np.isnan(x).any(axis=1)
    with np.errstate(invalid="ignore"):
        negative = x < 0
    if negative.any():
        i, j = np.argwhere(negative)[0]
        raise ValueError(
            f"topsis: value of alternative {i + 1} on criterion {j + 1} is {x[i, j]:g}; "
            "TOPSIS needs non-negative values"
        )
    out = np.full(x.shape[0], np.nan)
    if not valid.any():
        return out
    xv = x[valid]
    norm = np.sqrt((xv**2).sum(axis=0))
    safe_norm = np.where(norm > 0, norm, 1.0)
    v = xv / safe_norm * w
    best = np.where(b, v.max(axis=0), v.min(axis=0))
    worst = np.where(b, v.min(axis=0), v.max(axis=0))
    d_plus = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - worst) ** 2).sum(axis=1))
    denom = d_plus + d_minus
    with np.errstate(invalid="ignore", divide="ignore"):
        closeness = np.where(denom > 0, d_minus / denom, 0.5)
    out[valid] = closeness
    return out


def _ascending_keys(values: np.ndarray) -> np.ndarray:
    """uint64 keys of finite floats whose ascending order is the values' descending order
    (equal values, -0.0 and 0.0 included, get equal keys)."""
    bits = (np.asarray(values, dtype=float) + 0.0).view(np.int64)  # + 0.0: -0.0 -> 0.0
    # IEEE 754 bits order non-negative floats as integers, negative ones in reverse; the
    # result is flipped (largest value first) and offset to unsigned
    asc = np.where(bits < 0, bits ^ np.int64(0x7FFFFFFFFFFFFFFF), bits)
    np.invert(asc, out=asc)
    return asc.view(np.uint64) ^ np.uint64(1 << 63)


def descending_order(values: np.ndarray) -> np.ndarray:
    """Positions of finite ``values`` largest first, ties in position order (what
    ``np.argsort(-values, kind="stable")`` gives).

    numpy sorts integers with SIMD but argsorts floats without it: 1M scores take 76 ms
    with ``argsort``, 126 ms stable. Here each value's order key keeps its top bits and
    gives its low ``log2(n)`` bits to the position, and one plain ``np.sort`` of those
    uint64 (8 ms) orders values and breaks ties by position at once; values that differ
    only in the dropped bits (relative 2**-32 at a million) are put right afterwards.
    """
    n = values.size
    if n < 2:
        return np.arange(n, dtype=np.int64)
    shift = np.uint64(int(n - 1).bit_length())
    key = _ascending_keys(values)
    packed = (key >> shift) << shift
    packed |= np.arange(n, dtype=np.uint64)
    packed.sort()
    order = (packed & np.uint64((1 << int(shift)) - 1)).astype(np.int64)
    full = key[order]
    if (full[1:] < full[:-1]).any():  # near ties out of order: re-sort their runs
        top = packed >> shift
        run = np.concatenate(([0], np.cumsum(top[1:] != top[:-1])))
        bad = np.zeros(run[-1] + 1, dtype=bool)
        bad[run[1:][full[1:] < full[:-1]]] = True
        at = np.flatnonzero(bad[run])
        order[at] = order[at][np.lexsort((order[at], full[at], run[at]))]
    return order


def _ranks_desc(values: np.ndarray, method: str, order: np.ndarray | None = None
                ) -> np.ndarray:
    """Rank finite values, largest first, 1-based, with ``method`` for ties (float array);
    ``order``: :func:`descending_order` of ``values`` when the caller has it."""
    n = values.size
    order = descending_order(values) if order is None else order
    out = np.empty(n)
    if method == "first":
        out[order] = np.arange(1, n + 1, dtype=float)
        return out
    # a whole tie group gets one rank: where each group starts in the sorted values
    s = values[order]
    new = np.empty(n, dtype=bool)
    new[:1] = True
    np.not_equal(s[1:], s[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    sizes = np.empty_like(starts)
    np.subtract(starts[1:], starts[:-1], out=sizes[:-1])
    sizes[-1:] = n - starts[-1:]
    if method == "min":
        group_rank = starts + 1.0
    elif method == "max":
        group_rank = (starts + sizes).astype(float)
    else:  # dense
        group_rank = np.arange(1, starts.size + 1, dtype=float)
    out[order] = np.repeat(group_rank, sizes)
    return out


def rank_order(scores: np.ndarray, excluded_mask: np.ndarray | None = None,
               method: str = "min") -> tuple[np.ndarray, np.ndarray]:
    """:func:`rank_scores` and the sites in table order from one sort.

    Returns
    -------
    rank : numpy.ndarray of float, shape (m,)
        As :func:`rank_scores`.
    order : numpy.ndarray of int64, shape (m,)
        Ranked sites best first (ties in position order), then the unranked ones in
        position order: ``np.argsort(where(isnan(rank), inf, rank), kind="stable")``
        for every method but ``"max"`` (whose ties still come in position order).
    """
    if method not in RANK_METHODS:
        raise ValueError(f"rank_scores: method must be one of {RANK_METHODS}, got {method!r}")
    s, keep = _kept(scores, excluded_mask)
    kept = np.flatnonzero(keep)
    values = s[kept]
    order = descending_order(values)
    rank = np.full(s.shape, np.nan)
    rank[kept] = _ranks_desc(values, method, order)
    return rank, np.concatenate((kept[order], np.flatnonzero(~keep)))


def _kept(scores: object, excluded_mask: object | None) -> tuple[np.ndarray, np.ndarray]:
    s = np.asarray(scores, dtype=float).ravel()
    keep = ~np.isnan(s)
    if excluded_mask is not None:
        ex = np.asarray(excluded_mask, dtype=bool).ravel()
        if ex.shape != s.shape:
            raise ValueError(
                f"rank_scores: excluded_mask has {ex.size} entries for {s.size} scores"
            )
        keep &= ~ex
    return s, keep


def rank_scores(
    scores: object,
    excluded_mask: object | None = None,
    method: str = "min",
) -> np.ndarray:
    """Rank alternatives by score, 1 = best, leaving excluded ones unranked.

    Parameters
    ----------
    scores : array_like, shape (m,)
        Higher is better (WLC scores, TOPSIS closeness).
    excluded_mask : array_like of bool, shape (m,), optional
        True for alternatives that must not be ranked (failed a constraint). Alternatives
        whose score is NaN are never ranked either.
    method : {"min", "dense", "first", "max"}, default "min"
        Ties, as in :meth:`pandas.Series.rank`: ``"min"`` gives tied alternatives the best
        (lowest) rank of the group, so two sites sharing first place are both 1 and the next
        is 3; ``"dense"`` would make it 2; ``"first"`` breaks ties by input order; ``"max"``
        gives the group's worst rank.

    Returns
    -------
    numpy.ndarray of float, shape (m,)
        Ranks 1..k among the k ranked alternatives; NaN for excluded or unscored ones. A float
        array is used because NaN is the one "no rank" marker that numpy, pandas
        (``Series(ranks).astype("Int64")`` gives a nullable integer column) and GeoPackage
        writers all understand.

    Raises
    ------
    ValueError
        If ``method`` is unknown or the mask length differs from the scores.

    Examples
    --------
    >>> rank_scores([0.2, 0.9, 0.9, 0.5], excluded_mask=[False, False, False, True]).tolist()
    [3.0, 1.0, 1.0, nan]
    """
    if method not in RANK_METHODS:
        raise ValueError(f"rank_scores: method must be one of {RANK_METHODS}, got {method!r}")
    s, keep = _kept(scores, excluded_mask)
    out = np.full(s.shape, np.nan)
    out[keep] = _ranks_desc(s[keep], method)
    return out
