"""Undoable layer commands: add, replace a ranking's result, remove, reorder, and change a
layer's visibility, title, style with its opacity, or data."""

from __future__ import annotations

import copy
from collections.abc import Callable

from hljgis.core.layer import Layer
from hljgis.core.project import Project
from hljgis.core.session.base import SessionBase


def raster_slot(project: Project) -> int:
    """Where a new raster layer goes: above the rasters already there, under every vector
    layer. Appended on top, an added GeoTIFF covered the whole map although the layer panel
    listed it in the base-map group at the bottom."""
    for i, layer in enumerate(project.layers):
        if layer.kind != "raster":
            return i
    return len(project.layers)


class LayerCommands(SessionBase):
    """Add, remove, reorder and change layers, each as one undoable step."""

    def add_layers(self, layers: list[Layer]) -> None:
        project = self.project

        def do() -> None:
            for layer in layers:
                project.add_layer(layer, raster_slot(project) if layer.kind == "raster"
                                  else None)

        def undo() -> None:
            for layer in reversed(layers):
                project.remove_layer(layer.name)

        names = ", ".join(layer.title for layer in layers)
        self._push(f"Add {names}", do, undo)

    def put_result_layer(self, layer: Layer) -> Layer | None:
        """Add a ranking's layer, or put it in place of the layer of the same name that an
        earlier run of the same scenario made (same name and ``provenance["source"]``), at
        its position: re-running a scenario replaces its result instead of piling up
        ``_2``, ``_3`` copies. One undoable step; returns the layer replaced, if any."""
        project = self.project
        old = next((lyr for lyr in project.layers if lyr.name == layer.name), None)
        if old is None or old.provenance.get("source") != layer.provenance.get("source"):
            self.add_layers([layer])
            return None
        index = project.layers.index(old)

        def swap(out: Layer, into: Layer) -> Callable[[], None]:
            def apply() -> None:
                project.remove_layer(out.name)
                project.add_layer(into, index)
            return apply

        self._push(f"Replace {old.title}", swap(old, layer), swap(layer, old))
        return old

    def remove_layer(self, name: str) -> None:
        project = self.project
        layer = project.layer(name)
        index = project.layers.index(layer)
        self._push(f"Remove {layer.title}", lambda: project.remove_layer(name),
                   lambda: project.add_layer(layer, index))

    def move_layer(self, name: str, index: int) -> None:
        project = self.project
        old = project.layer_names().index(name)
        if old == index:
            return
        self._push("Reorder layers", lambda: project.move_layer(name, index),
                   lambda: project.move_layer(name, old))

    def set_layer_style(self, name: str, style: dict, opacity: float | None = None) -> None:
        """Give a layer a new style (and opacity) as one undoable step; undo restores both.

        A style dialog's Apply lands here, so Undo takes back exactly what one Apply did.
        """
        layer = self.project.layer(name)
        old_style, old_opacity = copy.deepcopy(layer.style), float(layer.opacity)
        new_style = copy.deepcopy(style)
        new_opacity = old_opacity if opacity is None else float(opacity)
        if new_style == old_style and new_opacity == old_opacity:
            return

        def do() -> None:
            layer.opacity = new_opacity
            layer.style = new_style

        def undo() -> None:
            layer.opacity = old_opacity
            layer.style = old_style

        self._push(f"Change style of {layer.title}", do, undo)

    def set_layer_property(self, name: str, prop: str, value) -> None:
        """Change ``visible``, ``opacity``, ``title``, ``style`` or ``provenance`` undoably."""
        if prop not in ("visible", "opacity", "title", "title_zh", "style", "provenance", "theme"):
            raise ValueError(f"{prop!r} is not a layer property the session changes")
        layer = self.project.layer(name)
        old = getattr(layer, prop)
        if old == value:
            return
        self._push(f"Change {prop} of {layer.title}", lambda: setattr(layer, prop, value),
                   lambda: setattr(layer, prop, old))

    def replace_layer_data(self, name: str, gdf, provenance: dict | None = None) -> None:
        """Swap a vector layer's features (and its provenance) in one undoable step, e.g.
        the bureau's survey in place of an illustrative stand-in."""
        layer = self._vector_layer(name)
        old_gdf, old_prov = layer.gdf, dict(layer.provenance)
        new_prov = dict(provenance) if provenance is not None else old_prov

        def do() -> None:
            layer.set_data(gdf)
            layer.provenance = new_prov

        def undo() -> None:
            layer.set_data(old_gdf)
            layer.provenance = old_prov

        self._push(f"Replace data of {layer.title}", do, undo)
