"""Geometry tools on one layer: buffer, dissolve, centroids, reproject, area/length fields.

Buffers, centroids and measurements are made in the project's metric CRS (Gauss-Kruger
metres), so "2 km" means 2 km on the ground whatever CRS the layer is stored in. Measuring
tools add fields but return the input's own geometries untouched (no round trip through a
projection).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from hljgis.core.crs import parse_crs
from hljgis.core.text import Text
from hljgis.processing.job import Job
from hljgis.processing.specs import Choice, Param, Tool


def geoms_of(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """The geometries as a numpy object array (what shapely's vectorised functions take)."""
    return np.asarray(gdf.geometry.array)


def with_geometry(gdf: gpd.GeoDataFrame, geoms: np.ndarray, crs) -> gpd.GeoDataFrame:
    """``gdf``'s attributes with new geometries in ``crs`` (same geometry column name)."""
    out = gdf.copy()
    out[gdf.geometry.name] = gpd.array.from_shapely(geoms, crs=crs)
    return out.set_crs(crs, allow_override=True)


def buffer(job: Job, layer: gpd.GeoDataFrame, distance_m: float, segments: int = 16,
           dissolve: bool = False) -> gpd.GeoDataFrame:
    """Features grown by ``distance_m`` metres (negative shrinks polygons)."""
    metric = job.to_metric(layer)
    grown = job.chunked(lambda g: shapely.buffer(g, distance_m, quad_segs=int(segments)),
                        geoms_of(metric), "buffering", 0.0, 0.5 if dissolve else 1.0)
    if dissolve:
        merged = job.union(grown, "merging the buffers", 0.5, 1.0)
        return gpd.GeoDataFrame({"n_features": [len(layer)]},
                                geometry=gpd.array.from_shapely([merged], crs=metric.crs),
                                crs=metric.crs)
    return with_geometry(metric, grown, metric.crs)


def dissolve(job: Job, layer: gpd.GeoDataFrame, field: str | None = None) -> gpd.GeoDataFrame:
    """One feature per distinct value of ``field`` (all features into one without a field);
    other fields keep the first feature's value, ``n_features`` counts the members."""
    geoms = geoms_of(layer)
    attrs = layer.drop(columns=layer.geometry.name)
    if not field:
        merged = [job.union(geoms, "dissolving")]
        out = attrs.head(1).reset_index(drop=True)
        out["n_features"] = len(layer)
    else:
        # as geopandas' dissolve(aggfunc="first"), one union per group: a loop over the
        # groups (a handful of zones), not over the features
        codes, _ = pd.factorize(layer[field], sort=True, use_na_sentinel=False)
        out = attrs.groupby(codes, sort=True).first().reset_index(drop=True)
        out["n_features"] = np.bincount(codes)
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(out) + 1))
        merged = []
        for k in range(len(out)):
            members = geoms[order[bounds[k]:bounds[k + 1]]]
            merged.append(job.union(members, "dissolving", k / len(out), (k + 1) / len(out)))
        out = out[[field, *[c for c in out.columns if c != field]]]
    return gpd.GeoDataFrame(out, geometry=gpd.array.from_shapely(merged, crs=layer.crs),
                            crs=layer.crs)


def centroids(job: Job, layer: gpd.GeoDataFrame, method: str = "centroid") -> gpd.GeoDataFrame:
    """One point per feature: the centre of mass (in metres), or a point surely inside."""
    metric = job.to_metric(layer)
    func = shapely.centroid if method == "centroid" else shapely.point_on_surface
    points = job.chunked(func, geoms_of(metric), "finding centres")
    return with_geometry(metric, points, metric.crs)


def reproject(job: Job, layer: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """The layer in another coordinate reference system."""
    job.report(0.0, "reprojecting")
    return layer.to_crs(parse_crs(crs))


def measure(job: Job, layer: gpd.GeoDataFrame, prefix: str = "") -> gpd.GeoDataFrame:
    """``area_m2``, ``area_ha`` and ``perimeter_m`` for polygons, ``length_m`` for lines,
    measured in the metric CRS; the layer's geometries are kept as they are."""
    metric = geoms_of(job.to_metric(layer))
    out = layer.copy()
    types = shapely.get_type_id(metric)
    poly = np.isin(types, (3, 6))
    line = np.isin(types, (1, 2, 5))
    area = job.chunked(shapely.area, metric, "measuring areas", 0.0, 0.5)
    length = job.chunked(shapely.length, metric, "measuring lengths", 0.5, 1.0)
    if poly.any():
        out[f"{prefix}area_m2"] = np.where(poly, area, np.nan)
        out[f"{prefix}area_ha"] = np.where(poly, area / 10_000.0, np.nan)
        out[f"{prefix}perimeter_m"] = np.where(poly, length, np.nan)
    if line.any():
        out[f"{prefix}length_m"] = np.where(line, length, np.nan)
    return out


_LAYER = Param("layer", "layer", Text("Input layer", "输入图层"))

TOOLS = (
    Tool("buffer", "geometry", Text("Buffer", "缓冲区"), buffer, (
        _LAYER,
        Param("distance_m", "number", Text("Distance", "距离"), default=1000.0, unit="m",
              minimum=-1e6, maximum=1e6,
              help=Text("Ground distance in metres, measured in the project's metric CRS",
              "地面距离（米），在项目的米制坐标系中量算")),
        # 16 per quarter circle as geopandas (shapely alone uses 8): a 2 km circle then
        # deviates at most 2.4 m from the true circle
        Param("segments", "integer", Text("Segments per quarter circle", "四分之一圆的分段数"),
              default=16, minimum=1, maximum=64),
        Param("dissolve", "bool", Text("Merge overlapping buffers into one", "合并重叠的缓冲区"),
              default=False),
    ), description=Text("Grow features by a distance on the ground.",
       "按地面距离向外扩展要素。"), metric=True, name_prefix="buffer",
       adds=("n_features (when merged)",), result_title=Text("{layer}: buffer {distance_m:g} m",
       "{layer}{distance_m:g}米缓冲区")),
    Tool("dissolve", "geometry", Text("Dissolve", "融合"), dissolve, (
        _LAYER,
        Param("field", "field", Text("Dissolve by field", "按字段融合"), layer="layer",
              required=False,
              help=Text("Features with the same value become one; empty merges all",
              "取值相同的要素合并为一个；留空则全部合并")),
    ), description=Text("Merge features that share a value.",
       "合并字段取值相同的要素。"), name_prefix="dissolve",
       adds=("n_features",)),
    Tool("centroids", "geometry", Text("Centroids", "质心"), centroids, (
        _LAYER,
        Param("method", "choice", Text("Point", "点位置"), default="centroid", choices=(
            Choice("centroid", Text("Centre of mass", "几何质心")),
            Choice("inside", Text("Point inside the feature", "要素内部的点")),
        )),
    ), description=Text("One point per feature.", "每个要素生成一个点。"),
       metric=True, name_prefix="centroids"),
    Tool("reproject", "geometry", Text("Reproject", "坐标转换"), reproject, (
        _LAYER,
        Param("crs", "crs", Text("Target CRS", "目标坐标系"), default="EPSG:4490",
              help=Text("EPSG code, e.g. EPSG:4490 (CGCS2000) or EPSG:4553 (Gauss-Kruger 132E)",
              "EPSG 代码，例如 EPSG:4490（CGCS2000）或 EPSG:4553（高斯-克吕格 132°E）")),
    ), description=Text("The layer in another coordinate reference system.",
       "将图层转换到另一坐标系。"), name_prefix="reprojected", own_crs=True,
       result_title=Text("{layer} ({crs})", "{layer}（{crs}）")),
    Tool("measure", "geometry", Text("Add area and length fields", "添加面积和长度字段"), measure, (
        Param("layer", "layer", Text("Input layer", "输入图层"),
              geometry=("LineString", "Polygon")),
        Param("prefix", "text", Text("Field name prefix", "字段名前缀"), default="",
              required=False),
    ), description=Text("Area (m², ha) and perimeter of polygons, length of lines, in metres.",
       "面要素的面积（平方米、公顷）和周长，线要素的长度（米）。"),
       metric=True, name_prefix="measured",
       adds=("area_m2", "area_ha", "perimeter_m", "length_m")),
)
