"""Presets: valid, explained, and runnable end to end (synthetic and bundled project)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon, box

from hljgis.analysis import PRESETS, ScenarioError, preset, preset_names, run_scenario
from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.core.text import Text
from hljgis.io.bundled import bundled_project_path

CRS = "EPSG:4553"
X0, Y0 = 500_000.0, 5_150_000.0
STATUS = {"source": "synthetic", "accuracy_m": 10.0, "as_of": "2024", "illustrative": True}


def _layer(name, data, geoms):
    n = len(geoms)
    cols = {**{k: [v] * n for k, v in STATUS.items()}, **data}
    gdf = gpd.GeoDataFrame(cols, geometry=list(geoms), crs=CRS).to_crs("EPSG:4490")
    return VectorLayer(gdf, name)


def synthetic_project() -> Project:
    """Two small 'cities' with every layer the presets use, in CGCS2000 lon/lat."""
    p = Project("synthetic")
    jixi = box(X0, Y0, X0 + 12_000, Y0 + 10_000)
    hegang = box(X0 + 12_000, Y0, X0 + 20_000, Y0 + 10_000)
    p.add_layer(_layer("districts", {"city": ["Jixi", "Hegang"], "kind": ["district"] * 2,
                                     "name": ["J", "H"]}, [jixi, hegang]))
    p.add_layer(_layer("cities", {"city": ["Jixi", "Hegang"]}, [jixi, hegang]))
    p.add_layer(_layer("towns", {
        "name": ["Jixi", "Hegang", "Village"], "country": ["CN"] * 3,
        "role": ["city_seat", "city_seat", "town"], "population": [800_000, 600_000, 5000]},
        [Point(X0 + 4000, Y0 + 5000), Point(X0 + 16_000, Y0 + 5000), Point(X0 + 9000, Y0 + 9000)]))
    p.add_layer(_layer("hsr_stations", {"name": ["Jixi W", "Hegang"],
                                        "status": ["opened", "under_construction"]},
                       [Point(X0 + 2000, Y0 + 3000), Point(X0 + 18_000, Y0 + 3000)]))
    p.add_layer(_layer("expressways", {"route": ["G11"], "status": ["opened"]},
                       [LineString([(X0, Y0 + 1000), (X0 + 20_000, Y0 + 2000)])]))
    p.add_layer(_layer("rivers", {"name": ["Muling"]},
                       [LineString([(X0, Y0 + 8000), (X0 + 20_000, Y0 + 7000)])]))
    p.add_layer(_layer("pillar_industries", {
        "name": ["graphite", "lake"], "city": ["Jixi", "Hegang"],
        "industry": ["graphite", "tourism"], "kind": ["cluster", "site"],
        "status": ["operating"] * 2},
        [Point(X0 + 6000, Y0 + 2000), Point(X0 + 15_000, Y0 + 8000)]))
    p.add_layer(_layer("shanty_sites", {
        "name": ["s1", "s2"], "city": ["Jixi", "Hegang"], "status": ["cleared", "planned"],
        "area_ha": [30.0, 50.0]},
        [box(X0 + 3000, Y0 + 4000, X0 + 4000, Y0 + 5000),
         box(X0 + 15_000, Y0 + 4000, X0 + 16_000, Y0 + 5000)]))
    p.add_layer(_layer("subsidence_zones", {
        "name": ["z1", "z2", "z3"], "city": ["Jixi", "Jixi", "Hegang"],
        "mining_end_year": [2010, 2022, 2030], "stable_from_year": [2015, 2027, 2035],
        "status": ["stable", "settling", "mining"]},
        [Polygon([(X0 + 7000, Y0 + 6000), (X0 + 9000, Y0 + 6000), (X0 + 9000, Y0 + 8000)]),
         box(X0 + 5000, Y0 + 1000, X0 + 7000, Y0 + 2500),
         box(X0 + 13_000, Y0 + 1000, X0 + 15_000, Y0 + 2500)]))
    p.add_layer(_layer("industrial_parks", {
        "name": ["p"], "city": ["Jixi"], "lead_industries": ["graphite;green_food"]},
        [box(X0 + 10_000, Y0 + 500, X0 + 11_500, Y0 + 1500)]))
    return p


def test_presets_are_named_and_explained():
    assert preset_names() == ["sme-space", "place-making"]
    for name in PRESETS:
        sc = preset(name)
        assert sc.name == name and sc.purpose and sc.title.zh
        for c in sc.criteria:
            assert len(c.rationale.en) > 60, c.name
            assert c.unit and c.title
        for c in sc.constraints:
            assert c.rationale and c.reason
    with pytest.raises(ScenarioError, match="sme-space, place-making"):
        preset("nope")


@pytest.mark.parametrize("name", ["sme-space", "place-making"])
def test_presets_run_on_synthetic_project(name):
    result = run_scenario(synthetic_project(), name)
    g = result.gdf
    assert len(g) > 100 and g["rank"].notna().sum() > 50
    assert g.loc[g["rank"].notna(), "score"].between(0, 1).all()
    assert (g["excluded"] == g["rank"].isna()).all()
    assert set(g["city"]) <= {"Jixi", "Hegang"}
    best = result.top(1).iloc[0]
    assert best["rank"] == 1


def test_sme_excludes_unstable_ground_and_place_making_penalises_it():
    project = synthetic_project()
    sme = run_scenario(project, "sme-space").gdf
    reasons = sme.loc[sme["excluded"], "exclusion_reason"]
    assert len(reasons) and reasons.str.contains("not yet stable").all()
    # z1 is stable since 2015: its cells are kept; z2 (stable 2027) is excluded in 2025 ...
    assert run_scenario(project, "sme-space", year=2040).gdf["excluded"].sum() == 0
    pm = run_scenario(project, "place-making").gdf
    assert pm["penalty"].str.contains("settling").any()
    assert pm["exclusion_reason"].str.contains("still being mined").any()


def test_city_option_restricts_sites():
    g = run_scenario(synthetic_project(), "sme-space", city="hegang").gdf
    assert set(g["city"]) == {"Hegang"}


@pytest.mark.skipif(not bundled_project_path().exists(),
                    reason=f"bundled project {bundled_project_path().name} not built yet")
@pytest.mark.parametrize("name", ["sme-space", "place-making"])
def test_presets_run_on_bundled_project(name):
    from hljgis.io import load_project

    project = load_project(bundled_project_path())
    result = run_scenario(project, name, city="Jixi")
    g = result.gdf
    assert g["rank"].notna().sum() > 0
    assert np.isfinite(g.loc[g["rank"].notna(), "score"]).all()
    assert shapely.is_valid(g.geometry.values).all()


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_presets_have_chinese_purpose_and_reasons():
    for name in PRESETS:
        sc = preset(name)
        assert _chinese(sc.purpose.zh) and len(sc.purpose.zh) > 40, name
        for c in sc.constraints:
            assert _chinese(c.reason.zh) and "沉陷区" in c.reason.zh, c.name
    assert "仍在沉降的采煤沉陷区" in preset("place-making").constraints[1].reason.zh


def test_preset_constraints_have_short_titles_in_both_languages():
    for name in PRESETS:
        for c in preset(name).constraints:
            assert c.title and _chinese(c.title.zh), c.name
            # a label, not the reason again
            assert len(c.title.zh) <= 8 and c.title.zh not in c.reason.zh, c.title.zh
            assert len(c.title.en) < len(c.reason.en), c.title
    assert [c.title.en for c in preset("place-making").constraints] == [
        "Active mining", "Ground still settling"]


def test_project_scenario_saved_before_constraint_titles_gets_the_presets():
    from hljgis.analysis import Scenario
    from hljgis.analysis.presets import fill_chinese_from_preset

    old = preset("place-making").to_dict()
    for c in old["constraints"]:
        c.pop("title"), c.pop("title_zh")
    # the planner's own rule (another filter): no title put on it
    old["constraints"][1]["where"] = [{"field": "status", "in": ["settling"]}]
    sc = fill_chinese_from_preset(Scenario.from_dict(old))
    ref = preset("place-making").constraints[0]
    assert sc.constraints[0].title == ref.title
    assert sc.constraints[1].title == Text("")
    # an English title of the planner's own gets no Chinese one
    old["constraints"][0]["title"] = "Mining under way"
    sc = fill_chinese_from_preset(Scenario.from_dict(old))
    assert sc.constraints[0].title == Text("Mining under way")


def test_run_reasons_and_penalties_shown_in_chinese():
    from hljgis.analysis.constraints import localized_reasons

    project = synthetic_project()
    sme = run_scenario(project, "sme-space")
    g = sme.gdf
    zh = localized_reasons(g["exclusion_reason"], sme.scenario, "zh")
    assert len(zh) == len(g) and (zh[~g["excluded"].to_numpy()] == "").all()
    assert set(zh[g["excluded"].to_numpy()]) == {"位于规划年尚未稳定的采煤沉陷区"}
    pm = run_scenario(project, "place-making")
    pen = localized_reasons(pm.gdf["penalty"], pm.scenario, "zh")
    assert set(pen) - {""} == {"大部分位于仍在沉降的采煤沉陷区（×0.7）"}
    mined = localized_reasons(pm.gdf["exclusion_reason"], pm.scenario, "zh")
    assert "位于规划年仍在开采的采煤沉陷区" in set(mined)
    assert not any(("mined" in t or "settling" in t) for t in (*mined, *pen))


def test_project_scenario_saved_without_chinese_texts_gets_the_presets():
    from hljgis.analysis import Scenario
    from hljgis.analysis.presets import fill_chinese_from_preset

    old = preset("place-making").to_dict()
    old.pop("purpose_zh")
    for c in old["constraints"]:
        c.pop("reason_zh")
    for c in old["criteria"]:
        c.pop("title_zh"), c.pop("rationale_zh")
    old["constraints"][1]["reason"] = "settling ground (our wording)"
    sc = fill_chinese_from_preset(Scenario.from_dict(old))
    ref = preset("place-making")
    assert sc.purpose.zh == ref.purpose.zh
    assert [c.title.zh for c in sc.criteria] == [c.title.zh for c in ref.criteria]
    assert sc.criteria[0].rationale.zh == ref.criteria[0].rationale.zh
    assert sc.constraints[0].reason.zh == ref.constraints[0].reason.zh
    assert sc.constraints[1].reason.zh == ""  # rewritten in English: no stale translation
    # a planner's own Chinese text and other scenarios are left alone
    own = Scenario.from_dict({**old, "purpose_zh": "我们的目的"})
    assert fill_chinese_from_preset(own).purpose.zh == "我们的目的"
    other = Scenario.from_dict({**old, "name": "mine"})
    assert fill_chinese_from_preset(other).purpose.zh == ""


@pytest.mark.skipif(not bundled_project_path().exists(),
                    reason=f"bundled project {bundled_project_path().name} not built yet")
def test_bundled_project_carries_the_presets_as_they_are():
    from hljgis.analysis import Scenario
    from hljgis.io.project_file import read_project_settings

    stored = read_project_settings(bundled_project_path())["scenarios"]
    assert sorted(stored) == sorted(preset_names())
    for name, data in stored.items():
        # scripts/build_layers.py stores preset(name).to_dict(): rebuild the project after
        # editing a preset, or the dock shows the old texts for the bundled project
        assert Scenario.from_dict(data).to_dict() == preset(name).to_dict(), name
    assert Scenario.from_dict(stored["sme-space"]).purpose.zh == preset("sme-space").purpose.zh
