"""Re-scoring a finished run equals a full run of the edited scenario, column for column."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from hljgis.analysis import Scenario, preset, run_scenario
from hljgis.analysis.rescore import NeedsFullRun, Rescorer
from hljgis.analysis.weights import InconsistentMatrixError
from tests.analysis.test_presets import synthetic_project


@pytest.fixture(scope="module")
def project():
    return synthetic_project()


@pytest.fixture(scope="module")
def runs(project):
    """One full run per preset (what the planner ran before editing)."""
    return {name: run_scenario(project, name) for name in ("sme-space", "place-making")}


def edited(name: str, change) -> Scenario:
    d = preset(name).to_dict()
    change(d)
    return Scenario.from_dict(d)


def assert_same(rescored, full) -> None:
    """Every column equal (values, dtypes, order), and the same weights."""
    a, b = rescored.gdf, full.gdf
    assert list(a.columns) == list(b.columns)
    pd.testing.assert_frame_equal(pd.DataFrame(a.drop(columns="geometry")),
                                  pd.DataFrame(b.drop(columns="geometry")),
                                  check_exact=True)
    assert a.geometry.geom_equals_exact(b.geometry, 0).all()
    assert a.crs == b.crs
    assert rescored.weights == full.weights
    assert rescored.weight_report == full.weight_report


def check(project, runs, name, change, **kw):
    sc = edited(name, change)
    rescored = Rescorer(runs[name]).rescore(sc, **kw)
    full = run_scenario(project, sc)
    assert_same(rescored, full)
    return rescored, full


def test_weight_change_equals_full_run(project, runs):
    def heavier_hsr(d):
        d["criteria"][4]["weight"] = 60.0

    rescored, _full = check(project, runs, "sme-space", heavier_hsr)
    # the edit did something: scores and ranks moved
    before = runs["sme-space"].gdf
    assert not np.allclose(rescored.gdf["score"], before["score"], equal_nan=True)
    assert not rescored.gdf["rank"].equals(before["rank"])


def test_transform_parameter_change_equals_full_run(project, runs):
    def nearer_centre(d):
        d["criteria"][0]["transform"]["b"] = d["criteria"][0]["transform"]["b"] / 3

    rescored, _ = check(project, runs, "sme-space", nearer_centre)
    assert not np.allclose(rescored.gdf["norm_urban_centre"],
                           runs["sme-space"].gdf["norm_urban_centre"])


def test_transform_kind_change_equals_full_run(project, runs):
    def linear_instead(d):
        d["criteria"][3]["transform"] = {"kind": "linear", "lo": 0, "hi": 8000,
                                         "benefit": False}

    check(project, runs, "sme-space", linear_instead)


def test_exclusion_switched_to_penalty_and_back(project, runs):
    def soften(d):
        d["constraints"][0].update(mode="penalty", penalty="multiply", penalty_value=0.3)

    soft, _ = check(project, runs, "sme-space", soften)
    was = runs["sme-space"].gdf
    assert was["excluded"].any() and not soft.gdf["excluded"].any()
    assert (soft.gdf["penalty"] != "").sum() == was["excluded"].sum()

    def harden(d):  # place-making's penalty rule becomes an exclusion
        d["constraints"][1]["mode"] = "exclude"

    hard, _ = check(project, runs, "place-making", harden)
    assert hard.gdf["excluded"].sum() > runs["place-making"].gdf["excluded"].sum()


def test_subtract_penalty_value_change(project, runs):
    def subtract(d):
        d["constraints"][1].update(penalty="subtract", penalty_value=0.05)

    check(project, runs, "place-making", subtract)


def test_ahp_topsis_and_a_criterion_left_out(project, runs):
    def change(d):
        d["criteria"] = d["criteria"][:4]
        d["weights"] = {"method": "ahp", "matrix": [[1, 3, 5, 3], [1 / 3, 1, 3, 1],
                                                    [1 / 5, 1 / 3, 1, 1 / 3],
                                                    [1 / 3, 1, 3, 1]]}
        d["aggregation"] = "topsis"

    rescored, _ = check(project, runs, "place-making", change)
    assert "raw_arrival" not in rescored.gdf.columns


@pytest.mark.parametrize("policy", ["exclude", "zero", "renormalize"])
def test_missing_values_policies(project, policy):
    def no_fill(d):  # years since the ground became stable: missing outside the zones
        d["criteria"][2]["fill"] = None
        d["nan_policy"] = policy

    sc = edited("sme-space", no_fill)
    first = run_scenario(project, sc)
    assert first.gdf["raw_ground_stability"].isna().any()
    sc.criteria[2].weight = 40.0
    sc.criteria[1].weight = 0.0
    assert_same(Rescorer(first).rescore(sc), run_scenario(project, sc))


def test_monte_carlo_on_request(project, runs):
    def with_mc(d):
        d["criteria"][0]["weight"] = 5.0
        d["sensitivity"] = {"runs": 30, "perturb": 0.2, "top_k": 5, "seed": 1}

    check(project, runs, "sme-space", with_mc, monte_carlo=True)
    sc = edited("sme-space", with_mc)
    quick = Rescorer(runs["sme-space"]).rescore(sc)
    assert "rank_min" not in quick.gdf.columns and "p_top_5" not in quick.gdf.columns


def test_chained_edits_and_extra_columns(project, runs):
    """A rescorer reused for several edits (caches), and one made from a re-scored result;
    columns others added to the frame (the map's labels) are kept."""
    base = runs["sme-space"]
    base.gdf["label"] = "x"

    def unlabelled(result):
        assert (result.gdf["label"] == "x").all()
        return replace(result, gdf=result.gdf.drop(columns="label"))

    try:
        rescorer = Rescorer(base)
        for w in (1.0, 30.0, 15.0):
            sc = edited("sme-space", lambda d, w=w: d["criteria"][1].update(weight=w))
            again = rescorer.rescore(sc)
            assert_same(unlabelled(again), run_scenario(project, sc))
        for mode in ("penalty", "exclude", "penalty"):
            sc = edited("sme-space", lambda d, m=mode: d["constraints"][0].update(mode=m))
            assert_same(unlabelled(rescorer.rescore(sc)), run_scenario(project, sc))
        assert_same(unlabelled(Rescorer(again).rescore(sc)), run_scenario(project, sc))
    finally:
        del base.gdf["label"]


def test_geometry_shared_not_copied(runs):
    base = runs["sme-space"]
    sc = edited("sme-space", lambda d: d["criteria"][0].update(weight=1.0))
    out = Rescorer(base).rescore(sc)
    assert np.shares_memory(np.asarray(out.gdf.geometry.array),
                            np.asarray(base.gdf.geometry.array))


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d.update(planning_year=2040), "planning year"),
    (lambda d: d["criteria"][0].update(layer="hsr_stations"), "urban_centre"),
    (lambda d: d["candidates"].update(size_m=250), "candidate sites"),
    (lambda d: d["constraints"][0].update(share=0.5), "unstable_subsidence"),
    (lambda d: d["criteria"].append({"name": "new_one", "kind": "distance",
                                     "layer": "rivers",
                                     "transform": {"kind": "linear", "lo": 0, "hi": 1}}),
     "new_one"),
])
def test_what_needs_a_full_run_is_refused(runs, change, words):
    sc = edited("sme-space", change)
    rescorer = Rescorer(runs["sme-space"])
    assert words in rescorer.blocker(sc)
    with pytest.raises(NeedsFullRun, match=words):
        rescorer.rescore(sc)


def test_other_city_refused(runs):
    with pytest.raises(NeedsFullRun, match="city"):
        Rescorer(runs["sme-space"]).rescore(preset("sme-space"), city="Jixi")


def test_inconsistent_matrix_refused_like_a_full_run(runs):
    def bad(d):
        n = len(d["criteria"])
        m = np.ones((n, n))
        m[0, 1], m[1, 0] = 9, 1 / 9
        m[1, 2], m[2, 1] = 9, 1 / 9
        m[0, 2], m[2, 0] = 1 / 9, 9
        d["weights"] = {"method": "ahp", "matrix": m.tolist()}

    with pytest.raises(InconsistentMatrixError):
        Rescorer(runs["sme-space"]).rescore(edited("sme-space", bad))


def test_reason_columns_hold_the_joined_texts(project, runs):
    """The frame's reason and penalty columns (built from codes) read as the texts."""
    result = runs["place-making"]
    sc = result.scenario
    hits = result.inputs.violated
    g = result.gdf
    expected = np.where(hits[:, 0], sc.constraints[0].describe(), "")
    assert (g["exclusion_reason"].to_numpy(dtype=object) == expected).all()
    assert (g["penalty"].to_numpy(dtype=object)
            == np.where(hits[:, 1], sc.constraints[1].penalty_text(), "")).all()
    assert hits[:, 0].any() and hits[:, 1].any()
    assert str(g["exclusion_reason"].dtype) == str(pd.Series(["x"]).dtype)


def test_deferred_ranks_show_the_top_then_fill_in_place(project, runs):
    """A live edit gets the best sites' ranks at once and the rest filled in the same
    frame afterwards; the completed result equals a full run, and the table order comes
    with it."""
    sc = edited("sme-space", lambda d: d["criteria"][4].update(weight=60.0))
    full = run_scenario(project, sc)
    rescorer = Rescorer(runs["sme-space"])
    out = rescorer.rescore(sc, top=5)
    shown = out.gdf["rank"]
    want = full.gdf["rank"]
    top = want.notna() & (want <= 5)
    assert shown.notna().sum() == top.sum() >= 5
    pd.testing.assert_series_equal(shown[top], want[top])
    assert shown[~top].isna().all()
    order = rescorer.complete_ranks(out)
    assert_same(out, full)
    key = np.where(want.isna(), np.inf, want.to_numpy(dtype=float, na_value=np.nan))
    assert np.array_equal(order, np.argsort(key, kind="stable"))
    assert np.array_equal(rescorer.complete_ranks(full), order)  # a complete result


def test_transform_edit_keeps_the_other_criteria_columns(project, runs):
    """A transform or constraint edit re-uses the untouched criteria's norm_ and contrib_
    columns (a million sites: no copies of them)."""
    rescorer = Rescorer(runs["sme-space"])
    first = rescorer.rescore(edited("sme-space", lambda d: d["criteria"][0].update(weight=5)))
    name0, name1 = (c["name"] for c in preset("sme-space").to_dict()["criteria"][:2])

    def change(d):
        d["criteria"][0].update(weight=5)
        d["criteria"][1]["transform"] = {"kind": "linear", "lo": 0, "hi": 12345}

    sc = edited("sme-space", change)
    second = rescorer.rescore(sc)
    assert_same(second, run_scenario(project, sc))
    for prefix in ("norm_", "contrib_"):
        assert np.shares_memory(first.gdf[prefix + name0].to_numpy(),
                                second.gdf[prefix + name0].to_numpy())
        assert not np.shares_memory(first.gdf[prefix + name1].to_numpy(),
                                    second.gdf[prefix + name1].to_numpy())
