"""The numpy quantile bounds equal mapclassify's Quantiles bins, bit for bit."""

from __future__ import annotations

import warnings

import mapclassify
import numpy as np
import pytest

from hljgis.core import style as S
from hljgis.core.quantiles import percentiles, quantile_bins


def _mapclassify(values, k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(mapclassify.Quantiles(np.asarray(values, dtype=float), k=k).bins)


def _cases():
    rng = np.random.default_rng(7)
    yield "normal", rng.normal(0, 1, 10_001)
    yield "skewed", rng.lognormal(2, 1.5, 3_333)
    yield "ties", rng.integers(0, 12, 5_000).astype(float)
    yield "few", np.array([3.0, 1.0, 2.0, 2.0, 7.5, 9.0, 9.0])
    yield "arange", np.arange(1000.0)
    yield "scores", np.round(rng.random(99_999), 3)
    yield "odd", rng.normal(1e6, 1e-3, 17)


@pytest.mark.parametrize("name,values", list(_cases()), ids=[c[0] for c in _cases()])
@pytest.mark.parametrize("k", [2, 3, 4, 5, 6, 7, 9, 10])
def test_quantile_bins_equal_mapclassify(name, values, k):
    ours = quantile_bins(values, k)
    theirs = _mapclassify(values, k)
    assert ours.dtype == np.float64
    assert np.array_equal(ours, theirs), (name, k, ours, theirs)


def test_percentiles_follow_mapclassify_float_steps():
    # 100 / 3 steps overshoot 100 by rounding: the last one is clipped, as mapclassify does
    assert percentiles(3)[-1] == 100.0
    assert len(percentiles(3)) == 3
    assert percentiles(4).tolist() == [25.0, 50.0, 75.0, 100.0]


def test_classify_quantiles_does_not_import_mapclassify():
    import subprocess
    import sys

    code = ("import sys, numpy as np\n"
            "from hljgis.core.style import classify\n"
            "b = classify(np.random.default_rng(1).normal(size=5000), 'quantiles', 5)\n"
            "assert len(b) == 5, b\n"
            "print(sorted(m for m in ('mapclassify', 'scipy', 'matplotlib') "
            "if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_classify_quantiles_equal_mapclassify_on_a_layer_column():
    rng = np.random.default_rng(3)
    values = np.r_[rng.normal(50, 10, 20_000), [np.nan, np.inf, np.nan]]
    finite = values[np.isfinite(values)]
    assert S.classify(values, "quantiles", 5) == [float(b) for b in _mapclassify(finite, 5)]
