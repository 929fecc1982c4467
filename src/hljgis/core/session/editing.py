"""Feature editing commands (issue #17): add, reshape, move, split, merge and delete
features of a vector layer, each one undoable step."""

from __future__ import annotations

from hljgis.core.layer import Layer
from hljgis.core.session.layers import LayerCommands


class EditCommands(LayerCommands):
    """Edit the features of vector layers (a new layer is added as a layer command)."""

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
