"""rank_scores on larger inputs with many ties equals pandas' ranking, for every method."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hljgis.analysis.aggregate import rank_scores


@pytest.mark.parametrize("method", ["min", "dense", "first", "max"])
@pytest.mark.parametrize("n", [0, 1, 2, 5_000])
def test_ranks_with_many_ties_match_pandas(method, n):
    rng = np.random.default_rng(n)
    s = rng.integers(0, 40, n) / 40.0  # many ties
    s[rng.random(n) < 0.1] = np.nan
    expected = pd.Series(s, dtype=float).rank(ascending=False, method=method).to_numpy()
    np.testing.assert_array_equal(rank_scores(s, method=method), expected)
