"""One ranking result -> one styled, labelled map layer, for every map that shows it.

The dock, ``hljgis rank --out project``, the atlas pages and the web map all draw a
ranking the same way: graduated by score in the fixed classes of
:func:`~hljgis.analysis.ranking_vocab.ranking_style`, the best ``label_top`` sites labelled
"#rank" (best first, ties in site order). :func:`ranking_layer` builds that layer; it
returns a new layer over a new frame and leaves the result as it was (the label columns
live in the layer's frame only).

Pure Python: no Qt.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from hljgis.analysis.ranking_vocab import ranking_renderer
from hljgis.core.text import Text

__all__ = ["LABEL_COLUMNS", "LABEL_TOP", "MAP_FIELDS", "labelled_frame", "ranking_labels",
           "ranking_layer", "top_labels"]

#: Sites labelled on the map unless the caller says otherwise (the dock's default too).
LABEL_TOP = 10

#: The columns the labels read: the text ("#3") and its placement priority.
LABEL_COLUMNS = ("label", "label_priority")

#: The fields a printed page or a web page keeps of a ranking, in the order a web map's
#: popup lists them; the project's layer keeps every column of the result.
MAP_FIELDS = ("site_name", "site_name_zh", "site_id", "city", "score", "rank", "rank_min",
              "rank_max")


def top_labels(rank: np.ndarray, top: int, dtype=None) -> tuple[Any, np.ndarray]:
    """``#rank`` for the ``top`` best sites ("" elsewhere) and their label priority.

    At most ``top`` sites are labelled, best first and ties in site order: fuzzy transforms
    that saturate give many sites a perfect score, and 1,800 "#1" labels (a 20,000-cell
    run) hide the map and take the label engine 2.5 s a frame. The text column is built
    from Arrow buffers (offsets and bytes) instead of a million Python strings: 3 ms
    instead of 1.5 s.

    Parameters
    ----------
    rank : numpy.ndarray of float
        Ranks, NaN for unranked sites.
    top : int
    dtype : pandas dtype, optional
        Of the column the labels replace (the string dtype by default).

    Returns
    -------
    (pandas array of str, numpy.ndarray of float)
    """
    import pyarrow as pa

    n = len(rank)
    with np.errstate(invalid="ignore"):
        hit = np.flatnonzero(np.isfinite(rank) & (rank <= top))
    if len(hit) > top:
        hit = np.sort(hit[np.argsort(rank[hit], kind="stable")[:top]])
    texts = [f"#{int(r)}" for r in rank[hit]]
    lengths = np.zeros(n, dtype=np.int64)
    lengths[hit] = [len(t) for t in texts]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    data = "".join(texts).encode("ascii")
    arr = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))
    label = pd.array(arr, dtype=dtype if dtype is not None else "str")
    priority = np.zeros(n)
    priority[hit] = top + 1 - rank[hit]
    return label, priority


def labelled_frame(gdf, label_top: int, dtype=None):
    """``gdf`` with its best ``label_top`` sites labelled (:data:`LABEL_COLUMNS`), as a new
    frame sharing ``gdf``'s columns (no copy of them, and ``gdf`` is left as it was)."""
    out = gdf.copy(deep=False)
    rank = gdf["rank"].to_numpy(dtype=float, na_value=np.nan)
    out["label"], out["label_priority"] = top_labels(rank, label_top, dtype)
    return out


def ranking_labels(label_top: int = LABEL_TOP) -> dict:
    """The label settings of a ranking layer: "#rank" in bold, crowded numbers moved out
    with a leader line rather than dropped; off when no site is labelled."""
    from hljgis.core.style import Labels

    return Labels(enabled=label_top > 0, field="label", priority_field="label_priority",
                  bold=True, size_pt=9.0, priority=8, callout=True).to_dict()


def ranking_layer(result, *, label_top: int = LABEL_TOP, ranked_only: bool = False,
                  fields: Sequence[str] | None = None, name: str | None = None,
                  title: Text | None = None, opacity: float | None = None):
    """The map layer of a ranking: graduated by score, the best ``label_top`` sites labelled.

    Parameters
    ----------
    result : RankingResult
        Left unchanged: the layer gets a new frame (sharing the result's columns).
    label_top : int
        Sites labelled "#rank"; 0 labels none (the label columns are there, empty).
    ranked_only : bool
        Keep the ranked sites only, best first (a printed page, a web page).
    fields : sequence of str, optional
        Keep these fields only (those the result has, in this order), e.g.
        :data:`MAP_FIELDS`; the label columns and the geometry always stay.
    name, title, opacity : optional
        The layer's name, title (English and Chinese) and opacity; by default those of
        :meth:`RankingResult.layer <hljgis.analysis.run.RankingResult.layer>`.

    Returns
    -------
    VectorLayer
        Style ``{"version": 1, "renderer": graduated score classes, "labels": ...}``.

    Examples
    --------
    >>> layer = ranking_layer(result, label_top=3)            # doctest: +SKIP
    >>> layer.style["labels"]["field"], "label" in result.gdf  # doctest: +SKIP
    ('label', False)
    """
    frame = result.ranked() if ranked_only else result.gdf
    if fields is not None:
        keep = [f for f in fields if f in frame.columns and f not in LABEL_COLUMNS]
        frame = frame[[*keep, frame.geometry.name]]
    layer = result.layer(name, gdf=labelled_frame(frame, label_top))
    if ranked_only or fields is not None:  # rows or columns cut: not the run's grid any more
        layer.geometry_source = None
        layer.column_recipes = {}
    if title is not None:
        layer.title, layer.title_zh = title.en, title.zh
    if opacity is not None:
        layer.opacity = opacity
    layer.style = {"version": 1, "renderer": ranking_renderer(),
                   "labels": ranking_labels(label_top)}
    return layer
