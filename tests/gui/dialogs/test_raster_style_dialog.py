"""The raster style dialog, opened from the DEM's right-click menu, drives the canvas pixels;
one Apply is one undo step (style and opacity)."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Transformer
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from hljgis.core.raster_style import normalize_raster
from hljgis.gui.dialogs.raster_style_dialog import RasterStyleDialog


@pytest.fixture
def window(make_main_window, tmp_path):
    """The v1 project with a hilly DEM added, the only layer shown."""
    win = make_main_window(size=(1000, 700))
    win.session.add_layers([_hills(tmp_path / "hills.tif")])
    for layer in win.session.project.layers:
        layer.visible = layer.name == "hills"
    return win


def _hills(path):
    """A DEM with real relief (the fixture's is a 0.03 % plane): hills 800 m
    high, a degree apart, on 0.05-degree cells over the fixture's extent (EPSG:4490)."""
    import rasterio
    from rasterio.transform import from_origin

    from hljgis.core.layer import RasterLayer

    lon = 129.0 + (np.arange(120) + 0.5) * 0.05
    lat = 48.5 - (np.arange(90) + 0.5) * 0.05
    z = 500.0 + 400.0 * np.sin(2 * np.pi * lon)[None, :] * np.cos(2 * np.pi * lat)[:, None]
    z[:4, :4] = -9999.0
    with rasterio.open(path, "w", driver="GTiff", width=120, height=90, count=1,
                       dtype="float32", crs="EPSG:4490", nodata=-9999.0,
                       transform=from_origin(129.0, 48.5, 0.05, 0.05)) as dst:
        dst.write(z.astype("float32"), 1)
    return RasterLayer(path, "hills", title="Hills")


def _canvas_rgb(win) -> np.ndarray:
    from PySide6.QtGui import QImage

    win.canvas.refresh()
    assert win.canvas.wait_for_render()
    img = win.canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes())
    arr = arr.reshape(img.height(), img.bytesPerLine() // 4, 4)[:, :img.width(), :3]
    return arr[..., ::-1].astype(int)  # BGRA in memory -> RGB


def _probes(win):
    """Canvas pixels well inside the DEM (away from its edge and nodata) and their heights."""
    canvas, dem = win.canvas, win.session.project.layer("hills")
    to_dem = Transformer.from_crs(win.session.project.crs, dem.crs, always_xy=True)
    dpr = canvas.devicePixelRatioF()
    xs, ys = np.meshgrid(np.arange(20, canvas.width() - 20, 23),
                         np.arange(20, canvas.height() - 20, 19))
    pts = [canvas.to_map(QPointF(float(x), float(y))) for x, y in zip(xs.ravel(), ys.ravel(),
                                                                      strict=True)]
    lon, lat = to_dem.transform(*np.array(pts).T)
    b = dem.bounds
    inside = (lon > b[0] + 0.4) & (lon < b[2] - 0.4) & (lat > b[1] + 0.4) & (lat < b[3] - 0.4)
    z = dem.sample(lon, lat)
    keep = inside & np.isfinite(z)
    rows = np.round(ys.ravel()[keep] * dpr).astype(int)
    cols = np.round(xs.ravel()[keep] * dpr).astype(int)
    assert keep.sum() > 50, "the DEM is not in view"
    return rows, cols, z[keep]


def _drive(monkeypatch, steps):
    """Make the dialog's exec() run ``steps`` on it instead of waiting for a user."""
    seen = []

    def fake_exec(dialog):
        seen.append(dialog)
        steps(dialog)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RasterStyleDialog, "exec", fake_exec)
    return seen


def _open_from_menu(win):
    panel = win.layer_panel
    menu = panel.layer_menu(panel.model.index_of_layer("hills"))
    next(a for a in menu.actions() if a.text().startswith("Style")).trigger()


def _rank_corr(a, b) -> float:
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    return float(np.corrcoef(ra, rb)[0, 1])


def test_ramp_and_hillshade_from_the_dialog_reach_the_canvas(window, monkeypatch):
    rows, cols, z = _probes(window)
    before = _canvas_rgb(window)[rows, cols]
    assert np.abs(before[:, 0] - before[:, 2]).max() > 5  # the default relief ramp has hue

    def greys(dlg):
        dlg.ramp.setCurrentIndex(dlg.ramp.findData("Greys"))
        dlg.reverse.setChecked(True)  # high ground light
        dlg.stretch.setCurrentIndex(dlg.stretch.findData("minmax"))
        dlg.shade_box.setChecked(False)

    dialogs = _drive(monkeypatch, greys)
    _open_from_menu(window)
    assert len(dialogs) == 1
    px = _canvas_rgb(window)[rows, cols]
    assert np.abs(px[:, 0] - px[:, 2]).max() <= 2 and np.abs(px[:, 0] - px[:, 1]).max() <= 2
    assert _rank_corr(px[:, 0], z) > 0.9  # brighter where higher
    assert window.session.project.layer("hills").style["renderer"]["ramp"] == "Greys"

    def shade_only(azimuth):
        def steps(dlg):
            dlg.shade_box.setChecked(True)
            dlg.blend.setCurrentIndex(dlg.blend.findData("only"))
            dlg.azimuth.setValue(azimuth)
            dlg.z_factor.setValue(20.0)
        return steps

    _drive(monkeypatch, shade_only(315))
    _open_from_menu(window)
    nw = _canvas_rgb(window)[rows, cols, 0]
    _drive(monkeypatch, shade_only(135))
    _open_from_menu(window)
    se = _canvas_rgb(window)[rows, cols, 0]
    # Slopes lit from the north-west are the ones in shadow from the south-east.
    assert nw.std() > 5 and se.std() > 5
    assert np.corrcoef(nw, se)[0, 1] < -0.5
    r = normalize_raster(window.session.project.layer("hills").style["renderer"])
    assert (r["blend"], r["azimuth"], r["z_factor"]) == ("only", 135.0, 20.0)


def test_opacity_and_undo(window, monkeypatch):
    rows, cols, _ = _probes(window)
    dem = window.session.project.layer("hills")
    opaque = _canvas_rgb(window)[rows, cols]
    _drive(monkeypatch, lambda dlg: dlg.opacity.setValue(30))
    _open_from_menu(window)
    assert dem.opacity == pytest.approx(0.3)
    faded = _canvas_rgb(window)[rows, cols]
    background = _canvas_rgb(window)[0, 0]  # corner: no DEM there
    # 30 % DEM over the canvas background.
    assert np.abs(faded - (0.3 * opaque + 0.7 * background)).max() <= 3
    window.session.undo()
    assert dem.opacity == 1.0 and dem.style == {}
    assert np.abs(_canvas_rgb(window)[rows, cols] - opaque).max() <= 1


def test_refused_value_springs_back(qtbot, window):
    dlg = RasterStyleDialog(window.session.project.layer("hills"))
    qtbot.addWidget(dlg)
    dlg.stretch.setCurrentIndex(dlg.stretch.findData("user"))
    lo, hi = dlg.draft.value_range()
    assert dlg.vmin.value() == pytest.approx(lo, abs=0.01)
    dlg.vmin.setValue(hi + 100)  # minimum above the maximum
    assert dlg.error.text() and dlg.vmin.value() == pytest.approx(lo, abs=0.01)
    assert dlg.draft.renderer["min"] == pytest.approx(lo)
    assert dlg.preview.pixmap() is not None and not dlg.preview.pixmap().isNull()


def test_dialog_speaks_chinese(qtbot, window):
    import re

    from PySide6.QtWidgets import QGroupBox, QLabel

    from hljgis.gui.i18n import set_language

    set_language("zh")
    try:
        dlg = RasterStyleDialog(window.session.project.layer("hills"), lang="zh")
        qtbot.addWidget(dlg)
        texts = [w.text() for w in dlg.findChildren(QLabel) if w.text()]
        texts += [w.title() for w in dlg.findChildren(QGroupBox)]
        for combo in (dlg.stretch, dlg.blend):
            texts += [combo.itemText(i) for i in range(combo.count())]
        words = [t for t in texts if re.search(r"[A-Za-z]{3,}", t)]
        assert words == [], words
        assert "色带范围" in dlg.range_text.text()
    finally:
        set_language("en")


def test_vector_style_undo_restores_opacity_too(window, monkeypatch):
    from hljgis.gui.dialogs.style import StyleDialog

    def fake_exec(dialog):
        dialog.opacity.setValue(40)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(StyleDialog, "exec", fake_exec)
    cities = window.session.project.layer("cities")
    before = (dict(cities.style), cities.opacity)
    window.style_layer("cities")
    assert cities.opacity == pytest.approx(0.4)
    window.session.undo()
    assert (cities.style, cities.opacity) == before
    window.session.redo()
    assert cities.opacity == pytest.approx(0.4)
