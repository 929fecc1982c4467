"""City names, scenario titles, score classes and rule wording of rankings, without Qt."""

from __future__ import annotations

from hljgis.analysis.presets import preset
from hljgis.analysis.ranking_texts import (
    city_text,
    constraint_label,
    constraint_reason,
    constraint_rule,
    criterion_title,
    listed,
    punct,
    site_type_text,
    unit_text,
)
from hljgis.analysis.ranking_vocab import CITIES, city_label, city_title, scenario_title
from hljgis.core.project import Project


def test_city_names_in_both_languages_and_the_project_bookmark_first():
    assert [city_title(None, c).zh for c in CITIES] == ["鹤岗", "鸡西", "七台河", "双鸭山"]
    p = Project("p")
    p.bookmarks["jixi"] = {"title": "Jixi", "title_zh": "鸡西市"}
    assert city_title(p, "Jixi").get("zh") == "鸡西市"
    assert city_title(p, "Jixi").get("en") == "Jixi"
    assert city_title(None, "Elsewhere").get("zh") == "Elsewhere"
    assert city_label("Qitaihe", "zh") == "七台河 Qitaihe"
    assert city_label("Qitaihe", "en") == "Qitaihe 七台河"


def test_scenario_short_titles():
    t = scenario_title(preset("sme-space"))
    assert (t.en, t.zh) == ("SME space", "中小企业发展空间")


def test_rules_and_texts_follow_the_lang_argument():
    c = {"name": "subsidence", "title": "Subsidence", "title_zh": "沉陷区", "kind": "outside",
         "layer": "subsidence_zones", "reason": "in a zone", "reason_zh": "位于沉陷区",
         "where": [{"field": "status", "in": ["active", "stable"]}]}
    assert constraint_rule(c, "en") == "overlaps subsidence_zones (status ∈ ['active', 'stable'])"
    assert constraint_rule(c, "zh", lambda n: "采煤沉陷区") == (
        "压占采煤沉陷区（status 属于 active、stable）")
    inside = {"kind": "inside", "layer": "towns", "share": 0.6}
    assert constraint_rule(inside, "en") == "at least 60 % inside towns"
    assert constraint_rule(inside, "zh") == "至少 60% 位于 towns 内"
    assert constraint_rule({"kind": "attribute", "where": {"field": "a", "op": ">",
                                                           "value": "$year"}}, "zh") == (
        "地块属性：a > 规划年")
    assert (constraint_label(c, "zh"), constraint_label(c, "en")) == ("沉陷区", "Subsidence")
    assert constraint_reason({"reason": "x"}, "zh") == "x"  # no Chinese yet: English
    assert constraint_reason(c, "zh") == "位于沉陷区"
    assert criterion_title({"name": "n"}, "zh") == "n"
    assert (punct(": ", "zh"), punct(": ", "en")) == ("：", ": ")
    assert (listed("ab", "zh"), listed("ab", "en")) == ("a、b", "a, b")
    assert (unit_text("m", "zh"), unit_text("m", "en")) == ("米", "m")
    assert site_type_text("hex 500 m", "zh") == "六边形 500 米"
    assert site_type_text("hex 500 m", "en") == "hex 500 m"
    assert city_text("Jixi", "zh") == "鸡西" and city_text("Jixi", "en") == "Jixi"
