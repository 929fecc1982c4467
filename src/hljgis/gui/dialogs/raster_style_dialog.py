"""Raster style dialog: colour ramp, stretch, hillshade and opacity of a raster layer.

The widgets only bind to a Qt-free :class:`hljgis.core.raster_style.RasterStyleDraft`; the
draft validates every edit and the dialog shows the draft back (a refused value springs back
and the reason shows under the controls). Apply/OK emit ``applied(style, opacity)``; the
caller hands both to ``Session.set_layer_style``, so one Apply is one undo step.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hljgis.core.raster_style import (
    RasterStyleDraft,
    cell_size_m,
    colorize,
    format_value,
)
from hljgis.core.style import QUALITATIVE_RAMPS, RAMPS
from hljgis.gui.dialogs.style.widgets import blocked, label_text, ramp_icon

#: Ramps offered for a raster: every continuous one (qualitative ramps band a surface).
RASTER_RAMPS = tuple(n for n in RAMPS if n not in QUALITATIVE_RAMPS)
STRETCH_ORDER = ("percent", "minmax", "stddev", "user")
PREVIEW = QSize(220, 170)


def _spin(lo: float, hi: float, decimals: int, step: float, suffix: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setKeyboardTracking(False)  # one edit per finished number, not per keystroke
    if suffix:
        box.setSuffix(suffix)
    return box


class RasterStyleDialog(QDialog):
    """Edit a raster layer's ramp, stretch, hillshade and opacity.

    Parameters
    ----------
    layer : RasterLayer
        Its style is read into a draft; the layer itself is never changed here.

    Signals
    -------
    applied(object, float)
        The edited style dict and opacity, after Apply or OK.
    """

    applied = Signal(object, float)

    def __init__(self, layer, parent=None, lang: str = "en") -> None:
        super().__init__(parent)
        self.layer = layer
        self.lang = lang
        self.draft = RasterStyleDraft(layer)
        self.setMinimumSize(720, 540)

        self.band = QSpinBox()
        self.band.setRange(1, max(1, int(layer.info.count)))
        self.ramp = QComboBox()
        self.ramp.setIconSize(QSize(96, 14))
        self.ramp.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for name in RASTER_RAMPS:
            self.ramp.addItem(ramp_icon(name), name, name)
        self.reverse = QCheckBox()
        self.stretch = QComboBox()
        for key in STRETCH_ORDER:
            self.stretch.addItem("", key)
        self.pct_lo = _spin(0.0, 49.9, 1, 0.5, " %")
        self.pct_hi = _spin(50.1, 100.0, 1, 0.5, " %")
        self.stddev = _spin(0.1, 10.0, 2, 0.25)
        self.vmin = _spin(-1e9, 1e9, 2, 10.0)
        self.vmax = _spin(-1e9, 1e9, 2, 10.0)
        self.range_text = QLabel()
        self.range_text.setWordWrap(True)

        self.shade_box = QGroupBox()
        self.shade_box.setCheckable(True)
        self.azimuth = _spin(0.0, 360.0, 0, 15.0, "°")
        self.azimuth.setWrapping(True)
        self.altitude = _spin(0.0, 90.0, 0, 5.0, "°")
        self.z_factor = _spin(0.01, 100.0, 2, 0.5)
        self.blend = QComboBox()
        self.blend.addItem("", "multiply")
        self.blend.addItem("", "only")
        self.strength = QSlider(Qt.Orientation.Horizontal)
        self.strength.setRange(0, 100)

        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity_value = QLabel()
        self.opacity_value.setMinimumWidth(40)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.preview = QLabel()
        self.preview.setFixedSize(PREVIEW)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("background: #ffffff; border: 1px solid #b0b0b0;")

        self.rows = {k: QLabel() for k in (
            "band", "ramp", "stretch", "percent", "stddev", "user", "azimuth", "altitude",
            "z_factor", "blend", "strength", "opacity")}
        self.colour_box = QGroupBox()
        form = QFormLayout(self.colour_box)
        form.addRow(self.rows["band"], self.band)
        ramp_row = QHBoxLayout()
        ramp_row.addWidget(self.ramp, 1)
        ramp_row.addWidget(self.reverse)
        form.addRow(self.rows["ramp"], ramp_row)
        form.addRow(self.rows["stretch"], self.stretch)
        self._pct_row = self._pair(self.pct_lo, self.pct_hi)
        form.addRow(self.rows["percent"], self._pct_row)
        form.addRow(self.rows["stddev"], self.stddev)
        self._user_row = self._pair(self.vmin, self.vmax)
        form.addRow(self.rows["user"], self._user_row)
        form.addRow(self.range_text)
        sform = QFormLayout(self.shade_box)
        sform.addRow(self.rows["azimuth"], self.azimuth)
        sform.addRow(self.rows["altitude"], self.altitude)
        sform.addRow(self.rows["z_factor"], self.z_factor)
        sform.addRow(self.rows["blend"], self.blend)
        sform.addRow(self.rows["strength"], self.strength)
        orow = QHBoxLayout()
        orow.addWidget(self.rows["opacity"])
        orow.addWidget(self.opacity, 1)
        orow.addWidget(self.opacity_value)

        left = QVBoxLayout()
        left.addWidget(self.colour_box)
        left.addWidget(self.shade_box)
        left.addLayout(orow)
        left.addWidget(self.error)
        left.addStretch(1)
        right = QVBoxLayout()
        self.preview_label = QLabel()
        right.addWidget(self.preview_label)
        right.addWidget(self.preview)
        right.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 0)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)

        self._preview_data = self._read_preview()
        self._load()
        self._retranslate()

        self.buttons.accepted.connect(self._on_ok_clicked)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        self.band.valueChanged.connect(lambda v: self._edit("band", int(v)))
        self.ramp.currentIndexChanged.connect(
            lambda _i: self._edit("ramp", self.ramp.currentData()))
        self.reverse.toggled.connect(lambda on: self._edit("reverse", bool(on)))
        self.stretch.currentIndexChanged.connect(self._on_stretch_changed)
        self.pct_lo.valueChanged.connect(self._on_percent_changed)
        self.pct_hi.valueChanged.connect(self._on_percent_changed)
        self.stddev.valueChanged.connect(lambda v: self._edit("stddev", float(v)))
        self.vmin.valueChanged.connect(lambda v: self._edit("min", float(v)))
        self.vmax.valueChanged.connect(lambda v: self._edit("max", float(v)))
        self.shade_box.toggled.connect(lambda on: self._edit("hillshade", bool(on)))
        self.azimuth.valueChanged.connect(lambda v: self._edit("azimuth", float(v)))
        self.altitude.valueChanged.connect(lambda v: self._edit("altitude", float(v)))
        self.z_factor.valueChanged.connect(lambda v: self._edit("z_factor", float(v)))
        self.blend.currentIndexChanged.connect(
            lambda _i: self._edit("blend", self.blend.currentData()))
        self.strength.valueChanged.connect(lambda v: self._edit("shade_strength", v / 100.0))
        self.opacity.valueChanged.connect(lambda v: self._edit("opacity", v / 100.0))
        self.draft.events.changed.connect(self._on_draft_changed)

    @staticmethod
    def _pair(a: QWidget, b: QWidget) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(a)
        row.addWidget(QLabel("–"))
        row.addWidget(b)
        return w

    # -- draft -> widgets ------------------------------------------------------------------------
    def _controls(self) -> list[QWidget]:
        return [self.band, self.ramp, self.reverse, self.stretch, self.pct_lo, self.pct_hi,
                self.stddev, self.vmin, self.vmax, self.shade_box, self.azimuth, self.altitude,
                self.z_factor, self.blend, self.strength, self.opacity]

    def _load(self) -> None:
        """Show the draft in every control (no control writes back meanwhile)."""
        r = self.draft.renderer
        with blocked(*self._controls()):
            self.band.setValue(r["band"])
            if self.ramp.findData(r["ramp"]) < 0:
                self.ramp.addItem(ramp_icon(r["ramp"]), r["ramp"], r["ramp"])
            self.ramp.setCurrentIndex(self.ramp.findData(r["ramp"]))
            self.reverse.setChecked(r["reverse"])
            self.stretch.setCurrentIndex(self.stretch.findData(r["stretch"]))
            self.pct_lo.setValue(r["percent"][0])
            self.pct_hi.setValue(r["percent"][1])
            self.stddev.setValue(r["stddev"])
            lo, hi = self.draft.value_range()
            self.vmin.setValue(r["min"] if r["min"] is not None else lo)
            self.vmax.setValue(r["max"] if r["max"] is not None else hi)
            self.shade_box.setChecked(r["hillshade"])
            self.azimuth.setValue(r["azimuth"])
            self.altitude.setValue(r["altitude"])
            self.z_factor.setValue(r["z_factor"])
            self.blend.setCurrentIndex(self.blend.findData(r["blend"]))
            self.strength.setValue(round(r["shade_strength"] * 100))
            self.opacity.setValue(round(self.draft.opacity * 100))
        self.opacity_value.setText(f"{round(self.draft.opacity * 100)} %")
        stretch = r["stretch"]
        self._pct_row.setEnabled(stretch == "percent")
        self.stddev.setEnabled(stretch == "stddev")
        self._user_row.setEnabled(stretch == "user")
        self.strength.setEnabled(r["blend"] == "multiply")
        self._show_range()
        self._update_preview()

    def _show_range(self) -> None:
        lo, hi = self.draft.value_range()
        dlo, dhi = self.draft.data_range()
        self.range_text.setText(self.tr("The ramp spans {lo} to {hi} (the data: {dlo} to {dhi})")
                                .format(lo=format_value(lo), hi=format_value(hi),
                                        dlo=format_value(dlo), dhi=format_value(dhi)))

    def _read_preview(self) -> tuple[np.ndarray, tuple] | None:
        info = self.layer.info
        scale = max(1.0, info.width / PREVIEW.width(), info.height / PREVIEW.height())
        shape = (max(2, round(info.height / scale)), max(2, round(info.width / scale)))
        data, bounds = self.layer.read(None, out_shape=shape, band=self.draft.renderer["band"])
        return np.ma.filled(data.astype(float), np.nan), bounds

    def _update_preview(self) -> None:
        """The whole raster in the draft's colours, drawn by the renderer's own maths."""
        z, bounds = self._preview_data
        crs = self.layer.crs
        cells = cell_size_m(bounds, z.shape, bool(crs is not None and crs.is_geographic))
        rgba = np.ascontiguousarray(colorize(z, self.draft.renderer, self.draft.value_range(),
                                             cells))
        h, w = rgba.shape[:2]
        img = QImage(rgba.data, w, h, w * 4, QImage.Format.Format_RGBA8888).copy()
        pm = QPixmap.fromImage(img).scaled(PREVIEW, Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation)
        self.preview.setPixmap(pm)

    # -- widgets -> draft ------------------------------------------------------------------------
    def _edit(self, key: str, value) -> None:
        try:
            self.draft.set(key, value)
        except ValueError as exc:
            self.error.setText(str(exc))
            self._load()  # the refused value springs back
            return
        self.error.clear()

    def _on_stretch_changed(self, _i: int) -> None:
        key = self.stretch.currentData()
        if key == "user" and (self.draft.renderer["min"] is None
                              or self.draft.renderer["max"] is None):
            lo, hi = self.draft.value_range()  # start from what is shown now
            self._edit("min", lo)
            self._edit("max", hi)
        self._edit("stretch", key)

    def _on_percent_changed(self, _v: float) -> None:
        self._edit("percent", [self.pct_lo.value(), self.pct_hi.value()])

    def _on_draft_changed(self, key: str) -> None:
        if key == "band":
            self._preview_data = self._read_preview()
        self._load()

    # -- result ----------------------------------------------------------------------------------
    def style(self) -> dict:
        """The edited style dict (a copy)."""
        return self.draft.style()

    def apply(self) -> None:
        self.applied.emit(self.draft.style(), float(self.draft.opacity))

    def _on_ok_clicked(self) -> None:
        self.apply()
        self.accept()

    # -- language ----------------------------------------------------------------------------
    def _retranslate(self) -> None:
        title = self.layer.display_title(self.lang) if hasattr(self.layer, "display_title") \
            else self.layer.name
        self.setWindowTitle(self.tr("Raster style: {name}").format(name=title))
        self.colour_box.setTitle(self.tr("Colours"))
        self.shade_box.setTitle(self.tr("Hillshade"))
        self.preview_label.setText(self.tr("Preview"))
        names = {"band": self.tr("Band"), "ramp": self.tr("Colour ramp"),
                 "stretch": self.tr("Stretch"), "percent": self.tr("Percent cut"),
                 "stddev": self.tr("Standard deviations"), "user": self.tr("Minimum / maximum"),
                 "azimuth": self.tr("Sun azimuth"), "altitude": self.tr("Sun altitude"),
                 "z_factor": self.tr("Z factor"), "blend": self.tr("Blend"),
                 "strength": self.tr("Shade strength"), "opacity": self.tr("Layer opacity")}
        for key, label in self.rows.items():
            label.setText(label_text(names[key]))
        self.reverse.setText(self.tr("Reverse"))
        texts = {"percent": self.tr("Percent cut (e.g. 2-98 %)"),
                 "minmax": self.tr("Minimum to maximum"),
                 "stddev": self.tr("Mean ± standard deviations"),
                 "user": self.tr("User-defined minimum and maximum")}
        for i, key in enumerate(STRETCH_ORDER):
            self.stretch.setItemText(i, texts[key])
        self.blend.setItemText(0, self.tr("Multiply over the colour ramp"))
        self.blend.setItemText(1, self.tr("Hillshade only (grey)"))
        self.azimuth.setToolTip(self.tr("Where the light comes from, clockwise from north "
                                        "(315° = north-west)"))
        self.altitude.setToolTip(self.tr("Height of the sun above the horizon"))
        self.z_factor.setToolTip(self.tr("Vertical exaggeration; slopes are measured in "
                                         "metres even when the raster is in degrees"))
        self._show_range()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
