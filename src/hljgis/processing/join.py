"""Spatial join: attributes of one layer attached to another by where features lie.

Pairs come from one STRtree query (vectorised, no per-feature loop). One-to-many gives a
row per matching pair, as ``geopandas.sjoin`` does; one-to-one keeps each target feature
once with ``join_count`` and either the first match's attributes (lowest feature number)
or summaries (count, sum, mean, min, max) of the numeric fields, by a pandas group-by.
A distance predicate (``dwithin``) is measured in the metric CRS.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from hljgis.core.text import Text
from hljgis.processing.geometry import geoms_of
from hljgis.processing.job import Job
from hljgis.processing.specs import Choice, Param, Tool

PREDICATES = (
    Choice("intersects", Text("intersects", "相交")),
    Choice("within", Text("is within", "位于其内")),
    Choice("contains", Text("contains", "包含")),
    Choice("touches", Text("touches", "相接")),
    Choice("crosses", Text("crosses", "穿越")),
    Choice("overlaps", Text("overlaps", "部分重叠")),
    Choice("dwithin", Text("is within a distance of", "在距离范围内")),
)
STATS = (
    Choice("sum", Text("sum", "总和")),
    Choice("mean", Text("mean", "平均")),
    Choice("min", Text("minimum", "最小")),
    Choice("max", Text("maximum", "最大")),
)


def pairs(job: Job, left: gpd.GeoDataFrame, right: gpd.GeoDataFrame, predicate: str,
          distance_m: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """(left index, right index) of every pair where ``predicate(left, right)`` holds,
    sorted by left then right feature. ``dwithin`` is measured in the metric CRS."""
    if predicate == "dwithin":
        left, right = job.to_metric(left), job.to_metric(right)
    job.report(0.1, "building the spatial index")
    tree = shapely.STRtree(geoms_of(right))
    job.report(0.3, "finding matching features")
    kw = {"distance": float(distance_m)} if predicate == "dwithin" else {}
    li, ri = tree.query(geoms_of(left), predicate=predicate, **kw)
    order = np.lexsort((ri, li))
    return li[order], ri[order]


def spatial_join(job: Job, layer: gpd.GeoDataFrame, join: gpd.GeoDataFrame,
                 predicate: str = "intersects", distance_m: float = 0.0,
                 how: str = "one_to_one", fields: list[str] | None = None,
                 summaries: list[str] | None = None,
                 keep_all: bool = True) -> gpd.GeoDataFrame:
    """``layer``'s features with the attributes of the ``join`` features they match."""
    li, ri = pairs(job, layer, join, predicate, distance_m)
    job.report(0.7, "joining attributes")
    fields = list(fields or [c for c in join.columns if c != join.geometry.name])
    attrs = pd.DataFrame(join[fields], copy=False).reset_index(drop=True)
    taken = set(layer.columns)
    attrs = attrs.rename(columns={c: f"{c}_join" for c in fields if c in taken})
    base = layer.reset_index(drop=True)
    if how == "one_to_many":
        left_rows, right_rows = li, ri
        if keep_all:
            lonely = np.setdiff1d(np.arange(len(base)), li)
            left_rows = np.concatenate([li, lonely])
            right_rows = np.concatenate([ri, np.full(len(lonely), -1)])
            order = np.argsort(left_rows, kind="stable")
            left_rows, right_rows = left_rows[order], right_rows[order]
        out = base.iloc[left_rows].reset_index(drop=True)
        return _attach(out, attrs, right_rows)
    counts = np.bincount(li, minlength=len(base))
    out = base.copy()
    if summaries:
        numeric = [c for c in attrs.columns if pd.api.types.is_numeric_dtype(attrs[c])
                   and not pd.api.types.is_bool_dtype(attrs[c])]
        matched = attrs.iloc[ri][numeric].set_axis(li)
        grouped = matched.groupby(level=0).agg(list(summaries))
        grouped.columns = [f"{c}_{s}" for c, s in grouped.columns]
        out = _beside(out, grouped.reindex(np.arange(len(base))))
    else:
        first = np.full(len(base), -1)
        starts = np.unique(li, return_index=True)
        first[starts[0]] = ri[starts[1]]
        out = _attach(out, attrs, first)
    out["join_count"] = counts
    if not keep_all:
        out = out[counts > 0].reset_index(drop=True)
    return out


def _attach(out: gpd.GeoDataFrame, attrs: pd.DataFrame, rows: np.ndarray) -> gpd.GeoDataFrame:
    """``out`` with the ``attrs`` rows ``rows`` beside it (-1: no match, missing values;
    pandas' reindex widens integer columns to float and booleans to object for them)."""
    return _beside(out, attrs.reindex(rows).reset_index(drop=True))


def _beside(out: gpd.GeoDataFrame, extra: pd.DataFrame) -> gpd.GeoDataFrame:
    """Columns of ``extra`` added to ``out`` in one concat (row positions match)."""
    extra = extra.set_axis(out.index)
    return gpd.GeoDataFrame(pd.concat([out, extra], axis=1), geometry=out.geometry.name,
                            crs=out.crs)

TOOLS = (
    Tool("spatial_join", "join", Text("Spatial join", "空间连接"), spatial_join, (
        Param("layer", "layer", Text("Target layer", "目标图层")),
        Param("join", "layer", Text("Join attributes of", "连接图层")),
        Param("predicate", "choice", Text("Where the target", "空间关系"), default="intersects",
              choices=PREDICATES),
        Param("distance_m", "number", Text("Distance", "距离"), default=0.0, unit="m", minimum=0,
              maximum=1e6, enabled_when=("predicate", ("dwithin",)),
              help=Text("Only for 'is within a distance of'", "仅用于“在距离范围内”")),
        Param("how", "choice", Text("Matches", "匹配方式"), default="one_to_one", choices=(
            Choice("one_to_one", Text("One row per target feature", "每个目标要素一行")),
            Choice("one_to_many", Text("One row per matching pair", "每对匹配一行")),
        )),
        Param("fields", "fields", Text("Fields to join (empty: all)", "连接字段（留空为全部）"),
              layer="join", required=False),
        Param("summaries", "choices", Text("Summaries of numeric fields", "数值字段汇总"),
              choices=STATS, required=False, enabled_when=("how", ("one_to_one",)),
              help=Text("One row per target: sum, mean, ... of the matches instead of the first "
                   "match's values", "每个目标一行：汇总匹配要素的数值，而非取第一个匹配")),
        Param("keep_all", "bool",
              Text("Keep target features without a match", "保留无匹配的目标要素"),
              default=True),
    ), description=Text("Attach attributes of features that lie in, on or near each feature.",
       "按空间关系将另一图层的属性连接到每个要素。"), name_prefix="join",
       adds=("join_count",), result_title=Text("{layer}: spatial join",
       "{layer}（空间连接）")),
)
