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

#: Label languages a map can ask for; ``None`` (or "both") draws the fields the style names.
LABEL_LANGUAGES = ("en", "zh")

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


@lru_cache(maxsize=65536)
def pinyin_name(text: str) -> str:
    """``text`` with its Chinese romanised: pinyin words, generic endings in English.

    Non-Chinese parts (route numbers, Latin names) are kept as they are.
    """
    text = (text or "").strip()
    if not has_han(text):
        return text
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
            word = _syllables(part)
            words.append(word[:1].upper() + word[1:])
        elif part.strip():
            words.append(part.strip())
    return " ".join(w for w in (*words, generic) if w)


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
    """The columns to label with in ``lang`` ("en", "zh"); None keeps the style's fields."""
    if lang not in LABEL_LANGUAGES or field not in set(columns):
        return None
    en, zh = _pair(columns, field)
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


def label_text(primary, fallback, lang: str) -> str:
    """One feature's label in ``lang`` from its primary and fallback column values."""
    a, b = _clean(primary), _clean(fallback)
    if lang == "en":
        if a and not chinese_only(a):
            return a
        if b and not chinese_only(b):
            return b
        return pinyin_name(a or b)
    return a or b
