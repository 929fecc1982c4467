"""A vector style being edited: the typed :class:`Style` plus the layer opacity, Qt-free.

The style dialog binds its widgets and item models to a :class:`StyleDraft`; every edit is a
method here (tested without Qt), and :meth:`StyleDraft.to_dict` with :attr:`opacity` is what
one Apply hands to ``Session.set_layer_style``. The draft remembers the renderer of each kind
the user visited, so switching single -> graduated -> single gives the first one back.

Events: ``changed(part)`` after each edit, ``part`` one of ``"renderer"`` (kind, field or the
whole class list replaced), ``"classes"`` (colours, labels or rows of the classes),
``"symbol"`` (the single or shared symbol), ``"labels"`` and ``"opacity"``.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
from psygnal import Signal, SignalGroup

from hljgis.core.style.classify import categorized_renderer, graduated_renderer
from hljgis.core.style.defaults import default_style
from hljgis.core.style.model import METHODS, Labels, Renderer, Style
from hljgis.core.style.ramps import ramp_colors
from hljgis.core.style.symbols import make_symbol, normalize_symbol, symbol_type_for

#: Most categories a renderer gets automatically; rarer values fall into "Other".
MAX_CATEGORIES = 60
#: Fields a categorized renderer tries first, in this order.
CATEGORY_FIELDS = ("status", "type", "category", "class", "mode", "role")
OTHER_COLOR = "#bdbdbd"
LABEL_KEYS = tuple(Labels().to_dict())


def primary_key(symbol: dict) -> str:
    """The key that carries a class's colour: stroke for lines, fill otherwise."""
    return "stroke" if symbol.get("type") == "line" else "fill"


class StyleDraftEvents(SignalGroup):
    changed = Signal(str)


class StyleDraft:
    """Edit a vector layer's style and opacity without touching the layer.

    Parameters
    ----------
    layer : VectorLayer
        Its ``style`` (or its default style when empty), ``opacity`` and table (for
        classifying and counting) are read; the layer itself is never changed.
    """

    def __init__(self, layer) -> None:
        self.layer = layer
        stored = copy.deepcopy(layer.style) if layer.style else default_style(layer)
        renderer = stored.get("renderer") or {}
        classes = renderer.get("categories") or renderer.get("classes")
        if renderer.get("kind") in ("categorized", "graduated") and not renderer.get("symbol"):
            renderer["symbol"] = (copy.deepcopy(classes[0]["symbol"]) if classes
                                  else make_symbol(self.symbol_type))
        self.style = Style.from_dict(stored)
        self.opacity = float(layer.opacity)
        self._renderers: dict[str, Renderer] = {self.style.renderer.kind: self.style.renderer}
        gdf = layer.gdf
        geom = gdf.geometry.name
        self.fields = [str(c) for c in gdf.columns if c != geom]
        self.numeric_fields = [c for c in self.fields
                               if pd.api.types.is_numeric_dtype(gdf[c])
                               and not pd.api.types.is_bool_dtype(gdf[c])]
        self.events = StyleDraftEvents()

    # -- reading -----------------------------------------------------------------------------
    @property
    def renderer(self) -> Renderer:
        return self.style.renderer

    @property
    def labels(self) -> Labels:
        return self.style.labels

    @property
    def symbol_type(self) -> str:
        return symbol_type_for(getattr(self.layer, "geometry_type", None))

    def to_dict(self) -> dict:
        """The edited style in the project's dict form (a fresh copy)."""
        return self.style.to_dict()

    def category_counts(self) -> dict[str, int]:
        """Features per category value (as text; multi-valued fields count their first value)."""
        r = self.renderer
        gdf = self.layer.gdf
        if r.field not in gdf.columns:
            return {}
        col = gdf[r.field]
        if r.multi:
            col = col.astype("string").str.split(";").str[0].str.strip()
        return {str(k): int(v) for k, v in col.astype(str).value_counts().items()}

    def class_counts(self) -> list[int]:
        """Features in each graduated class (``lower < v <= upper``, first class closed)."""
        r = self.renderer
        gdf = self.layer.gdf
        if not r.classes or r.field not in gdf.columns:
            return [0] * len(r.classes)
        vals = pd.to_numeric(gdf[r.field], errors="coerce").to_numpy(dtype=float)
        uppers = np.array([c.upper for c in r.classes], dtype=float)
        idx = np.searchsorted(uppers, vals, side="left")
        ok = np.isfinite(vals) & (vals >= r.classes[0].lower) & (idx < len(uppers))
        return np.bincount(idx[ok], minlength=len(r.classes)).astype(int).tolist()

    def missing_count(self) -> int:
        """Features whose graduated field holds no number."""
        field = self.renderer.field
        if field not in self.layer.gdf.columns:
            return 0
        return int(pd.to_numeric(self.layer.gdf[field], errors="coerce").isna().sum())

    def default_category_field(self) -> str | None:
        """A field worth categorizing: a known code field, else a text field with a few values."""
        gdf = self.layer.gdf
        for name in CATEGORY_FIELDS:
            if name in gdf.columns:
                return name
        texts = [c for c in self.fields if c not in self.numeric_fields]
        best = [c for c in texts if 1 < gdf[c].nunique() <= MAX_CATEGORIES]
        choices = best or texts or self.fields
        return choices[0] if choices else None

    # -- the renderer ------------------------------------------------------------------------
    def set_kind(self, kind: str, *, ramp: str | None = None) -> None:
        """Switch to a ``single``, ``categorized`` or ``graduated`` renderer; a kind visited
        before comes back as it was left, a new one starts from the current symbol."""
        if kind not in ("single", "categorized", "graduated"):
            raise ValueError(f"renderer kind must be single, categorized or graduated, "
                             f"not {kind!r}")
        if kind == self.renderer.kind:
            return
        if kind not in self._renderers:
            self._renderers[kind] = self._new_renderer(kind, ramp)
        self.style.renderer = self._renderers[kind]
        self.events.changed.emit("renderer")

    def _new_renderer(self, kind: str, ramp: str | None) -> Renderer:
        template = copy.deepcopy(self.renderer.symbol)
        if kind == "single":
            return Renderer(kind="single", symbol=template)
        if kind == "categorized":
            return self._categorized(self.default_category_field(), ramp or "Set2", template,
                                     other=True)
        field = self.numeric_fields[0] if self.numeric_fields else None
        if field is None:
            return Renderer(kind="graduated", symbol=template, ramp=ramp or "YlOrRd")
        return Renderer.from_dict(graduated_renderer(self.layer.gdf[field], field, "quantiles",
                                                     5, ramp or "YlOrRd", symbol=template))

    def _categorized(self, field: str | None, ramp: str, template: dict,
                     other: bool) -> Renderer:
        """Categories from the field's most frequent values (at most :data:`MAX_CATEGORIES`)."""
        if field is None:
            return Renderer(kind="categorized", symbol=template)
        counts = self.layer.gdf[field].dropna().value_counts()
        values = list(counts.index[:MAX_CATEGORIES])
        return Renderer.from_dict(categorized_renderer(values, field, ramp=ramp,
                                                       symbol=template, other=other))

    def categorize(self, field: str | None, ramp: str = "Set2") -> None:
        """One category per value of ``field``; an "Other" class stays if there was one."""
        r = self._categorized(field, ramp, copy.deepcopy(self.renderer.symbol),
                              other=self.renderer.other is not None)
        self._replace(r)

    def graduate(self, field: str, method: str = "quantiles", k: int = 5,
                 ramp: str | None = None) -> None:
        """Classes of ``field`` by ``method`` (``manual`` reclassifies by quantiles)."""
        if field not in self.layer.gdf.columns:
            raise ValueError(f"the layer has no field {field!r}")
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, not {method!r}")
        method = "quantiles" if method == "manual" else method
        r = Renderer.from_dict(graduated_renderer(
            self.layer.gdf[field], field, method, int(k), ramp or self.renderer.ramp,
            symbol=copy.deepcopy(self.renderer.symbol)))
        self._replace(r)

    def _replace(self, renderer: Renderer) -> None:
        self.style.renderer = self._renderers[renderer.kind] = renderer
        self.events.changed.emit("renderer")

    def set_ramp(self, ramp: str) -> None:
        """Recolour the classes (or categories) along ``ramp``, keeping everything else."""
        r = self.renderer
        rows = self._rows()
        for row, color in zip(rows, ramp_colors(ramp, len(rows)), strict=True):
            row.symbol[primary_key(row.symbol)] = color
        if r.kind == "graduated":
            r.ramp = ramp
        self.events.changed.emit("classes")

    def _rows(self) -> list[Any]:
        r = self.renderer
        return list(r.categories if r.kind == "categorized" else r.classes)

    def delete_categories(self, rows) -> None:
        """Remove categories by row (values then fall into "Other", or are not drawn)."""
        cats = self.renderer.categories
        gone = {int(i) for i in rows if 0 <= int(i) < len(cats)}
        if gone:
            cats[:] = [c for i, c in enumerate(cats) if i not in gone]
            self.events.changed.emit("classes")

    def set_class_color(self, row: int, color: str | None) -> None:
        """The colour of one category or class (its fill; its stroke for lines)."""
        symbol = self._rows()[row].symbol
        trial = {**symbol, primary_key(symbol): color}
        normalize_symbol(trial)
        symbol[primary_key(symbol)] = color
        self.events.changed.emit("classes")

    def set_class_label(self, row: int, text: str, *, zh: bool = False) -> None:
        """The legend text of one category or class (English, or Chinese with ``zh``)."""
        item = self._rows()[row]
        setattr(item, "label_zh" if zh else "label", str(text))
        self.events.changed.emit("classes")

    def set_other(self, enabled: bool, color: str | None = None) -> None:
        """Draw values no category lists with an "Other" class (in ``color``), or not at all."""
        r = self.renderer
        if enabled:
            sym = copy.deepcopy(r.symbol)
            sym[primary_key(sym)] = color or OTHER_COLOR
            r.other = {"label": "Other", "label_zh": "其他", "symbol": normalize_symbol(sym)}
        else:
            r.other = None
        self.events.changed.emit("classes")

    def set_other_color(self, color: str | None) -> None:
        other = self.renderer.other
        if other is not None:
            other["symbol"][primary_key(other["symbol"])] = color
            self.events.changed.emit("classes")

    def set_symbol_value(self, key: str, value) -> None:
        """Change one symbol setting: of the single symbol, or of the symbol every class shares
        (then copied to each class, whose own colour stays). Choosing a hatch gives it the
        outline colour when it has none. Invalid values raise ValueError, changing nothing."""
        r = self.renderer
        trial = copy.deepcopy(r.symbol)
        trial[key] = value
        if key == "hatch" and value is not None and not trial.get("hatch_color"):
            trial["hatch_color"] = trial.get("stroke") or "#000000"
        trial = normalize_symbol(trial)
        keys = [key, "hatch_color"] if key == "hatch" else [key]
        r.symbol.update({k: trial.get(k) for k in keys})
        if r.kind != "single":
            targets = [row.symbol for row in self._rows()]
            if r.other:
                targets.append(r.other["symbol"])
            for sym in targets:
                for k in keys:
                    if k != primary_key(sym):
                        sym[k] = copy.deepcopy(r.symbol.get(k))
        self.events.changed.emit("symbol")

    # -- labels and opacity ------------------------------------------------------------------
    def set_label(self, key: str, value) -> None:
        """Change one label setting (see :class:`Labels`)."""
        if key not in LABEL_KEYS:
            raise KeyError(f"{key!r} is not a label setting")
        lab = self.labels
        if key == "enabled" and value and not lab.field and self.fields:
            lab.field = next((f for f in ("name_zh", "name", "title") if f in self.fields),
                             self.fields[0])
        setattr(lab, key, value)
        self.events.changed.emit("labels")

    def set_opacity(self, value: float) -> None:
        value = float(value)
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"opacity must be between 0 and 1, not {value}")
        if value != self.opacity:
            self.opacity = value
            self.events.changed.emit("opacity")


__all__ = ["MAX_CATEGORIES", "StyleDraft", "StyleDraftEvents", "primary_key"]
