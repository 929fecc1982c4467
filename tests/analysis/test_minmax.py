"""The data-driven min-max transform: anchors from the sites' own values, in a run too."""

from __future__ import annotations

import numpy as np
import pytest

from hljgis.analysis import Scenario, run_scenario
from hljgis.analysis.scenario import ScenarioError
from hljgis.analysis.transforms import TransformSpec, minmax
from tests.analysis.test_run import tiny_layers, tiny_scenario


def test_minmax_benefit_and_cost_use_the_values_range():
    assert minmax([10, 20, 30, 50]).tolist() == [0.0, 0.25, 0.5, 1.0]
    assert minmax([10, 20, 30, 50], benefit=False).tolist() == [1.0, 0.75, 0.5, 0.0]


def test_minmax_keeps_nan_and_ignores_it_for_the_range():
    out = minmax([np.nan, 5.0, 15.0, np.nan, 10.0])
    assert np.isnan(out[[0, 3]]).all()
    assert out[[1, 2, 4]].tolist() == [0.0, 1.0, 0.5]


def test_minmax_of_equal_values_scores_all_one_and_all_nan_stays_nan():
    assert minmax([7.0, 7.0, np.nan]).tolist()[:2] == [1.0, 1.0]
    assert np.isnan(minmax([np.nan, np.nan])).all()
    assert minmax(3.0) == 1.0


def test_minmax_spec_needs_no_range_and_checks_benefit():
    spec = TransformSpec("minmax", {})
    assert spec.params == {"benefit": True}
    assert spec.apply([0, 4]).tolist() == [0.0, 1.0]
    with pytest.raises(ValueError, match="benefit"):
        TransformSpec("minmax", {"benefit": "no"})
    with pytest.raises(ValueError, match="unexpected parameter"):
        TransformSpec("minmax", {"lo": 0})


def test_scenario_reads_and_writes_minmax():
    d = tiny_scenario()
    d["criteria"][0]["transform"] = {"kind": "minmax", "benefit": False}
    sc = Scenario.from_dict(d)
    assert sc.to_dict()["criteria"][0]["transform"] == {"kind": "minmax", "benefit": False}
    d["criteria"][0]["transform"] = {"kind": "minmax", "hi": 3}
    with pytest.raises(ScenarioError, match=r"criteria\[0\]\.transform\.hi"):
        Scenario.from_dict(d)


def test_run_rescales_over_the_ranked_sites():
    d = tiny_scenario()
    d["criteria"][0]["transform"] = {"kind": "minmax", "benefit": False}
    g = run_scenario(tiny_layers(), d).gdf.set_index("site_id")
    # distances 50, 250, 450, 650 m: the nearest scores 1, the farthest 0
    np.testing.assert_allclose(g["norm_station"], [1.0, 2 / 3, 1 / 3, 0.0])
    assert g["rank"].tolist() == [1, 2, 3, 4]
