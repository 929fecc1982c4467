"""run_scenario end to end: hand-computed WLC, ties, exclusions, progress/cancel, CRS checks."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, Polygon, box

from hljgis.analysis import Cancelled, Scenario, run_scenario
from hljgis.core.errors import InputError
from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project

CRS = "EPSG:4553"  # CGCS2000 / 3-degree Gauss-Kruger CM 132E (metres)
X0, Y0 = 500_000.0, 5_150_000.0


def _gdf(data: dict, geoms, crs=CRS) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(data, geometry=list(geoms), crs=crs)


def tiny_layers() -> dict[str, gpd.GeoDataFrame]:
    """Four 100 m squares on a row, a station, and a park covering half of square 1."""
    sites = _gdf(
        {"name": ["a", "b", "c", "d"], "city": ["Jixi"] * 4, "area_ha": [1.0, 1.0, 1.0, 1.0]},
        [box(X0 + 200 * i, Y0, X0 + 200 * i + 100, Y0 + 100) for i in range(4)],
    )
    # station 50 m left of site a's centre: distances 50, 250, 450, 650 m from the centres
    station = _gdf({"status": ["opened", "planned"]},
                   [Point(X0, Y0 + 50), Point(X0 + 250, Y0 + 50)])
    park = _gdf({"kind": ["park"]}, [box(X0 + 200, Y0, X0 + 250, Y0 + 100)])
    zone = _gdf({"stable_from_year": [2030]}, [box(X0 + 600, Y0, X0 + 700, Y0 + 100)])
    return {"sites": sites, "stations": station, "parks": park, "zones": zone}


def tiny_scenario(**over) -> dict:
    d = {
        "name": "tiny",
        "planning_year": 2025,
        "candidates": {"kind": "layer", "layer": "sites", "id_field": "name"},
        "criteria": [
            {"name": "station", "kind": "distance", "layer": "stations",
             "where": [{"field": "status", "in": ["opened"]}], "unit": "m",
             "direction": "cost", "weight": 3,
             "transform": {"kind": "linear", "lo": 0, "hi": 1000, "benefit": False}},
            {"name": "park", "kind": "overlap", "layer": "parks", "unit": "share",
             "weight": 1, "transform": {"kind": "linear", "lo": 0, "hi": 1}},
        ],
        "constraints": [],
    }
    d.update(over)
    return d


def test_hand_computed_wlc():
    res = run_scenario(tiny_layers(), tiny_scenario())
    g = res.gdf.set_index("site_id")
    # distances 50, 250, 450, 650 m -> scores 0.95, 0.75, 0.55, 0.35 (cost, 0..1000 m)
    np.testing.assert_allclose(g["raw_station"], [50, 250, 450, 650])
    np.testing.assert_allclose(g["norm_station"], [0.95, 0.75, 0.55, 0.35])
    # the park covers half of b only
    np.testing.assert_allclose(g["raw_park"], [0, 0.5, 0, 0])
    # weights 3:1 -> 0.75, 0.25
    expected = np.array([0.75 * 0.95, 0.75 * 0.75 + 0.25 * 0.5, 0.75 * 0.55, 0.75 * 0.35])
    np.testing.assert_allclose(g["score"], expected)
    np.testing.assert_allclose(g["contrib_station"] + g["contrib_park"], expected)
    assert g["rank"].tolist() == [1, 2, 3, 4]  # 0.7125, 0.6875, 0.4125, 0.2625
    assert res.weights == pytest.approx({"station": 0.75, "park": 0.25})


def test_exclusion_never_ranked_and_reason_recorded():
    sc = tiny_scenario(constraints=[{
        "name": "unstable", "kind": "outside", "layer": "zones",
        "where": [{"field": "stable_from_year", "op": ">", "value": "$year"}],
        "reason": "ground not stable"}])
    g = run_scenario(tiny_layers(), sc).gdf.set_index("site_id")
    assert g.loc["d", "excluded"] and g.loc["d", "exclusion_reason"] == "ground not stable"
    assert g["rank"].isna().tolist() == [False, False, False, True]
    assert np.isnan(g.loc["d", "score"])
    # after 2030 the ground is stable: d comes back
    g2 = run_scenario(tiny_layers(), sc, year=2031).gdf.set_index("site_id")
    assert not g2["excluded"].any() and g2.loc["d", "rank"] == 4


@pytest.mark.parametrize(("kind", "value", "expected"),
                         [("multiply", 0.5, 0.75 * 0.35 * 0.5),
                          ("subtract", 0.1, 0.75 * 0.35 - 0.1)])
def test_soft_penalty_lowers_score_as_specified(kind, value, expected):
    sc = tiny_scenario(constraints=[{
        "name": "unstable", "kind": "outside", "layer": "zones", "mode": "penalty",
        "penalty": kind, "penalty_value": value, "reason": "settling"}])
    g = run_scenario(tiny_layers(), sc).gdf.set_index("site_id")
    assert g.loc["d", "score"] == pytest.approx(expected)
    assert g.loc["d", "base_score"] == pytest.approx(0.75 * 0.35)
    assert not g.loc["d", "excluded"] and g.loc["d", "penalty"].startswith("settling")
    assert g.loc["a", "penalty"] == ""


def test_ties_share_the_rank():
    layers = tiny_layers()
    # mirror: a station right of d too, so a/d and b/c are symmetric
    layers["stations"] = _gdf({"status": ["opened", "opened"]},
                              [Point(X0, Y0 + 50), Point(X0 + 700, Y0 + 50)])
    sc = tiny_scenario()
    sc["criteria"] = sc["criteria"][:1]
    g = run_scenario(layers, sc).gdf.set_index("site_id")
    assert g["rank"].tolist() == [1, 3, 3, 1]


def test_missing_value_excluded_with_reason():
    layers = tiny_layers()
    layers["sites"].loc[2, "area_ha"] = np.nan
    sc = tiny_scenario()
    sc["criteria"].append({"name": "size", "kind": "attribute", "field": "area_ha",
                           "transform": {"kind": "linear", "lo": 0, "hi": 2}})
    g = run_scenario(layers, sc).gdf.set_index("site_id")
    assert g.loc["c", "excluded"] and g.loc["c", "exclusion_reason"] == "no value for size"
    assert g["rank"].isna()["c"] and g["rank"].notna().sum() == 3


def test_topsis_and_sensitivity_columns():
    sc = tiny_scenario(aggregation="topsis")
    res = run_scenario(tiny_layers(), sc, sensitivity={"runs": 50, "top_k": 2, "perturb": 0.1})
    g = res.gdf
    assert g["score"].between(0, 1).all()
    assert {"rank_min", "rank_max", "rank_median", "p_top_2"} <= set(g.columns)
    assert (g["rank_min"] <= g["rank_max"]).all()
    assert g.loc[g["rank"] == 1, "p_top_2"].iloc[0] == 1.0


def test_progress_and_cancel():
    calls = []
    run_scenario(tiny_layers(), tiny_scenario(), progress=lambda f, m: calls.append((f, m)))
    fractions = [f for f, _ in calls]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions) and len(calls) >= 5
    assert all(isinstance(m, str) and m for _, m in calls)

    polls = []

    def cancel():
        polls.append(1)
        return len(polls) > 2  # cancel after two stages

    with pytest.raises(Cancelled):
        run_scenario(tiny_layers(), tiny_scenario(), cancel=cancel)


def test_mismatched_crs_refused_naming_both():
    layers = tiny_layers()
    layers["parks"] = layers["parks"].to_crs("EPSG:4490")
    with pytest.raises(InputError, match=r"EPSG:4490.*EPSG:4553|EPSG:4553.*EPSG:4490"):
        run_scenario(layers, tiny_scenario())


def test_geographic_frames_refused():
    layers = {k: v.to_crs("EPSG:4490") for k, v in tiny_layers().items()}
    with pytest.raises(InputError, match="not a projected"):
        run_scenario(layers, tiny_scenario())


def test_project_reprojects_once_and_gives_same_result():
    project = Project()
    for name, gdf in tiny_layers().items():
        project.add_layer(VectorLayer(gdf.to_crs("EPSG:4490"), name))
    res = run_scenario(project, tiny_scenario())
    assert res.gdf.crs.equals(project.metric_crs())
    assert res.gdf.set_index("site_id")["rank"].tolist() == [1, 2, 3, 4]
    layer = res.layer()
    assert layer.name == "rank_tiny" and layer.theme == "analysis"


@settings(max_examples=25, deadline=None)
@given(st.floats(0.01, 1000), st.integers(1, 9), st.integers(1, 9))
def test_ranks_invariant_to_scaling_weights(scale, w1, w2):
    layers = random_layers(7)
    sc = tiny_scenario()
    sc["criteria"][0]["weight"], sc["criteria"][1]["weight"] = w1, w2
    base = run_scenario(layers, sc).gdf["rank"].to_numpy()
    sc["criteria"][0]["weight"], sc["criteria"][1]["weight"] = w1 * scale, w2 * scale
    scaled = run_scenario(layers, sc).gdf["rank"].to_numpy()
    assert (base == scaled).all()


def random_layers(seed: int, n: int = 40) -> dict[str, gpd.GeoDataFrame]:
    rng = np.random.default_rng(seed)
    x = X0 + rng.uniform(0, 5000, n)
    y = Y0 + rng.uniform(0, 5000, n)
    sites = _gdf({"name": [f"s{i}" for i in range(n)], "city": "Jixi"},
                 shapely.box(x, y, x + 150, y + 150))
    stations = _gdf({"status": ["opened"] * 3},
                    shapely.points(X0 + rng.uniform(0, 5000, 3), Y0 + rng.uniform(0, 5000, 3)))
    parks = _gdf({"kind": ["park"] * 2},
                 [box(X0 + 1000, Y0 + 1000, X0 + 2500, Y0 + 2000),
                  box(X0 + 2000, Y0 + 1500, X0 + 4000, Y0 + 3000)])
    zones = _gdf({"stable_from_year": [2030]}, [LineString([(X0, Y0), (X0 + 1, Y0)]).buffer(50)])
    return {"sites": sites, "stations": stations, "parks": parks, "zones": zones}


def test_scenario_object_accepted():
    sc = Scenario.from_dict(tiny_scenario())
    assert run_scenario(tiny_layers(), sc).scenario.name == "tiny"


@pytest.mark.parametrize("measure", ["edge", "centroid"])
@pytest.mark.parametrize("blank", [None, Polygon()], ids=["null", "empty"])
def test_sites_without_geometry_are_unmeasured_and_unranked(measure, blank):
    """A bureau's parcel file with a NULL or empty geometry among its parcels: the others
    rank as without it (no 'mixes lines' refusal, no centroid shifted onto the wrong row),
    the blank one is excluded with NaN values."""
    layers = tiny_layers()
    layers["cities"] = _gdf({"city": ["Jixi"], "name": ["Jixi"]},
                            [box(X0 - 1000, Y0 - 1000, X0 + 5000, Y0 + 1000)])
    d = tiny_scenario()
    d["criteria"][0]["measure"] = measure
    want = run_scenario(layers, d).gdf.set_index("site_id")
    sites = layers["sites"]
    layers["sites"] = pd.concat([sites.iloc[:1], _gdf({"name": ["x"], "city": [""],
                                                       "area_ha": [0.0]}, [blank]),
                                 sites.iloc[1:]], ignore_index=True)
    got = run_scenario(layers, d).gdf.set_index("site_id")
    assert np.isnan(got.loc["x", "raw_station"]) and np.isnan(got.loc["x", "score"])
    assert got.loc["x", "excluded"] and pd.isna(got.loc["x", "rank"])
    cols = ["raw_station", "raw_park", "score", "rank", "city", "district"]
    pd.testing.assert_frame_equal(got.drop(index="x")[cols], want[cols])


def test_candidate_fields_named_like_result_columns_are_renamed_input():
    """A planner's own score/RANK/Excluded fields (any case) travel as <field>_input."""
    layers = tiny_layers()
    layers["sites"] = layers["sites"].assign(score="mine", RANK=[4, 3, 2, 1], Excluded="no")
    g = run_scenario(layers, tiny_scenario()).gdf
    assert g["RANK_input"].tolist() == [4, 3, 2, 1] and g["score_input"].eq("mine").all()
    assert g["Excluded_input"].eq("no").all()
    assert g["rank"].tolist() == [1, 2, 3, 4]
    assert len({c.lower() for c in g.columns}) == len(g.columns)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(1, 6)), min_size=0, max_size=40),
       st.integers(0, 45))
def test_top_is_the_head_of_the_ranked_sites(ranks, k):
    """Ties (equal ranks) keep input order, unranked sites never show, k past the end."""
    from types import SimpleNamespace

    from hljgis.analysis.run import RankingResult

    gdf = gpd.GeoDataFrame({"rank": pd.array(ranks, dtype="Int64"),
                            "i": np.arange(len(ranks))},
                           geometry=[Point(i, 0) for i in range(len(ranks))])
    res = SimpleNamespace(gdf=gdf, ranked=lambda: RankingResult.ranked(res))
    got = RankingResult.top(res, k)
    pd.testing.assert_frame_equal(got, RankingResult.ranked(res).head(k))
