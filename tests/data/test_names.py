"""Chinese names in the bundled layers: Simplified, drawable with the bundled font, correct.

Map labels use the bundled HLJGIS Sans SC subset (GB2312 + Latin/Cyrillic), so a traditional
or Japanese form in the data would show as a box. Every Chinese-bearing text value of every
bundled layer -- the GeoJSONs, the statistics CSV and every text cell of the project file,
including the JSON project record -- must be covered by both font weights, contain no kana and
use Simplified characters only. The town names come from the hand-curated
``scripts/sources/town_names_zh.csv``; the expected names are written here literally.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ROOT / "layers"
PROJECT = LAYERS / "east-heilongjiang.hljgis.gpkg"
FONTS = ROOT / "resources" / "fonts"
TOWN_NAMES = ROOT / "scripts" / "sources" / "town_names_zh.csv"

#: CJK radicals/symbols/kana/ideographs, compatibility ideographs, full-width forms, ext. B+.
CHINESE = re.compile("[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]")
KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
IDEOGRAPH = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")

#: The four cities' seats, by GeoNames id: (name, name_zh).
CITY_SEATS = {2036986: ("Hegang", "鹤岗"), 2036389: ("Jixi", "鸡西"),
              2035261: ("Qitaihe", "七台河"), 2034786: ("Shuangyashan", "双鸭山")}
#: Further towns GeoNames got wrong (Japanese, traditional, historic, wrong pick or blank).
OTHER_TOWNS = {
    2036581: ("Jiamusi", "佳木斯"), 2034657: ("Suifenhe", "绥芬河"), 2035746: ("Mishan", "密山"),
    2037611: ("Dongning", "东宁"), 2036920: ("Hengshan", "恒山区"), 2037393: ("Luobei", "萝北"),
    2037685: ("Didao", "滴道区"), 2038482: ("Muling", "穆棱"), 2035669: ("Nancha", "南岔"),
    2022890: ("Khabarovsk", "哈巴罗夫斯克"), 2013348: ("Vladivostok", "符拉迪沃斯托克"),
    2014006: ("Ussuriysk", "乌苏里斯克"), 2026643: ("Birobidzhan", "比罗比詹"),
    2026696: ("Bikin", "比金"), 2022317: ("Khor", "霍尔"), 2020689: ("Luchegorsk", "卢切戈尔斯克"),
    2016412: ("Smidovich", "斯米多维奇"), 2020812: ("Lesozavodsk", "列索扎沃茨克"),
    2025159: ("Dalnerechensk", "达利涅列琴斯克"), 2016187: ("Spassk-Dalny", "斯帕斯克达利尼"),
    2027456: ("Artyom", "阿尔乔姆"), 2018116: ("Partizansk", "游击队城"),
    2026303: ("Bolshoy Kamen", "大卡缅"), 2023058: ("Kavalerovo", "卡瓦列罗沃"),
    2016402: ("Smolyaninovo", "斯莫利亚尼诺沃"),
}


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
        if value.startswith(("[", "{")):
            try:
                parsed = json.loads(value)
            except ValueError:
                parsed = None
            yield from _strings(parsed)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _geojson_texts() -> Iterator[tuple[str, str]]:
    for path in sorted(LAYERS.glob("*.geojson")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for i, feature in enumerate(data["features"]):
            for field, value in feature["properties"].items():
                for s in _strings(value):
                    yield f"{path.name}[{i}].{field}", s


def _csv_texts() -> Iterator[tuple[str, str]]:
    for path in sorted(LAYERS.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for i, row in enumerate(csv.DictReader(f)):
                for field, value in row.items():
                    yield f"{path.name}[{i}].{field}", value or ""


def _project_texts() -> Iterator[tuple[str, str]]:
    con = sqlite3.connect(f"file:{PROJECT}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'rtree_%'")]
        for table in tables:
            cur = con.execute(f'SELECT * FROM "{table}"')
            cols = [d[0] for d in cur.description]
            for i, row in enumerate(cur):
                for col, value in zip(cols, row, strict=True):
                    for s in _strings(value):
                        yield f"{PROJECT.name}:{table}[{i}].{col}", s
    finally:
        con.close()


def chinese_texts() -> list[tuple[str, str]]:
    texts = [*_geojson_texts(), *_csv_texts(), *_project_texts()]
    return [(where, s) for where, s in texts if CHINESE.search(s)]


@pytest.fixture(scope="module")
def texts() -> list[tuple[str, str]]:
    found = chinese_texts()
    assert len(found) > 300  # the names of every layer, twice (GeoJSON and project)
    return found


@pytest.fixture(scope="module")
def cmaps() -> dict[str, set[int]]:
    ttlib = pytest.importorskip("fontTools.ttLib")
    return {weight: set(ttlib.TTFont(FONTS / f"HLJGISSansSC-{weight}.otf").getBestCmap())
            for weight in ("Regular", "Bold")}


def _towns_geojson() -> dict[int, dict]:
    """GeoNames towns by id (hand-placed towns, without an id, are checked on their own)."""
    data = json.loads((LAYERS / "towns.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["geonameid"]: f["properties"] for f in data["features"]
            if f["properties"]["geonameid"] is not None}


def _towns_project() -> dict[int, tuple[str, str]]:
    con = sqlite3.connect(f"file:{PROJECT}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT geonameid, name, name_zh FROM towns "
                           "WHERE geonameid IS NOT NULL").fetchall()
    finally:
        con.close()
    return {int(g): (n, z) for g, n, z in rows}


def test_chinese_text_is_drawn_by_both_bundled_fonts(texts, cmaps):
    for weight, cmap in cmaps.items():
        missing = {(where, s, "".join(sorted({c for c in s if ord(c) not in cmap})))
                   for where, s in texts if any(ord(c) not in cmap for c in s)}
        assert not missing, (weight, sorted(missing)[:20])


def test_town_names_are_drawn_by_both_bundled_fonts(cmaps):
    for gid, props in _towns_geojson().items():
        for field in ("name", "name_zh"):
            for weight, cmap in cmaps.items():
                assert all(ord(c) in cmap for c in props[field]), (gid, field, weight)


def test_no_kana(texts):
    bad = [(where, s) for where, s in texts if KANA.search(s)]
    assert not bad, bad[:20]


def test_simplified_characters_only(texts):
    """Every ideograph is in GB2312, the Simplified set the bundled font is built from; the
    traditional and Japanese forms GeoNames gave (鶴 崗 鶏 綏 鴨 盧 爾 維 羅 諾 亞) are not."""
    def outside(s: str) -> str:
        out = []
        for c in IDEOGRAPH.findall(s):
            try:
                c.encode("gb2312")
            except UnicodeEncodeError:
                out.append(c)
        return "".join(out)

    bad = [(where, s, outside(s)) for where, s in texts if outside(s)]
    assert not bad, bad[:20]


def test_every_town_has_a_curated_chinese_name():
    towns = _towns_geojson()
    with TOWN_NAMES.open(encoding="utf-8", newline="") as f:
        table = {int(r["geonameid"]): (r["name"], r["name_zh"]) for r in csv.DictReader(f)}
    assert len(towns) > 90
    assert set(towns) <= set(table)
    for gid, props in towns.items():
        assert props["name_zh"] and CHINESE.search(props["name_zh"]), gid
        assert (props["name"], props["name_zh"]) == table[gid], gid
    assert _towns_project() == {g: (p["name"], p["name_zh"]) for g, p in towns.items()}


@pytest.mark.parametrize("gid", sorted(CITY_SEATS))
def test_the_four_cities_towns(gid):
    name, name_zh = CITY_SEATS[gid]
    props = _towns_geojson()[gid]
    assert (props["name"], props["name_zh"], props["role"]) == (name, name_zh, "city_seat")
    assert _towns_project()[gid] == (name, name_zh)


def test_towns_geonames_got_wrong():
    towns = _towns_geojson()
    for gid, expected in OTHER_TOWNS.items():
        assert (towns[gid]["name"], towns[gid]["name_zh"]) == expected, gid
