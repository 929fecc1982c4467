"""Constraints: reasons per excluded site, penalties, inside/outside/attribute kinds."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from pyproj import CRS
from shapely.geometry import box

from hljgis.analysis.constraints import Constraint, apply_penalties, evaluate_constraints
from hljgis.analysis.criteria import LayerStore, SiteContext
from hljgis.core.text import Text

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


UNSTABLE = Constraint("unstable", "outside", reason=Text("ground not stable"), layer="zones",
                      where=[{"field": "stable_from_year", "op": ">", "value": "$year"}])
INSIDE = Constraint("in_city", "inside", reason=Text("outside the city"), layer="city")
SIZE = Constraint("size", "attribute", reason=Text("too small"),
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
                    mode="penalty", penalty="multiply", penalty_value=0.5, reason=Text("settling"))
    c2 = Constraint("size", "attribute", where=SIZE.where, mode="penalty",
                    penalty="subtract", penalty_value=0.3, reason=Text("small"))
    out = evaluate_constraints([c1, c2], _ctx())
    assert not out.excluded.any()
    scores = apply_penalties(np.array([0.8, 0.8, 0.8, 0.2]), out)
    np.testing.assert_allclose(scores, [0.5, 0.4, 0.8, 0.2])
    assert out.penalties.tolist() == ["small (-0.3)", "settling (x0.5)", "", ""]


# ------------------------------------------------------------------------------ Chinese

SETTLING = Constraint("settling", "outside", layer="zones", where=UNSTABLE.where,
                      reason=Text("mostly on ground still settling",
                                  "大部分位于仍在沉降的采煤沉陷区"),
                      mode="penalty",
                      penalty_value=0.7)
MINED = Constraint("mined", "outside", layer="zones", reason=Text("still being mined",
                                                                  "位于仍在开采的采煤沉陷区"))


def test_describe_and_penalty_text_in_chinese():
    assert SETTLING.describe() == "mostly on ground still settling"
    assert SETTLING.describe("zh") == "大部分位于仍在沉降的采煤沉陷区"
    assert SETTLING.penalty_text() == "mostly on ground still settling (x0.7)"
    assert SETTLING.penalty_text("zh") == "大部分位于仍在沉降的采煤沉陷区（×0.7）"
    # no Chinese text: the planner's English reason, else a Chinese description of the rule
    assert UNSTABLE.describe("zh") == "ground not stable"
    assert Constraint("x", "outside", layer="zones").describe("zh") == "位于 zones 内"
    assert Constraint("x", "inside", layer="city").describe("zh") == "不在 city 内"
    assert Constraint("size", "attribute", where=SIZE.where).describe("zh") == "不满足条件 size"


def test_localized_reasons_maps_each_part():
    from hljgis.analysis.constraints import localized_reasons

    cons = [MINED, INSIDE, SETTLING]
    column = np.array(["", "still being mined", "still being mined; outside the city",
                       "no value for hsr_access", None, "something else",
                       "mostly on ground still settling (x0.7)", "still being mined"],
                      dtype=object)
    out = localized_reasons(column, cons, "zh")
    assert isinstance(out, np.ndarray) and out.dtype == object
    assert out.tolist() == ["", "位于仍在开采的采煤沉陷区",
                            "位于仍在开采的采煤沉陷区；outside the city",  # no reason_zh
                            "缺少数值：hsr_access", "", "something else",
                            "大部分位于仍在沉降的采煤沉陷区（×0.7）", "位于仍在开采的采煤沉陷区"]
    # a pandas column, one text, English, and an empty column
    import pandas as pd

    assert localized_reasons(pd.Series(column[:2]), cons).tolist() == out[:2].tolist()
    assert localized_reasons("still being mined", cons, "zh") == "位于仍在开采的采煤沉陷区"
    assert localized_reasons("still being mined", cons, "en") == "still being mined"
    assert localized_reasons(column, cons, "en").tolist() == column.tolist()
    assert localized_reasons(np.zeros(0, dtype=object), cons).shape == (0,)


def test_localized_reasons_groups_missing_criteria_of_a_scenario():
    from hljgis.analysis import preset
    from hljgis.analysis.constraints import localized_reasons

    sc = preset("sme-space")
    # run_scenario joins the missing criteria with "; " like the reasons themselves
    text = ("on subsidence ground not yet stable at the planning year; no value for "
            "urban_centre; hsr_access")
    assert localized_reasons(text, sc) == ("位于规划年尚未稳定的采煤沉陷区；"
                                           "缺少数值：urban_centre、hsr_access")
    assert localized_reasons("no value for urban_centre, hsr_access; odd", sc) == (
        "缺少数值：urban_centre、hsr_access；odd")


def test_localized_reasons_of_a_million_rows_is_quick():
    import time

    from hljgis.analysis.constraints import localized_reasons

    column = np.array(["", "still being mined", "mostly on ground still settling (x0.7)"],
                      dtype=object)[np.arange(1_000_000) % 3]
    t = time.perf_counter()
    out = localized_reasons(column, [MINED, SETTLING])
    assert time.perf_counter() - t < 3.0
    assert out[1] == "位于仍在开采的采煤沉陷区" and out[3] == "" and len(out) == 1_000_000
