"""Select by location: the features of a layer that stand in a spatial relation to another.

One STRtree query gives the matching features; ``disjoint`` is the complement of
``intersects`` and ``dwithin`` is measured in the metric CRS. The result is a new layer of
the selected features with their own geometries and attributes unchanged.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from hljgis.core.text import Text
from hljgis.processing.job import Job
from hljgis.processing.join import PREDICATES, pairs
from hljgis.processing.specs import Choice, Param, Tool


def selected(job: Job, layer: gpd.GeoDataFrame, by: gpd.GeoDataFrame, predicate: str,
             distance_m: float = 0.0) -> np.ndarray:
    """Boolean mask over ``layer``: True where the feature matches any feature of ``by``."""
    query = "intersects" if predicate == "disjoint" else predicate
    li, _ = pairs(job, layer, by, query, distance_m)
    mask = np.zeros(len(layer), dtype=bool)
    mask[li] = True
    return ~mask if predicate == "disjoint" else mask


def select_by_location(job: Job, layer: gpd.GeoDataFrame, by: gpd.GeoDataFrame,
                       predicate: str = "intersects",
                       distance_m: float = 0.0) -> gpd.GeoDataFrame:
    """The features of ``layer`` that match, as a new frame."""
    mask = selected(job, layer, by, predicate, distance_m)
    job.report(0.9, f"{int(mask.sum())} of {len(layer)} features selected")
    return layer[mask].reset_index(drop=True)


TOOLS = (
    Tool("select_by_location", "select", Text("Select by location", "按位置选择"),
         select_by_location, (
        Param("layer", "layer", Text("Select features of", "从图层选择")),
        Param("by", "layer", Text("Compared with", "参照图层")),
        Param("predicate", "choice", Text("Where the feature", "空间关系"), default="intersects",
              choices=(*PREDICATES, Choice("disjoint", Text("does not touch", "不相交")))),
        Param("distance_m", "number", Text("Distance", "距离"), default=0.0, unit="m", minimum=0,
              maximum=1e6, enabled_when=("predicate", ("dwithin",)),
              help=Text("Only for 'is within a distance of'", "仅用于“在距离范围内”")),
    ), description=Text("Keep the features that lie in, on or near another layer's features.",
       "保留与另一图层要素满足空间关系的要素。"), name_prefix="selected",
       result_title=Text("{layer}: selected by location", "{layer}（按位置选择）")),
)
