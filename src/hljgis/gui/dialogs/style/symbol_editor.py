"""A symbol's settings as form rows: colours, stroke width and dash, marker and size, hatch."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QWidget

from hljgis.core.style.draft import primary_key
from hljgis.core.style.symbols import DASHES, HATCHES, MARKERS, make_symbol
from hljgis.gui.dialogs.style.widgets import ColorButton, blocked, label_text


class SymbolEditor(QWidget):
    """Shows one symbol and reports each setting the user changes; it changes no dict itself
    (the dialog hands each edit to the style draft and shows the draft's symbol back).

    Only the rows that matter for the symbol's type are shown. In ``template`` mode (the shared
    symbol of a categorized or graduated renderer) the class colour row is hidden, because
    each class has its own colour.

    Signals
    -------
    edited(str, object)
        The symbol key the user changed and its new value.
    """

    edited = Signal(str, object)

    def __init__(self, template: bool = False, parent=None) -> None:
        super().__init__(parent)
        self._symbol: dict = make_symbol("fill")
        self._template = template
        self.fill = ColorButton(allow_none=True)
        self.stroke = ColorButton(allow_none=True)
        self.width = QDoubleSpinBox()
        self.width.setRange(0.0, 20.0)
        self.width.setDecimals(2)
        self.width.setSingleStep(0.05)
        self.width.setSuffix(" mm")
        self.dash = QComboBox()
        self.marker = QComboBox()
        self.size = QDoubleSpinBox()
        self.size.setRange(0.2, 50.0)
        self.size.setDecimals(1)
        self.size.setSingleStep(0.2)
        self.size.setSuffix(" mm")
        self.hatch = QComboBox()
        self.hatch_color = ColorButton(allow_none=True)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self._labels = {key: QLabel() for key in (
            "marker", "size_mm", "fill", "stroke", "stroke_width_mm", "dash", "hatch",
            "hatch_color")}
        for key, widget in (("marker", self.marker), ("size_mm", self.size), ("fill", self.fill),
                            ("stroke", self.stroke), ("stroke_width_mm", self.width),
                            ("dash", self.dash), ("hatch", self.hatch),
                            ("hatch_color", self.hatch_color)):
            self.form.addRow(self._labels[key], widget)
        self._widgets = {"marker": self.marker, "size_mm": self.size, "fill": self.fill,
                         "stroke": self.stroke, "stroke_width_mm": self.width,
                         "dash": self.dash, "hatch": self.hatch,
                         "hatch_color": self.hatch_color}

        self.fill.color_changed.connect(self._on_fill_changed)
        self.stroke.color_changed.connect(self._on_stroke_changed)
        self.hatch_color.color_changed.connect(self._on_hatch_color_changed)
        self.width.valueChanged.connect(self._on_width_changed)
        self.size.valueChanged.connect(self._on_size_changed)
        self.dash.currentIndexChanged.connect(self._on_dash_changed)
        self.marker.currentIndexChanged.connect(self._on_marker_changed)
        self.hatch.currentIndexChanged.connect(self._on_hatch_changed)
        self._retranslate()

    @property
    def symbol(self) -> dict:
        return self._symbol

    def set_symbol(self, symbol: dict) -> None:
        """Show ``symbol`` (a copy is kept; no signal is emitted)."""
        self._symbol = dict(symbol)
        self._load()

    def _load(self) -> None:
        s = self._symbol
        kind = s.get("type", "fill")
        with blocked(*self._widgets.values()):
            self.fill.set_color(s.get("fill"))
            self.stroke.set_color(s.get("stroke"))
            self.hatch_color.set_color(s.get("hatch_color"))
            self.width.setValue(float(s.get("stroke_width_mm", 0.26)))
            self.size.setValue(float(s.get("size_mm", 2.0)))
            dash = s.get("dash", "solid")
            custom = self.dash.findData("custom")
            if isinstance(dash, list):
                if custom < 0:
                    self.dash.addItem(self.tr("Custom"), "custom")
                self.dash.setCurrentIndex(self.dash.findData("custom"))
            else:
                if custom >= 0:
                    self.dash.removeItem(custom)
                self.dash.setCurrentIndex(max(0, self.dash.findData(dash)))
            self.marker.setCurrentIndex(max(0, self.marker.findData(s.get("marker", "circle"))))
            self.hatch.setCurrentIndex(max(0, self.hatch.findData(s.get("hatch"))))
        visible = {
            "fill": ("fill", "stroke", "stroke_width_mm", "dash", "hatch", "hatch_color"),
            "line": ("stroke", "stroke_width_mm", "dash"),
            "marker": ("marker", "size_mm", "fill", "stroke", "stroke_width_mm"),
        }.get(kind, ())
        for key in self._widgets:
            show = key in visible and not (self._template and key == primary_key(s))
            if key == "hatch_color":
                show = show and s.get("hatch") is not None
            self.form.setRowVisible(self._widgets[key], show)

    def _set(self, key: str, value) -> None:
        self.edited.emit(key, value)

    def _on_fill_changed(self, color) -> None:
        self._set("fill", color)

    def _on_stroke_changed(self, color) -> None:
        self._set("stroke", color)

    def _on_hatch_color_changed(self, color) -> None:
        self._set("hatch_color", color)

    def _on_width_changed(self, value: float) -> None:
        self._set("stroke_width_mm", round(float(value), 2))

    def _on_size_changed(self, value: float) -> None:
        self._set("size_mm", round(float(value), 1))

    def _on_dash_changed(self, _i: int) -> None:
        data = self.dash.currentData()
        if data != "custom":
            self._set("dash", data)

    def _on_marker_changed(self, _i: int) -> None:
        self._set("marker", self.marker.currentData())

    def _on_hatch_changed(self, _i: int) -> None:
        self._set("hatch", self.hatch.currentData())

    def _retranslate(self) -> None:
        names = {"marker": self.tr("Marker"), "size_mm": self.tr("Size"),
                 "fill": self.tr("Fill colour"), "stroke": self.tr("Outline colour"),
                 "stroke_width_mm": self.tr("Outline width"), "dash": self.tr("Line style"),
                 "hatch": self.tr("Hatching"), "hatch_color": self.tr("Hatch colour")}
        if self._symbol.get("type") == "line":
            names["stroke"] = self.tr("Line colour")
            names["stroke_width_mm"] = self.tr("Line width")
        for key, label in self._labels.items():
            label.setText(label_text(names[key]))
        dash_names = {"solid": self.tr("Solid"), "dash": self.tr("Dashed"),
                      "dot": self.tr("Dotted"), "dashdot": self.tr("Dash-dot")}
        marker_names = {"circle": self.tr("Circle"), "square": self.tr("Square"),
                        "triangle": self.tr("Triangle"), "diamond": self.tr("Diamond"),
                        "star": self.tr("Star"), "cross": self.tr("Cross")}
        hatch_names = {None: self.tr("None"), "bdiag": self.tr("Diagonal /"),
                       "fdiag": self.tr("Diagonal \\"), "cross": self.tr("Grid"),
                       "diagcross": self.tr("Diagonal grid"),
                       "horizontal": self.tr("Horizontal"), "vertical": self.tr("Vertical")}
        with blocked(self.dash, self.marker, self.hatch):
            for combo, keys, names_ in ((self.dash, DASHES, dash_names),
                                        (self.marker, MARKERS, marker_names),
                                        (self.hatch, (None, *HATCHES), hatch_names)):
                current = combo.currentData()
                combo.clear()
                for k in keys:
                    combo.addItem(names_[k], k)
                combo.setCurrentIndex(max(0, combo.findData(current)))
        self._load()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)


__all__ = ["SymbolEditor"]
