"""Place names in the map's language: English where the data has it, else pinyin.

A layer's label field names one language (``name_zh``, ``name``, ``name_en``); a map in the
other language reads the counterpart column of the same feature, and where that is empty (or
itself Chinese only), romanises the Chinese name: pinyin of the specific part, the generic
part in English ("双鸭山站" -> "Shuangyashan Station"), as gazetteers write them.

Pure Python: no Qt. pypinyin is imported on first use.

Examples
--------
>>> pinyin_name("七台河市")
'Qitaihe'
>>> pinyin_name("兴安沉陷区")
"Xing'an Subsidence Zone"
>>> label_columns(["name", "name_zh", "pop"], "name_zh", "name", "en")
LabelColumns(primary='name', fallback='name_zh', extra=None)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from hljgis.core.text import is_zh

#: Label languages a map can ask for: one language, or "both" (the Chinese name over its
#: English one, as a bilingual annex prints them); ``None`` draws the fields the style names.
LABEL_LANGUAGES = ("en", "zh", "both")

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[A-Za-z]")

#: Generic endings of Chinese place names and their English words, longest first ("" drops
#: the ending: a city is "Jixi", not "Jixi City", on every English map of the region).
GENERIC_EN = tuple(sorted({
    "国际机场": "International Airport", "机场": "Airport",
    "火车站": "Railway Station", "北站": "North Station", "南站": "South Station",
    "东站": "East Station", "西站": "West Station", "站": "Station",
    "公路口岸": "Road Port", "铁路口岸": "Rail Port", "水运口岸": "River Port", "口岸": "Port",
    "经济技术开发区": "Economic and Technological Development Zone",
    "高新技术产业开发区": "High-tech Industrial Development Zone",
    "经济开发区": "Economic Development Zone", "开发区": "Development Zone",
    "工业园区": "Industrial Park", "产业园区": "Industrial Park", "产业园": "Industrial Park",
    "园区": "Park", "沉陷区": "Subsidence Zone", "棚户区": "Shanty Area", "矿区": "Mining Area",
    "自治县": "Autonomous County", "县": "County", "区": "District", "市": "", "省": "Province",
    "镇": "Town", "乡": "Township", "街道": "Subdistrict", "村": "Village", "湖": "Lake",
    "水库": "Reservoir", "高速": "Expressway", "铁路": "Railway", "快速铁路": "Railway",
    "边境经济合作区": "Border Economic Cooperation Zone", "合作区": "Cooperation Zone",
    "岛": "Island",
}.items(), key=lambda kv: -len(kv[0])))


def has_han(text: str) -> bool:
    """True when ``text`` holds a Chinese character."""
    return bool(_HAN.search(text or ""))


def chinese_only(text: str) -> bool:
    """True for a label an English reader cannot read: Chinese characters, no Latin letter."""
    return has_han(text) and not _LATIN.search(text)


def _syllables(han: str) -> str:
    from pypinyin import Style, lazy_pinyin

    out = ""
    for syl in lazy_pinyin(han, style=Style.NORMAL, v_to_u=False):
        syl = syl.replace("v", "ü") if syl in ("lv", "nv", "lve", "nve") else syl
        if out and syl[:1] in ("a", "o", "e"):
            out += "'"  # Xi'an, not Xian
        out += syl
    return out


#: Place names of the region (the four cities, their districts and counties, neighbouring
#: cities, towns and station stems of the bundled layers) that a longer name starts with:
#: "鸡西兴凯湖机场" splits as 鸡西 | 兴凯湖 ("Jixi Xingkaihu Airport"), "双鸭山市宝清县" as
#: 双鸭山 | 市 | 宝清 | 县. Spelled by pypinyin unless an English exonym is given.
PLACES: dict[str, str | None] = {
    **dict.fromkeys((
        # the four cities and their districts and counties
        "鸡西", "鹤岗", "双鸭山", "七台河", "鸡冠", "恒山", "滴道", "梨树", "城子河", "麻山",
        "鸡东", "虎林", "密山", "向阳", "工农", "南山", "兴安", "东山", "兴山", "萝北", "绥滨",
        "尖山", "岭东", "四方台", "宝山", "集贤", "友谊", "宝清", "饶河", "新兴", "桃山",
        "茄子河", "勃利",
        # neighbouring cities, counties, ports and towns
        "伊春", "佳木斯", "牡丹江", "绥芬河", "东宁", "同江", "抚远", "富锦", "嘉荫", "黑河",
        "建三江", "依兰", "尚志", "林口", "海林", "桦南", "穆棱", "铁力", "方正", "宾州",
        "宾西", "阿城", "亚布力", "莲江口", "鹤立", "汤原", "宁安", "绥化", "大庆", "齐齐哈尔",
        "友好", "新青", "汪清", "南岔", "朗乡", "黄泥河", "黑台", "敦化", "柴河", "安图",
        "兴凯湖",
    )),
    "哈尔滨": "Harbin", "长安": "Chang'an", "穆棱": "Muling", "朗乡": "Langxiang",
    "林都": "Lindu",
}
_PLACE_MAX = max(map(len, PLACES))
#: Administrative words between two place names ("双鸭山市宝清县").
ADMIN_EN = {"省": "Province", "市": "City", "县": "County", "区": "District", "镇": "Town",
            "乡": "Township"}
#: A direction after a place name, at the end: a station or a new town ("佳木斯西").
DIRECTION_EN = {"东": "East", "西": "West", "南": "South", "北": "North"}
#: Notes in brackets after a name ("鹤岗机场（规划）").
QUALIFIER_EN = {"规划": "planned", "在建": "under construction", "拟建": "proposed",
                "示意": "illustrative"}
_PUNCT = str.maketrans({"（": " (", "）": ")", "—": "–", "、": ",", "，": ","})
_BRACKETED = re.compile(r"^(?P<main>.+?)\s*[（(](?P<note>[^（()）]+)[）)]\s*$")


def _place(han: str, i: int) -> str | None:
    """The longest known place name starting at ``han[i]``."""
    for n in range(min(_PLACE_MAX, len(han) - i), 1, -1):
        if han[i:i + n] in PLACES:
            return han[i:i + n]
    return None


def _word(han: str) -> str:
    en = PLACES.get(han)
    if en:
        return en
    word = _syllables(han)
    return word[:1].upper() + word[1:]


def _han_words(han: str) -> list[str]:
    """Words of a run of Chinese characters: known place names split off the front, an
    administrative word between places and a direction after one translated; the rest is
    one pinyin word ("兴凯湖" -> "Xingkaihu")."""
    words, i = [], 0
    while i < len(han):
        place = _place(han, i)
        if place is None:
            words.append(_word(han[i:]))
            break
        words.append(_word(place))
        i += len(place)
        rest = han[i:]
        if len(rest) == 1 and rest in DIRECTION_EN:
            words.append(DIRECTION_EN[rest])
            break
        if len(rest) > 1 and rest[0] in ADMIN_EN and _place(han, i + 1):
            words.append(ADMIN_EN[rest[0]])
            i += 1
    return words


@lru_cache(maxsize=65536)
def pinyin_name(text: str) -> str:
    """``text`` with its Chinese romanised: pinyin words split at the region's place names,
    generic endings, administrative words and directions in English.

    Non-Chinese parts (route numbers, Latin names) are kept as they are.

    Examples
    --------
    >>> pinyin_name("七台河西")
    'Qitaihe West'
    >>> pinyin_name("双鸭山市宝清县")
    'Shuangyashan City Baoqing County'
    """
    text = (text or "").strip()
    if not has_han(text):
        return text
    m = _BRACKETED.match(text)
    if m:
        note = m["note"].strip()
        return f"{pinyin_name(m['main'])} ({QUALIFIER_EN.get(note) or pinyin_name(note)})"
    if text in PLACES:
        return _word(text)
    generic = ""
    for zh, en in GENERIC_EN:
        if text.endswith(zh) and has_han(text[: -len(zh)]):
            text, generic = text[: -len(zh)], en
            break
    words = []
    for part in re.split(f"({_HAN.pattern})", text):
        if not part:
            continue
        if _HAN.fullmatch(part):
            words.extend(_han_words(part))
        elif part.strip():
            words.append(part.strip().translate(_PUNCT))
    out = " ".join(w for w in (*words, generic) if w)
    out = re.sub(r"\s*([–,)])", r"\1", re.sub(r"([(–])\s*", r"\1", out))
    return re.sub(r"\s{2,}", " ", out)


class LabelColumns(NamedTuple):
    """Which columns give a label in one language.

    ``primary`` is read first; where it is empty (or, in English, Chinese only) the label
    comes from ``fallback`` (romanised in English). ``extra`` is a second line the style
    asked for that is not a translation of the first (a route number, a score).
    """

    primary: str
    fallback: str | None
    extra: str | None


def _pair(columns: Sequence[str], field: str) -> tuple[str | None, str | None]:
    """(English column, Chinese column) of the name ``field`` belongs to."""
    cols = set(columns)

    def first(*names):
        return next((n for n in names if n in cols), None)

    if field.endswith("_zh"):
        base = field[:-3]
        return first(f"{base}_en", base), field
    if field.endswith("_en"):
        base = field[:-3]
        return field, first(f"{base}_zh")
    return first(f"{field}_en", field), first(f"{field}_zh")


def label_columns(columns: Sequence[str], field: str, field2: str | None,
                  lang: str | None) -> LabelColumns | None:
    """The columns to label with in ``lang`` ("en", "zh", "both"); None keeps the style's
    fields. In "both" ``primary`` is the Chinese column and ``fallback`` the English one
    (:func:`bilingual_lines` makes the two lines)."""
    if lang not in LABEL_LANGUAGES or field not in set(columns):
        return None
    en, zh = _pair(columns, field)
    if lang == "both":
        main = zh or field
        pair = {en, zh, field} - {None}
        extra = field2 if field2 and field2 in set(columns) and field2 not in pair else None
        return LabelColumns(main, en if en and en != main else None, extra)
    if is_zh(lang) and field == zh:
        # a Chinese style draws as styled, with its pinyin/English second line if it has
        # one (as Chinese maps print them); an English map drops Chinese lines it cannot read
        return None
    pair = {en, zh} - {None}
    extra = field2 if field2 and field2 in set(columns) and field2 not in pair else None
    # a second line that translates the first is dropped: one language shows one name
    if lang == "en":
        return LabelColumns(en or field, zh if zh != (en or field) else None, extra)
    return LabelColumns(zh or field, en if en != (zh or field) else None, extra)


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    return str(value).strip()


def bilingual_lines(zh, en) -> tuple[str, str]:
    """The two lines of a bilingual label: the Chinese name, then the English one (pinyin of
    the Chinese where there is none); ("Harbin", "") when the feature has no Chinese name.

    >>> bilingual_lines("鹤岗市", None)
    ('鹤岗市', 'Hegang')
    """
    a, b = _clean(zh), _clean(en)
    chinese = a if has_han(a) else (b if has_han(b) else "")
    english = label_text(b, a, "en")
    if not chinese or english == chinese:
        return english or chinese, ""
    return chinese, english


def label_text(primary, fallback, lang: str) -> str:
    """One feature's label in ``lang`` ("en", "zh") from its primary and fallback column
    values (for "both" see :func:`bilingual_lines`)."""
    a, b = _clean(primary), _clean(fallback)
    if lang == "en":
        if a and not chinese_only(a):
            return a
        if b and not chinese_only(b):
            return b
        return pinyin_name(a or b)
    return a or b
