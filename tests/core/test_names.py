"""Place names in the map's language: counterpart columns, pinyin where none exists."""

from __future__ import annotations

import pytest

from hljgis.core.names import (
    bilingual_lines,
    chinese_only,
    label_columns,
    label_text,
    pinyin_name,
)


@pytest.mark.parametrize(("zh", "en"), [
    ("七台河市", "Qitaihe"),
    ("双鸭山站", "Shuangyashan Station"),
    ("鸡西兴凯湖机场", "Jixi Xingkaihu Airport"),
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
    # no language: the style's own fields
    assert label_columns(cols, "name_zh", "name", None) is None
    # a bilingual page: the Chinese column over the English one, whichever the style names
    assert label_columns(cols, "name_zh", None, "both") == ("name_zh", "name", None)
    assert label_columns(cols, "name", None, "both") == ("name_zh", "name", None)
    assert label_columns(["route"], "route", None, "both") == ("route", None, None)


def test_label_text_falls_back_to_pinyin_where_the_english_name_is_missing():
    assert label_text("Jixi", "鸡西市", "en") == "Jixi"
    assert label_text(None, "鸡西市", "en") == "Jixi"
    assert label_text("", "鹤岗站", "en") == "Hegang Station"
    # a planner's "name" column holding Chinese is romanised too
    assert label_text("双鸭山", None, "en") == "Shuangyashan"
    assert label_text("鸡西市", "Jixi", "zh") == "鸡西市"
    assert label_text(None, "Jixi", "zh") == "Jixi"


def test_bilingual_lines_put_the_chinese_name_over_the_english_one():
    assert bilingual_lines("鹤岗", "Hegang") == ("鹤岗", "Hegang")
    assert bilingual_lines("佳木斯西站", None) == ("佳木斯西站", "Jiamusi West Station")
    assert bilingual_lines("", "Khabarovsk") == ("Khabarovsk", "")
    assert bilingual_lines("G10", None) == ("G10", "")


@pytest.mark.parametrize(("zh", "en"), [
    ("佳木斯西", "Jiamusi West"), ("七台河东", "Qitaihe East"), ("鸡西西站", "Jixi West Station"),
    ("双鸭山市宝清县", "Shuangyashan City Baoqing County"),
    ("鸡西市鸡冠区", "Jixi City Jiguan District"), ("黑龙江省", "Heilongjiang Province"),
    ("哈尔滨太平国际机场", "Harbin Taiping International Airport"),
    ("鹤岗机场（规划）", "Hegang Airport (planned)"),
    ("东山（峻德）沉陷区", "Dongshan (Junde) Subsidence Zone"),
    ("鹤哈高速（伊春—哈尔滨）", "Heha Expressway (Yichun–Harbin)"),
    ("饶河边境经济合作区", "Raohe Border Economic Cooperation Zone"),
    ("鸡西", "Jixi"), ("穆棱", "Muling"), ("朗乡", "Langxiang"),
])
def test_compound_names_split_into_words_with_their_generic_parts_in_english(zh, en):
    assert pinyin_name(zh) == en


def _bundled(layer: str):
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "layers" / f"{layer}.geojson"
    return [f["properties"] for f in json.loads(path.read_text(encoding="utf-8"))["features"]]


def test_real_station_district_and_town_names_romanise_as_the_data_spells_them():
    stations = [(p["name_zh"], p["name"] + " Station") for p in _bundled("hsr_stations")]
    districts = [(p["name_zh"], p["name"] + {"区": " District", "县": " County", "市": ""}[
        p["name_zh"][-1]]) for p in _bundled("districts")]
    towns = [(p["name_zh"], p["name"]) for p in _bundled("towns")
             if p.get("country") == "CN" and p["name_zh"][-1] not in "区村"]
    cities = [(p["name_zh"], p["name"]) for name in ("cities", "neighbours")
              for p in _bundled(name)]
    ports = [(p["name_zh"], p["name"].split(" (")[0] + " Port")
             for p in _bundled("border_crossings") if not {"路", "岛"} & set(p["name_zh"])]
    pairs = stations + districts + towns + cities + ports
    assert len(stations) == 19 and len(districts) == 29 and len(towns) >= 40
    wrong = [(zh, pinyin_name(zh), en) for zh, en in pairs if pinyin_name(zh) != en]
    assert not wrong
