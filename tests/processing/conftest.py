"""Small layers for the processing tests: metric squares, a bow-tie, a layer in lon/lat."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, Point, box

from hljgis.core.layer import VectorLayer

GK = "EPSG:4553"  # CGCS2000 / 3-degree Gauss-Kruger CM 132E (metres)
LONLAT = "EPSG:4490"
X0, Y0 = 500_000.0, 5_150_000.0
BOWTIE = shapely.Polygon([(X0, Y0 + 3000), (X0 + 400, Y0 + 3400), (X0 + 400, Y0 + 3000),
                          (X0, Y0 + 3400)])


@pytest.fixture
def parcels() -> VectorLayer:
    """Three 1 km squares in a row and a self-intersecting bow-tie above them (metric CRS)."""
    geoms = [box(X0 + 1500 * i, Y0, X0 + 1500 * i + 1000, Y0 + 1000) for i in range(3)]
    gdf = gpd.GeoDataFrame({"pid": [1, 2, 3, 4], "zone": ["a", "a", "b", "b"],
                            "value": [10.0, 20.0, 30.0, 40.0]},
                           geometry=[*geoms, BOWTIE], crs=GK)
    return VectorLayer(gdf, "parcels", title="Parcels", title_zh="地块",
                       provenance={"source": "bureau survey", "as_of": "2023",
                                   "accuracy_m": 5})


@pytest.fixture
def zones_lonlat() -> VectorLayer:
    """Two polygons drawn in metres then stored in CGCS2000 lon/lat (another CRS)."""
    metric = gpd.GeoSeries([box(X0 + 500, Y0 - 500, X0 + 2000, Y0 + 500),
                            box(X0 + 2800, Y0 + 200, X0 + 4500, Y0 + 3500)], crs=GK)
    gdf = gpd.GeoDataFrame({"zname": ["north", "east"], "level": [1, 2]},
                           geometry=metric.to_crs(LONLAT).values, crs=LONLAT)
    return VectorLayer(gdf, "zones", title="Zones", title_zh="分区",
                       provenance={"source": "planning map", "as_of": "2020",
                                   "accuracy_m": 50, "illustrative": True})


@pytest.fixture
def points_lonlat() -> VectorLayer:
    """Four stations in lon/lat (one far away)."""
    metric = gpd.GeoSeries([Point(X0 + 500, Y0 + 500), Point(X0 + 2100, Y0 + 500),
                            Point(X0 + 3500, Y0 + 3200), Point(X0 + 60_000, Y0)], crs=GK)
    gdf = gpd.GeoDataFrame({"sid": ["s1", "s2", "s3", "s4"], "riders": [5, 7, 11, 13]},
                           geometry=metric.to_crs(LONLAT).values, crs=LONLAT)
    return VectorLayer(gdf, "stations", title="Stations", title_zh="车站",
                       provenance={"source": "railway timetable", "as_of": "2021"})


@pytest.fixture
def roads() -> VectorLayer:
    gdf = gpd.GeoDataFrame({"rid": [1, 2]}, geometry=[
        LineString([(X0, Y0 + 500), (X0 + 5000, Y0 + 500)]),
        LineString([(X0 + 2000, Y0 - 1000), (X0 + 2000, Y0 + 4000)])], crs=GK)
    return VectorLayer(gdf, "roads", title="Roads")


@pytest.fixture
def project(parcels, zones_lonlat, points_lonlat, roads):
    from hljgis.core.project import Project

    p = Project()
    for layer in (parcels, zones_lonlat, points_lonlat, roads):
        p.add_layer(layer)
    return p
