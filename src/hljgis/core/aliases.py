"""What a field and a code are called in each language: one table for every view.

The attribute table, Identify, legends and exported tables show ``Area (km²)`` /
``面积（平方千米）`` for ``area_km2`` and ``Provincial`` / ``省级`` for the code
``provincial``; they all ask here, so a name is translated once. A :class:`Text`
holds both languages and gives one of them.

Pure Python: no Qt.

Examples
--------
>>> field_alias("lead_industries", "zh")
'主导产业'
>>> display_value("lead_industries", "coal_electricity_chemistry;green_food", "en")
'Coal-electricity-chemistry; Green food processing'
>>> display_value("name", "provincial", "zh") is None  # a name is not a code
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

from hljgis.core.schemas import INDUSTRY_TITLES
from hljgis.core.text import Text, is_zh


def _t(en: str, zh: str) -> Text:
    return Text(en, zh)


#: Aliases of the fields of the thematic schemas, the bundled layers and ranking results.
FIELD_ALIASES: dict[str, Text] = {
    "name": _t("Name", "名称"), "name_en": _t("English name", "英文名称"),
    "name_zh": _t("Chinese name", "中文名称"), "code": _t("Code", "代码"),
    "city": _t("City", "城市"), "city_code": _t("City code", "城市代码"),
    "district": _t("District", "区县"), "district_zh": _t("District (Chinese)", "区县（中文）"),
    "prefecture": _t("Prefecture", "地级市"), "seat": _t("Seat", "驻地"),
    "country": _t("Country", "国家"), "iso3": _t("ISO code", "国家代码"),
    "status": _t("Status", "状态"), "kind": _t("Kind", "类型"), "role": _t("Role", "类别"),
    "level": _t("Level", "级别"), "industry": _t("Industry", "产业"),
    "lead_industries": _t("Lead industries", "主导产业"), "mode": _t("Mode", "通关方式"),
    "area_ha": _t("Area (ha)", "面积（公顷）"), "area_km2": _t("Area (km²)", "面积（平方千米）"),
    "area_basis": _t("Area basis", "面积依据"),
    "area_official_km2": _t("Official area (km²)", "官方面积（平方千米）"),
    "area_official_source": _t("Official area source", "官方面积来源"),
    "households": _t("Households", "户数"), "population": _t("Population", "人口"),
    "mining_area": _t("Mining area", "矿区"), "mining_end_year": _t("Mining ended", "停采年份"),
    "stable_from_year": _t("Stable from", "稳定年份"), "route": _t("Route", "路线编号"),
    "lines": _t("Lines", "线路"), "stations": _t("Stations", "车站"),
    "opened_year": _t("Opened", "开通年份"), "design_speed_kmh": _t("Design speed (km/h)",
                                                                  "设计时速（公里/小时）"),
    "official_length_km": _t("Official length (km)", "官方里程（公里）"),
    "elevation_m": _t("Elevation (m)", "海拔（米）"), "icao": _t("ICAO code", "ICAO代码"),
    "iata": _t("IATA code", "IATA代码"), "served_city": _t("City served", "服务城市"),
    "ru_counterpart": _t("Russian counterpart", "俄方口岸"), "geonameid": _t("GeoNames id",
                                                                          "GeoNames编号"),
    "source": _t("Source", "来源"), "accuracy_m": _t("Accuracy (m)", "精度（米）"),
    "as_of": _t("As of", "数据时间"), "illustrative": _t("Illustrative", "示意数据"),
    "edited_by": _t("Edited by", "编辑人"),
    # ranking results
    "rank": _t("Rank", "排名"), "score": _t("Score", "得分"), "site_id": _t("Site id", "地块编号"),
    "site_name": _t("Site", "地块名称"), "site_name_zh": _t("Site (Chinese)", "地块名称（中文）"),
    "site_type": _t("Site type", "地块类型"), "lon": _t("Longitude", "经度"),
    "lat": _t("Latitude", "纬度"), "wkt": _t("Geometry (WKT)", "几何（WKT）"),
    "rank_min": _t("Best rank", "最高排名"), "rank_max": _t("Worst rank", "最低排名"),
    "rank_median": _t("Median rank", "排名中位数"), "excluded": _t("Excluded", "已排除"),
    "exclusion_reason": _t("Why excluded", "排除原因"), "penalty": _t("Penalty", "扣分"),
    "scenario": _t("Scenario", "情景"),
}
#: Fields named by a prefix and a criterion or a year ("raw_dist_rail", "gdp_2014").
FIELD_PREFIXES: dict[str, Text] = {
    "raw_": _t("Raw ", "原始值 "), "norm_": _t("Normalised ", "标准化得分 "),
    "weight_": _t("Weight ", "权重 "), "contrib_": _t("Contribution ", "贡献 "),
    "p_top_": _t("Chance in top ", "前列概率 "),
}
_YEAR_FIELDS = {
    "pop": _t("Population {y} (thousand)", "{y}年人口（千人）"),
    "gdp": _t("GDP {y} (RMB bn)", "{y}年GDP（十亿元）"),
    "gdppc": _t("GDP per head {y} (yuan)", "{y}年人均GDP（元）"),
    "growth": _t("GDP growth {y} (%)", "{y}年GDP增速（%）"),
    "primary_pct": _t("Primary sector {y} (%)", "{y}年第一产业占比（%）"),
    "secondary_pct": _t("Secondary sector {y} (%)", "{y}年第二产业占比（%）"),
    "tertiary_pct": _t("Tertiary sector {y} (%)", "{y}年第三产业占比（%）"),
}
_YEAR = re.compile(r"^([a-z_]+)_((?:19|20)\d\d)$")

#: Labels of the codes of the thematic schemas' code lists.
CODE_LABELS: dict[str, Text] = {
    "opened": _t("Opened", "已开通"), "under_construction": _t("Under construction", "在建"),
    "planned": _t("Planned", "规划"), "closed": _t("Closed", "已关闭"),
    "mining": _t("Mining", "开采中"), "settling": _t("Settling", "沉降中"),
    "stable": _t("Stable", "已稳定"), "cleared": _t("Cleared", "已拆除"),
    "under_redevelopment": _t("Under redevelopment", "改造中"),
    "operating": _t("Operating", "运营中"), "official": _t("Official", "官方"),
    "mapped": _t("Mapped", "已测绘"), "national": _t("National", "国家级"),
    "provincial": _t("Provincial", "省级"), "municipal": _t("Municipal", "市级"),
    "district": _t("District", "区"), "county": _t("County", "县"),
    "county_city": _t("County-level city", "县级市"), "proposed": _t("Proposed", "拟议"),
    "under_review": _t("Under review", "审查中"), "approved": _t("Approved", "已批准"),
    "rejected": _t("Rejected", "已否决"),
    "cluster": _t("Cluster", "集群"), "enterprise": _t("Enterprise", "企业"),
    "site": _t("Site", "地块"), "lake": _t("Lake", "湖泊"), "reservoir": _t("Reservoir", "水库"),
    "river": _t("River", "河流"), "road": _t("Road", "公路"), "rail": _t("Rail", "铁路"),
    "bridge": _t("Bridge", "大桥"), "ice_road": _t("Ice road", "冰道"),
    "pipeline": _t("Pipeline", "管道"), "map": _t("Map", "图上量算"),
    "city_seat": _t("City seat", "市驻地"), "county_seat": _t("County seat", "县驻地"),
    "foreign_city": _t("Foreign city", "境外城市"), "town": _t("Town", "镇"),
    "CN": _t("China", "中国"), "RU": _t("Russia", "俄罗斯"),
    "Hegang": _t("Hegang", "鹤岗"), "Jixi": _t("Jixi", "鸡西"), "Qitaihe": _t("Qitaihe", "七台河"),
    "Shuangyashan": _t("Shuangyashan", "双鸭山"),
    **{code: Text(en, zh) for code, (en, zh) in INDUSTRY_TITLES.items()},
}
#: True / false as a table or Identify shows them.
BOOL_LABELS = {True: _t("Yes", "是"), False: _t("No", "否")}
#: Fields whose values are codes (shown by their label); other values are shown as they are.
CODE_FIELDS = frozenset({
    "status", "kind", "level", "industry", "lead_industries", "mode", "role", "country",
    "area_basis", "city", "site_type",
})


def _get(spec, key: str):
    """A field spec's ``key``: specs are FieldSpec objects or their dicts (``layer.fields``)."""
    return spec.get(key) if isinstance(spec, dict) else getattr(spec, key, None)


def field_text(name: str, specs: Iterable | None = None) -> Text | None:
    """Both aliases of ``name`` (a layer's own field specs first), or None when unknown."""
    for spec in specs or ():
        if _get(spec, "name") == name and (_get(spec, "label") or _get(spec, "label_zh")):
            return Text(_get(spec, "label") or name, _get(spec, "label_zh") or "")
    if name in FIELD_ALIASES:
        return FIELD_ALIASES[name]
    for prefix, text in FIELD_PREFIXES.items():
        if name.startswith(prefix) and len(name) > len(prefix):
            rest = name[len(prefix):]
            return Text(text.en + rest, text.zh + rest)
    m = _YEAR.match(name)
    if m and m.group(1) in _YEAR_FIELDS:
        t = _YEAR_FIELDS[m.group(1)]
        return Text(t.en.format(y=m.group(2)), t.zh.format(y=m.group(2)))
    return None


def field_alias(name: str, lang: str, specs: Iterable | None = None) -> str:
    """What ``name`` is called in ``lang`` ("en", "zh"); the name itself when unknown."""
    text = field_text(str(name), specs)
    return text(lang) if text is not None else str(name)


def code_label(value, lang: str) -> str | None:
    """The label of a code (each part of a ``;`` list), or None when a part is unknown."""
    if not isinstance(value, str) or not value:
        return None
    parts = [p.strip() for p in value.split(";")]
    texts = [CODE_LABELS.get(p) for p in parts]
    if any(t is None for t in texts):
        return None
    sep = "；" if is_zh(lang) else "; "
    return sep.join(t(lang) for t in texts if t is not None)


def is_coded(field: str, specs: Iterable | None = None) -> bool:
    """True when the values of ``field`` are codes with labels (worth a lookup per cell)."""
    return field in CODE_FIELDS or any(_get(s, "name") == field and _get(s, "codes")
                                       for s in specs or ())


def display_value(field: str, value, lang: str, specs: Iterable | None = None) -> str | None:
    """How a cell of ``field`` reads in ``lang``: a code's label, or None to show the value.

    A layer's own field specs (code lists made in hljgis) come first.
    """
    for spec in specs or ():
        if _get(spec, "name") == field and _get(spec, "codes"):
            for code, en, zh in _get(spec, "codes"):
                if code == value:
                    return Text(en or str(code), zh)(lang)
            return None
    if isinstance(value, bool | np.bool_):
        return BOOL_LABELS[bool(value)](lang)
    if field not in CODE_FIELDS:
        return None
    return code_label(value, lang)
