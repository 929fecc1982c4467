"""Overlay tools on two layers: clip, intersect, difference, union.

geopandas' overlay does the geometry (spatial index, vectorised GEOS calls). Clip,
intersection and difference treat each feature of the input layer on its own, so they run
over chunks of it with a cancel check between chunks; union needs both layers whole.
The overlay layer is brought into the input layer's CRS beforehand by the runner, so the
input's own vertices are never moved by a round trip through another projection.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from hljgis.processing.geometry import geoms_of
from hljgis.processing.job import CHUNK, Job
from hljgis.processing.specs import Param, Tool


def _by_chunks(job: Job, layer: gpd.GeoDataFrame, func, message: str) -> gpd.GeoDataFrame:
    """``func(chunk)`` over chunks of ``layer``, concatenated."""
    if len(layer) <= CHUNK:
        job.report(0.0, message)
        return func(layer)
    parts = []
    for start in range(0, len(layer), CHUNK):
        job.report(start / len(layer), message)
        parts.append(func(layer.iloc[start:start + CHUNK]))
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=layer.crs)


def clip(job: Job, layer: gpd.GeoDataFrame, mask: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The parts of ``layer`` inside the mask layer's polygons; attributes unchanged."""
    job.report(0.0, "merging the mask")
    outline = shapely.union_all(geoms_of(mask))
    return _by_chunks(job, layer, lambda part: gpd.clip(part, outline, keep_geom_type=True),
                      "clipping").reset_index(drop=True)


def _overlay(how: str):
    def run(job: Job, layer: gpd.GeoDataFrame, overlay: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        if how == "union":
            job.report(0.0, "overlaying")
            return gpd.overlay(layer, overlay, how="union", keep_geom_type=True)
        return _by_chunks(job, layer, lambda part: gpd.overlay(
            part, overlay, how=how, keep_geom_type=True), "overlaying")

    run.__name__ = how
    run.__doc__ = f"geopandas overlay, how={how!r}."
    return run


intersect = _overlay("intersection")
difference = _overlay("difference")
union = _overlay("union")

_INPUT = Param("layer", "layer", "Input layer", "输入图层")


def _second(label: str, label_zh: str, name: str = "overlay") -> Param:
    return Param(name, "layer", label, label_zh, geometry=("Polygon",))


TOOLS = (
    Tool("clip", "overlay", "Clip", "裁剪", clip,
         (_INPUT, _second("Clip to polygons of", "裁剪范围图层", "mask")),
         description="Keep the parts of features inside another layer's polygons.",
         description_zh="保留位于另一图层面要素内的部分。", name_prefix="clip",
         result_title="{layer}: clipped", result_title_zh="{layer}（裁剪）"),
    Tool("intersect", "overlay", "Intersect", "相交", intersect,
         (_INPUT, _second("Intersect with", "相交图层")),
         description="Pieces where both layers overlap, with the attributes of both.",
         description_zh="两图层重叠的部分，带有两者的属性。", name_prefix="intersect",
         result_title="{layer}: intersection", result_title_zh="{layer}（相交）"),
    Tool("difference", "overlay", "Difference", "擦除", difference,
         (_INPUT, _second("Remove the polygons of", "擦除图层")),
         description="Parts of features outside another layer's polygons.",
         description_zh="位于另一图层面要素之外的部分。", name_prefix="difference",
         result_title="{layer}: difference", result_title_zh="{layer}（擦除）"),
    Tool("union", "overlay", "Union", "联合", union,
         (Param("layer", "layer", "Input layer", "输入图层", geometry=("Polygon",)),
          _second("Union with", "联合图层")),
         description="All pieces of both polygon layers, with the attributes of both.",
         description_zh="两个面图层的全部部分，带有两者的属性。", name_prefix="union",
         result_title="{layer}: union", result_title_zh="{layer}（联合）"),
)
