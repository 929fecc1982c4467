"""ScenarioDraft: the Qt-free state of the scenario builder, driven without a widget."""

from __future__ import annotations

import numpy as np
import pytest

from hljgis.analysis import run_scenario
from hljgis.analysis.draft import ScenarioDraft, matrix_from_weights, nearest_saaty
from hljgis.analysis.presets import preset
from hljgis.analysis.scenario import Scenario, ScenarioError
from tests.analysis.test_run import tiny_layers, tiny_scenario


def _draft(**over) -> ScenarioDraft:
    return ScenarioDraft.from_scenario(Scenario.from_dict(tiny_scenario(**over)))


def _recorder(draft):
    edits, changes = [], []
    draft.events.edited.connect(lambda text, before, after: edits.append((text, before, after)))
    draft.events.changed.connect(changes.append)
    return edits, changes


def test_preset_round_trips_unchanged():
    sc = preset("sme-space")
    draft = ScenarioDraft.from_scenario(sc)
    assert draft.to_scenario().to_dict() == sc.to_dict()
    assert not draft.modified


def test_weight_edit_changes_shares_and_is_one_event_with_states():
    draft = _draft()
    edits, changes = _recorder(draft)
    assert draft.weights().shares.tolist() == [0.75, 0.25]
    draft.set_weight(1, 3)
    assert draft.weights().shares.tolist() == [0.5, 0.5]
    assert changes == ["weights"] and len(edits) == 1
    text, before, after = edits[0]
    assert "park" in text
    assert before["criteria"][1]["weight"] == 1 and after["criteria"][1]["weight"] == 3
    assert draft.modified
    draft.set_weight(1, 3)  # no change, no event
    assert len(edits) == 1


def test_bad_weight_is_refused_naming_the_field_and_nothing_changes():
    draft = _draft()
    edits, _ = _recorder(draft)
    with pytest.raises(ScenarioError, match=r"criteria\[0\]\.weight must be zero or more"):
        draft.set_weight(0, -2)
    with pytest.raises(ScenarioError, match=r"criteria\[1\]\.weight must be a number"):
        draft.set_weight(1, "heavy")
    assert edits == [] and draft.criteria[0]["weight"] == 3


def test_restore_puts_a_snapshot_back_without_recording_an_edit():
    draft = _draft()
    edits, changes = _recorder(draft)
    before = draft.snapshot()
    draft.remove_criterion(1)
    draft.restore(before)
    assert [c["name"] for c in draft.criteria] == ["station", "park"]
    assert len(edits) == 1 and changes[-1] == "all"
    assert not draft.modified


def test_criterion_left_out_is_dropped_from_the_scenario_but_kept_in_the_draft():
    draft = _draft()
    draft.set_enabled(1, False)
    sc = draft.to_scenario()
    assert [c.name for c in sc.criteria] == ["station"]
    assert draft.weights().shares.tolist() == [1.0, 0.0]
    with pytest.raises(ScenarioError, match="at least one criterion"):
        draft.set_enabled(0, False)


def test_new_criterion_from_template_names_what_is_missing_until_filled():
    draft = _draft()
    k = draft.add_criterion(kind="distance")
    assert k == 2 and draft.criteria[k]["name"] == "distance"
    assert draft.criteria[k]["transform"] == {"kind": "minmax", "benefit": False}
    with pytest.raises(ScenarioError, match=r"criteria\[2\]\.layer is required"):
        draft.to_scenario()
    with pytest.raises(ScenarioError, match=r"criteria\[2\]\.measure must be one of"):
        draft.set_criterion(k, layer="parks", measure="nearest")
    draft.set_criterion(k, layer="parks", measure="edge", unit="m",
                        title="Distance to park", title_zh="到公园距离",
                        rationale="Parks attract people.", rationale_zh="公园聚集人气。")
    sc = draft.to_scenario()
    assert sc.criteria[2].layer == "parks" and sc.criteria[2].measure == "edge"
    assert sc.criteria[2].rationale.zh == "公园聚集人气。"
    g = run_scenario(tiny_layers(), sc).gdf.set_index("site_id")
    # edge distances to the park (x 200..250): a 100 m, b inside 0, c 150 m, d 350 m
    np.testing.assert_allclose(g["raw_distance"], [100, 0, 150, 350])
    np.testing.assert_allclose(g["norm_distance"], [1 - 100 / 350, 1, 1 - 150 / 350, 0])


def test_every_criterion_kind_has_a_template_that_can_be_completed():
    draft = _draft()
    fills = {"distance": {"layer": "parks"}, "overlap": {"layer": "parks"},
             "attribute": {"field": "area_ha"}, "raster": {"layer": "dem", "stat": "max"},
             "years": {"field": "built", "mode": "until"}}
    for kind, fields in fills.items():
        k = draft.add_criterion(kind=kind)
        draft.set_criterion(k, **fields)
    sc = draft.to_scenario()
    assert [c.kind for c in sc.criteria[2:]] == list(fills)
    with pytest.raises(ScenarioError, match="kind"):
        draft.add_criterion(kind="magic")


def test_duplicate_gets_a_new_name_and_the_same_judgements():
    draft = _draft()
    draft.set_method("ahp")
    a = draft.matrix.copy()
    k = draft.duplicate_criterion(0)
    assert k == 1 and [c["name"] for c in draft.criteria] == ["station", "station_2", "park"]
    m = draft.matrix
    assert m.shape == (3, 3)
    assert m[1, 2] == a[0, 1] and m[2, 1] == a[1, 0]  # copy judged like the original
    assert m[0, 1] == m[1, 0] == 1.0  # and equal to it
    assert draft.duplicate_criterion(1) == 2
    assert draft.criteria[2]["name"] == "station_3"


def test_move_and_remove_keep_matrices_aligned():
    draft = _draft()
    draft.add_criterion(kind="attribute")
    draft.set_criterion(2, field="area_ha")
    draft.set_method("group_ahp", member_name="planning bureau")
    draft.add_member("transport bureau")
    a = np.array([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
    draft.set_member_matrix(1, a)
    draft.move_criterion(2, 0)  # attribute first: order 2, 0, 1
    assert [c["name"] for c in draft.criteria] == ["attribute", "station", "park"]
    np.testing.assert_allclose(draft.members[1]["matrix"], a[np.ix_([2, 0, 1], [2, 0, 1])])
    draft.remove_criterion(1)  # station
    np.testing.assert_allclose(draft.members[1]["matrix"], [[1, 1 / 3], [3, 1]])
    sc = draft.to_scenario()
    assert sc.weights.members == ["planning bureau", "transport bureau"]
    assert [c.name for c in sc.criteria] == ["attribute", "park"]


def test_ahp_starts_from_the_typed_weights_on_saatys_scale():
    assert nearest_saaty(2.6) == 3.0 and nearest_saaty(0.3) == pytest.approx(1 / 3)
    np.testing.assert_allclose(matrix_from_weights([3, 1, 1]),
                               [[1, 3, 3], [1 / 3, 1, 1], [1 / 3, 1, 1]])
    draft = _draft()
    draft.set_method("ahp")
    w = draft.weights()
    assert w.method == "ahp" and w.cr == pytest.approx(0.0) and w.ok
    assert w.shares.tolist() == pytest.approx([0.75, 0.25])
    assert draft.to_scenario().weights.matrix == [[1.0, 3.0], [1 / 3, 1.0]]


def test_inconsistent_matrix_is_reported_not_raised():
    draft = _draft()
    draft.add_criterion(kind="attribute")
    draft.set_criterion(2, field="area_ha")
    draft.set_matrix([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    w = draft.weights()
    assert w.method == "ahp" and not w.ok and w.cr > 0.1
    with pytest.raises(ScenarioError, match=r"weights\.matrix must be a 3x3"):
        draft.set_matrix([[1, 2], [0.5, 1]])


def test_group_members_add_rename_remove_and_flag():
    draft = _draft()
    k = draft.add_member("water bureau")
    assert draft.method == "group_ahp" and k == 0
    with pytest.raises(ScenarioError, match=r"weights\.members\[0\]"):
        draft.rename_member(0, "  ")
    draft.add_member("land bureau")
    with pytest.raises(ScenarioError, match="used by another member"):
        draft.rename_member(1, "water bureau")
    draft.rename_member(1, "自然资源局")
    assert draft.member_names() == ["water bureau", "自然资源局"]
    draft.remove_member(0)
    with pytest.raises(ScenarioError, match="at least one member"):
        draft.remove_member(0)
    assert draft.to_scenario().weights.members == ["自然资源局"]


def test_constraints_add_edit_action_and_remove():
    draft = _draft()
    k = draft.add_constraint({"name": "zone", "kind": "outside", "layer": "zones",
                              "reason": "unstable"})
    with pytest.raises(ScenarioError, match=r"constraints\[0\]\.kind must be one of"):
        draft.set_constraint(k, kind="beside")
    with pytest.raises(ScenarioError, match=r"constraints\[1\]\.layer is required"):
        draft.add_constraint({"name": "x", "kind": "inside"})
    draft.set_constraint(k, where=[{"field": "stable_from_year", "op": ">", "value": "$year"}])
    draft.set_constraint_action(k, "subtract", 2.0)
    assert draft.constraints[k]["penalty_value"] == 2.0
    draft.set_constraint_action(k, "multiply")  # a factor cannot stay above 1
    assert draft.constraints[k]["penalty_value"] == 1.0
    draft.set_constraint_action(k, "multiply", 0.5)
    draft.set_constraint_reason(k, "不稳定", lang="zh")
    sc = draft.to_scenario()
    c = sc.constraints[0]
    assert (c.mode, c.penalty, c.penalty_value, c.reason.zh) == ("penalty", "multiply", 0.5,
                                                                 "不稳定")
    g = run_scenario(tiny_layers(), sc).gdf.set_index("site_id")
    assert g.loc["d", "penalty"] != "" and g["rank"].notna().all()
    draft.set_constraint_action(k, "exclude")
    g = run_scenario(tiny_layers(), draft.to_scenario()).gdf.set_index("site_id")
    assert g["rank"].isna().tolist() == [False, False, False, True]
    draft.remove_constraint(0)
    assert draft.to_scenario().constraints == []


def test_candidates_year_aggregation_and_texts_are_checked():
    draft = _draft()
    draft.set_candidates(kind="grid", layer="cities", size_m=250, shape="hex", id_field=None)
    assert draft.to_scenario().candidates.shape == "hex"
    with pytest.raises(ScenarioError, match=r"candidates\.size_m must be at least 1"):
        draft.set_candidates(size_m=0)
    with pytest.raises(ScenarioError, match="planning_year must be at most 2100"):
        draft.set_planning_year(2500)
    draft.set_planning_year(2030)
    draft.set_aggregation("topsis")
    with pytest.raises(ScenarioError, match="aggregation must be one of"):
        draft.set_aggregation("median")
    draft.set_texts(title="Tiny", title_zh="小")
    sc = draft.to_scenario()
    assert (sc.planning_year, sc.aggregation, sc.title.zh) == (2030, "topsis", "小")


def test_transform_kind_switch_keeps_the_range_and_direction():
    draft = _draft()
    draft.set_transform_kind(0, "fuzzy_decreasing")
    assert draft.criteria[0]["transform"] == {"kind": "fuzzy_decreasing", "a": 0, "b": 1000,
                                              "shape": "linear"}
    draft.set_transform_kind(0, "minmax")  # a decreasing curve stays a cost
    assert draft.criteria[0]["transform"] == {"kind": "minmax", "benefit": False}
    draft.set_transform_kind(0, "linear")
    assert draft.criteria[0]["transform"]["kind"] == "linear"
    with pytest.raises(ScenarioError, match=r"criteria\[0\]\.transform\.lo"):
        draft.set_transform(0, {"kind": "linear", "lo": "near", "hi": 3})


def test_replace_is_one_undoable_edit():
    draft = _draft()
    edits, changes = _recorder(draft)
    draft.replace(preset("place-making"), "Import scenario")
    assert draft.name == "place-making" and draft.modified
    assert edits[0][0] == "Import scenario" and changes == ["all"]
    draft.restore(edits[0][1])
    assert draft.name == "tiny"


def test_probe_measures_one_criterion_at_every_site():
    draft = _draft()
    draft.add_constraint({"name": "zone", "kind": "outside", "layer": "zones"})
    sc = draft.probe(0)
    assert [c.name for c in sc.criteria] == ["station"] and sc.constraints == []
    g = run_scenario(tiny_layers(), sc).gdf
    np.testing.assert_allclose(g["raw_station"], [50, 250, 450, 650])
    assert ScenarioDraft.measure_key(draft.criteria[0]) != ScenarioDraft.measure_key(
        draft.criteria[1])
    twin = {**draft.criteria[0], "weight": 9, "transform": {"kind": "minmax"}}
    assert ScenarioDraft.measure_key(twin) == ScenarioDraft.measure_key(draft.criteria[0])


def test_a_criterion_is_built_one_field_at_a_time():
    draft = _draft()
    k = draft.add_criterion(kind="attribute")
    draft.set_criterion(k, layer="parks")  # field still empty: allowed while building
    with pytest.raises(ScenarioError, match=r"criteria\[2\]\.field is required"):
        draft.to_scenario()
    with pytest.raises(ScenarioError, match=r"criteria\[2\]\.agg must be one of"):
        draft.set_criterion(k, agg="sum")  # what is given is still checked
    draft.set_criterion(k, field="kind", transform={"kind": "categorical",
                                                    "mapping": {"park": 1}})
    assert draft.to_scenario().criteria[2].layer == "parks"


def test_a_rule_switched_to_a_site_condition_waits_for_its_filter():
    draft = _draft()
    k = draft.add_constraint({"name": "zone", "kind": "outside", "layer": "zones"})
    draft.set_constraint(k, kind="attribute", layer=None)
    with pytest.raises(ScenarioError, match=r"constraints\[0\]\.where is required"):
        draft.to_scenario()
    draft.set_constraint(k, where=[{"field": "area_ha", "op": ">=", "value": 1}])
    g = run_scenario(tiny_layers(), draft.to_scenario()).gdf
    assert g["rank"].notna().all()  # every tiny site has 1 ha
    draft.set_constraint(k, kind="inside")  # a layer to pick now
    with pytest.raises(ScenarioError, match=r"constraints\[0\]\.layer is required"):
        draft.validate()
