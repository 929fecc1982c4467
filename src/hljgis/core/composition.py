"""A print layout being composed: the planner's choices as plain data, with no Qt.

The layout composer dialog only binds widgets to a :class:`Composition`; what it holds is
the dict of layout keys that :mod:`hljgis.export.layout` reads (title, subtitle, language,
map review number, layers that print, legend order and exclusions, extent choice, scale,
inset, page), so the same choices can be scripted, tested and stored as a template in the
project.

The extent is a *choice*, not only a box: ``{"kind": "city", "key": "jixi"}`` keeps following
the city's bookmark, ``{"kind": "sites", "key": "rank_sme"}`` the ranking's candidate sites
as they are when the page is drawn. :func:`resolve_extent` turns a choice into a box.

Events (``composition.events``)
-------------------------------
changed(key) : a layout key changed ("title", "layers", "legend", "extent_choice", ...).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import shapely
from psygnal import Signal, SignalGroup

from hljgis.core.crs import transform_bounds
from hljgis.core.errors import InputError

#: Kinds of extent a layout can follow.
EXTENT_KINDS = ("template", "view", "city", "district", "sites", "custom")
#: Four coal cities, bookmark keys in map order (north to south is not needed: by name).
CITY_KEYS = ("hegang", "jixi", "qitaihe", "shuangyashan")
#: Padding around a city, district or set of sites (share of the side), as atlas pages use.
PAD = 0.04
#: Smallest side of a sites extent in metres: a handful of cells still shows its town.
MIN_SITES_SIDE_M = 20_000.0


class CompositionEvents(SignalGroup):
    changed = Signal(str)


class Composition:
    """Layout keys as edited in the composer.

    Parameters
    ----------
    values : dict
        Layout keys to start from (a template's or a stored layout's, fully resolved).
    base : str
        The template or stored layout the composition started from.
    """

    def __init__(self, values: dict | None = None, base: str = "") -> None:
        self.events = CompositionEvents(self)
        self.base = base
        self.values: dict = copy.deepcopy(values or {})
        self.values.setdefault("legend", {})

    def get(self, key: str, default=None):
        return self.values.get(key, default)

    def set(self, key: str, value) -> None:
        """Set one layout key; emits ``changed(key)`` when the value differs."""
        if self.values.get(key) == value:
            return
        self.values[key] = copy.deepcopy(value)
        self.events.changed.emit(key)

    def set_legend(self, order: list[str], excluded: list[str]) -> None:
        """Legend items top first (``order``) and the ones left out of the legend."""
        legend = dict(self.values.get("legend") or {})
        new = dict(legend, order=list(order), exclude=list(excluded), layers=None)
        if new != legend:
            self.values["legend"] = new
            self.events.changed.emit("legend")

    def set_extent(self, kind: str, key: str = "", bbox=None) -> None:
        """Follow an extent: ``template`` (the layout's own), ``view`` or ``custom`` (a box
        ``bbox`` in the project CRS), ``city`` or ``district`` (``key``: bookmark or district
        code), ``sites`` (``key``: the ranking layer)."""
        if kind not in EXTENT_KINDS:
            raise InputError(f"extent kind must be one of {', '.join(EXTENT_KINDS)}, "
                             f"not {kind!r}.")
        choice: dict[str, Any] | None = (None if kind == "template"
                                         else {"kind": kind, "key": key})
        if kind in ("view", "custom"):
            if bbox is None or len(bbox) != 4:
                raise InputError(f"a {kind} extent needs a box [minx, miny, maxx, maxy].")
            if choice is not None:
                choice["bbox"] = [float(v) for v in bbox]
        self.set("extent_choice", choice)

    def to_layout_dict(self) -> dict:
        """The layout keys (a deep copy), ready for ``Layout(...)`` or the project."""
        return copy.deepcopy(self.values)


# ------------------------------------------------------------------------ extent choices


def city_choices(project) -> list[tuple[str, str, str]]:
    """(key, English, Chinese) of the four cities that the project has bookmarks for."""
    out = []
    for key in CITY_KEYS:
        mark = project.bookmarks.get(key)
        if mark:
            out.append((key, mark.get("title", key.title()), mark.get("title_zh", "")))
    return out


def district_choices(project) -> list[tuple[str, str, str, str]]:
    """(code, English, Chinese, city) of the districts and counties layer, by city."""
    if "districts" not in project:
        return []
    gdf = project.layer("districts").gdf
    if "code" not in gdf.columns:
        return []
    rows = []
    for _, rec in gdf.drop(columns="geometry").iterrows():
        rows.append((str(rec["code"]), str(rec.get("name", rec["code"])),
                     str(rec.get("name_zh", "") or ""), str(rec.get("city", "") or "")))
    return sorted(rows, key=lambda r: (r[3], r[0]))


def sites_choices(project) -> list[tuple[str, str, str]]:
    """(layer name, English title, Chinese title) of result layers (rankings) with sites."""
    return [(layer.name, layer.display_title("en"), layer.title_zh or "")
            for layer in project.layers
            if layer.kind == "vector" and layer.theme == "analysis" and len(layer.gdf)]


def _padded(bounds, pad: float = PAD) -> tuple:
    x0, y0, x1, y1 = (float(v) for v in bounds)
    px, py = (x1 - x0) * pad, (y1 - y0) * pad
    return (x0 - px, y0 - py, x1 + px, y1 + py)


def resolve_extent(project, choice: dict | None) -> tuple | None:
    """The box (project CRS) of an extent choice; None for ``None`` (the layout's own).

    Raises
    ------
    InputError
        If the city, district or ranking layer named is not in the project.
    """
    if not choice:
        return None
    kind, key = choice.get("kind"), str(choice.get("key") or "")
    if kind in ("view", "custom"):
        bbox = choice.get("bbox")
        if not bbox or len(bbox) != 4:
            raise InputError(f"the {kind} extent has no box.")
        return tuple(float(v) for v in bbox)
    if kind == "city":
        mark = project.bookmarks.get(key.lower())
        if mark is None:
            raise InputError(f"no city '{key}' among the project's bookmarks.",
                             f"Bookmarks: {', '.join(sorted(project.bookmarks)) or 'none'}.")
        return _padded(transform_bounds(mark["bounds"], mark.get("crs"), project.crs))
    if kind == "district":
        if "districts" not in project:
            raise InputError("the project has no districts layer.")
        layer = project.layer("districts")
        rows = layer.gdf[layer.gdf["code"].astype(str) == key]
        if not len(rows):
            raise InputError(f"no district with code '{key}' in the districts layer.")
        return _padded(transform_bounds(rows.total_bounds, layer.crs, project.crs))
    if kind == "sites":
        if key not in project:
            raise InputError(f"no ranking layer '{key}' in the project.",
                             "Run the ranking again or pick another extent.")
        return sites_bounds(project, project.layer(key))
    raise InputError(f"unknown extent kind {kind!r}.")


def sites_bounds(project, layer) -> tuple:
    """A ranking's sites, padded, at least :data:`MIN_SITES_SIDE_M` a side (project CRS)."""
    gdf = layer.gdf
    geoms = gdf.geometry.values
    ok = ~shapely.is_missing(geoms)
    if not ok.any():
        raise InputError(f"the ranking layer '{layer.name}' has no sites.")
    b = shapely.bounds(geoms[ok])
    box = (np.nanmin(b[:, 0]), np.nanmin(b[:, 1]), np.nanmax(b[:, 2]), np.nanmax(b[:, 3]))
    metric = project.metric_crs()
    x0, y0, x1, y1 = transform_bounds(box, layer.crs, metric)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w = max((x1 - x0) * (1 + 2 * PAD), MIN_SITES_SIDE_M) / 2
    half_h = max((y1 - y0) * (1 + 2 * PAD), MIN_SITES_SIDE_M) / 2
    return tuple(transform_bounds((cx - half_w, cy - half_h, cx + half_w, cy + half_h),
                                  metric, project.crs))


def choice_city(project, choice: dict | None) -> str | None:
    """The city an extent choice lies in (highlighted in the locator inset), if any."""
    if not choice:
        return None
    if choice.get("kind") == "city":
        return str(choice.get("key") or "") or None
    if choice.get("kind") == "district" and "districts" in project:
        gdf = project.layer("districts").gdf
        rows = gdf[gdf["code"].astype(str) == str(choice.get("key"))]
        if len(rows) and "city" in rows.columns:
            return str(rows["city"].iloc[0]).lower() or None
    return None
