"""Quantile class bounds with numpy alone, equal to mapclassify's ``Quantiles`` bins.

Importing mapclassify pulls in scipy.stats and matplotlib (1.3 s on a quiet machine, 5 s
under load), more than classifying a million values takes. The quantile scheme is the one
every graduated layer starts with, so it is computed here the way mapclassify does it
(``scipy.stats.scoreatpercentile`` at ``100/k, 200/k, ... 100`` percent, "fraction"
interpolation, repeated bounds collapsed), bit for bit: tests compare the two.
"""

from __future__ import annotations

import numpy as np


def percentiles(k: int) -> np.ndarray:
    """The percentages mapclassify's ``quantile`` asks for: ``arange(w, 100 + w, w)`` with
    ``w = 100 / k``, the last clipped to 100 (floating point may give k + 1 of them)."""
    w = 100.0 / k
    p = np.arange(w, 100 + w, w)
    if p[-1] > 100.0:
        p[-1] = 100.0
    return p


def score_at(sorted_values: np.ndarray, per: float) -> float:
    """``scipy.stats.scoreatpercentile(values, per)`` on already sorted values."""
    idx = per / 100.0 * (len(sorted_values) - 1)
    i = int(idx)
    if i == idx:
        return float(sorted_values[i])
    j = i + 1
    w0, w1 = float(j - idx), float(idx - i)
    lo, hi = float(sorted_values[i]), float(sorted_values[j])
    return (lo * w0 + hi * w1) / (w0 + w1)


def quantile_bins(values, k: int, *, is_sorted: bool = False) -> np.ndarray:
    """Upper bounds of ``k`` quantile classes of finite ``values`` (ascending, unique), as
    ``mapclassify.Quantiles(values, k=k).bins``."""
    arr = np.asarray(values, dtype=float).ravel()
    s = arr if is_sorted else np.sort(arr)
    return np.unique(np.array([score_at(s, p) for p in percentiles(int(k))]))
