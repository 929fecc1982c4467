"""Constraints: reasons per excluded site, penalties, inside/outside/attribute kinds."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from pyproj import CRS
from shapely.geometry import box

from hljgis.analysis.constraints import Constraint, apply_penalties, evaluate_constraints
from hljgis.analysis.criteria import LayerStore, SiteContext

METRIC = CRS.from_epsg(4553)
X0, Y0 = 500_000.0, 5_150_000.0


def _ctx(year=2025):
    sites = gpd.GeoDataFrame(
        {"area_ha": [0.5, 2.0, 3.0, 4.0]},
        geometry=[box(X0 + 200 * i, Y0, X0 + 200 * i + 100, Y0 + 100) for i in range(4)],
        crs=METRIC)
    zones = gpd.GeoDataFrame({"stable_from_year": [2030, 2010]},
                             geometry=[box(X0 + 150, Y0, X0 + 250, Y0 + 100),
                                       box(X0 + 400, Y0, X0 + 500, Y0 + 100)], crs=METRIC)
    city = gpd.GeoDataFrame({"city": ["Jixi"]}, geometry=[box(X0, Y0, X0 + 530, Y0 + 100)],
                            crs=METRIC)
    store = LayerStore({"zones": zones, "city": city}, METRIC)
    return SiteContext(sites, store, year=year)


UNSTABLE = Constraint("unstable", "outside", reason="ground not stable", layer="zones",
                      where=[{"field": "stable_from_year", "op": ">", "value": "$year"}])
INSIDE = Constraint("in_city", "inside", reason="outside the city", layer="city")
SIZE = Constraint("size", "attribute", reason="too small",
                  where=[{"field": "area_ha", "op": ">=", "value": 1}])


def test_reasons_joined_per_site():
    out = evaluate_constraints([UNSTABLE, INSIDE, SIZE], _ctx())
    assert out.excluded.tolist() == [True, True, False, True]
    assert out.reasons.tolist() == ["too small", "ground not stable", "",
                                    "outside the city"]
    # site 3 is 30 % inside the city: below the default 50 %
    assert out.violated[:, 1].tolist() == [False, False, False, True]


def test_share_threshold_and_year():
    loose = Constraint("unstable", "outside", layer="zones", share=0.6,
                       where=UNSTABLE.where)
    assert not evaluate_constraints([loose], _ctx()).excluded.any()  # b is 50 % on it
    assert not evaluate_constraints([UNSTABLE], _ctx(year=2031)).excluded.any()


def test_penalties_multiply_and_subtract_in_order():
    c1 = Constraint("unstable", "outside", layer="zones", where=UNSTABLE.where,
                    mode="penalty", penalty="multiply", penalty_value=0.5, reason="settling")
    c2 = Constraint("size", "attribute", where=SIZE.where, mode="penalty",
                    penalty="subtract", penalty_value=0.3, reason="small")
    out = evaluate_constraints([c1, c2], _ctx())
    assert not out.excluded.any()
    scores = apply_penalties(np.array([0.8, 0.8, 0.8, 0.2]), out)
    np.testing.assert_allclose(scores, [0.5, 0.4, 0.8, 0.2])
    assert out.penalties.tolist() == ["small (-0.3)", "settling (x0.5)", "", ""]
