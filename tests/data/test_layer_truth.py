"""Checks that keep the bundled layers true to the world, not only to their schemas.

Every check reads the rebuilt files in ``layers/`` (``make data``): border ports on the
Chinese side and at the border, no land feature in a lake or on the Amur, lines through
their stations in order and of their published length, areas that say what they are, and
statuses that agree with their dates at the planning year.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from hljgis.core.crs import metric_crs_for
from hljgis.core.subsidence import DEFAULT_PLANNING_YEAR, subsidence_status

LAYERS = Path(__file__).resolve().parents[2] / "layers"
PROJECT = LAYERS / "east-heilongjiang.hljgis.gpkg"
REGION = (127.5, 43.0, 136.0, 49.6)
METRIC = metric_crs_for(REGION, "EPSG:4490")
#: A Chinese border port lies at most this far from the border line (Tongjiang's river port
#: sits on the Songhua at the town, 6 km from the Amur's main channel).
PORT_MAX_KM = 7.0
#: Ports that are not at the border: Fujin is a river port on the Songhua, 110 km inland.
INLAND_PORTS = {"Fujin"}
#: Water outlines (GSHHS) are good to about this much.
WATER_ACCURACY_M = 500.0


def _read(name: str) -> gpd.GeoDataFrame:
    return gpd.read_file(LAYERS / f"{name}.geojson").to_crs(METRIC)


@pytest.fixture(scope="module")
def border():
    china = _read("province").geometry.iloc[0]
    russia = _read("russia").geometry.iloc[0]
    line = shapely.intersection(china.boundary, russia.buffer(50))
    return china, russia, line


@pytest.fixture(scope="module")
def water():
    return shapely.union_all(_read("lakes").geometry.values)


def test_chinese_border_ports_lie_in_china_at_the_border(border):
    china, russia, line = border
    ports = _read("border_crossings")
    lonlat = ports.to_crs("EPSG:4490").geometry
    inside = lonlat.x.between(REGION[0], REGION[2]) & lonlat.y.between(REGION[1], REGION[3])
    ports = ports[inside]
    assert len(ports) >= 13
    wrong_side = ports.loc[~ports.within(china) | ports.intersects(russia), "name"].tolist()
    assert not wrong_side, f"ports outside China: {wrong_side}"
    at_border = ports[~ports["name"].isin(INLAND_PORTS)]
    km = at_border.distance(line) / 1000
    far = dict(zip(at_border.loc[km > PORT_MAX_KM, "name"], km[km > PORT_MAX_KM].round(1),
                   strict=True))
    assert not far, f"ports farther than {PORT_MAX_KM} km from the border: {far}"
    assert "Fujin" in set(ports["name"])


def test_port_positions_agree_with_their_published_ones():
    ports = _read("border_crossings").to_crs("EPSG:4490").set_index("name")
    mishan = ports.loc["Mishan (Dangbi)"].geometry
    assert abs(mishan.x - 131.98626) < 1e-4 and abs(mishan.y - 45.26833) < 1e-4
    # the railway bridge's Chinese bank end, within 3 km of where the bridge meets the border
    bridge = gpd.GeoSeries([ports.loc["Tongjiang railway bridge"].geometry,
                            shapely.Point(132.70, 47.96)], crs="EPSG:4490").to_crs(METRIC)
    assert bridge.iloc[0].distance(bridge.iloc[1]) < 3000


@pytest.mark.parametrize("layer", ["towns", "hsr_stations", "border_crossings",
                                   "pillar_industries", "airports"])
def test_no_land_point_lies_in_water(layer, water):
    g = _read(layer)
    wet = g[g.within(water)]
    depth = wet.distance(water.boundary)
    # hand-compiled points must be dry; a GeoNames town may sit in the water outline by no
    # more than the two positions' accuracy (Fuyuan: GeoNames puts it 0.6 km into the Amur)
    geonames = wet["source"].str.contains("GeoNames", regex=False)
    allowed = np.where(geonames, wet["accuracy_m"] + WATER_ACCURACY_M, 0.0)
    bad = dict(zip(wet.loc[depth > allowed, "name"], depth[depth > allowed].round(),
                   strict=True))
    assert not bad, f"{layer} in water (m from shore): {bad}"


@pytest.mark.parametrize("layer", ["industrial_parks", "shanty_sites", "subsidence_zones"])
def test_land_outlines_keep_out_of_the_water(layer, water):
    g = _read(layer)
    share = g.intersection(water).area / g.area
    bad = dict(zip(g.loc[share > 0.05, "name"], share[share > 0.05].round(2), strict=True))
    assert not bad, f"{layer} more than 5 % in water: {bad}"


def test_lakes_are_drawn_and_named():
    lakes = gpd.read_file(LAYERS / "lakes.geojson").set_index("name")
    khanka = lakes.loc["Lake Khanka (Xingkai)"]
    assert khanka["name_zh"] == "兴凯湖"
    assert abs(khanka["area_km2"] - khanka["area_official_km2"]) / khanka["area_official_km2"] \
        < 0.02
    # it lies on the Jixi (Mishan) - Russia border: part Chinese, mostly Russian
    china = _read("province").geometry.iloc[0]
    k = _read("lakes").set_index("name").loc["Lake Khanka (Xingkai)"].geometry
    assert 0.15 < k.intersection(china).area / k.area < 0.45
    assert {"Xiao Xingkai Lake", "Jingpo Lake"} <= set(lakes.index)


def test_county_seats_of_the_four_cities_are_towns():
    towns = gpd.read_file(LAYERS / "towns.geojson")
    seats = set(towns.loc[towns["role"] == "county_seat", "name"])
    assert {"Hulin", "Raohe", "Youyi", "Suibin", "Mishan", "Luobei", "Boli", "Jidong",
            "Jixian", "Baoqing"} <= seats
    ids = set(towns["geonameid"].dropna().astype(int))
    assert {13450567, 2035223, 2033298} <= ids


@pytest.fixture(scope="module")
def lines_and_stations():
    return _read("hsr_lines"), _read("hsr_stations")


def test_every_line_passes_through_its_stations_in_order(lines_and_stations):
    lines, stations = lines_and_stations
    pos = stations.set_index("name").geometry
    for line in lines.itertuples():
        names = line.stations.split(";")
        assert len(names) >= 2, line.name
        missing = [n for n in names if n not in pos.index]
        assert not missing, (line.name, missing)
        pts = pos.loc[names]
        assert (pts.distance(line.geometry) < 1.0).all(), line.name
        along = np.array([line.geometry.project(p) for p in pts])
        assert (np.diff(along) > 0).all(), (line.name, along)
        assert along[0] < 1.0 and abs(along[-1] - line.geometry.length) < 1.0, line.name


def test_station_line_lists_match_the_lines(lines_and_stations):
    lines, stations = lines_and_stations
    served: dict[str, set[str]] = {}
    for line in lines.itertuples():
        short = re.sub(r" (high-speed )?railway.*$", "", line.name)
        for n in line.stations.split(";"):
            served.setdefault(n, set()).add(short)
    listed = {r.name: set(r.lines.split(";")) for r in stations.itertuples()}
    assert listed == served


def test_hsr_lines_are_within_5_percent_of_their_official_length(lines_and_stations):
    lines, _ = lines_and_stations
    assert lines["official_length_km"].notna().all()
    ratio = lines.length / 1000 / lines["official_length_km"]
    bad = dict(zip(lines.loc[(ratio - 1).abs() > 0.05, "name"], ratio.round(3), strict=False))
    assert not bad, bad


def test_jiamusi_hegang_line_is_open_with_its_passenger_stations(lines_and_stations):
    lines, stations = lines_and_stations
    jh = lines.set_index("name").loc["Jiamusi–Hegang railway"]
    assert jh["status"] == "opened" and jh["opened_year"] == 2022
    assert jh["stations"] == "Jiamusi;Lianjiangkou;Heli;Hegang"
    zh = set(stations["name_zh"])
    assert "佳木斯西站" not in zh and "鹤岗南站" not in zh


def test_expressway_and_park_facts():
    e = gpd.read_file(LAYERS / "expressways.geojson").set_index("route")
    assert e.loc["G1012", "as_of"] == "2016-08"
    parks = gpd.read_file(LAYERS / "industrial_parks.geojson").set_index("name_zh")
    assert parks.loc["双鸭山经济技术开发区", "level"] == "national"


def _year(text) -> int:
    return int(str(text)[:4])


def test_transport_status_agrees_with_its_dates():
    for layer in ("hsr_lines", "hsr_stations"):
        g = gpd.read_file(LAYERS / f"{layer}.geojson")
        for r in g.itertuples():
            if r.status == "opened":
                assert pd.notna(r.opened_year) and r.opened_year <= DEFAULT_PLANNING_YEAR, r.name
                assert r.opened_year <= _year(r.as_of), (layer, r.name)
            else:
                assert pd.isna(r.opened_year) or r.opened_year > _year(r.as_of), r.name
    # airports: an opened one did not open after its as_of nor after the planning year; a
    # planned one has no opening year
    a = gpd.read_file(LAYERS / "airports.geojson")
    for r in a.itertuples():
        if r.status == "opened":
            assert pd.isna(r.opened_year) or r.opened_year <= min(_year(r.as_of),
                                                                 DEFAULT_PLANNING_YEAR), r.name
        else:
            assert r.status == "planned" and pd.isna(r.opened_year), r.name


def test_subsidence_status_is_the_rule_at_the_planning_year():
    z = gpd.read_file(LAYERS / "subsidence_zones.geojson")
    expected = subsidence_status(z["mining_end_year"], z["stable_from_year"],
                                 DEFAULT_PLANNING_YEAR)
    assert list(z["status"]) == list(expected)


def test_every_area_is_the_official_one_or_says_it_is_the_maps():
    for layer in ("cities", "districts", "neighbours", "lakes", "industrial_parks",
                  "subsidence_zones"):
        g = gpd.read_file(LAYERS / f"{layer}.geojson")
        assert "area_basis" in g, layer
        assert set(g["area_basis"]) <= {"map", "official"}, layer
        official = g[g["area_basis"] == "official"]
        if len(official):
            diff = (official["area_km2"] / official["area_official_km2"] - 1).abs()
            assert (diff < 0.01).all(), layer
    cities = gpd.read_file(LAYERS / "cities.geojson").set_index("name")
    assert cities.loc["Qitaihe", "area_official_km2"] == 6190.0
    assert cities.loc["Qitaihe", "area_basis"] == "map"
    d = gpd.read_file(LAYERS / "districts.geojson").set_index("name")
    assert d.loc["Qiezihe", "area_official_km2"] == pytest.approx(2335.7)


def test_derived_sector_amounts_add_up_to_the_gdp():
    s = pd.read_csv(LAYERS / "city_statistics.csv")
    wide = s.pivot_table(index=["city", "year"], columns="indicator", values="value")
    wide = wide[wide["primary_share"].notna()]
    parts = wide[["primary_amount_derived", "secondary_amount_derived",
                  "tertiary_amount_derived"]].sum(axis=1)
    base = wide["gdp"].fillna(wide["gdp_sector_table"])
    assert ((parts - base).abs() < 0.0015).all()
    notes = s.loc[s["source"].str.contains("NOTE"), ["city", "year"]].drop_duplicates()
    flagged = set(zip(notes["city"], notes["year"], strict=True))
    assert {("Hegang", 2008), ("Hegang", 2014), ("Jixi", 2015), ("Qitaihe", 2013),
            ("Jixi", 2008), ("Shuangyashan", 2014)} <= flagged


def test_build_report_names_the_lakes():
    report = json.loads((LAYERS.parent / "scripts" / "build_report.json").read_text())
    assert "Lake Khanka (Xingkai)" in report["lakes"]["named"]


def test_national_border_is_drawn_above_the_water():
    """The border line crosses Lake Khanka and follows the Amur; it is drawn after the lakes
    so the lake fill cannot hide it."""
    from hljgis.io.project_file import load_project

    names = load_project(PROJECT).layer_names()
    assert names.index("borders") > names.index("lakes")
    assert names.index("borders") > names.index("cities")
    line = _read("borders").geometry.iloc[0]
    khanka = _read("lakes").set_index("name").loc["Lake Khanka (Xingkai)"].geometry
    assert line.intersection(khanka).length > 50_000
    assert 1800 < line.length / 1000 < 2100


# --- facts corrected from cited sources (see each feature's `source`) ---------------------

def _metric_point(lon, lat):
    return gpd.GeoSeries([shapely.Point(lon, lat)], crs="EPSG:4490").to_crs(METRIC).iloc[0]


def test_jiayin_port_lies_up_the_amur_ten_odd_km_from_the_county_seat(border):
    # fgyfs.cn 2018-09: the port is ten-odd km from the seat; Pashkovo, opposite the town,
    # lies 16 km downstream of the port's wharf, so the port is upstream (west) of the town
    china, _, line = border
    ports = _read("border_crossings").set_index("name")
    jiayin = ports.loc["Jiayin"]
    seat = _metric_point(130.40, 48.89)
    assert 8_000 < jiayin.geometry.distance(seat) < 18_000
    assert jiayin.geometry.x < seat.x
    assert jiayin.geometry.within(china) and jiayin.geometry.distance(line) < 1_000
    assert jiayin["status"] == "closed" and jiayin["accuracy_m"] <= 5_000


def test_hulin_port_is_the_chinese_point_nearest_its_published_crossing(border):
    # shiftingsandsproject.com: 45°31′22″N 133°21′35″E, which lies on the Russian side of
    # the Amap border; the port is drawn on the Chinese bank within its stated accuracy
    china, russia, _ = border
    hulin = _read("border_crossings").set_index("name").loc["Hulin"]
    published = _metric_point(133 + 21 / 60 + 35 / 3600, 45 + 31 / 60 + 22 / 3600)
    assert published.within(russia)
    assert hulin.geometry.within(china)
    assert hulin.geometry.distance(published) < hulin["accuracy_m"]
    assert hulin["status"] == "closed"  # Markovo closed from 2020-01-01 for reconstruction


def test_only_the_cited_national_zone_is_national():
    parks = gpd.read_file(LAYERS / "industrial_parks.geojson").set_index("name_zh")
    national = set(parks.index[parks["level"] == "national"])
    assert national == {"双鸭山经济技术开发区"}  # 2018 catalogue: Heilongjiang's 8 ETDZs
    for name, src in parks["source"].items():
        assert "Audit Catalogue 2018" in src, name
        if name not in national:
            assert "not national" in src, name


#: Passenger stations of each line as published (names as in hsr_stations.name_zh).
PUBLISHED_STATIONS = {
    "Mudanjiang–Jiamusi high-speed railway": ["牡丹江站", "林口南站", "鸡西西站", "七台河西站",
                                              "桦南东站", "双鸭山西站", "佳木斯站"],
    "Harbin–Mudanjiang high-speed railway": ["哈尔滨站", "新香坊北站", "阿城北站", "帽儿山西站",
                                             "尚志南站", "一面坡北站", "苇河西站", "亚布力西站",
                                             "横道河子东站", "海林北站", "牡丹江站"],
    "Jiamusi–Hegang railway": ["佳木斯站", "莲江口站", "鹤立站", "鹤岗站"],
    # en.wikipedia's route map, passenger stations drawn here
    "Harbin–Jiamusi railway": ["哈尔滨站", "宾西北站", "宾州站", "方正站", "依兰站", "佳木斯站"],
}


def test_station_names_are_the_published_ones_in_their_order(lines_and_stations):
    lines, stations = lines_and_stations
    zh = stations.set_index("name")["name_zh"]
    for line, published in PUBLISHED_STATIONS.items():
        drawn = [zh[s] for s in lines.set_index("name").loc[line, "stations"].split(";")]
        assert all(s in published for s in drawn), (line, drawn)
        order = [published.index(s) for s in drawn]
        assert order == sorted(order), (line, drawn)
    mj = lines.set_index("name").loc["Mudanjiang–Jiamusi high-speed railway", "stations"]
    assert len(mj.split(";")) == 7


def test_airport_codes_and_opening_years_as_cited():
    a = gpd.read_file(LAYERS / "airports.geojson")
    a = a[a["icao"].notna()].set_index("icao")
    codes = {"ZYHB": "HRB", "ZYJM": "JMU", "ZYJX": "JXA", "ZYMD": "MDG", "ZYLD": "LDS",
             "ZYFY": "FYJ", "ZYJS": "JSJ", "UHHH": "KHV", "UHWW": "VVO"}
    assert a["iata"].to_dict() == codes
    years = {"ZYHB": 1979, "ZYMD": 1985, "ZYJX": 2009, "ZYLD": 2009, "ZYFY": 2014, "ZYJS": 2017}
    assert {k: int(v) for k, v in a["opened_year"].dropna().items()} == years
    for icao, year in years.items():
        assert str(year) in a.loc[icao, "source"], icao
    assert "2017-10-29" in a.loc["ZYJS", "source"]  # Xinhua: first flight landed 2017-10-29
    # no year found for Jiamusi: the source says so instead of staying silent
    assert "not found" in a.loc["ZYJM", "source"]


def test_suifenhe_dongning_airport_is_drawn_and_honestly_placed():
    a = gpd.read_file(LAYERS / "airports.geojson").set_index("name")
    sd = a.loc["Suifenhe Dongning Airport"]
    assert sd["status"] == "opened" and sd["opened_year"] == 2024  # first flight 2024-12-28
    assert sd["accuracy_m"] >= 10_000 and "not verified" in sd["source"]
    # Xinhua 2016-10-17: 31 km west of Suifenhe city
    p = gpd.GeoSeries([sd.geometry, shapely.Point(131.15, 44.40)], crs="EPSG:4490").to_crs(METRIC)
    assert 25_000 < p.iloc[0].distance(p.iloc[1]) < 37_000


def test_expressway_sections_carry_their_cited_dates():
    e = gpd.read_file(LAYERS / "expressways.geojson")
    g11 = e[e["route"] == "G11"].iloc[0]
    assert g11["as_of"] == "2022-11" and "2022-11-08" in g11["source"]  # Jiamusi bypass
    g1111 = e[e["route"] == "G1111"].set_index("name")
    assert g1111.loc["Hegang–Harbin Expressway (Hegang–Yichun)", "status"] == \
        "under_construction"
    assert "not verified" in g1111.loc["Hegang–Harbin Expressway (Hegang–Yichun)", "source"]
    assert "2011" in e[e["route"] == "G1011"].iloc[0]["source"]


def test_official_areas_are_given_for_all_four_cities():
    cities = gpd.read_file(LAYERS / "cities.geojson").set_index("name")
    assert cities["area_official_km2"].notna().all()
    assert cities["area_official_source"].notna().all()
    # the map's outlines agree with the official city areas within 2 % except Qitaihe,
    # whose Amap outline lacks 11 % of the official area
    ratio = (cities["area_km2"] / cities["area_official_km2"] - 1).abs()
    assert (ratio.drop("Qitaihe") < 0.02).all(), ratio.round(3).to_dict()
    d = gpd.read_file(LAYERS / "districts.geojson")
    assert d["area_official_km2"].notna().all(), list(d.loc[d["area_official_km2"].isna(), "name"])
    assert d["area_official_source"].str.len().gt(10).all()
    # where the map and the official figure differ by more than 10 %, the README says so
    readme = (LAYERS / "README.md").read_text(encoding="utf-8")
    off = (d["area_km2"] / d["area_official_km2"] - 1).abs() > 0.10
    for name in d.loc[off, "name"]:
        assert name in readme, name


def test_river_accuracy_is_stated_honestly():
    # WDB II against the surveyed border, which follows the main channel of the Amur and
    # the Ussuri: the WDB II reaches' accuracy_m must cover the measured offsets; the reaches
    # drawn from the border lie on it
    report = json.loads((LAYERS.parent / "scripts" / "build_report.json").read_text())
    rivers = gpd.read_file(LAYERS / "rivers.geojson")
    wdb = rivers[rivers["source"].str.startswith("WDB II")]
    acc = wdb["accuracy_m"].min()
    for name, m in report["rivers_vs_border_m"]["wdb_ii_before"].items():
        assert m["samples"] > 100, name
        assert m["median"] <= acc and m["p90"] <= 2 * acc, (name, m)
    for name, m in report["rivers_vs_border_m"]["drawn"].items():
        assert m["samples"] > 300 and m["max"] <= 1, (name, m)
    # the drawn reaches claim the border's 100 m plus the measured distance of the border
    # (the main channel) from the centre of the Amur's water surface (68th percentile)
    width = report["border_rivers"]["width_m"][AMUR]
    drawn = rivers[rivers["source"].str.startswith(DRAWN)].set_index("name")
    assert drawn.loc[AMUR, "accuracy_m"] >= 100 + width["centre_offset_p68"]
    assert drawn.loc[USSURI, "accuracy_m"] >= 100 + width["centre_offset_p68"]
    assert drawn["accuracy_m"].max() < acc


AMUR, USSURI, SONGACHA = "Heilong (Amur)", "Wusuli (Ussuri)", "Songacha"
DRAWN = "drawn from the China-Russia border"
#: The interior of Heixiazi (Bolshoy Ussuriysky) island, at least 1.5 km from the Amur's
#: water surface and from the Kazakevichev channel: where the demarcated 2008 line crosses
#: the island on land, no river may be drawn.
HEIXIAZI_INTERIOR = shapely.Polygon([(134.70, 48.295), (134.80, 48.315), (134.90, 48.355),
                                     (135.00, 48.38), (135.00, 48.405), (134.90, 48.395),
                                     (134.80, 48.345), (134.70, 48.365)])


def _river_border(line):
    """Samples (every 500 m) of the border where it is a river: everything north and east
    of Lake Khanka; the land border south-west of the lake and the lake itself are not."""
    pts = shapely.line_interpolate_point(line, np.arange(0, line.length, 500.0))
    lonlat = gpd.GeoSeries(pts, crs=METRIC).to_crs("EPSG:4490")
    keep = (lonlat.y > 45.45) | (lonlat.x > 132.86)
    return pts[keep.to_numpy()]


def test_border_rivers_are_drawn_on_the_border(border):
    # where the border is the Amur, the Ussuri or the Songacha, one of them lies on it
    _china, _russia, line = border
    rivers = _read("rivers")
    named = shapely.union_all(rivers[rivers["name"].isin([AMUR, USSURI, SONGACHA])]
                              .geometry.values)
    pts = _river_border(shapely.line_merge(line))
    assert len(pts) > 2500  # about 1 500 km of river border
    d = shapely.distance(pts, named)
    assert d.max() <= 300, np.sort(d)[-10:]
    drawn = rivers[rivers["source"].str.startswith(DRAWN)]
    assert sorted(drawn["name"]) == sorted([AMUR, USSURI, SONGACHA])
    assert drawn["name_zh"].tolist() and drawn["name_zh"].notna().all()
    for g in drawn.geometry:
        xy = shapely.get_coordinates(shapely.segmentize(g, 500))
        assert shapely.distance(shapely.points(xy), line).max() <= 300
    # no border river along the lake or the land border south-west of it
    khanka = _read("lakes").set_index("name").geometry["Lake Khanka (Xingkai)"]
    assert shapely.intersection(shapely.union_all(drawn.geometry.values), khanka).length < 1


def test_no_river_across_heixiazi_island_on_land():
    rivers = gpd.read_file(LAYERS / "rivers.geojson")
    assert not rivers.intersects(HEIXIAZI_INTERIOR).any(), \
        rivers.loc[rivers.intersects(HEIXIAZI_INTERIOR), ["name", "source"]]
    lakes = gpd.read_file(LAYERS / "lakes.geojson")
    assert not lakes.intersects(HEIXIAZI_INTERIOR).any()  # it is land in the water layer too


def test_border_rivers_stay_connected():
    # a named river is one piece where its border-drawn reach meets its WDB II reaches
    # (gaps under 1 km), and the three border rivers meet each other; the box stops short
    # of the map's north edge, where the Amur leaves the map and comes back
    rivers = _read("rivers")
    box = gpd.GeoSeries([shapely.box(127.5, 43.0, 135.9, 49.5)], crs="EPSG:4490").to_crs(METRIC)
    rivers = rivers.clip(box)
    for names in ([AMUR], [USSURI], [SONGACHA], [AMUR, USSURI, SONGACHA]):
        sub = rivers[rivers["name"].isin(names)]
        blobs = shapely.get_parts(shapely.union_all(sub.buffer(500).values))
        assert len(blobs) == 1, (names, len(blobs))


VECTOR_LAYERS = ["province", "neighbours", "borders", "russia", "districts", "cities", "lakes",
                 "rivers", "towns", "airports", "hsr_lines", "hsr_stations", "expressways",
                 "border_crossings", "subsidence_zones", "shanty_sites", "industrial_parks",
                 "pillar_industries"]


@pytest.mark.parametrize("layer", VECTOR_LAYERS)
def test_every_feature_has_a_source_and_an_accuracy(layer):
    g = gpd.read_file(LAYERS / f"{layer}.geojson")
    assert len(g), layer
    src = g["source"].fillna("").str.strip()
    assert (src.str.len() > 10).all(), list(g.loc[src.str.len() <= 10].index)
    acc = g["accuracy_m"]
    assert acc.notna().all() and (acc > 0).all(), layer
    # a hand-placed position is never claimed better than 300 m
    hand = src.str.contains("hand-placed|hand-drawn", regex=True)
    assert (acc[hand] >= 300).all(), list(g.loc[hand & (acc < 300), "name"])


#: Web addresses and encyclopaedias as they are named in `source` fields.
_CITED = re.compile(r"[a-z]{2}\.wikipedia|Baidu Baike|Xinhua"
                    r"|(?:[a-z0-9-]+\.)+(?:com\.cn|org\.cn|gov\.cn|com|cn|org|net|ru|me|tw)\b")


def _cited(text: str) -> set[str]:
    found = set()
    for m in _CITED.findall(text):
        found.add(m[4:] if m.startswith("www.") else m)
    return found


def test_every_cited_source_is_listed_in_the_readme():
    readme = (LAYERS / "README.md").read_text(encoding="utf-8")
    listed = readme.split("## Sources cited", 1)
    assert len(listed) == 2, "layers/README.md has no 'Sources cited' section"
    table = listed[1]
    missing: dict[str, str] = {}
    for layer in VECTOR_LAYERS:
        g = gpd.read_file(LAYERS / f"{layer}.geojson")
        for col in ("source", "area_official_source"):
            if col not in g:
                continue
            for text in g[col].dropna():
                for c in _cited(str(text)):
                    if c not in table:
                        missing.setdefault(c, layer)
    assert not missing, f"cited but not in README 'Sources cited': {missing}"
