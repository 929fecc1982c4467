"""The project: ordered layers, display CRS, metadata, bookmarks, scenarios and layouts.

A model with psygnal events; views subscribe, the project never calls them.

Events (``project.events``)
---------------------------
layer_added(index, layer), layer_removed(index, layer), layers_reordered(),
changed(what) : anything else (metadata, crs, bookmarks, scenarios, layouts, tables) changed.
Layer events are forwarded as ``changed("layer:<name>:<event>")`` so one subscription sees all.
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from psygnal import Signal, SignalGroup
from pyproj import CRS

from hljgis.core.crs import CGCS2000, metric_crs_for, parse_crs, transform_bounds
from hljgis.core.layer import Layer


class ProjectEvents(SignalGroup):
    layer_added = Signal(int, object)
    layer_removed = Signal(int, object)
    layers_reordered = Signal()
    changed = Signal(str)


class Project:
    """Ordered layers (index 0 is drawn first, the last on top) plus project settings.

    Parameters
    ----------
    title, title_zh : str
        Project title in English and Chinese.
    crs : CRS-like
        The display CRS of the map; analysis uses :meth:`metric_crs`.
    """

    def __init__(self, title: str = "Untitled", title_zh: str = "", crs: object = CGCS2000):
        self.events = ProjectEvents(self)
        self._layers: list[Layer] = []
        self._forwarders: dict[int, Callable[..., None]] = {}
        self._crs = parse_crs(crs)
        self.metadata: dict[str, Any] = {"title": title, "title_zh": title_zh}
        #: Named views: name -> {"title", "title_zh", "bounds": [..], "crs": "EPSG:4490"}.
        self.bookmarks: dict[str, dict] = {}
        #: Named ranking scenarios, plain data (see hljgis.analysis).
        self.scenarios: dict[str, dict] = {}
        #: Named print layouts, plain data (see hljgis.export).
        self.layouts: dict[str, dict] = {}
        #: Non-spatial tables saved with the project (e.g. city statistics), name -> DataFrame.
        self.tables: dict[str, pd.DataFrame] = {}
        #: Path the project was last opened from or saved to.
        self.path: str | None = None
        self.dirty = False
        self.events.changed.connect(self._mark_dirty)
        self.events.layer_added.connect(self._mark_dirty)
        self.events.layer_removed.connect(self._mark_dirty)
        self.events.layers_reordered.connect(self._mark_dirty)

    def _mark_dirty(self, *args) -> None:
        self.dirty = True

    # -- layers --------------------------------------------------------------------------------
    @property
    def layers(self) -> tuple[Layer, ...]:
        """Layers in draw order (first drawn first, last on top). Read-only view."""
        return tuple(self._layers)

    def __len__(self) -> int:
        return len(self._layers)

    def __iter__(self):
        return iter(self._layers)

    def __contains__(self, name: str) -> bool:
        return any(layer.name == name for layer in self._layers)

    def layer(self, name: str) -> Layer:
        """The layer called ``name``; KeyError names the layers there are."""
        for layer in self._layers:
            if layer.name == name:
                return layer
        raise KeyError(f"no layer {name!r} in the project; layers: {', '.join(self.layer_names())}")

    def layer_names(self) -> list[str]:
        return [layer.name for layer in self._layers]

    def unique_name(self, name: str) -> str:
        """``name`` or ``name_2``, ``name_3``, ... whichever is not taken yet."""
        taken = set(self.layer_names())
        if name not in taken:
            return name
        i = 2
        while f"{name}_{i}" in taken:
            i += 1
        return f"{name}_{i}"

    def add_layer(self, layer: Layer, index: int | None = None) -> Layer:
        """Insert a layer (on top by default), renaming it if the name is taken."""
        if layer.name in self:
            layer.name = self.unique_name(layer.name)
        index = len(self._layers) if index is None else max(0, min(index, len(self._layers)))
        self._layers.insert(index, layer)
        forward = self._forwarder(layer)
        self._forwarders[id(layer)] = forward
        layer.events.connect(forward)
        self.events.layer_added.emit(index, layer)
        return layer

    def remove_layer(self, name: str) -> Layer:
        layer = self.layer(name)
        index = self._layers.index(layer)
        del self._layers[index]
        layer.events.disconnect(self._forwarders.pop(id(layer)))
        self.events.layer_removed.emit(index, layer)
        return layer

    def move_layer(self, name: str, index: int) -> None:
        """Move a layer to a new position in the draw order."""
        layer = self.layer(name)
        self._layers.remove(layer)
        self._layers.insert(max(0, min(index, len(self._layers))), layer)
        self.events.layers_reordered.emit()

    def _forwarder(self, layer: Layer):
        # Weak references: the layer's events hold this function, so strong ones made a
        # cycle (layer -> forward -> project -> layer) that only the garbage collector
        # frees; a closed project's 100k parcels then stayed until the next full
        # collection, and a script's exit paid for one over every object (~0.05 s).
        project_ref, layer_ref = weakref.ref(self), weakref.ref(layer)

        def forward(info) -> None:
            project, lyr = project_ref(), layer_ref()
            if project is not None and lyr is not None:
                project.events.changed.emit(f"layer:{lyr.name}:{info.signal.name}")

        return forward

    # -- CRS and extent ------------------------------------------------------------------------
    @property
    def crs(self) -> CRS:
        return self._crs

    @crs.setter
    def crs(self, value) -> None:
        self._crs = parse_crs(value)
        self.events.changed.emit("crs")

    def full_extent(self, crs: object | None = None) -> tuple[float, float, float, float] | None:
        """Union of all layers' bounds in ``crs`` (the project CRS by default); None if empty."""
        target = parse_crs(crs) if crs is not None else self._crs
        boxes = []
        for layer in self._layers:
            if layer.crs is None:
                continue
            if np.all(np.isfinite(layer.bounds)):
                boxes.append(transform_bounds(layer.bounds, layer.crs, target))
        if not boxes:
            return None
        arr = np.asarray(boxes, dtype=float)
        return (arr[:, 0].min(), arr[:, 1].min(), arr[:, 2].max(), arr[:, 3].max())

    def study_area(self) -> tuple[float, float, float, float] | None:
        """Bounds (CGCS2000 lon/lat) of the area the project is about: the home bookmark
        ("region" unless ``metadata["home_bookmark"]`` names another), else all layers.
        Context layers such as the whole province or Russia do not widen it."""
        mark = self.bookmarks.get(self.metadata.get("home_bookmark", "region"))
        if mark and mark.get("bounds"):
            return transform_bounds(mark["bounds"], mark.get("crs", CGCS2000), CGCS2000)
        return self.full_extent(CGCS2000)

    def metric_crs(self) -> CRS:
        """The projected metric CRS in which this project's distances and areas are computed."""
        extent = self.study_area()
        if extent is None:
            # The study area itself: the four cities span about 129.5-134.5E, 44.5-48.5N.
            extent = (129.5, 44.5, 134.5, 48.5)
        return metric_crs_for(extent, CGCS2000)

    # -- plain-data settings -------------------------------------------------------------------
    def set_metadata(self, **values) -> None:
        self.metadata.update(values)
        self.events.changed.emit("metadata")

    def set_scenario(self, name: str, scenario: dict) -> None:
        self.scenarios[name] = copy.deepcopy(scenario)
        self.events.changed.emit(f"scenario:{name}")

    def set_layout(self, name: str, layout: dict) -> None:
        self.layouts[name] = copy.deepcopy(layout)
        self.events.changed.emit(f"layout:{name}")

    def set_bookmark(self, name: str, bookmark: dict) -> None:
        self.bookmarks[name] = copy.deepcopy(bookmark)
        self.events.changed.emit(f"bookmark:{name}")

    def set_table(self, name: str, table: pd.DataFrame) -> None:
        self.tables[name] = table.copy()
        self.events.changed.emit(f"table:{name}")

    @property
    def illustrative_layers(self) -> list[Layer]:
        """Visible layers holding any illustrative feature (exports must say so)."""
        return [layer for layer in self._layers if layer.visible and layer.is_illustrative]

    def __repr__(self) -> str:
        return f"<Project {self.metadata.get('title')!r} with {len(self)} layers>"
