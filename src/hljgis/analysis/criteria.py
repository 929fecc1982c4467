"""Criteria: raw values per candidate site (metres, shares, years, raster statistics).

Each criterion answers one question a planner can put in a report ("how far is the
nearest open HSR station from the centre of the site, in metres?"), and carries its unit
and rationale so the answer can be defended. The raw values are later mapped to 0..1 by a
:class:`~hljgis.analysis.transforms.TransformSpec`.

Kinds (:data:`CRITERION_KINDS`):

``distance``
    Distance to the nearest feature of a layer (optionally filtered). Measured from the
    site's **centroid** by default (``measure="centroid"``): for cells this is the
    representative location and it lets the computation run on points, which is what makes
    a million cells fast. ``measure="edge"`` measures from the site's outline instead (0
    when it touches the feature), for irregular parcels: the exact GEOS distance that
    ``sjoin_nearest`` gives, found by :mod:`hljgis.analysis.distance`.
``overlap``
    Share (0..1) of the site's area covered by a layer, e.g. by industrial parks. The
    overlay is dissolved first when its features overlap each other, so no area counts
    twice.
``attribute``
    A field of the candidate itself, or (with ``layer``) of the features of another layer
    the site intersects, aggregated by ``agg`` (e.g. the latest ``stable_from_year`` of the
    subsidence zones under a cell); ``fill`` is used where no feature is hit.
``raster``
    Zonal mean or max of a raster band: rasterised site ids at raster resolution and
    ``np.bincount`` when sites span several pixels, the value at the centroid when sites
    are smaller than about four pixels.
``years``
    Years since (``mode="since"``) or until (``"until"``) a year field, against the
    scenario's planning year, e.g. years since ``stable_from_year``.

Everything is vectorised over sites: STRtree queries give (site, feature) pairs, numpy
reduces them (``np.bincount``, ``np.maximum.at``). The only Python loops run over criteria,
chunks or target features' parts, never over candidate sites.

The measuring lives in one module per job: :mod:`~hljgis.analysis.context` (layer store,
site context), :mod:`~hljgis.analysis.nearest` and :mod:`~hljgis.analysis.distance`
(distances from centroids and outlines), :mod:`~hljgis.analysis.overlay` (overlap share,
values under a site) and :mod:`~hljgis.analysis.zonal` (raster statistics). This module
holds the :class:`Criterion` record and :data:`MEASURE_BY_KIND`, the table from a kind to
the function that measures it; it re-exports the measuring functions under the names it
has always had.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from hljgis.analysis.context import LayerStore, SiteContext, layer_features
from hljgis.analysis.distance import edge_distance
from hljgis.analysis.nearest import nearest_distance
from hljgis.analysis.overlay import overlap_share, overlay_values
from hljgis.analysis.transforms import TransformSpec
from hljgis.analysis.zonal import zonal_stat
from hljgis.core.errors import InputError
from hljgis.core.text import Text

__all__ = [
    "AGGS",
    "CRITERION_KINDS",
    "MEASURES",
    "MEASURE_BY_KIND",
    "STATS",
    "Criterion",
    "LayerStore",
    "SiteContext",
    "compute_criterion",
    "edge_distance",
    "nearest_distance",
    "overlap_share",
    "overlay_values",
    "zonal_stat",
]

CRITERION_KINDS = ("distance", "overlap", "attribute", "raster", "years")
MEASURES = ("centroid", "edge")
STATS = ("mean", "max")
AGGS = ("max", "min", "mean")
YEAR_MODES = ("since", "until")
DIRECTIONS = ("benefit", "cost")


@dataclass
class Criterion:
    """One criterion of a scenario, as plain data.

    Attributes
    ----------
    name : str
        Identifier (lowercase letters, digits, ``_``); result columns are
        ``raw_<name>``, ``norm_<name>``, ``contrib_<name>``.
    kind : str
        One of :data:`CRITERION_KINDS`.
    transform : TransformSpec
        Raw value -> 0..1 score.
    weight : float
        Direct weight (ignored when the scenario uses AHP).
    layer : str, optional
        Layer the criterion measures against (distance, overlap, raster, and attribute /
        years taken from another layer).
    where : filter, optional
        Restricts the layer's features, see :func:`~hljgis.analysis.candidates.filter_mask`.
    field : str, optional
        Attribute or year field.
    measure : {"centroid", "edge"}
        Distance measured from the site centroid or outline.
    stat : {"mean", "max"}
        Raster zonal statistic.
    agg : {"max", "min", "mean"}
        How values of several features under a site combine.
    fill : float, optional
        Raw value for sites no feature of ``layer`` touches (NaN when None: missing data).
    mode : {"since", "until"}
        For ``years``.
    unit : str
    title, rationale : Text
        What the number means and why it matters, in English and Chinese (no Chinese:
        the English is shown); shown in score cards. Files keep the ``title`` /
        ``title_zh`` and ``rationale`` / ``rationale_zh`` keys.
    direction : {"benefit", "cost"}
        Whether larger raw values are better; informational (the transform encodes it) and
        checked against the transform where that is possible.
    """

    name: str
    kind: str
    transform: TransformSpec
    weight: float = 1.0
    layer: str | None = None
    where: Any = None
    field: str | None = None
    measure: str = "centroid"
    stat: str = "mean"
    agg: str = "max"
    fill: float | None = None
    mode: str = "since"
    unit: str = ""
    title: Text = dataclasses.field(default_factory=Text)
    rationale: Text = dataclasses.field(default_factory=Text)
    direction: str = "benefit"


# ------------------------------------------------------------------------- measuring


def _attribute(ctx: SiteContext, crit: Criterion, fill: float | None) -> np.ndarray:
    """Raw attribute values: the site's own field, or the features' field under the site."""
    if crit.layer:
        feats = layer_features(ctx.store, crit, ctx.year)
        return overlay_values(ctx, feats, _need_field(feats, crit), crit.agg, fill)
    if crit.field not in ctx.sites.columns:
        raise InputError(
            f"criterion '{crit.name}': the candidate sites have no field '{crit.field}'.",
            f"Fields: {', '.join(c for c in ctx.sites.columns if c != 'geometry')}.",
        )
    col = ctx.sites[crit.field]
    if crit.transform.kind == "categorical":
        return col.to_numpy()
    values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
    if fill is not None:
        values = np.where(np.isnan(values), float(fill), values)
    return values


def _need_field(feats: gpd.GeoDataFrame, crit: Criterion) -> str:
    """The criterion's field, refused with the layer's fields when the layer lacks it."""
    field = crit.field
    if field is None or field not in feats.columns:
        raise InputError(
            f"criterion '{crit.name}': layer '{crit.layer}' has no field '{crit.field}'.",
            f"Fields: {', '.join(c for c in feats.columns if c != 'geometry')}.",
        )
    return field


def _distance(crit: Criterion, ctx: SiteContext) -> np.ndarray:
    """Metres to the nearest feature, from the site's centroid or its outline."""
    feats = layer_features(ctx.store, crit, ctx.year)
    if len(feats) == 0:
        raise InputError(
            f"criterion '{crit.name}': no feature of layer '{crit.layer}' passes its "
            "filter, so there is nothing to measure the distance to.",
            "Relax the filter or choose another layer.",
        )
    targets = np.asarray(feats.geometry.values)
    if crit.measure == "edge":
        return edge_distance(ctx.geoms, targets, outlines=ctx.outlines, check=ctx.check)
    return nearest_distance(ctx.xy, targets, k=4, check=ctx.check)


def _overlap(crit: Criterion, ctx: SiteContext) -> np.ndarray:
    """Share of the site's area the layer covers."""
    feats = layer_features(ctx.store, crit, ctx.year)
    return overlap_share(ctx, np.asarray(feats.geometry.values))


def _attribute_values(crit: Criterion, ctx: SiteContext) -> np.ndarray:
    """The attribute, with ``fill`` where no feature is hit."""
    return _attribute(ctx, crit, crit.fill)


def _raster(crit: Criterion, ctx: SiteContext) -> np.ndarray:
    """Zonal statistic of the raster layer."""
    return zonal_stat(ctx, ctx.store.raster_path(crit.layer), crit.stat)


def _years(crit: Criterion, ctx: SiteContext) -> np.ndarray:
    """Years since or until the year field, against the planning year."""
    if ctx.year is None:
        raise InputError(f"criterion '{crit.name}' counts years but the scenario has no "
                         "planning year.", "Set planning_year or pass --year.")
    values = _attribute(ctx, crit, None).astype(float)
    years = ctx.year - values if crit.mode == "since" else values - ctx.year
    if crit.fill is not None:  # e.g. sites on no subsidence zone: "stable long ago"
        years = np.where(np.isnan(years), float(crit.fill), years)
    return years


#: Criterion kind -> the function measuring its raw values (one entry per
#: :data:`CRITERION_KINDS`, in that order).
MEASURE_BY_KIND: dict[str, Callable[[Criterion, SiteContext], np.ndarray]] = {
    "distance": _distance,
    "overlap": _overlap,
    "attribute": _attribute_values,
    "raster": _raster,
    "years": _years,
}


def compute_criterion(crit: Criterion, ctx: SiteContext) -> np.ndarray:
    """Raw values of one criterion for every site of ``ctx``.

    Returns
    -------
    numpy.ndarray, shape (n,)
        Float values (object for a categorical attribute); NaN where unknown.

    Raises
    ------
    InputError
        If the layer or field is missing, or a filter leaves no feature to measure against
        (the message names the criterion and the layer).
    """
    try:
        measure = MEASURE_BY_KIND[crit.kind]
    except KeyError:
        raise ValueError(f"criterion '{crit.name}': unknown kind {crit.kind!r}") from None
    return measure(crit, ctx)
