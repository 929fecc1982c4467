"""One table of field aliases and code labels for every view, in both languages."""

from __future__ import annotations

from hljgis.core.aliases import Text, code_label, display_value, field_alias, field_text


def test_field_alias_in_both_languages_and_the_name_when_unknown():
    assert field_alias("area_km2", "en") == "Area (km²)"
    assert field_alias("area_km2", "zh") == "面积（平方千米）"
    assert field_alias("raw_dist_rail", "zh") == "原始值 dist_rail"
    assert field_alias("gdp_2014", "zh") == "2014年GDP（十亿元）"
    assert field_alias("my_own_field", "zh") == "my_own_field"


def test_codes_read_as_labels_only_in_code_fields():
    assert display_value("level", "provincial", "zh") == "省级"
    assert display_value("level", "provincial", "en") == "Provincial"
    assert display_value("industry", "coal_electricity_chemistry", "en") \
        == "Coal-electricity-chemistry"
    assert display_value("lead_industries", "graphite;green_food", "zh") == "石墨；绿色食品"
    assert display_value("name", "provincial", "zh") is None  # a name is shown as it is
    assert code_label("graphite;not_a_code", "en") is None  # one unknown part: raw value


def test_a_layers_own_field_specs_come_first():
    specs = [{"name": "phase", "label": "Phase", "label_zh": "期次",
              "codes": [["p1", "Phase one", "一期"]]}]
    assert field_alias("phase", "zh", specs) == "期次"
    assert display_value("phase", "p1", "zh", specs) == "一期"
    assert field_text("status", specs) == Text("Status", "状态")


def test_legend_classes_labelled_with_raw_codes_read_as_code_labels():
    from hljgis.core.style import legend_entries

    sym = {"type": "fill", "fill": "#ff0000"}
    style = {"renderer": {"kind": "categorized", "field": "level", "categories": [
        {"value": "provincial", "label": "provincial", "symbol": sym},
        {"value": "national", "label": "National parks", "label_zh": "", "symbol": sym},
        {"value": "x9", "label": "x9", "symbol": sym}]}}
    assert [t for t, _ in legend_entries(style, "en")] == ["Provincial", "National parks", "x9"]
    assert [t for t, _ in legend_entries(style, "zh")] == ["省级", "国家级", "x9"]


def test_true_and_false_read_as_yes_and_no():
    import numpy as np

    assert display_value("illustrative", True, "en") == "Yes"
    assert display_value("illustrative", np.bool_(False), "zh") == "否"
