"""Helpers of the processing tests: the hand-made geopandas reference and comparisons."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from hljgis.core.layer import VectorLayer

GK = "EPSG:4553"


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
