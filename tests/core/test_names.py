"""Place names in the map's language: counterpart columns, pinyin where none exists."""

from __future__ import annotations

import pytest

from hljgis.core.names import chinese_only, label_columns, label_text, pinyin_name


@pytest.mark.parametrize(("zh", "en"), [
    ("七台河市", "Qitaihe"),
    ("双鸭山站", "Shuangyashan Station"),
    ("鸡西兴凯湖机场", "Jixixingkaihu Airport"),
    ("兴安沉陷区", "Xing'an Subsidence Zone"),
    ("绥芬河公路口岸", "Suifenhe Road Port"),
    ("G10 绥满高速", "G10 Suiman Expressway"),
    ("Harbin", "Harbin"),
])
def test_pinyin_name_romanises_the_specific_part_and_translates_the_generic(zh, en):
    assert pinyin_name(zh) == en
    assert not chinese_only(pinyin_name(zh))


def test_label_columns_swap_a_chinese_name_field_for_its_english_counterpart():
    cols = ["name", "name_zh", "route", "geometry"]
    assert label_columns(cols, "name_zh", "name", "en") == ("name", "name_zh", None)
    assert label_columns(cols, "name", None, "zh") == ("name_zh", "name", None)
    # a Chinese style in a Chinese map: as styled, English second line included
    assert label_columns(cols, "name_zh", "name", "zh") is None
    # a second line that is not the name's translation stays (a route number)
    assert label_columns(cols, "name_zh", "route", "en").extra == "route"
    # name_en wins over name for English when a layer has both
    assert label_columns(["name", "name_en", "name_zh"], "name_zh", None, "en").primary \
        == "name_en"
    # no language (or a bilingual page): the style's own fields
    assert label_columns(cols, "name_zh", "name", None) is None
    assert label_columns(cols, "name_zh", "name", "both") is None


def test_label_text_falls_back_to_pinyin_where_the_english_name_is_missing():
    assert label_text("Jixi", "鸡西市", "en") == "Jixi"
    assert label_text(None, "鸡西市", "en") == "Jixi"
    assert label_text("", "鹤岗站", "en") == "Hegang Station"
    # a planner's "name" column holding Chinese is romanised too
    assert label_text("双鸭山", None, "en") == "Shuangyashan"
    assert label_text("鸡西市", "Jixi", "zh") == "鸡西市"
    assert label_text(None, "Jixi", "zh") == "Jixi"
