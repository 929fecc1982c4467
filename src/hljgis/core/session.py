"""A Qt-free session: the project being edited, its undo stack, and every user action.

The GUI calls these methods and nothing else changes the project, so every action can be
undone, tested without Qt, and scripted.

Events (``session.events``)
---------------------------
project_changed(project) : a new project was opened or created.
undo_changed() : the undo/redo availability or texts changed.
about_to_save() : a save is starting; an editor holding unsaved edits (the scenario
    builder's draft) stores them in the project now, so the file has them.
saved(path) : the project was written; an editor whose edits could not be stored marks the
    project unsaved again.
planning_year_changed(year) : the project's planning year changed (set, undone or redone);
    the subsidence layers' status and style classes already follow it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from psygnal import Signal, SignalGroup

from hljgis.core.layer import Layer, VectorLayer
from hljgis.core.project import Project


@dataclass
class Command:
    """One undoable change: ``do`` applies it, ``undo`` reverts it exactly."""

    text: str
    do: Callable[[], object]
    undo: Callable[[], object]


@dataclass
class UndoStack:
    """Commands done so far, and the ones undone that can be redone."""

    done: list[Command] = field(default_factory=list)
    undone: list[Command] = field(default_factory=list)
    limit: int = 200

    def push(self, command: Command) -> None:
        command.do()
        self.done.append(command)
        del self.done[: -self.limit]
        self.undone.clear()

    def undo(self) -> str | None:
        if not self.done:
            return None
        command = self.done.pop()
        command.undo()
        self.undone.append(command)
        return command.text

    def redo(self) -> str | None:
        if not self.undone:
            return None
        command = self.undone.pop()
        command.do()
        self.done.append(command)
        return command.text

    def clear(self) -> None:
        self.done.clear()
        self.undone.clear()

    @property
    def undo_text(self) -> str | None:
        return self.done[-1].text if self.done else None

    @property
    def redo_text(self) -> str | None:
        return self.undone[-1].text if self.undone else None


def raster_slot(project: Project) -> int:
    """Where a new raster layer goes: above the rasters already there, under every vector
    layer. Appended on top, an added GeoTIFF covered the whole map although the layer panel
    listed it in the base-map group at the bottom."""
    for i, layer in enumerate(project.layers):
        if layer.kind != "raster":
            return i
    return len(project.layers)


class SessionEvents(SignalGroup):
    project_changed = Signal(object)
    undo_changed = Signal()
    about_to_save = Signal()
    saved = Signal(object)
    planning_year_changed = Signal(int)


class Session:
    """The open project plus undoable actions on it."""

    def __init__(self, project: Project | None = None, *,
                 loader: Callable[[str | Path], Project] | None = None,
                 saver: Callable[[Project, str | Path], Path] | None = None) -> None:
        """``loader``/``saver`` read and write project files (``hljgis.io`` provides them;
        the core cannot import io, which sits above it)."""
        self.events = SessionEvents(self)
        self._loader = loader
        self._saver = saver
        self.project = project if project is not None else Project()  # an empty one is falsy
        self.undo_stack = UndoStack()

    # -- project lifecycle ---------------------------------------------------------------------
    def new_project(self) -> Project:
        return self.set_project(Project())

    def open_project(self, path: str | Path) -> Project:
        return self.set_project(self.load(path))

    def load(self, path: str | Path) -> Project:
        """Read a project without making it the session's (a GUI reads on a worker thread,
        then calls :meth:`set_project`)."""
        if self._loader is None:
            raise RuntimeError("this session was created without a project loader")
        return self._loader(path)

    def save_project(self, path: str | Path | None = None) -> Path:
        self.events.about_to_save.emit()
        written = self.write_project(path)
        self.events.saved.emit(written)
        return written

    def write_project(self, path: str | Path | None = None) -> Path:
        """Write the project file only, with no event: a GUI may run this on a worker thread
        and emit ``about_to_save`` and ``saved`` on its own thread (their handlers touch
        widgets)."""
        if self._saver is None:
            raise RuntimeError("this session was created without a project saver")
        target = path or self.project.path
        if target is None:
            raise ValueError("the project has no file yet: give a path (Save As)")
        return self._saver(self.project, target)

    def set_project(self, project: Project) -> Project:
        self.project = project
        self.undo_stack.clear()
        self.events.project_changed.emit(project)
        self.events.undo_changed.emit()
        return project

    # -- undoable layer actions ----------------------------------------------------------------
    def _vector_layer(self, name: str) -> VectorLayer:
        """The vector layer ``name``; a raster's features cannot be changed."""
        layer = self.project.layer(name)
        if not isinstance(layer, VectorLayer):
            raise TypeError(f"layer '{name}' is not a vector layer: its features cannot change")
        return layer

    def _push(self, text: str, do: Callable[[], object], undo: Callable[[], object]) -> None:
        self.undo_stack.push(Command(text, do, undo))
        self.events.undo_changed.emit()

    def undo(self) -> str | None:
        text = self.undo_stack.undo()
        self.events.undo_changed.emit()
        return text

    def redo(self) -> str | None:
        text = self.undo_stack.redo()
        self.events.undo_changed.emit()
        return text

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

    def record_property_change(self, name: str, prop: str, old, new) -> None:
        """Record a change a dialog has already applied, so it can be undone."""
        layer = self.project.layer(name)
        self._push(f"Change {prop} of {layer.title}", lambda: setattr(layer, prop, new),
                   lambda: setattr(layer, prop, old))

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
    def set_planning_year(self, year: int) -> None:
        """Make ``year`` the project's planning year (issue #13): every subsidence layer's
        ``status`` and style classes follow it. Undo restores the old year, statuses and
        styles exactly; both ways mark the project unsaved and redraw the map, legend and
        attribute table (each layer emits ``data`` and ``style``)."""
        from hljgis.core.subsidence import apply_planning_year, planning_year

        project = self.project
        year = int(year)
        meta = project.metadata
        had_year, old_year = "planning_year" in meta, meta.get("planning_year")
        if had_year and planning_year(project) == year:
            return
        layers = _subsidence_layers(project)
        before = [(layer, _status_copy(layer), copy.deepcopy(layer.style)) for layer in layers]

        def announce() -> None:
            for layer in layers:
                layer.events.data.emit()
            project.events.changed.emit("metadata:planning_year")
            self.events.planning_year_changed.emit(planning_year(project))

        def do() -> None:
            apply_planning_year(project, year)
            announce()

        def undo() -> None:
            if had_year:
                meta["planning_year"] = old_year
            else:
                meta.pop("planning_year", None)
            for layer, status, style in before:
                if status is None:
                    layer.gdf.drop(columns="status", inplace=True, errors="ignore")
                else:
                    layer.gdf["status"] = status
                layer.style = style
            announce()

        self._push(f"Set planning year {year}", do, undo)

    # -- scenarios -----------------------------------------------------------------------------
    def store_scenario(self, name: str, scenario: dict, text: str | None = None) -> None:
        """Store (or replace) the project's scenario ``name`` undoably; undo restores the
        previous one, or removes it if it is new. ``scenario`` is its plain dict."""
        project = self.project
        old = copy.deepcopy(project.scenarios.get(name))
        new = copy.deepcopy(scenario)
        if old == new:
            return

        def undo() -> None:
            if old is None:
                project.scenarios.pop(name, None)
                project.events.changed.emit(f"scenario:{name}")
            else:
                project.set_scenario(name, old)

        self._push(text or f"Save scenario {name}", lambda: project.set_scenario(name, new),
                   undo)

    def store_draft(self, draft, name: str | None = None) -> str:
        """Store a scenario draft in the project under ``name`` (its own name by default)
        and remember it as the scenario the ranking dock shows on opening.

        Raises
        ------
        ScenarioError
            If the draft is not a valid scenario yet (the message names the field); the
            project is left as it was.
        """
        name = name or draft.name
        data = draft.to_scenario().to_dict()
        data["name"] = name
        self.store_scenario(name, data)
        self.project.metadata["ranking_scenario"] = name
        draft.mark_stored()
        return name

    def remove_scenario(self, name: str) -> None:
        """Remove the project's scenario ``name`` undoably."""
        project = self.project
        old = copy.deepcopy(project.scenarios[name])

        def do() -> None:
            project.scenarios.pop(name, None)
            project.events.changed.emit(f"scenario:{name}")

        self._push(f"Remove scenario {name}", do, lambda: project.set_scenario(name, old))

    # -- print layouts -------------------------------------------------------------------------
    def store_layout(self, name: str, layout: dict) -> None:
        """Store (or replace) the project's print layout ``name`` undoably (a composer
        template); undo restores the previous one, or removes it if it is new."""
        project = self.project
        old = copy.deepcopy(project.layouts.get(name))
        new = copy.deepcopy(layout)
        if old == new:
            return

        def undo() -> None:
            if old is None:
                project.layouts.pop(name, None)
                project.events.changed.emit(f"layout:{name}")
            else:
                project.set_layout(name, old)

        self._push(f"Save layout {name}", lambda: project.set_layout(name, new), undo)

    def remove_layout(self, name: str) -> None:
        """Remove the project's print layout ``name`` undoably."""
        project = self.project
        old = copy.deepcopy(project.layouts[name])

        def do() -> None:
            project.layouts.pop(name, None)
            project.events.changed.emit(f"layout:{name}")

        self._push(f"Remove layout {name}", do, lambda: project.set_layout(name, old))

    def record_draft_edit(self, draft, text: str, before: dict, after: dict) -> None:
        """Record an edit a scenario draft has already applied (its ``edited`` event):
        undo and redo restore the draft's snapshots, and either marks the project unsaved,
        since a save stores the draft (see ``about_to_save``)."""
        project = self.project

        def put(state: dict) -> Callable[[], None]:
            def apply() -> None:
                draft.restore(state)
                project.events.changed.emit("scenario-draft")
            return apply

        first = [True]
        redo = put(after)

        def do() -> None:  # the edit is already applied the first time
            if first[0]:
                first[0] = False
                project.events.changed.emit("scenario-draft")
                return
            redo()

        self._push(text, do, put(before))

    def track_draft(self, draft) -> Callable[[], None]:
        """Record every edit of ``draft`` on the undo stack; returns the call that stops."""
        def on_edited(text: str, before: dict, after: dict) -> None:
            self.record_draft_edit(draft, text, before, after)

        draft.events.edited.connect(on_edited)
        return lambda: draft.events.edited.disconnect(on_edited)

    # == editing features (issue #17) =============================================================
    # Every edit is one undoable command that keeps only the rows it touched (see
    # hljgis.core.editing.rows), stamps source / as_of / edited_by on the features it writes,
    # and replaces the layer's frame, which marks the project unsaved and redraws every view.

    @property
    def editor(self) -> str:
        """Who the edits are recorded as (the login name unless set)."""
        if getattr(self, "_editor", None) is None:
            import getpass

            try:
                self._editor = getpass.getuser()
            except (KeyError, OSError):  # no login name in some containers
                self._editor = "unknown"
        return self._editor

    @editor.setter
    def editor(self, name: str) -> None:
        self._editor = name

    def new_layer(self, definition) -> Layer:
        """Add an empty editable layer defined by a
        :class:`~hljgis.core.editing.fields.LayerDefinition` (undoable)."""
        from datetime import date

        from hljgis.core.editing.fields import EDIT_SOURCE, empty_frame, fields_to_dicts
        from hljgis.core.editing.geometry import KINDS
        from hljgis.core.layer import VectorLayer

        if definition.geometry not in KINDS:
            raise ValueError(f"geometry must be one of {', '.join(KINDS)}")
        gdf = empty_frame(definition.fields, definition.geometry, definition.crs)
        layer = VectorLayer(
            gdf, self.project.unique_name(definition.name), title=definition.title,
            title_zh=definition.title_zh, theme="analysis",
            fields=fields_to_dicts(definition.fields),
            provenance={"source": EDIT_SOURCE, "as_of": date.today().isoformat(),
                        "edited_by": self.editor, "geometry": definition.geometry},
            style=_drawn_style(definition))
        self.add_layers([layer])
        return layer

    def add_feature(self, name: str, geometry, values: dict | None = None, *,
                    crs=None) -> int:
        """Add one feature (``geometry`` in ``crs``, the layer's CRS by default) after
        checking ``values`` against the layer's fields; returns its row position.

        Raises
        ------
        InputError
            A value that does not fit (all problems named) or a geometry of another kind.
        """
        layer = self._editable(name)
        geom = self._edit_geometry(layer, geometry, crs)
        record = self._checked_values(layer, values or {})
        rows = self._rows(layer, [record], [geom])
        self._edit_rows(name, f"Add feature to {layer.title}", append=rows)
        return len(layer.gdf) - 1

    def change_geometry(self, name: str, position: int, geometry, *, crs=None) -> None:
        """Replace one feature's geometry (vertex edits, move, hole) undoably."""
        layer = self._editable(name)
        geom = self._edit_geometry(layer, geometry, crs)
        record = self._record(layer, position)
        self._edit_rows(name, f"Edit geometry in {layer.title}", positions=[position],
                        rows=self._rows(layer, [record], [geom]))

    def change_attributes(self, name: str, position: int, values: dict) -> None:
        """Change some fields of one feature, checked against the layer's fields."""
        layer = self._editable(name)
        record = self._record(layer, position)
        merged = self._checked_values(layer, {**record, **values})
        self._edit_rows(name, f"Edit attributes in {layer.title}", positions=[position],
                        rows=self._rows(layer, [{**record, **merged}],
                                        [layer.gdf.geometry.iloc[position]]))

    def delete_features(self, name: str, positions) -> None:
        layer = self._editable(name)
        positions = sorted({int(p) for p in positions})
        if positions:
            self._edit_rows(name, f"Delete {len(positions)} feature(s) from {layer.title}",
                            drop=positions, stamp=False)

    def move_features(self, name: str, positions, dx: float, dy: float) -> None:
        """Shift features by (dx, dy) in the layer's CRS."""
        from hljgis.core.editing.geometry import move

        layer = self._editable(name)
        positions = sorted({int(p) for p in positions})
        geoms = [move(layer.gdf.geometry.iloc[p], dx, dy) for p in positions]
        records = [self._record(layer, p) for p in positions]
        self._edit_rows(name, f"Move feature(s) in {layer.title}", positions=positions,
                        rows=self._rows(layer, records, geoms))

    def split_feature(self, name: str, position: int, line, *, crs=None) -> list[int]:
        """Cut one feature with a drawn line; the largest piece keeps its row, the others
        become new features with the same attributes. Returns the pieces' positions."""
        from hljgis.core.editing.geometry import reproject, split

        layer = self._editable(name)
        cutter = self._line(line)
        if crs is not None:
            cutter = reproject(cutter, crs, layer.crs)
        pieces = split(layer.gdf.geometry.iloc[position], cutter)
        record = self._record(layer, position)
        n = len(layer.gdf)
        self._edit_rows(name, f"Split feature in {layer.title}", positions=[position],
                        rows=self._rows(layer, [record], pieces[:1]),
                        append=self._rows(layer, [record] * (len(pieces) - 1), pieces[1:]))
        return [position, *range(n, n + len(pieces) - 1)]

    def merge_features(self, name: str, positions) -> int:
        """Merge features into the first one (its attributes kept); returns its position
        after the others are removed."""
        from hljgis.core.editing.geometry import merge

        layer = self._editable(name)
        positions = sorted({int(p) for p in positions})
        merged = merge(layer.gdf.geometry.iloc[positions].to_numpy())
        first = positions[0]
        self._edit_rows(name, f"Merge {len(positions)} features in {layer.title}",
                        positions=[first],
                        rows=self._rows(layer, [self._record(layer, first)], [merged]),
                        drop=positions[1:])
        return first

    # -- editing helpers ---------------------------------------------------------------------------
    def _editable(self, name: str):
        from hljgis.core.layer import VectorLayer

        layer = self.project.layer(name)
        if not isinstance(layer, VectorLayer):
            from hljgis.core.errors import InputError

            raise InputError(f"layer '{layer.title}' is a raster; only vector layers are edited.",
                             "Pick a vector layer or make a new one.")
        return layer

    @staticmethod
    def _line(line):
        import numpy as np
        from shapely.geometry import LineString
        from shapely.geometry.base import BaseGeometry

        return line if isinstance(line, BaseGeometry) else LineString(np.asarray(line, float))

    @staticmethod
    def _edit_geometry(layer, geometry, crs):
        from hljgis.core.editing.geometry import family, reproject
        from hljgis.core.errors import InputError

        if crs is not None:
            geometry = reproject(geometry, crs, layer.crs)
        kind = layer.geometry_type
        if kind in ("none", "mixed"):
            kind = layer.provenance.get("geometry", family(geometry))
        if family(geometry) != kind:
            raise InputError(f"layer '{layer.title}' holds {kind.lower()}s, not "
                             f"{family(geometry).lower()}s.",
                             "Pick a layer of that kind, or make a new layer for it.")
        if not geometry.is_valid:
            import shapely

            raise InputError(f"the geometry is invalid ({shapely.is_valid_reason(geometry)}).",
                             "Redraw it so its outline does not cross itself.")
        return geometry

    @staticmethod
    def _record(layer, position: int) -> dict:
        row = layer.gdf.drop(columns=layer.gdf.geometry.name).iloc[int(position)]
        return {k: (None if _is_null(v) else v) for k, v in row.items()}

    @staticmethod
    def _checked_values(layer, values: dict) -> dict:
        from hljgis.core.editing.fields import check_values, fields_for
        from hljgis.core.errors import InputError

        specs = fields_for(layer)
        values = {**{f.name: f.default for f in specs if f.default is not None}, **values}
        coerced, problems = check_values(specs, values)
        if problems:
            raise InputError("the feature was not accepted: " + " ".join(problems.values()),
                             "Correct the values in the form.")
        extra = {k: v for k, v in values.items() if k not in coerced}
        return {**extra, **coerced}

    def _rows(self, layer, records: list[dict], geoms):
        from hljgis.core.editing.fields import PROVENANCE_EDIT_FIELDS
        from hljgis.core.editing.rows import add_columns, make_rows, stamp

        like = add_columns(layer.gdf.iloc[:0], [c for c in PROVENANCE_EDIT_FIELDS
                                                if c not in layer.gdf.columns])
        return make_rows(like, [stamp(r, self.editor) for r in records], geoms)

    def _edit_rows(self, name: str, text: str, *, positions=(), rows=None, append=None,
                   drop=(), stamp: bool = True) -> None:
        """One undoable change of a layer's rows: replace ``rows`` at ``positions``, append
        ``append``, then drop the rows at ``drop``; provenance columns added if missing."""
        from hljgis.core.editing import rows as R
        from hljgis.core.editing.fields import PROVENANCE_EDIT_FIELDS

        layer = self._vector_layer(name)
        added = [c for c in PROVENANCE_EDIT_FIELDS if stamp and c not in layer.gdf.columns]
        positions, drop = list(positions), list(drop)
        n_append = 0 if append is None else len(append)
        kept: dict = {}

        def do() -> None:
            gdf = R.add_columns(layer.gdf, added) if added else layer.gdf
            if positions:
                kept["old"] = gdf.iloc[positions].copy()
                gdf = R.set_rows(gdf, positions, rows)
            if n_append:
                gdf = R.append_rows(gdf, append)
            if drop:
                kept["dropped"] = gdf.iloc[drop].copy()
                gdf = R.drop_rows(gdf, drop)
            layer.set_data(gdf)

        def undo() -> None:
            gdf = layer.gdf
            if drop:
                gdf = R.insert_rows(gdf, drop, kept["dropped"])
            if n_append:
                gdf = gdf.iloc[: len(gdf) - n_append].reset_index(drop=True)
            if positions:
                gdf = R.set_rows(gdf, positions, kept["old"])
            if added:
                gdf = gdf.drop(columns=added)
            layer.set_data(gdf)

        self._push(text, do, undo)


def _subsidence_layers(project) -> list:
    """The vector layers the subsidence rule restyles."""
    from hljgis.core.subsidence import SCHEMA

    return [layer for layer in project.layers
            if layer.kind == "vector" and getattr(layer, "schema", None) == SCHEMA]


def _status_copy(layer):
    """A copy of a layer's ``status`` column (None when it has none), for an exact undo."""
    gdf = layer.gdf
    return gdf["status"].copy() if "status" in gdf.columns else None


def _drawn_style(definition) -> dict:
    """A new layer stands out in red over the base map, labelled by its name field."""
    from hljgis.core.style import make_symbol

    symbol = {"Polygon": make_symbol("fill", fill="#fb9a9999", stroke="#b2182b",
                                     stroke_width_mm=0.6),
              "LineString": make_symbol("line", stroke="#b2182b", stroke_width_mm=0.7),
              "Point": make_symbol("marker", fill="#e31a1c", size_mm=3.0)}[definition.geometry]
    style = {"version": 1, "renderer": {"kind": "single", "symbol": symbol}}
    names = [f.name for f in definition.fields]
    if "name" in names:  # Chinese first, as the bundled layers (an empty line is skipped)
        both = "name_zh" in names
        style["labels"] = {"enabled": True, "field": "name_zh" if both else "name",
                           "field2": "name" if both else None,
                           "size_pt": 9.0, "color": "#67001f", "halo_color": "#ffffff",
                           "halo_width_mm": 0.5, "priority": 8, "priority_field": None,
                           "bold": True, "max_scale": None, "callout": False}
    return style


def _is_null(value) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
