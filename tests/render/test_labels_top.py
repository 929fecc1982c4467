"""Label candidates: the top k by priority equal the head of a stable sort."""

from __future__ import annotations

import numpy as np
import pytest

from hljgis.render.labels import top_first


@pytest.mark.parametrize("k", [1, 5, 30, 200, 1000])
def test_top_first_equals_stable_sort_head(k):
    rng = np.random.default_rng(k)
    for rank in (rng.integers(0, 6, 500).astype(float),  # many ties
                 np.where(rng.random(500) < 0.97, 0.0, rng.random(500)),  # mostly zero
                 rng.random(500), np.full(500, -1.0)):
        expected = np.argsort(-rank, kind="stable")[:k]
        np.testing.assert_array_equal(top_first(rank, k), expected)
