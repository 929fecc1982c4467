"""Helpers of the processing tests: the hand-made geopandas reference and comparisons, and
the HSR stations with sites drawn near one (the issue #17 case, also driven from the GUI)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from hljgis.core.layer import VectorLayer

GK = "EPSG:4553"
#: Centres of the drawn sites, metres east of the first HSR station.
SITE_OFFSETS = (500, 1500, 2500, 4000, 8000)


def repaired(layer: VectorLayer) -> gpd.GeoDataFrame:
    """What a geopandas user does by hand before processing: make_valid."""
    return layer.gdf.set_geometry(layer.gdf.make_valid())


def same_geoms(a: gpd.GeoSeries, b: gpd.GeoSeries, tol_m: float = 1e-3) -> bool:
    """Pairwise equal geometries: Hausdorff distance under ``tol_m`` metres, compared in the
    metric CRS whatever CRS the two series are in."""
    if len(a) != len(b):
        return False
    a = np.asarray(gpd.GeoSeries(a).to_crs(GK).array)
    b = np.asarray(gpd.GeoSeries(b).to_crs(GK).array)
    both_empty = shapely.is_empty(a) & shapely.is_empty(b)
    dist = shapely.hausdorff_distance(a, b)
    return bool(np.all(both_empty | (dist <= tol_m)))


def stations_with_drawn_sites():
    """A project of the bundled HSR stations and five 300 m squares a planner drew
    ``SITE_OFFSETS`` metres east of the first station (names ``site_<offset>``, in Jixi).
    Skips the test when the bundled stations are missing."""
    import pytest
    from shapely.geometry import box

    from hljgis.core.project import Project
    from hljgis.io.bundled import layers_dir
    from hljgis.io.readers import read_file

    path = layers_dir() / "hsr_stations.geojson"
    if not path.is_file():
        pytest.skip("bundled HSR stations missing")
    stations = read_file(path)[0]
    project = Project()
    project.add_layer(stations)
    origin = stations.gdf.to_crs(GK).geometry.iloc[0]
    sites = gpd.GeoDataFrame(
        {"name": [f"site_{d}" for d in SITE_OFFSETS], "city": ["Jixi"] * len(SITE_OFFSETS)},
        geometry=[box(origin.x + d - 150, origin.y - 150, origin.x + d + 150, origin.y + 150)
                  for d in SITE_OFFSETS], crs=GK).to_crs("EPSG:4490")
    project.add_layer(VectorLayer(sites, "drawn_sites", title="Drawn sites",
                                  title_zh="手绘地块"))
    return project
