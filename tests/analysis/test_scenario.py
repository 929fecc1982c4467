"""Scenario plain data: round trip, JSON files, messages naming the bad field, AHP weights."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from hljgis.analysis import (
    InconsistentMatrixError,
    Scenario,
    ScenarioError,
    load_scenario,
    preset,
    save_scenario,
)
from hljgis.analysis.presets import SME_SPACE
from hljgis.core.errors import InputError
from hljgis.core.text import Text


def test_round_trip_dict_and_json(tmp_path):
    sc = preset("sme-space")
    d = sc.to_dict()
    assert Scenario.from_dict(d).to_dict() == d
    json.dumps(d)  # plain data
    path = save_scenario(sc, tmp_path / "s.json")
    text = path.read_text(encoding="utf-8")
    assert "中小企业" in text and "\n  " in text  # readable: unescaped Chinese, indented
    assert load_scenario(path).to_dict() == d


def _bad(change) -> str:
    d = copy.deepcopy(SME_SPACE)
    change(d)
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(d)
    assert isinstance(info.value, InputError)
    return str(info.value)


def test_bad_transform_parameter_named():
    def change(d):
        d["criteria"][2]["transform"]["a"] = "ten"
    msg = _bad(change)
    assert msg.startswith("scenario 'sme-space': criteria[2].transform.a must be a number")


def test_linear_lo_named():
    def change(d):
        d["criteria"][3]["transform"]["lo"] = None
    assert "criteria[3].transform.lo" in _bad(change)


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d["criteria"][0].update(kind="distanse"), "criteria[0].kind must be one of"),
    (lambda d: d["criteria"][1].pop("layer"), "criteria[1].layer is required"),
    (lambda d: d["criteria"][1].update(name="Bad Name"), "criteria[1].name"),
    (lambda d: d["criteria"][1].update(name="urban_centre"), "used by another criterion"),
    (lambda d: d["criteria"][0].update(wieght=3), "criteria[0].wieght is not a known field"),
    (lambda d: d["criteria"][0].update(weight=-1), "criteria[0].weight must be at least 0"),
    (lambda d: d["criteria"][0]["where"][0].pop("in"), "criteria[0].where[0] needs exactly"),
    (lambda d: d["constraints"][0].update(mode="maybe"), "constraints[0].mode must be one of"),
    (lambda d: d["constraints"][0].update(penalty_value=2), "constraints[0].penalty_value"),
    (lambda d: d["candidates"].update(shape="circle"), "candidates.shape must be one of"),
    (lambda d: d.update(planning_year="2025"), "planning_year must be a number"),
    (lambda d: d.update(aggregation="vikor"), "aggregation must be one of"),
    (lambda d: d.update(criteria=[]), "criteria must be a non-empty list"),
    (lambda d: d.update(weights={"method": "ahp", "matrix": [[1, 2], [0.5, 1]]}),
     "weights.matrix must be a 6x6"),
    (lambda d: d["criteria"][0]["transform"].update(kind="fuzzy_decreasing", a=5, b=1),
     "criteria[0].transform"),
])
def test_bad_fields_named(change, field):
    assert field in _bad(change)


def test_bad_json_file_named(tmp_path):
    p = tmp_path / "broken.json"
    p.write_text('{"name": "x", "criteria": [}', encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid JSON.*line 1"):
        load_scenario(p)


def _ahp_scenario(matrix=None, matrices=None):
    d = copy.deepcopy(SME_SPACE)
    d["criteria"] = d["criteria"][:3]
    d["weights"] = ({"method": "ahp", "matrix": matrix} if matrix is not None else
                    {"method": "group_ahp", "matrices": matrices,
                     "members": ["planning bureau", "economic bureau"]})
    return Scenario.from_dict(d)


def test_ahp_weights_and_inconsistent_refused():
    w, rep = _ahp_scenario([[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]]).resolve_weights()
    np.testing.assert_allclose(w, [4 / 7, 2 / 7, 1 / 7])
    assert rep["cr"] == pytest.approx(0, abs=1e-9)
    bad = _ahp_scenario([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    with pytest.raises(InconsistentMatrixError, match="CR"):
        bad.resolve_weights()


def test_group_ahp_reports_member_cr():
    m1 = [[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]]
    m2 = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]
    sc = _ahp_scenario(matrices=[m1, m2])
    w, rep = sc.resolve_weights()
    assert w.sum() == pytest.approx(1) and w[0] > w[1] > w[2]
    assert set(rep["member_cr"]) == {"planning bureau", "economic bureau"}
    assert Scenario.from_dict(sc.to_dict()).weights.matrices == [m1, m2]


def test_criterion_chinese_title_round_trips_and_presets_have_one():
    from hljgis.analysis import preset as _preset

    for name in ("sme-space", "place-making"):
        sc = _preset(name)
        assert all(c.title.zh and c.title for c in sc.criteria), name
        assert all(c.rationale.zh and c.rationale for c in sc.criteria), name
        back = Scenario.from_dict(sc.to_dict())
        assert [c.title.zh for c in back.criteria] == [c.title.zh for c in sc.criteria]
    d = _preset("sme-space").to_dict()
    d["criteria"][0]["rationale_zh"] = "靠近服务"
    d["criteria"][1]["rationale_zh"] = ""
    back = Scenario.from_dict(d)
    assert back.criteria[0].rationale.zh == "靠近服务"
    assert back.to_dict()["criteria"][0]["rationale_zh"] == "靠近服务"
    assert "rationale_zh" not in back.to_dict()["criteria"][1]  # empty texts are not written
    d["criteria"][0]["title_zh"] = 3
    with pytest.raises(ScenarioError, match=r"criteria\[0\]\.title_zh must be text"):
        Scenario.from_dict(d)


def test_chinese_purpose_and_reasons_round_trip(tmp_path):
    sc = preset("place-making")
    assert sc.purpose.zh.startswith("对四市") and sc.purpose
    assert [c.reason.zh for c in sc.constraints] == ["位于规划年仍在开采的采煤沉陷区",
                                                     "大部分位于仍在沉降的采煤沉陷区"]
    d = sc.to_dict()
    assert d["purpose_zh"] == sc.purpose.zh
    assert d["constraints"][1]["reason_zh"] == "大部分位于仍在沉降的采煤沉陷区"
    back = load_scenario(save_scenario(sc, tmp_path / "pm.json"))
    assert back.purpose.zh == sc.purpose.zh
    assert [c.reason.zh for c in back.constraints] == [c.reason.zh for c in sc.constraints]
    assert back.to_dict() == d
    # an empty Chinese reason is not written (as for criteria), an empty purpose_zh is
    back.constraints[0].reason = Text(back.constraints[0].reason.en)
    assert "reason_zh" not in back.to_dict()["constraints"][0]


def test_scenario_file_without_chinese_purpose_or_reasons_still_loads(tmp_path):
    d = copy.deepcopy(SME_SPACE)
    d.pop("purpose_zh")
    for c in d["constraints"]:
        c.pop("reason_zh")
    path = tmp_path / "old.json"
    path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    sc = load_scenario(path)
    assert sc.purpose.zh == "" and sc.purpose.en == SME_SPACE["purpose"]
    assert sc.constraints[0].reason.zh == ""
    assert sc.constraints[0].describe("zh") == sc.constraints[0].reason.en  # English fallback


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d.update(purpose_zh=["中小企业"]), "purpose_zh must be text"),
    (lambda d: d["constraints"][0].update(reason_zh=5), "constraints[0].reason_zh must be text"),
    (lambda d: d.update(purpose=3), "purpose must be text"),
])
def test_bad_chinese_text_fields_named(change, field):
    msg = _bad(change)
    assert msg.startswith("scenario 'sme-space': ") and field in msg


@pytest.mark.parametrize(("members", "field"), [
    (["planning bureau", "planning bureau"], "weights.members[1] ('planning bureau') is used "
                                             "by another member"),
    (["planning bureau", "  "], "weights.members[1] must be a non-empty name"),
    ([3, "economic bureau"], "weights.members[0] must be a non-empty name"),
])
def test_group_member_names_must_be_unique_and_non_empty(members, field):
    m = [[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]]

    def change(d):
        d["criteria"] = d["criteria"][:3]
        d["weights"] = {"method": "group_ahp", "matrices": [m, m], "members": members}
    assert field in _bad(change)
    sc = _ahp_scenario(matrices=[m, m])
    assert sc.weights.members == ["planning bureau", "economic bureau"]
    assert list(sc.resolve_weights()[1]["member_cr"]) == ["planning bureau", "economic bureau"]


def test_constraint_titles_round_trip_and_empty_ones_are_not_written(tmp_path):
    d = copy.deepcopy(SME_SPACE)
    d["constraints"][0].update(title="Unstable ground", title_zh="未稳定沉陷区")
    sc = Scenario.from_dict(d)
    c = sc.constraints[0]
    assert c.title == Text("Unstable ground", "未稳定沉陷区")
    back = load_scenario(save_scenario(sc, tmp_path / "s.json"))
    assert (back.constraints[0].title.en, back.constraints[0].title.zh) == (
        "Unstable ground", "未稳定沉陷区")
    assert back.to_dict() == sc.to_dict()
    back.constraints[0].title = Text("")
    written = back.to_dict()["constraints"][0]
    assert "title" not in written and "title_zh" not in written


def test_scenario_file_without_constraint_titles_still_loads(tmp_path):
    d = copy.deepcopy(SME_SPACE)
    for c in d["constraints"]:
        c.pop("title", None), c.pop("title_zh", None)
    path = tmp_path / "old.json"
    path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    c = load_scenario(path).constraints[0]
    assert c.title == Text("")


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d["constraints"][0].update(title=["Unstable"]), "constraints[0].title must be text"),
    (lambda d: d["constraints"][0].update(title_zh=7), "constraints[0].title_zh must be text"),
])
def test_bad_constraint_titles_named(change, field):
    msg = _bad(change)
    assert msg.startswith("scenario 'sme-space': ") and field in msg
