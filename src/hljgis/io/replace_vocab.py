"""Vocabulary for mapping a bureau's file onto a schema: units, Chinese code words, header
synonyms, and the suggestions built from them (the planner confirms or changes each one).

Pure data and pandas: no Qt, no I/O.
"""

from __future__ import annotations

import difflib
import re

import pandas as pd

from hljgis.core.schemas import INDUSTRY_TITLES, Field, Schema

# -- vocabularies --------------------------------------------------------------------------

#: Unit -> (dimension, factor to the dimension's base unit).
UNITS: dict[str, tuple[str, float]] = {
    "m2": ("area", 1.0), "mu": ("area", 10_000 / 15), "ha": ("area", 1e4),
    "km2": ("area", 1e6),
    "m": ("length", 1.0), "km": ("length", 1000.0),
    "km/h": ("speed", 1.0), "m/s": ("speed", 3.6),
}
#: How units are written in Chinese and English headers ("面积(亩)", "area_km²").
UNIT_ALIASES = {
    "亩": "mu", "公顷": "ha", "万平方米": "ha", "平方公里": "km2", "平方千米": "km2",
    "km²": "km2", "sqkm": "km2", "平方米": "m2", "m²": "m2", "sqm": "m2", "hectare": "ha",
    "hectares": "ha", "米": "m", "公里": "km", "千米": "km", "公里/小时": "km/h",
    "千米/小时": "km/h", "kmh": "km/h", "米/秒": "m/s",
    **{u: u for u in ("m2", "mu", "ha", "km2", "m", "km", "km/h", "m/s")},
}

#: Source texts a planner's list uses for each code (matched after trimming, any case).
CODE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "cleared": ("已完成", "完成", "已腾退", "腾退", "已拆迁", "已拆除", "已改造", "完工", "done",
                "completed"),
    "under_redevelopment": ("在建", "改造中", "实施中", "正在改造", "建设中", "进行中", "施工中",
                            "ongoing", "in progress"),
    "planned": ("规划", "计划", "拟建", "待改造", "未启动", "规划中", "planning"),
    "mining": ("开采中", "在采", "采矿中", "生产"),
    "settling": ("沉降中", "未稳定", "下沉中", "不稳定"),
    "stable": ("稳定", "已稳定", "基本稳定"),
    "opened": ("已开通", "开通", "运营", "已通车", "通车", "开放", "open"),
    "under_construction": ("在建", "建设中", "施工中", "under construction"),
    "closed": ("关闭", "停运", "已关闭", "停用"),
    "operating": ("运营", "运营中", "在产", "投产", "已投产", "生产"),
    "national": ("国家级", "国家"),
    "provincial": ("省级", "省"),
    "municipal": ("市级", "市"),
    "district": ("区", "市辖区"), "county": ("县",), "county_city": ("县级市",),
    "cluster": ("集群", "产业集群"), "enterprise": ("企业",), "site": ("地块", "项目地"),
    "road": ("公路",), "rail": ("铁路",), "river": ("水运", "河运"), "bridge": ("大桥", "桥"),
    "ice_road": ("冰道", "浮箱固冰通道"), "pipeline": ("管道",),
    "Hegang": ("鹤岗", "鹤岗市"), "Jixi": ("鸡西", "鸡西市"), "Qitaihe": ("七台河", "七台河市"),
    "Shuangyashan": ("双鸭山", "双鸭山市"),
    **{code: (zh, en) for code, (en, zh) in INDUSTRY_TITLES.items()},
}

#: Header words that point at a schema field (besides the field's own name).
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("英文名", "拼音", "name_en", "english name"),
    "name_zh": ("名称", "名字", "项目名称", "地块名称", "园区名称", "沉陷区名称", "棚户区名称",
                "站名", "企业名称", "中文名"),
    "city": ("城市", "所属城市", "市", "地市", "所在城市"),
    "district": ("区", "所在区", "区县", "所属区", "辖区"),
    "status": ("状态", "进度", "改造状态", "现状", "建设状态", "改造进度"),
    "area_ha": ("面积", "占地面积", "用地面积"),
    "area_km2": ("面积", "沉陷面积", "规划面积"),
    "households": ("户数", "涉及户数", "居民户数", "改造户数", "棚户户数"),
    "mining_area": ("矿区", "所属矿区", "煤矿"),
    "mining_end_year": ("停采年份", "采矿结束年份", "闭坑年份", "停采年", "开采结束年份"),
    "stable_from_year": ("稳定年份", "稳沉年份"),
    "level": ("级别", "等级", "园区级别"),
    "lead_industries": ("主导产业", "产业", "重点产业"),
    "industry": ("产业", "行业", "产业类别"),
    "kind": ("类型", "类别"),
    "route": ("路线编号", "编号", "路线"),
    "design_speed_kmh": ("设计时速", "速度", "时速"),
    "opened_year": ("开通年份", "通车年份", "开通年"),
    "lines": ("线路", "所在线路"),
    "served_city": ("服务城市",),
    "elevation_m": ("海拔", "标高"),
    "prefecture": ("所在地市",),
    "ru_counterpart": ("俄方口岸", "对应口岸"),
    "mode": ("方式", "口岸类型", "运输方式"),
    "source": ("来源", "数据来源", "资料来源"),
    "as_of": ("日期", "调查日期", "截至", "时间", "数据时间"),
    "accuracy_m": ("精度", "定位精度"),
}

#: How a multi-valued cell separates its parts ("石墨；绿色食品", "coal, graphite").
MULTI_SPLIT = re.compile(r"\s*[;；,，、/]\s*")


def units_for(f: Field) -> list[str]:
    """Units a source column may use for ``f`` ([] when the field takes no conversion)."""
    if f.unit not in UNITS:
        return []
    dim = UNITS[f.unit][0]
    return [u for u, (d, _) in UNITS.items() if d == dim]


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-()（）\[\]【】:：]+", "", str(text)).lower()


def header_unit(column: str) -> str | None:
    """The unit written in a header: "面积(亩)" -> "mu", "area_km2" -> "km2"."""
    m = re.search(r"[(（\[【]\s*([^)）\]】]+?)\s*[)）\]】]\s*$", str(column))
    candidates = [m.group(1)] if m else []
    candidates += [str(column).rsplit("_", 1)[-1]] if "_" in str(column) else []
    for c in candidates:
        key = c.strip().lower()
        if key in UNIT_ALIASES:
            return UNIT_ALIASES[key]
    return None


def _header_stem(column: str) -> str:
    return re.sub(r"[(（\[【][^)）\]】]*[)）\]】]\s*$", "", str(column)).strip()


def suggest_fields(columns, schema: Schema) -> dict[str, str]:
    """Schema field -> source column, by name, known synonyms, then name similarity.

    Each column feeds one field at most; a field is left out when nothing is close.
    """
    columns = [c for c in columns if c != "geometry"]
    stems = {c: _norm(_header_stem(c)) for c in columns}
    taken: set[str] = set()
    out: dict[str, str] = {}
    fields = [f for f in schema.fields if f.name != "illustrative"]
    for rank in (0, 1, 2):
        for f in fields:
            if f.name in out:
                continue
            want = _norm(f.name)
            syn = [_norm(s) for s in FIELD_SYNONYMS.get(f.name, ())]
            for c in columns:
                if c in taken:
                    continue
                s = stems[c]
                hit = (rank == 0 and s == want) or (rank == 1 and s in syn) or (
                    rank == 2 and (difflib.SequenceMatcher(None, s, want).ratio() >= 0.8
                                   or any(len(x) > 1 and x in s for x in syn)))
                if hit:
                    out[f.name] = c
                    taken.add(c)
                    break
    return out


def suggest_values(f: Field, texts) -> dict[str, str]:
    """{source text: code} for the texts that match a code, a known synonym or a close
    spelling; texts with no good match are left out (the planner maps them)."""
    allowed = [str(a) for a in f.allowed]
    lookup = {a.lower(): a for a in allowed}
    for code in allowed:
        for s in CODE_SYNONYMS.get(code, ()):
            lookup.setdefault(s.lower(), code)
    out = {}
    for text in texts:
        key = str(text).strip()
        if not key:
            continue
        hit = lookup.get(key.lower())
        if hit is None:
            close = difflib.get_close_matches(key.lower().replace(" ", "_"), allowed, n=1,
                                              cutoff=0.8)
            hit = close[0] if close else None
        if hit is not None:
            out[key] = hit
    return out


def distinct_texts(source: pd.DataFrame, column: str, multi: bool = False) -> list[str]:
    """The distinct non-empty texts of a column (split into parts for ``multi`` fields)."""
    vals = source[column].dropna().astype(str).str.strip()
    if multi:
        vals = pd.Series([p for v in vals for p in MULTI_SPLIT.split(v)], dtype=object)
    return sorted({v for v in vals if v})
