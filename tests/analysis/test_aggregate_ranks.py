"""rank_scores on larger inputs with many ties equals pandas' ranking, for every method."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hljgis.analysis.aggregate import descending_order, rank_order, rank_scores


@pytest.mark.parametrize("method", ["min", "dense", "first", "max"])
@pytest.mark.parametrize("n", [0, 1, 2, 5_000])
def test_ranks_with_many_ties_match_pandas(method, n):
    rng = np.random.default_rng(n)
    s = rng.integers(0, 40, n) / 40.0  # many ties
    s[rng.random(n) < 0.1] = np.nan
    expected = pd.Series(s, dtype=float).rank(ascending=False, method=method).to_numpy()
    np.testing.assert_array_equal(rank_scores(s, method=method), expected)


def test_sort_by_integer_keys_equals_stable_argsort_and_pandas_ranks():
    """The packed-key sort behind rank_scores gives numpy's stable order and pandas' ranks,
    near ties (values one ulp apart, -0.0 and 0.0, infinities) included."""
    rng = np.random.default_rng(3)
    specials = [-1e300, -2.5, -0.0, 0.0, 1e-310, -1e-310, 0.25, 0.5, 1.0, np.inf, -np.inf]
    for trial in range(300):
        n = int(rng.integers(1, 300))
        if trial % 3 == 0:
            v = rng.choice(specials, n)
        elif trial % 3 == 1:  # values differing only in their last bits
            v = rng.choice([0.3, 0.7, -0.2], n) * (1 + rng.integers(-3, 4, n) * 2.0**-50)
        else:
            v = rng.normal(size=n).round(1)
        assert np.array_equal(descending_order(v), np.argsort(-v, kind="stable"))
        excluded = rng.random(n) < 0.2
        for method in ("min", "max", "dense", "first"):
            rank = rank_scores(v, excluded, method=method)
            expected = pd.Series(-np.where(excluded, np.nan, v)).rank(method=method)
            np.testing.assert_array_equal(rank, expected.to_numpy())
            rank2, order = rank_order(v, excluded, method)
            np.testing.assert_array_equal(rank2, rank)
            if method != "max":
                key = np.where(np.isnan(rank), np.inf, rank)
                assert np.array_equal(order, np.argsort(key, kind="stable"))
