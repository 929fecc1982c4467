"""Layer style dialog: single symbol, categorized or graduated renderer, symbol settings and
labels, editing the plain style dict of :mod:`hljgis.core.style`.

The dialog edits a deep copy of ``layer.style``. Every control writes only the key it owns and
only when the user changes it (signals are blocked while the dialog fills its controls), so
opening the dialog and pressing OK gives back an equal dict. Apply/OK assign ``layer.style``;
the layer emits its ``style`` event and the canvas redraws.
"""

from __future__ import annotations

import copy
from contextlib import contextmanager

import numpy as np
import pandas as pd
from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QLinearGradient, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSlider,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hljgis.core.style import (
    DASHES,
    HATCHES,
    MARKERS,
    QUALITATIVE_RAMPS,
    RAMPS,
    categorized_renderer,
    default_style,
    graduated_renderer,
    hex_to_rgba,
    legend_entries,
    make_symbol,
    ramp_colors,
    rgba_to_hex,
    symbol_type_for,
)
from hljgis.render.legend import paint_symbol

#: Most categories a renderer gets automatically; rarer values fall into "Other".
MAX_CATEGORIES = 60

GRADUATED_RAMPS = tuple(n for n in RAMPS if n not in QUALITATIVE_RAMPS and n != "terrain")
CATEGORY_RAMPS = (*QUALITATIVE_RAMPS, "Spectral", "RdYlGn")


@contextmanager
def _blocked(*widgets):
    """Block the widgets' signals while the dialog writes values into them."""
    states = [w.blockSignals(True) for w in widgets]
    try:
        yield
    finally:
        for w, s in zip(widgets, states, strict=True):
            w.blockSignals(s)


def primary_key(symbol: dict) -> str:
    """The key that carries a class's colour: stroke for lines, fill otherwise."""
    return "stroke" if symbol.get("type") == "line" else "fill"


def qcolor(value: str | None) -> QColor:
    if not value:
        return QColor(0, 0, 0, 0)
    return QColor(*hex_to_rgba(value))


def color_hex(color: QColor) -> str:
    return rgba_to_hex(color.red(), color.green(), color.blue(), color.alpha())


def symbol_pixmap(symbol: dict, size: QSize = QSize(28, 18), dpi: float = 96.0) -> QPixmap:  # noqa: B008
    """A legend swatch of ``symbol`` (the renderer's own legend painter)."""
    pm = QPixmap(size)
    pm.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pm)
    try:
        paint_symbol(painter, QRectF(1, 1, size.width() - 2, size.height() - 2), symbol, dpi)
    finally:
        painter.end()
    return pm


def ramp_icon(name: str, size: QSize = QSize(96, 14)) -> QIcon:  # noqa: B008
    """A colour ramp as a gradient (sequential) or as blocks (qualitative)."""
    pm = QPixmap(size)
    pm.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pm)
    w, h = size.width(), size.height()
    if name in QUALITATIVE_RAMPS:
        colors = RAMPS[name]
        step = w / len(colors)
        for i, c in enumerate(colors):
            painter.fillRect(QRectF(i * step, 0, step + 0.5, h), qcolor(c))
    else:
        grad = QLinearGradient(0, 0, w, 0)
        stops = RAMPS[name]
        for i, c in enumerate(stops):
            grad.setColorAt(i / (len(stops) - 1), qcolor(c))
        painter.fillRect(0, 0, w, h, grad)
    painter.setPen(QColor("#808080"))
    painter.drawRect(0, 0, w - 1, h - 1)
    painter.end()
    return QIcon(pm)


class ColorButton(QToolButton):
    """A colour swatch; click to choose a colour (with alpha), arrow menu for "no colour".

    Signals
    -------
    color_changed(object)
        ``"#rrggbb[aa]"`` or ``None`` when the user picks "no colour".
    """

    color_changed = Signal(object)

    def __init__(self, allow_none: bool = False, parent=None) -> None:
        super().__init__(parent)
        self._color: str | None = "#000000"
        self._allow_none = allow_none
        self.setIconSize(QSize(44, 16))
        self.setMinimumWidth(64)
        if allow_none:
            menu = QMenu(self)
            self._none_action = menu.addAction("")
            self._none_action.triggered.connect(self._on_none_chosen)
            self.setMenu(menu)
            self.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.clicked.connect(self._on_clicked)
        self._retranslate()

    def color(self) -> str | None:
        return self._color

    def set_color(self, color: str | None) -> None:
        """Show ``color`` without emitting (for filling the dialog)."""
        self._color = color
        self._paint()

    def choose(self, color: str | None) -> None:
        """Set ``color`` as if the user picked it (emits :attr:`color_changed`)."""
        self.set_color(color)
        self.color_changed.emit(color)

    def _on_clicked(self) -> None:
        initial = qcolor(self._color) if self._color else QColor("#808080")
        picked = QColorDialog.getColor(initial, self, self.tr("Choose colour"),
                                       QColorDialog.ColorDialogOption.ShowAlphaChannel)
        if picked.isValid():
            self.choose(color_hex(picked))

    def _on_none_chosen(self) -> None:
        self.choose(None)

    def _paint(self) -> None:
        size = self.iconSize()
        pm = QPixmap(size)
        pm.fill(Qt.GlobalColor.white)
        painter = QPainter(pm)
        w, h = size.width(), size.height()
        if self._color is None:
            painter.setPen(QColor("#c00000"))
            painter.drawLine(0, h - 1, w - 1, 0)
        else:
            cell = 4  # checkerboard shows transparency
            for y in range(0, h, cell):
                for x in range(0, w, cell):
                    if (x // cell + y // cell) % 2:
                        painter.fillRect(x, y, cell, cell, QColor("#d0d0d0"))
            painter.fillRect(0, 0, w, h, qcolor(self._color))
        painter.setPen(QColor("#707070"))
        painter.drawRect(0, 0, w - 1, h - 1)
        painter.end()
        self.setIcon(QIcon(pm))
        self.setToolTip(self._color or self.tr("No colour"))

    def _retranslate(self) -> None:
        if self._allow_none:
            self._none_action.setText(self.tr("No colour"))
        self._paint()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)


class SymbolEditor(QWidget):
    """Edits one symbol dict in place: colours, stroke width and dash, marker and size, hatch.

    Only the rows that matter for the symbol's type are shown. In ``template`` mode (the shared
    symbol of a categorized or graduated renderer) the class colour row is hidden, because
    each class has its own colour.

    Signals
    -------
    changed(str)
        The key the user changed.
    """

    changed = Signal(str)

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
        """Edit ``symbol`` (the dict itself, not a copy)."""
        self._symbol = symbol
        self._load()

    def _load(self) -> None:
        s = self._symbol
        kind = s.get("type", "fill")
        with _blocked(*self._widgets.values()):
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
        self._symbol[key] = value
        self.changed.emit(key)

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
        hatch = self.hatch.currentData()
        self._symbol["hatch"] = hatch
        if hatch is not None and not self._symbol.get("hatch_color"):
            self._symbol["hatch_color"] = self._symbol.get("stroke") or "#000000"
            self.hatch_color.set_color(self._symbol["hatch_color"])
        self.form.setRowVisible(self.hatch_color, hatch is not None)
        self.changed.emit("hatch")

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
        with _blocked(self.dash, self.marker, self.hatch):
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


def label_text(text: str) -> str:
    return text if text.endswith((":", "：")) else text + ":"


class StyleDialog(QDialog):
    """Edit a vector layer's style: renderer, symbols, labels, layer opacity.

    Parameters
    ----------
    layer : VectorLayer
        Its ``style`` (or its default style when empty) is edited; Apply/OK assign the result
        to ``layer.style`` (and ``layer.opacity`` when the slider moved), Cancel changes
        nothing.
    lang : str
        "zh" shows the Chinese legend labels in the preview.

    Signals
    -------
    applied(object)
        The style dict just assigned to the layer (after Apply or OK).
    """

    applied = Signal(object)

    KINDS = ("single", "categorized", "graduated")

    def __init__(self, layer, parent=None, lang: str = "en") -> None:
        super().__init__(parent)
        self.layer = layer
        self.lang = lang
        original = copy.deepcopy(layer.style) if layer.style else default_style(layer)
        self._original = original
        self._work = copy.deepcopy(original)
        self._work.setdefault("labels", {})
        kind = self._work.get("renderer", {}).get("kind", "single")
        self._renderers: dict[str, dict] = {kind: self._work.setdefault(
            "renderer", {"kind": "single", "symbol": make_symbol(self._symbol_type())})}
        self._opacity = float(layer.opacity)
        gdf = layer.gdf
        geom = gdf.geometry.name
        self._fields = [c for c in gdf.columns if c != geom]
        self._numeric = [c for c in self._fields if pd.api.types.is_numeric_dtype(gdf[c])
                         and not pd.api.types.is_bool_dtype(gdf[c])]

        self.setMinimumSize(720, 560)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_symbology(), "")
        self.tabs.addTab(self._build_labels(), "")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

        self.buttons.accepted.connect(self._on_ok_clicked)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.single_editor.changed.connect(self._on_symbol_changed)
        self.cat_field.currentIndexChanged.connect(self._on_cat_field_changed)
        self.cat_ramp.currentIndexChanged.connect(self._on_cat_ramp_changed)
        self.cat_classify.clicked.connect(self._on_cat_classify_clicked)
        self.cat_delete.clicked.connect(self._on_cat_delete_clicked)
        self.cat_table.cellDoubleClicked.connect(self._on_cat_cell_double_clicked)
        self.cat_table.itemChanged.connect(self._on_cat_item_changed)
        self.cat_other.toggled.connect(self._on_cat_other_changed)
        self.cat_other_color.color_changed.connect(self._on_cat_other_color_changed)
        self.cat_template.changed.connect(self._on_template_changed)
        self.grad_field.currentIndexChanged.connect(self._on_grad_params_changed)
        self.grad_method.currentIndexChanged.connect(self._on_grad_params_changed)
        self.grad_k.valueChanged.connect(self._on_grad_params_changed)
        self.grad_ramp.currentIndexChanged.connect(self._on_grad_ramp_changed)
        self.grad_classify.clicked.connect(self._on_grad_classify_clicked)
        self.grad_table.cellDoubleClicked.connect(self._on_grad_cell_double_clicked)
        self.grad_table.itemChanged.connect(self._on_grad_item_changed)
        self.grad_template.changed.connect(self._on_template_changed)
        self.opacity.valueChanged.connect(self._on_opacity_changed)
        self.labels_box.toggled.connect(self._on_labels_enabled_changed)
        self.label_field.currentIndexChanged.connect(self._on_label_field_changed)
        self.label_field2.currentIndexChanged.connect(self._on_label_field2_changed)
        self.label_size.valueChanged.connect(self._on_label_size_changed)
        self.label_color.color_changed.connect(self._on_label_color_changed)
        self.label_bold.toggled.connect(self._on_label_bold_changed)
        self.callout.toggled.connect(self._on_callout_changed)
        self.halo.toggled.connect(self._on_halo_changed)
        self.halo_color.color_changed.connect(self._on_halo_color_changed)
        self.halo_width.valueChanged.connect(self._on_halo_width_changed)
        self.priority.valueChanged.connect(self._on_priority_changed)
        self.priority_field.currentIndexChanged.connect(self._on_priority_field_changed)

        self._retranslate()
        self._load()

    # -- building ----------------------------------------------------------------------------
    def _symbol_type(self) -> str:
        return symbol_type_for(getattr(self.layer, "geometry_type", None))

    def _build_symbology(self) -> QWidget:
        page = QWidget()
        self.kind = QComboBox()
        self.kind_label = QLabel()
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.preview.setMinimumWidth(190)
        self.preview.setStyleSheet("background: #ffffff; border: 1px solid #c8c8c8;")
        self.preview_label = QLabel()
        self.preview_label.setStyleSheet("color: #555555;")

        self.stack = QStackedWidget()
        # single
        single = QWidget()
        self.single_editor = SymbolEditor()
        sl = QVBoxLayout(single)
        sl.addWidget(self.single_editor)
        sl.addStretch(1)
        self.stack.addWidget(single)
        # categorized
        cat = QWidget()
        self.cat_field = QComboBox()
        self.cat_field.addItems(self._fields)
        self.cat_ramp = QComboBox()
        self.cat_ramp.setIconSize(QSize(96, 14))
        for name in CATEGORY_RAMPS:
            self.cat_ramp.addItem(ramp_icon(name), name, name)
        self.cat_classify = QPushButton()
        self.cat_delete = QPushButton()
        self.cat_table = QTableWidget(0, 5)
        self._setup_table(self.cat_table)
        self.cat_other = QCheckBox()
        self.cat_other_color = ColorButton()
        self.cat_note = QLabel()
        self.cat_note.setWordWrap(True)
        self.cat_note.setStyleSheet("color: #8a5a00;")
        self.cat_template = SymbolEditor(template=True)
        self.cat_template_box = QGroupBox()
        QVBoxLayout(self.cat_template_box).addWidget(self.cat_template)
        self.cat_field_label, self.cat_ramp_label = QLabel(), QLabel()
        top = QFormLayout()
        top.addRow(self.cat_field_label, self.cat_field)
        top.addRow(self.cat_ramp_label, self.cat_ramp)
        row = QHBoxLayout()
        row.addWidget(self.cat_classify)
        row.addWidget(self.cat_delete)
        row.addStretch(1)
        row.addWidget(self.cat_other)
        row.addWidget(self.cat_other_color)
        cl = QVBoxLayout(cat)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addLayout(top)
        cl.addLayout(row)
        cl.addWidget(self.cat_note)
        cl.addWidget(self.cat_table, 1)
        cl.addWidget(self.cat_template_box)
        self.stack.addWidget(cat)
        # graduated
        grad = QWidget()
        self.grad_field = QComboBox()
        self.grad_field.addItems(self._numeric)
        self.grad_method = QComboBox()
        self.grad_k = QSpinBox()
        self.grad_k.setRange(2, 12)
        self.grad_ramp = QComboBox()
        self.grad_ramp.setIconSize(QSize(96, 14))
        for name in GRADUATED_RAMPS:
            self.grad_ramp.addItem(ramp_icon(name), name, name)
        self.grad_classify = QPushButton()
        self.grad_table = QTableWidget(0, 5)
        self._setup_table(self.grad_table)
        self.grad_note = QLabel()
        self.grad_note.setWordWrap(True)
        self.grad_note.setStyleSheet("color: #8a5a00;")
        self.grad_template = SymbolEditor(template=True)
        self.grad_template_box = QGroupBox()
        QVBoxLayout(self.grad_template_box).addWidget(self.grad_template)
        self.grad_field_label, self.grad_method_label = QLabel(), QLabel()
        self.grad_k_label, self.grad_ramp_label = QLabel(), QLabel()
        gtop = QFormLayout()
        gtop.addRow(self.grad_field_label, self.grad_field)
        gtop.addRow(self.grad_method_label, self.grad_method)
        krow = QHBoxLayout()
        krow.addWidget(self.grad_k)
        krow.addStretch(1)
        krow.addWidget(self.grad_classify)
        gtop.addRow(self.grad_k_label, krow)
        gtop.addRow(self.grad_ramp_label, self.grad_ramp)
        gl = QVBoxLayout(grad)
        gl.setContentsMargins(0, 0, 0, 0)
        gl.addLayout(gtop)
        gl.addWidget(self.grad_note)
        gl.addWidget(self.grad_table, 1)
        gl.addWidget(self.grad_template_box)
        self.stack.addWidget(grad)

        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity_value = QLabel()
        self.opacity_value.setMinimumWidth(40)
        self.opacity_label = QLabel()

        head = QHBoxLayout()
        head.addWidget(self.kind_label)
        head.addWidget(self.kind, 1)
        left = QVBoxLayout()
        left.addLayout(head)
        left.addWidget(self.stack, 1)
        orow = QHBoxLayout()
        orow.addWidget(self.opacity_label)
        orow.addWidget(self.opacity, 1)
        orow.addWidget(self.opacity_value)
        left.addLayout(orow)
        right = QVBoxLayout()
        right.addWidget(self.preview_label)
        right.addWidget(self.preview, 1)
        outer = QHBoxLayout(page)
        outer.addLayout(left, 3)
        outer.addLayout(right, 1)
        return page

    @staticmethod
    def _setup_table(table: QTableWidget) -> None:
        table.verticalHeader().hide()
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setIconSize(QSize(28, 16))
        table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                              | QAbstractItemView.EditTrigger.EditKeyPressed)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        table.verticalHeader().setDefaultSectionSize(22)

    def _build_labels(self) -> QWidget:
        page = QWidget()
        self.labels_box = QGroupBox()
        self.labels_box.setCheckable(True)
        self.label_field = QComboBox()
        self.label_field2 = QComboBox()
        self.label_size = QDoubleSpinBox()
        self.label_size.setRange(4.0, 72.0)
        self.label_size.setDecimals(1)
        self.label_size.setSingleStep(0.5)
        self.label_size.setSuffix(" pt")
        self.label_color = ColorButton()
        self.label_bold = QCheckBox()
        self.callout = QCheckBox()
        self.halo = QCheckBox()
        self.halo_color = ColorButton()
        self.halo_width = QDoubleSpinBox()
        self.halo_width.setRange(0.0, 5.0)
        self.halo_width.setDecimals(2)
        self.halo_width.setSingleStep(0.1)
        self.halo_width.setSuffix(" mm")
        self.priority = QSpinBox()
        self.priority.setRange(0, 10)
        self.priority_field = QComboBox()
        self.label_rows = {k: QLabel() for k in (
            "field", "field2", "size", "color", "bold", "halo", "halo_width", "priority",
            "priority_field", "callout")}
        halo_row = QHBoxLayout()
        halo_row.addWidget(self.halo)
        halo_row.addWidget(self.halo_color)
        halo_row.addStretch(1)
        form = QFormLayout(self.labels_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(self.label_rows["field"], self.label_field)
        form.addRow(self.label_rows["field2"], self.label_field2)
        form.addRow(self.label_rows["size"], self.label_size)
        form.addRow(self.label_rows["color"], self.label_color)
        form.addRow(self.label_rows["bold"], self.label_bold)
        form.addRow(self.label_rows["halo"], halo_row)
        form.addRow(self.label_rows["halo_width"], self.halo_width)
        form.addRow(self.label_rows["priority"], self.priority)
        form.addRow(self.label_rows["priority_field"], self.priority_field)
        form.addRow(self.label_rows["callout"], self.callout)
        self.labels_hint = QLabel()
        self.labels_hint.setWordWrap(True)
        self.labels_hint.setStyleSheet("color: #555555;")
        layout = QVBoxLayout(page)
        layout.addWidget(self.labels_box)
        layout.addWidget(self.labels_hint)
        layout.addStretch(1)
        return page

    # -- filling the controls ----------------------------------------------------------------
    def _all_controls(self) -> list[QWidget]:
        return [self.kind, self.cat_field, self.cat_ramp, self.cat_table, self.cat_other,
                self.cat_other_color, self.grad_field, self.grad_method, self.grad_k,
                self.grad_ramp, self.grad_table, self.opacity, self.labels_box,
                self.label_field, self.label_field2, self.label_size, self.label_color,
                self.label_bold, self.halo, self.halo_color, self.halo_width, self.priority,
                self.priority_field, self.callout]

    def _load(self) -> None:
        """Show the working style in every control (no control writes back meanwhile)."""
        with _blocked(*self._all_controls()):
            r = self._work["renderer"]
            kind = r.get("kind", "single")
            self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
            self.opacity.setValue(round(self._opacity * 100))
            self.opacity_value.setText(f"{round(self._opacity * 100)} %")
            self._load_renderer()
            self._load_labels()
        self._update_preview()

    def _load_renderer(self) -> None:
        r = self._work["renderer"]
        kind = r.get("kind", "single")
        self.stack.setCurrentIndex(self.KINDS.index(kind) if kind in self.KINDS else 0)
        if kind == "single":
            self.single_editor.set_symbol(r.setdefault("symbol", make_symbol(self._symbol_type())))
        elif kind == "categorized":
            with _blocked(self.cat_field, self.cat_ramp, self.cat_other, self.cat_other_color):
                self._select_text(self.cat_field, r.get("field"))
                self.cat_other.setChecked(r.get("other") is not None)
                other = r.get("other") or {}
                self.cat_other_color.set_color(
                    other.get("symbol", {}).get(primary_key(other.get("symbol", {})),
                                                "#bdbdbd"))
                self.cat_other_color.setEnabled(r.get("other") is not None)
            self.cat_template.set_symbol(self._template_of(r))
            self._fill_cat_table()
        elif kind == "graduated":
            with _blocked(self.grad_field, self.grad_method, self.grad_k, self.grad_ramp):
                self._select_text(self.grad_field, r.get("field"))
                self._fill_methods(r.get("method", "quantiles"))
                self.grad_k.setValue(int(r.get("k", len(r.get("classes", [])) or 5)))
                ramp = r.get("ramp", "YlOrRd")
                if self.grad_ramp.findData(ramp) < 0:
                    self.grad_ramp.addItem(ramp_icon(ramp) if ramp in RAMPS else QIcon(),
                                           ramp, ramp)
                self.grad_ramp.setCurrentIndex(self.grad_ramp.findData(ramp))
            self.grad_template.set_symbol(self._template_of(r))
            self._fill_grad_table()

    def _template_of(self, r: dict) -> dict:
        if "symbol" not in r:
            classes = r.get("categories") or r.get("classes") or []
            r["symbol"] = (copy.deepcopy(classes[0]["symbol"]) if classes
                           else make_symbol(self._symbol_type()))
        return r["symbol"]

    @staticmethod
    def _select_text(combo: QComboBox, text) -> None:
        if text is None:
            return
        i = combo.findText(str(text))
        if i < 0:
            combo.addItem(str(text))
            i = combo.count() - 1
        combo.setCurrentIndex(i)

    def _fill_methods(self, current: str) -> None:
        names = {"quantiles": self.tr("Quantiles (equal count)"),
                 "natural_breaks": self.tr("Natural breaks (Jenks)"),
                 "equal_interval": self.tr("Equal interval"),
                 "manual": self.tr("Manual")}
        keys = ["quantiles", "natural_breaks", "equal_interval"]
        if current == "manual":
            keys.append("manual")
        with _blocked(self.grad_method):
            self.grad_method.clear()
            for k in keys:
                self.grad_method.addItem(names[k], k)
            self.grad_method.setCurrentIndex(max(0, self.grad_method.findData(current)))

    def _category_counts(self, r: dict) -> dict[str, int]:
        field = r.get("field")
        if field not in self.layer.gdf.columns:
            return {}
        col = self.layer.gdf[field]
        if r.get("multi"):
            col = col.astype("string").str.split(";").str[0].str.strip()
        return {str(k): int(v) for k, v in col.astype(str).value_counts().items()}

    def _fill_cat_table(self) -> None:
        r = self._work["renderer"]
        counts = self._category_counts(r)
        cats = r.get("categories", [])
        with _blocked(self.cat_table):
            self.cat_table.setRowCount(len(cats))
            for i, c in enumerate(cats):
                self._set_row(self.cat_table, i, c["symbol"], [
                    (format_cat(c.get("value")), False),
                    (f"{counts.get(str(c.get('value')), 0):,}", False),
                    (c.get("label", ""), True), (c.get("label_zh", ""), True)], right=(2,))
        listed = sum(counts.get(str(c.get("value")), 0) for c in cats)
        rest = sum(counts.values()) - listed
        self.cat_note.setText(self.tr("{n} features have other values").format(n=f"{rest:,}")
                              if rest > 0 else "")
        self.cat_note.setVisible(rest > 0)

    def _set_row(self, table: QTableWidget, row: int, symbol: dict, cells,
                 right: tuple[int, ...] = ()) -> None:
        sym_item = QTableWidgetItem(QIcon(symbol_pixmap(symbol)), "")
        sym_item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        sym_item.setToolTip(self.tr("Double-click to change the colour"))
        table.setItem(row, 0, sym_item)
        for col, (text, editable) in enumerate(cells, start=1):
            item = QTableWidgetItem(text)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if editable:
                flags |= Qt.ItemFlag.ItemIsEditable
            else:
                item.setForeground(QColor("#333333"))
            item.setFlags(flags)
            if col in right:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, col, item)

    def class_counts(self) -> list[int]:
        """Features in each graduated class (``lower < v <= upper``, first class closed)."""
        r = self._work["renderer"]
        classes = r.get("classes", [])
        field = r.get("field")
        if not classes or field not in self.layer.gdf.columns:
            return [0] * len(classes)
        vals = pd.to_numeric(self.layer.gdf[field], errors="coerce").to_numpy(dtype=float)
        uppers = np.array([c["upper"] for c in classes], dtype=float)
        idx = np.searchsorted(uppers, vals, side="left")
        ok = np.isfinite(vals) & (vals >= classes[0]["lower"]) & (idx < len(uppers))
        return np.bincount(idx[ok], minlength=len(classes)).astype(int).tolist()

    def _fill_grad_table(self) -> None:
        r = self._work["renderer"]
        counts = self.class_counts()
        classes = r.get("classes", [])
        with _blocked(self.grad_table):
            self.grad_table.setRowCount(len(classes))
            for i, c in enumerate(classes):
                self._set_row(self.grad_table, i, c["symbol"], [
                    (format_break(c["lower"]), False), (format_break(c["upper"]), False),
                    (f"{counts[i]:,}", False),
                    (c.get("label_zh") if self.lang == "zh" and c.get("label_zh")
                     else c.get("label", ""), True)], right=(1, 2, 3))
        field = r.get("field")
        missing = 0
        if field in self.layer.gdf.columns:
            missing = int(pd.to_numeric(self.layer.gdf[field], errors="coerce").isna().sum())
        outside = len(self.layer.gdf) - missing - sum(counts)
        notes = []
        if missing:
            notes.append(self.tr("{n} features have no value and are not drawn")
                         .format(n=f"{missing:,}"))
        if outside > 0:
            notes.append(self.tr("{n} features fall outside every class")
                         .format(n=f"{outside:,}"))
        if not self._numeric:
            notes.append(self.tr("This layer has no numeric field to classify."))
        self.grad_note.setText("; ".join(notes))
        self.grad_note.setVisible(bool(notes))

    def _load_labels(self) -> None:
        lab = self._work["labels"]
        none = self.tr("(none)")
        for combo, fields, value in (
                (self.label_field, self._fields, lab.get("field")),
                (self.label_field2, self._fields, lab.get("field2")),
                (self.priority_field, self._numeric, lab.get("priority_field"))):
            combo.clear()
            combo.addItem(none, None)
            for f in fields:
                combo.addItem(f, f)
            if value is not None and combo.findData(value) < 0:
                combo.addItem(str(value), value)
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.labels_box.setChecked(bool(lab.get("enabled", False)))
        self.label_size.setValue(float(lab.get("size_pt", 9.0)))
        self.label_color.set_color(lab.get("color", "#222222"))
        self.label_bold.setChecked(bool(lab.get("bold", False)))
        self.callout.setChecked(bool(lab.get("callout", False)))
        halo = lab.get("halo_color", "#ffffff")
        self.halo.setChecked(halo is not None)
        self.halo_color.set_color(halo or "#ffffff")
        self.halo_color.setEnabled(halo is not None)
        self.halo_width.setValue(float(lab.get("halo_width_mm", 0.5)))
        self.halo_width.setEnabled(halo is not None)
        self.priority.setValue(int(lab.get("priority", 5)))

    # -- result ------------------------------------------------------------------------------
    def style(self) -> dict:
        """The edited style dict (a copy)."""
        return copy.deepcopy(self._work)

    def apply(self) -> None:
        """Assign the edited style (and opacity, if moved) to the layer."""
        if abs(self._opacity - self.layer.opacity) > 1e-9:
            self.layer.opacity = self._opacity
        self.layer.style = self.style()
        self.applied.emit(self.layer.style)

    def _on_ok_clicked(self) -> None:
        self.apply()
        self.accept()

    # -- renderer handlers -------------------------------------------------------------------
    def _on_kind_changed(self, _i: int) -> None:
        kind = self.kind.currentData()
        current = self._work["renderer"]
        if kind not in self._renderers:
            self._renderers[kind] = self._new_renderer(kind, current)
        self._work["renderer"] = self._renderers[kind]
        self._load_renderer()
        self._update_preview()

    def _new_renderer(self, kind: str, current: dict) -> dict:
        template = copy.deepcopy(self._template_of(current) if current.get("kind") != "single"
                                 else current.get("symbol") or make_symbol(self._symbol_type()))
        if kind == "single":
            return {"kind": "single", "symbol": template}
        if kind == "categorized":
            field = self._default_cat_field()
            return self._categorize(field, self.cat_ramp.currentData() or "Set2", template)
        field = self.grad_field.currentText() if self._numeric else None
        if field is None:
            return {"kind": "graduated", "field": None, "method": "quantiles", "k": 5,
                    "ramp": "YlOrRd", "classes": [], "symbol": template}
        return graduated_renderer(self.layer.gdf[field], field, "quantiles", 5,
                                  self.grad_ramp.currentData() or "YlOrRd", symbol=template)

    def _default_cat_field(self) -> str | None:
        gdf = self.layer.gdf
        for name in ("status", "type", "category", "class", "mode", "role"):
            if name in gdf.columns:
                return name
        texts = [c for c in self._fields if c not in self._numeric]
        best = [c for c in texts if 1 < gdf[c].nunique() <= MAX_CATEGORIES]
        return (best or texts or self._fields or [None])[0]

    def _categorize(self, field: str | None, ramp: str, template: dict) -> dict:
        """Categories from the field's most frequent values (at most :data:`MAX_CATEGORIES`)."""
        if field is None:
            return {"kind": "categorized", "field": None, "categories": [], "other": None,
                    "symbol": template}
        counts = self.layer.gdf[field].dropna().value_counts()
        values = list(counts.index[:MAX_CATEGORIES])
        r = categorized_renderer(values, field, ramp=ramp, symbol=template, other=True)
        return r

    def _on_cat_field_changed(self, _i: int) -> None:
        self._on_cat_classify_clicked()

    def _on_cat_classify_clicked(self) -> None:
        r = self._work["renderer"]
        new = self._categorize(self.cat_field.currentText() or None,
                               self.cat_ramp.currentData(), copy.deepcopy(self._template_of(r)))
        if r.get("other") is None and not self.cat_other.isChecked():
            new["other"] = None
        r.clear()
        r.update(new)
        self._load_renderer()
        self._update_preview()

    def _on_cat_ramp_changed(self, _i: int) -> None:
        r = self._work["renderer"]
        colors = ramp_colors(self.cat_ramp.currentData(), len(r.get("categories", [])))
        for c, color in zip(r.get("categories", []), colors, strict=True):
            c["symbol"][primary_key(c["symbol"])] = color
        self._fill_cat_table()
        self._update_preview()

    def _on_cat_delete_clicked(self) -> None:
        rows = sorted({i.row() for i in self.cat_table.selectedIndexes()}, reverse=True)
        cats = self._work["renderer"].get("categories", [])
        for row in rows:
            if 0 <= row < len(cats):
                del cats[row]
        self._fill_cat_table()
        self._update_preview()

    def _on_cat_cell_double_clicked(self, row: int, column: int) -> None:
        if column == 0:
            self._pick_class_color(self._work["renderer"]["categories"][row]["symbol"])
            self._fill_cat_table()
            self._update_preview()

    def _pick_class_color(self, symbol: dict) -> None:
        key = primary_key(symbol)
        initial = qcolor(symbol.get(key)) if symbol.get(key) else QColor("#808080")
        picked = QColorDialog.getColor(initial, self, self.tr("Choose colour"),
                                       QColorDialog.ColorDialogOption.ShowAlphaChannel)
        if picked.isValid():
            symbol[key] = color_hex(picked)

    def set_category_color(self, row: int, color: str) -> None:
        """Set one category's colour (what double-clicking its swatch does)."""
        sym = self._work["renderer"]["categories"][row]["symbol"]
        sym[primary_key(sym)] = color
        self._fill_cat_table()
        self._update_preview()

    def _on_cat_item_changed(self, item: QTableWidgetItem) -> None:
        cats = self._work["renderer"].get("categories", [])
        if item.row() < len(cats) and item.column() in (3, 4):
            cats[item.row()]["label" if item.column() == 3 else "label_zh"] = item.text()
            self._update_preview()

    def _on_cat_other_changed(self, checked: bool) -> None:
        r = self._work["renderer"]
        if checked:
            sym = copy.deepcopy(self._template_of(r))
            sym[primary_key(sym)] = self.cat_other_color.color() or "#bdbdbd"
            r["other"] = {"label": "Other", "label_zh": "其他", "symbol": sym}
        else:
            r["other"] = None
        self.cat_other_color.setEnabled(checked)
        self._fill_cat_table()
        self._update_preview()

    def _on_cat_other_color_changed(self, color) -> None:
        other = self._work["renderer"].get("other")
        if other is not None:
            other["symbol"][primary_key(other["symbol"])] = color
            self._update_preview()

    def _on_template_changed(self, key: str) -> None:
        """A shared setting (outline, width, marker...) changed: copy it to every class."""
        r = self._work["renderer"]
        template = r["symbol"]
        targets = [c["symbol"] for c in r.get("categories", []) + r.get("classes", [])]
        if r.get("other"):
            targets.append(r["other"]["symbol"])
        keys = [key, "hatch_color"] if key == "hatch" else [key]
        for sym in targets:
            for k in keys:
                if k != primary_key(sym):
                    sym[k] = copy.deepcopy(template.get(k))
        if r.get("kind") == "categorized":
            self._fill_cat_table()
        else:
            self._fill_grad_table()
        self._update_preview()

    def _on_grad_params_changed(self, *_args) -> None:
        if self.grad_method.currentData() == "manual":
            return
        self._on_grad_classify_clicked()

    def _on_grad_classify_clicked(self) -> None:
        r = self._work["renderer"]
        field = self.grad_field.currentText()
        if not field or field not in self.layer.gdf.columns:
            return
        method = self.grad_method.currentData()
        if method == "manual":
            method = "quantiles"
            self._fill_methods(method)
        new = graduated_renderer(self.layer.gdf[field], field, method, self.grad_k.value(),
                                 self.grad_ramp.currentData(),
                                 symbol=copy.deepcopy(self._template_of(r)))
        r.clear()
        r.update(new)
        self.grad_template.set_symbol(r["symbol"])
        self._fill_grad_table()
        self._update_preview()

    def _on_grad_ramp_changed(self, _i: int) -> None:
        r = self._work["renderer"]
        ramp = self.grad_ramp.currentData()
        r["ramp"] = ramp
        classes = r.get("classes", [])
        for c, color in zip(classes, ramp_colors(ramp, len(classes)), strict=True):
            c["symbol"][primary_key(c["symbol"])] = color
        self._fill_grad_table()
        self._update_preview()

    def _on_grad_cell_double_clicked(self, row: int, column: int) -> None:
        if column == 0:
            self._pick_class_color(self._work["renderer"]["classes"][row]["symbol"])
            self._fill_grad_table()
            self._update_preview()

    def _on_grad_item_changed(self, item: QTableWidgetItem) -> None:
        classes = self._work["renderer"].get("classes", [])
        if item.row() < len(classes) and item.column() == 4:
            key = "label_zh" if self.lang == "zh" and classes[item.row()].get("label_zh") \
                else "label"
            classes[item.row()][key] = item.text()
            self._update_preview()

    def _on_symbol_changed(self, _key: str) -> None:
        self._update_preview()

    def _on_opacity_changed(self, value: int) -> None:
        self._opacity = value / 100.0
        self.opacity_value.setText(f"{value} %")
        self._update_preview()

    # -- label handlers ----------------------------------------------------------------------
    def _on_labels_enabled_changed(self, checked: bool) -> None:
        self._work["labels"]["enabled"] = bool(checked)
        if checked and not self._work["labels"].get("field") and self.label_field.count() > 1:
            for name in ("name_zh", "name", "title"):
                if self.label_field.findData(name) >= 0:
                    self.label_field.setCurrentIndex(self.label_field.findData(name))
                    break
            else:
                self.label_field.setCurrentIndex(1)

    def _on_label_field_changed(self, _i: int) -> None:
        self._work["labels"]["field"] = self.label_field.currentData()

    def _on_label_field2_changed(self, _i: int) -> None:
        self._work["labels"]["field2"] = self.label_field2.currentData()

    def _on_label_size_changed(self, value: float) -> None:
        self._work["labels"]["size_pt"] = round(float(value), 1)

    def _on_label_color_changed(self, color) -> None:
        self._work["labels"]["color"] = color

    def _on_label_bold_changed(self, checked: bool) -> None:
        self._work["labels"]["bold"] = bool(checked)

    def _on_callout_changed(self, checked: bool) -> None:
        self._work["labels"]["callout"] = bool(checked)

    def _on_halo_changed(self, checked: bool) -> None:
        self._work["labels"]["halo_color"] = self.halo_color.color() if checked else None
        self.halo_color.setEnabled(checked)
        self.halo_width.setEnabled(checked)

    def _on_halo_color_changed(self, color) -> None:
        if self.halo.isChecked():
            self._work["labels"]["halo_color"] = color

    def _on_halo_width_changed(self, value: float) -> None:
        self._work["labels"]["halo_width_mm"] = round(float(value), 2)

    def _on_priority_changed(self, value: int) -> None:
        self._work["labels"]["priority"] = int(value)

    def _on_priority_field_changed(self, _i: int) -> None:
        self._work["labels"]["priority_field"] = self.priority_field.currentData()

    # -- preview -----------------------------------------------------------------------------
    def _update_preview(self) -> None:
        """A small legend of the edited style, drawn by the renderer's legend painter."""
        entries = legend_entries(self._work, self.lang)
        geom_type = self._symbol_type()
        if self._work["renderer"].get("kind") == "single":
            entries = [(self.layer.display_title(self.lang), entries[0][1])] if entries else []
        shown = entries[:14]
        row_h, sw, width = 24, 34, 200
        # A single symbol also gets a 2.5x close-up, so thin outlines and dashes can be judged.
        top = 8 + (96 if len(entries) == 1 and shown else 0)
        height = max(60, top + 4 + row_h * (len(shown) + (len(entries) > len(shown))))
        pm = QPixmap(width, height)
        pm.fill(QColor("#ffffff"))
        painter = QPainter(pm)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setOpacity(self._opacity)
        if top > 8:
            big = dict(shown[0][1])
            big.setdefault("type", geom_type)
            paint_symbol(painter, QRectF(16, 12, width - 32, 76), big, 240.0)
        for i, (_label, sym) in enumerate(shown):
            sym = dict(sym)
            sym.setdefault("type", geom_type)
            paint_symbol(painter, QRectF(8, top + i * row_h, sw, row_h - 6), sym, 96.0)
        painter.setOpacity(1.0)
        painter.setPen(QColor("#222222"))
        metrics = painter.fontMetrics()
        for i, (label, _sym) in enumerate(shown):
            text = metrics.elidedText(label or "", Qt.TextElideMode.ElideRight, width - sw - 20)
            painter.drawText(QRectF(sw + 16, top + i * row_h, width - sw - 20, row_h - 6),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
        if len(entries) > len(shown):
            painter.setPen(QColor("#777777"))
            painter.drawText(QRectF(8, top + len(shown) * row_h, width - 16, row_h - 6),
                             Qt.AlignmentFlag.AlignVCenter,
                             self.tr("… and {n} more").format(n=len(entries) - len(shown)))
        painter.end()
        self.preview.setPixmap(pm)

    # -- language ----------------------------------------------------------------------------
    def _retranslate(self) -> None:
        title = self.layer.display_title(self.lang)
        self.setWindowTitle(self.tr("Layer style: {layer}").format(layer=title))
        for button, text in ((QDialogButtonBox.StandardButton.Ok, self.tr("OK")),
                             (QDialogButtonBox.StandardButton.Apply, self.tr("Apply")),
                             (QDialogButtonBox.StandardButton.Cancel, self.tr("Cancel"))):
            self.buttons.button(button).setText(text)
        self.tabs.setTabText(0, self.tr("Symbology"))
        self.tabs.setTabText(1, self.tr("Labels"))
        self.kind_label.setText(label_text(self.tr("Renderer")))
        with _blocked(self.kind):
            current = self.kind.currentData() or self._work["renderer"].get("kind", "single")
            self.kind.clear()
            self.kind.addItem(self.tr("Single symbol"), "single")
            self.kind.addItem(self.tr("Categorized"), "categorized")
            self.kind.addItem(self.tr("Graduated"), "graduated")
            if not self._numeric:
                self.kind.model().item(2).setEnabled(False)
            self.kind.setCurrentIndex(max(0, self.kind.findData(current)))
        self.preview_label.setText(self.tr("Preview"))
        self.cat_field_label.setText(label_text(self.tr("Field")))
        self.cat_ramp_label.setText(label_text(self.tr("Colour ramp")))
        self.cat_classify.setText(self.tr("Classify"))
        self.cat_classify.setToolTip(self.tr("One class per distinct value of the field"))
        self.cat_delete.setText(self.tr("Delete selected"))
        self.cat_other.setText(self.tr("Other values"))
        self.cat_template_box.setTitle(self.tr("Symbol shared by all classes"))
        self.grad_template_box.setTitle(self.tr("Symbol shared by all classes"))
        self.cat_table.setHorizontalHeaderLabels(
            [self.tr("Symbol"), self.tr("Value"), self.tr("Count"), self.tr("Legend"),
             self.tr("Legend (Chinese)")])
        self.grad_table.setHorizontalHeaderLabels(
            [self.tr("Symbol"), self.tr("From (>)"), self.tr("To (≤)"), self.tr("Count"),
             self.tr("Legend")])
        self.grad_field_label.setText(label_text(self.tr("Numeric field")))
        self.grad_method_label.setText(label_text(self.tr("Method")))
        self.grad_k_label.setText(label_text(self.tr("Classes")))
        self.grad_ramp_label.setText(label_text(self.tr("Colour ramp")))
        self.grad_classify.setText(self.tr("Compute classes"))
        self._fill_methods(self.grad_method.currentData()
                           or self._work["renderer"].get("method", "quantiles"))
        self.opacity_label.setText(label_text(self.tr("Layer opacity")))
        self.labels_box.setTitle(self.tr("Show labels"))
        names = {"field": self.tr("Label field"), "field2": self.tr("Second line"),
                 "size": self.tr("Text size"), "color": self.tr("Text colour"),
                 "bold": self.tr("Bold"), "halo": self.tr("Halo"),
                 "halo_width": self.tr("Halo width"), "priority": self.tr("Priority"),
                 "priority_field": self.tr("Priority field"), "callout": self.tr("Callouts")}
        for key, label in self.label_rows.items():
            label.setText(label_text(names[key]))
        self.halo.setText(self.tr("Draw a halo"))
        self.callout.setText(self.tr("Move crowded point labels out, with a leader line"))
        self.priority.setToolTip(self.tr("Labels with higher priority win when labels collide "
                                         "(10 = always try first)"))
        self.labels_hint.setText(self.tr(
            "Chinese text is drawn with the bundled font, so 鹤岗, 鸡西, 七台河 and 双鸭山 "
            "show on any computer. Where labels overlap, the higher priority (or the larger "
            "value of the priority field) is kept."))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)


def format_cat(value) -> str:
    return "NULL" if value is None else str(value)


def format_break(value: float) -> str:
    """Class bound as text; thousands separators only from 10,000, so years read as years."""
    v = float(value)
    sep = "," if abs(v) >= 10000 else ""
    if v.is_integer():
        return f"{v:{sep}.0f}"
    return f"{v:.4g}" if abs(v) < 1000 else f"{v:{sep}.2f}"


__all__ = ["ColorButton", "StyleDialog", "SymbolEditor", "primary_key", "symbol_pixmap"]
