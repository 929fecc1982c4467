"""Preset scenarios grounded in the four coal cities' situation.

* ``sme-space``: where small and medium enterprises could get workspace. SMEs in Hegang,
  Jixi, Qitaihe and Shuangyashan depend on urban customers, labour and services; the remote
  industrial parks built for coal chemistry rarely suit them. Cleared shanty-town land is
  serviced and quick to reuse; mine-subsidence land needs remediation and may only be built
  on once stable (``stable_from_year = mining_end_year + 5``).
* ``place-making``: where public investment in places (parks, markets, heritage, public
  space) would do most: community revitalisation of shanty-town areas, environmental
  remediation of subsided land, closeness to the people who would use it, amenity and
  tourism links, and arrival points for visitors (HSR stations).

The layer and field names follow the bundled project's thematic schemas
(:mod:`hljgis.core.schemas`). Every criterion carries its rationale; planners are expected
to edit them, so the presets are plain dicts turned into :class:`Scenario` objects.
"""

from __future__ import annotations

import copy
from typing import Any

from hljgis.analysis.scenario import Scenario, ScenarioError
from hljgis.core.subsidence import DEFAULT_PLANNING_YEAR, MINING_WHERE, UNSTABLE_WHERE
from hljgis.core.text import Text

__all__ = ["PRESETS", "fill_chinese_from_preset", "preset", "preset_names"]

_OPEN = [{"field": "status", "in": ["opened"]}]
#: Not yet stable at the planning year: the subsidence rule of hljgis.core.subsidence.
_UNSTABLE = [dict(c) for c in UNSTABLE_WHERE]

SME_SPACE: dict = {
    "name": "sme-space",
    "title": "Space for small and medium enterprises",
    "title_zh": "中小企业发展空间",
    "purpose": (
        "Rank 500 m cells of the urban districts for SME workspace: inside or at the edge of "
        "the urban area, near services, reusing cleared land, reachable by expressway and "
        "high-speed rail, linked to the pillar-industry clusters."
    ),
    "purpose_zh": (
        "对市辖区 500 米网格进行排序，为中小企业寻找发展空间：位于城区内部或边缘，靠近服务设施，"
        "优先再利用已腾退用地，便于到达高速公路和高铁站，并与支柱产业集群相衔接。"
    ),
    "planning_year": DEFAULT_PLANNING_YEAR,
    "aggregation": "wlc",
    "candidates": {
        "kind": "grid",
        "layer": "districts",
        "where": [{"field": "kind", "in": ["district"]}],
        "size_m": 500,
        "shape": "square",
    },
    "criteria": [
        {
            "name": "urban_centre",
            "title": "Distance to a city or county seat",
            "title_zh": "距市、县政府驻地的距离",
            "kind": "distance",
            "layer": "towns",
            "where": [{"field": "role", "in": ["city_seat", "county_seat"]},
                      {"field": "country", "in": ["CN"]}],
            "unit": "m",
            "direction": "cost",
            "transform": {"kind": "fuzzy_decreasing", "a": 2000, "b": 12000},
            "weight": 25,
            "rationale": (
                "SMEs live on nearby customers, labour and business services; surveys of the "
                "coal cities find that firms placed in remote parks stay empty. Full score "
                "within 2 km of a city or county seat (the urban area and its edge), none "
                "beyond 12 km."
            ),
            "rationale_zh": (
                "中小企业依赖附近的客户、劳动力和商务服务；对煤城的调研发现，布局在偏远园区的企业"
                "往往空置。距市、县政府驻地（城区及其边缘）2 公里以内得满分，12 公里以外不得"
                "分。"
            ),
        },
        {
            "name": "cleared_land",
            "title": "Share on cleared shanty-town land",
            "title_zh": "位于已腾退棚户区用地的比例",
            "kind": "overlap",
            "layer": "shanty_sites",
            "where": [{"field": "status", "in": ["cleared", "under_redevelopment"]}],
            "unit": "share",
            "direction": "benefit",
            "transform": {"kind": "fuzzy_increasing", "a": 0.0, "b": 0.5},
            "weight": 15,
            "rationale": (
                "Cleared shanty-town land is already serviced (roads, water, heating) and has "
                "no mining liability, so it can be reused faster and cheaper than "
                "mine-remediation land. Full score when half the cell is such land."
            ),
            "rationale_zh": (
                "已腾退的棚户区用地已有道路、供水、供暖等配套，且无采矿遗留责任，再利用比矿区治理"
                "用地更快、更省。地块一半为此类用地即得满分。"
            ),
        },
        {
            "name": "ground_stability",
            "title": "Years since the ground became stable",
            "title_zh": "地面稳定以来的年数",
            "kind": "years",
            "layer": "subsidence_zones",
            "field": "stable_from_year",
            "agg": "max",
            "mode": "since",
            "fill": 30,
            "unit": "years",
            "direction": "benefit",
            "transform": {"kind": "fuzzy_increasing", "a": 0, "b": 10},
            "weight": 15,
            "rationale": (
                "Subsidence ground is taken as stable five years after mining ends "
                "(stable_from_year = mining_end_year + 5); land stable for only a few years "
                "still needs remediation and foundation work, so mine-remediation land "
                "scores below cleared land. Cells on no subsidence zone count as stable for "
                "30 years. Ground not yet stable is excluded by a constraint."
            ),
            "rationale_zh": (
                "沉陷区按采矿结束后五年视为稳定（stable_from_year = minin"
                "g_end_year + 5）；刚稳定几年的土地仍需治理和地基处理，因此矿区治理"
                "用地得分低于已腾退用地。不在沉陷区内的地块按已稳定 30 年计。尚未稳定的地面由"
                "约束条件排除。"
            ),
        },
        {
            "name": "expressway_access",
            "title": "Distance to an open expressway",
            "title_zh": "距已通车高速公路的距离",
            "kind": "distance",
            "layer": "expressways",
            "where": _OPEN,
            "unit": "m",
            "direction": "cost",
            "transform": {"kind": "linear", "lo": 0, "hi": 20000, "benefit": False},
            "weight": 15,
            "rationale": (
                "Goods move by truck; SME workshops need quick access to the expressway "
                "network (G11, G1011 and the provincial links). Linear from full score at "
                "the road to none at 20 km."
            ),
            "rationale_zh": (
                "货物靠卡车运输，中小企业厂房需要便捷接入高速公路网（G11、G1011 及省内联"
                "络线）。紧邻公路得满分，线性递减至 20 公里处不得分。"
            ),
        },
        {
            "name": "hsr_access",
            "title": "Distance to an open HSR station",
            "title_zh": "距已开通高铁站的距离",
            "kind": "distance",
            "layer": "hsr_stations",
            "where": _OPEN,
            "unit": "m",
            "direction": "cost",
            "transform": {"kind": "fuzzy_decreasing", "a": 3000, "b": 25000},
            "weight": 15,
            "rationale": (
                "High-speed rail (Mudanjiang-Jiamusi, Harbin-Jiamusi) brings clients and "
                "skilled staff from Harbin within hours; services firms value it most. Full "
                "score within 3 km of an open station, none beyond 25 km."
            ),
            "rationale_zh": (
                "高铁（牡佳、哈佳）可在数小时内把哈尔滨的客户和技术人才带来，服务类企业最看重。距"
                "已开通车站 3 公里以内得满分，25 公里以外不得分。"
            ),
        },
        {
            "name": "cluster_linkage",
            "title": "Distance to a pillar-industry cluster",
            "title_zh": "距支柱产业集群的距离",
            "kind": "distance",
            "layer": "pillar_industries",
            "where": [{"field": "status", "in": ["operating"]}],
            "unit": "m",
            "direction": "cost",
            "transform": {"kind": "fuzzy_decreasing", "a": 2000, "b": 15000},
            "weight": 15,
            "rationale": (
                "Supplier and service SMEs grow around the pillar industries (graphite, "
                "green food, coal chemistry, wood products); closeness to a cluster eases "
                "linkages. Full score within 2 km, none beyond 15 km."
            ),
            "rationale_zh": (
                "配套和服务类中小企业围绕支柱产业（石墨、绿色食品、煤化工、木制品）成长；靠近产业"
                "集群便于协作。2 公里以内得满分，15 公里以外不得分。"
            ),
        },
    ],
    "weights": {"method": "direct"},
    "constraints": [
        {
            "name": "unstable_subsidence",
            "title": "Unstable subsidence ground",
            "title_zh": "未稳定沉陷区",
            "kind": "outside",
            "layer": "subsidence_zones",
            "where": _UNSTABLE,
            "reason": "on subsidence ground not yet stable at the planning year",
            "reason_zh": "位于规划年尚未稳定的采煤沉陷区",
            "mode": "exclude",
            "rationale": (
                "Building on ground that is still subsiding risks damage and lives; such "
                "land is only a candidate from stable_from_year (mining_end_year + 5). "
                "Switch to mode 'penalty' to keep these cells with a lower score for "
                "long-range plans."
            ),
        }
    ],
}

PLACE_MAKING: dict = {
    "name": "place-making",
    "title": "Place-making investments",
    "title_zh": "城市更新与场所营造",
    "purpose": (
        "Rank 500 m hexagonal cells of the four cities for public place-making investment: "
        "community revitalisation, environmental remediation, people nearby, amenity and "
        "tourism links, arrival by high-speed rail."
    ),
    "purpose_zh": (
        "对四市 500 米六边形网格进行排序，确定公共场所营造投资的优先地点：带动棚户区社区更新，"
        "修复采煤沉陷区环境，靠近使用人群，串联滨水、休闲和旅游资源，方便乘高铁到达。"
    ),
    "planning_year": DEFAULT_PLANNING_YEAR,
    "aggregation": "wlc",
    "candidates": {"kind": "grid", "layer": "districts", "size_m": 500, "shape": "hex"},
    "criteria": [
        {
            "name": "revitalisation",
            "title": "Share on shanty-town redevelopment land",
            "title_zh": "位于棚户区改造用地的比例",
            "kind": "overlap",
            "layer": "shanty_sites",
            "unit": "share",
            "direction": "benefit",
            "transform": {"kind": "fuzzy_increasing", "a": 0.0, "b": 0.3},
            "weight": 25,
            "rationale": (
                "Rehoused shanty-town communities lack public space; a square, market or "
                "park on or beside redevelopment land revitalises the neighbourhood. Full "
                "score when 30 % of the cell is such land."
            ),
            "rationale_zh": (
                "棚改回迁社区缺少公共空间；在改造用地上或其旁边建设广场、市场或公园，可以激活整个"
                "街区。地块 30% 为此类用地即得满分。"
            ),
        },
        {
            "name": "remediation",
            "title": "Share on mining subsidence land",
            "title_zh": "位于采煤沉陷区的比例",
            "kind": "overlap",
            "layer": "subsidence_zones",
            "where": [{"field": "status", "in": ["stable", "settling"]}],
            "unit": "share",
            "direction": "benefit",
            "transform": {"kind": "fuzzy_increasing", "a": 0.0, "b": 0.5},
            "weight": 20,
            "rationale": (
                "Subsided land turned into wetland parks and green corridors (as in "
                "Huaibei and Tangshan) repairs the environment and changes how the city is "
                "seen; light landscape works need not wait for full stability. Full score "
                "when half the cell is subsidence land."
            ),
            "rationale_zh": (
                "把沉陷区改造成湿地公园和绿色廊道（如淮北、唐山）既修复环境，也改变城市形象；轻型"
                "景观工程不必等到完全稳定。地块一半为沉陷区即得满分。"
            ),
        },
        {
            "name": "people_nearby",
            "title": "Distance to the nearest town",
            "title_zh": "距最近城镇的距离",
            "kind": "distance",
            "layer": "towns",
            "where": [{"field": "country", "in": ["CN"]}],
            "unit": "m",
            "direction": "cost",
            "transform": {"kind": "fuzzy_decreasing", "a": 1000, "b": 10000},
            "weight": 25,
            "rationale": (
                "A place is only worth what its users make of it: residents should reach it "
                "on foot or by a short bus ride. Full score within 1 km of a town centre, "
                "none beyond 10 km."
            ),
            "rationale_zh": (
                "场所的价值取决于使用它的人：居民应能步行或短途公交到达。距镇中心 1 公里以内得"
                "满分，10 公里以外不得分。"
            ),
        },
        {
            "name": "river_amenity",
            "title": "Distance to a river",
            "title_zh": "距河流的距离",
            "kind": "distance",
            "layer": "rivers",
            "unit": "m",
            "direction": "cost",
            "transform": {"kind": "fuzzy_decreasing", "a": 300, "b": 3000},
            "weight": 10,
            "rationale": (
                "Waterfronts are the cities' strongest amenity and link places into green "
                "corridors. Full score within 300 m of a river, none beyond 3 km."
            ),
            "rationale_zh": (
                "滨水空间是这些城市最有吸引力的资源，并能把各处场所串成绿色廊道。距河流 300 "
                "米以内得满分，3 公里以外不得分。"
            ),
        },
        {
            "name": "tourism_link",
            "title": "Distance to a tourism site",
            "title_zh": "距旅游景点的距离",
            "kind": "distance",
            "layer": "pillar_industries",
            "where": [{"field": "industry", "in": ["tourism"]}],
            "unit": "m",
            "direction": "cost",
            "transform": {"kind": "fuzzy_decreasing", "a": 2000, "b": 30000},
            "weight": 10,
            "rationale": (
                "Tourism is a pillar industry in the transition plans (mining heritage, "
                "border and lake tourism); places near tourism sites serve visitors and "
                "residents alike. Full score within 2 km, none beyond 30 km."
            ),
            "rationale_zh": (
                "旅游是转型规划中的支柱产业（矿业遗产、边境和湖泊旅游）；靠近旅游景点的场所可同时"
                "服务游客和居民。2 公里以内得满分，30 公里以外不得分。"
            ),
        },
        {
            "name": "arrival",
            "title": "Distance to an HSR station",
            "title_zh": "距高铁站的距离",
            "kind": "distance",
            "layer": "hsr_stations",
            "where": [{"field": "status", "in": ["opened", "under_construction"]}],
            "unit": "m",
            "direction": "cost",
            "transform": {"kind": "fuzzy_decreasing", "a": 2000, "b": 20000},
            "weight": 10,
            "rationale": (
                "HSR stations are the arrival points of visitors and returning residents; "
                "stations under construction count because place-making takes as long to "
                "build. Full score within 2 km, none beyond 20 km."
            ),
            "rationale_zh": (
                "高铁站是游客和返乡居民的到达点；在建车站也计入，因为场所营造的建设周期与之相当。"
                "2 公里以内得满分，20 公里以外不得分。"
            ),
        },
    ],
    "weights": {"method": "direct"},
    "constraints": [
        {
            "name": "active_mining",
            "title": "Active mining",
            "title_zh": "在采沉陷区",
            "kind": "outside",
            "layer": "subsidence_zones",
            "where": [dict(c) for c in MINING_WHERE],
            "reason": "over a subsidence zone still being mined at the planning year",
            "reason_zh": "位于规划年仍在开采的采煤沉陷区",
            "mode": "exclude",
            "rationale": "Public space over an active working is unsafe and would be lost.",
        },
        {
            "name": "settling_ground",
            "title": "Ground still settling",
            "title_zh": "沉降未稳区",
            "kind": "outside",
            "layer": "subsidence_zones",
            "where": _UNSTABLE,
            "share": 0.5,
            "reason": "mostly on ground still settling",
            "reason_zh": "大部分位于仍在沉降的采煤沉陷区",
            "mode": "penalty",
            "penalty": "multiply",
            "penalty_value": 0.7,
            "rationale": (
                "Landscape works can start on settling ground, but buildings cannot: keep "
                "such cells with a 30 % lower score rather than excluding them."
            ),
        },
    ],
}

#: Preset name -> plain-data scenario.
PRESETS: dict[str, dict] = {"sme-space": SME_SPACE, "place-making": PLACE_MAKING}


def preset_names() -> list[str]:
    """Names of the preset scenarios."""
    return list(PRESETS)


def preset(name: str) -> Scenario:
    """A fresh :class:`Scenario` for a preset (``"sme-space"`` or ``"place-making"``).

    Raises
    ------
    ScenarioError
        If the name is unknown (the message lists the presets).

    Examples
    --------
    >>> preset("sme-space").criteria[0].name
    'urban_centre'
    """
    try:
        data = PRESETS[name]
    except KeyError:
        raise ScenarioError(name, "", "is not a preset",
                            f"Presets: {', '.join(PRESETS)}.") from None
    return Scenario.from_dict(copy.deepcopy(data))


def fill_chinese_from_preset(scenario: Scenario) -> Scenario:
    """Give a scenario named like a preset the preset's Chinese texts it lacks.

    A project saved before a preset had a Chinese purpose or constraint reasons carries the
    English texts only. Each empty Chinese text (title, purpose, criterion titles and
    rationales, constraint titles and reasons, matched by name) is taken from the preset,
    but only where the English text is still the preset's own: a text the planner rewrote
    keeps no stale translation. A constraint saved before constraints had titles (none in
    either language) gets the preset's English title too (and with it the Chinese one) while
    its rule and reason are still the preset's. Changes ``scenario`` in place and returns it.
    """
    if scenario.name not in PRESETS:
        return scenario
    ref = preset(scenario.name)
    pairs: list[tuple[Any, Any, tuple[str, ...]]] = [(scenario, ref, ("title", "purpose"))]
    crit = {c.name: c for c in ref.criteria}
    pairs += [(c, crit[c.name], ("title", "rationale"))
              for c in scenario.criteria if c.name in crit]
    cons = {c.name: c for c in ref.constraints}
    pairs += [(c, cons[c.name], ("title", "reason"))
              for c in scenario.constraints if c.name in cons]
    for c in scenario.constraints:
        # saved before constraints had titles: both taken while the rule is the preset's
        own = cons.get(c.name)
        if own is not None and not c.title and (
                c.kind, c.layer, c.where, c.reason.en) == (own.kind, own.layer, own.where,
                                                           own.reason.en):
            c.title = Text(own.title.en)
    for obj, theirs, keys in pairs:
        for key in keys:
            mine, preset_text = getattr(obj, key), getattr(theirs, key)
            if not mine.zh and mine.en == preset_text.en:
                setattr(obj, key, Text(mine.en, preset_text.zh))
    return scenario
