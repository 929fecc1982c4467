"""Opening a large project: the saved picture is on screen before the layers are read, the
complete layer replaces it, and Cancel keeps the previous project (issue 15, point 2)."""

from __future__ import annotations

import threading

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressDialog

from hljgis.core.project import Project
from hljgis.io import load_project, save_project
from hljgis.io import project_preview as pp
from tests.export.picture_support import coloured_share, graduated_project, stored_picture
from tests.gui.pixels import coloured, rgb

N = 2400  # 60 x 40 parcels: "large" for this test (MIN_FEATURES patched below)


def _parcels() -> Project:
    col, row = np.meshgrid(np.arange(60), np.arange(40))
    x, y = 500_000.0 + col.ravel() * 1000.0, 5_100_000.0 + row.ravel() * 1000.0
    gdf = gpd.GeoDataFrame({"score": (col.ravel() + row.ravel()).astype(float)},
                           geometry=shapely.box(x, y, x + 900.0, y + 900.0), crs="EPSG:4552")
    return graduated_project(gdf, "preview")


@pytest.fixture(params=["window", "cli"])
def saved(request, make_main_window, tmp_path, monkeypatch):
    """A parcels project saved from the window, or as the CLI saves it (with the picture
    drawn headless): either way with its picture."""
    monkeypatch.setattr(pp, "MIN_FEATURES", 1000)
    path = str(tmp_path / "parcels.hljgis.gpkg")
    if request.param == "cli":
        from hljgis.export.project_picture import offscreen_preview

        save_project(_parcels(), path, preview=offscreen_preview)
    else:
        window = make_main_window(_parcels())
        window.canvas.wait_for_render()
        assert window._save(path)
    assert coloured_share(stored_picture(path).png) > 0.3
    return path


def _slow_loader(window):
    """Make the window's session read projects only once ``release`` is set."""
    release = threading.Event()

    def load(path):
        assert release.wait(30)
        return load_project(path)

    window.session._loader = load
    return release


def test_first_frame_shows_the_saved_picture_then_the_full_layer(make_main_window, saved,
                                                                  tmp_path, qtbot):
    window = make_main_window(size=(1000, 700))
    release = _slow_loader(window)
    seen = {}

    def during_load():  # runs while open_project waits for the worker: the window is live
        try:
            qtbot.waitUntil(window.canvas.showing_preview, timeout=5000)
            grab = window.canvas.grab().toImage()
            grab.save(str(tmp_path / "preview_frame.png"))
            seen["pixels"] = rgb(grab)
            seen["layers"] = [layer.name for layer in window.session.project.layers]
        finally:
            release.set()

    QTimer.singleShot(50, during_load)
    window.open_project(saved)
    assert "pixels" in seen, "the picture never showed while the project loaded"
    # the graduated fills (yellow to red) are on screen before the layer was read
    assert coloured(seen["pixels"]) > 0.15 * seen["pixels"].shape[0] * seen["pixels"].shape[1]
    assert "parcels" not in seen["layers"]
    # then the full layer: complete, rendered, the preview gone
    layer = window.session.project.layer("parcels")
    assert len(layer.gdf) == N
    assert window.canvas.wait_for_render()
    qtbot.waitUntil(lambda: not window.canvas.showing_preview(), timeout=10000)
    after = rgb(window.canvas)
    window.canvas.grab().save(str(tmp_path / "full_frame.png"))
    assert coloured(after) > 0.15 * after.shape[0] * after.shape[1]
    # the picture and the rendered layer agree on where the parcels are
    assert np.mean(coloured_mask(seen["pixels"]) == coloured_mask(after)) > 0.9
    window.session.select("parcels", [0, 1, 2])  # selection works on the full layer
    assert list(layer.selection) == [0, 1, 2]


def coloured_mask(arr: np.ndarray) -> np.ndarray:
    return arr.max(axis=2) - arr.min(axis=2) > 40


def _cancel_button(window):
    from PySide6.QtWidgets import QPushButton

    return window.statusBar().findChild(QPushButton, "opening_cancel")


def test_cancel_keeps_the_previous_project(make_main_window, saved, qtbot):
    from PySide6.QtCore import Qt

    window = make_main_window(size=(1000, 700))
    before = window.session.project
    release = _slow_loader(window)

    def cancel():
        try:
            qtbot.waitUntil(lambda: _cancel_button(window) is not None
                            and window.canvas.showing_preview(), timeout=5000)
        finally:
            qtbot.mouseClick(_cancel_button(window), Qt.MouseButton.LeftButton)

    QTimer.singleShot(50, cancel)
    try:
        window.open_project(saved)
    finally:
        release.set()
    assert window.session.project is before
    assert not window.canvas.showing_preview()
    assert window.canvas.wait_for_render()
    assert _cancel_button(window) is None and window.menuBar().isEnabled()


def test_the_map_stays_live_while_the_project_loads(make_main_window, saved, qtbot):
    """No dialog over the map: the planner pans the picture while the layers are read,
    the view stays where it was panned, and only the menus and panels wait."""
    from PySide6.QtCore import QPoint, Qt

    window = make_main_window(size=(1000, 700))
    release = _slow_loader(window)
    canvas, seen = window.canvas, {}

    def pan():
        try:
            qtbot.waitUntil(canvas.showing_preview, timeout=5000)
            seen["dialog"] = window.findChild(QProgressDialog)
            seen["menus"] = window.menuBar().isEnabled()
            seen["save"] = window.actions_by_key["save"].isEnabled()
            seen["home"] = canvas.extent
            centre = canvas.rect().center()
            qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=centre)
            qtbot.mouseMove(canvas, centre + QPoint(150, 0))
            qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=centre + QPoint(150, 0))
            seen["panned"] = canvas.extent
            seen["grab"] = rgb(canvas)
        finally:
            release.set()

    QTimer.singleShot(50, pan)
    window.open_project(saved)
    assert seen["dialog"] is None and not seen["menus"] and not seen["save"]
    assert seen["panned"][0] < seen["home"][0] - 1000  # dragged right: the view moved west
    assert coloured(seen["grab"]) > 0.1 * seen["grab"].shape[0] * seen["grab"].shape[1]
    assert canvas.extent == pytest.approx(seen["panned"])  # the view is kept on opening
    assert window.menuBar().isEnabled() and window.actions_by_key["save"].isEnabled()
    assert len(window.session.project.layer("parcels").gdf) == N
    assert canvas.wait_for_render()
    qtbot.waitUntil(lambda: not canvas.showing_preview(), timeout=10000)
    assert canvas.extent == pytest.approx(seen["panned"])


def test_a_stale_picture_is_not_shown(make_main_window, saved, qtbot):
    import pyogrio

    extra = gpd.GeoDataFrame({"score": [1.0]}, geometry=[shapely.box(0, 0, 1, 1)],
                             crs="EPSG:4552")
    pyogrio.write_dataframe(extra, saved, layer="parcels", append=True)
    window = make_main_window(size=(1000, 700))
    shown = []
    window.canvas.preview_shown.connect(lambda: shown.append(True))
    window.open_project(saved)
    assert not shown
    assert len(window.session.project.layer("parcels").gdf) == N + 1


def test_a_damaged_picture_is_not_shown_and_the_project_opens(make_main_window, saved,
                                                              qtbot):
    import sqlite3

    with sqlite3.connect(saved) as con:  # the fingerprint still matches; the PNG is cut short
        con.execute(f"UPDATE {pp.PREVIEW_TABLE} SET png = substr(png, 1, 40) WHERE id = 1")
    assert pp.read_preview(saved) is not None
    window = make_main_window(size=(1000, 700))
    shown = []
    window.canvas.preview_shown.connect(lambda: shown.append(True))
    window.open_project(saved)
    assert not shown
    assert len(window.session.project.layer("parcels").gdf) == N


def test_the_save_takes_the_frame_on_screen_or_draws_the_home_view(make_main_window,
                                                                   tmp_path, monkeypatch):
    from hljgis.core.home_view import home_extent

    monkeypatch.setattr(pp, "MIN_FEATURES", 1000)
    window = make_main_window(_parcels(), size=(1000, 700))
    canvas, project = window.canvas, window.session.project
    assert canvas.wait_for_render()
    # the home view on screen: the frame itself is saved, at the canvas's extent
    assert window._save(str(tmp_path / "home.hljgis.gpkg"))
    shown = pp.read_preview(tmp_path / "home.hljgis.gpkg")
    assert shown.extent == pytest.approx(canvas.extent)
    assert shown.layers == ("parcels",)
    # zoomed in: the frame lacks most of the layer, so the home view is drawn instead
    canvas.zoom_by(0.25)
    assert canvas.wait_for_render()
    assert window._save(str(tmp_path / "zoomed.hljgis.gpkg"))
    drawn = stored_picture(tmp_path / "zoomed.hljgis.gpkg")
    assert drawn.extent == pytest.approx(home_extent(project))
    assert coloured_share(drawn.png) > 0.3
    # a highlighted selection or a frame still to come is not what was saved
    assert canvas.current_frame(project) is not None
    window.session.select("parcels", [5])
    assert canvas.current_frame(project) is None
    window.session.select("parcels", [])
    assert canvas.wait_for_render()
    assert canvas.current_frame(project) is not None
    layer = project.layer("parcels")
    layer.set_data(layer.gdf.iloc[:100])  # changed data: the frame on screen is old
    assert canvas.current_frame(project) is None
    layer.style = {"renderer": {"kind": "single"}}
    assert canvas.wait_for_render()
    layer.visible = False
    assert canvas.current_frame(project) is None


def test_a_project_named_at_start_opens_with_its_picture(make_main_window, saved, qtbot,
                                                        tmp_path):
    from hljgis.gui.project_preview import open_when_started

    window = make_main_window(size=(1000, 700))
    shown = []
    window.canvas.preview_shown.connect(lambda: shown.append(True))
    assert open_when_started(window, saved)
    qtbot.waitUntil(lambda: "parcels" in [layer.name for layer in
                                          window.session.project.layers], timeout=20000)
    assert shown and len(window.session.project.layer("parcels").gdf) == N
    plain = tmp_path / "plain.hljgis.gpkg"
    save_project(window.session.project, plain)  # no preview maker: no picture
    assert not open_when_started(window, plain)


def test_the_autosave_copy_keeps_a_picture(make_main_window, monkeypatch):
    """A recovered large project opens at once too: the copy written off the GUI thread
    holds the picture, drawn from the canvas's prepared layers."""
    import threading

    from hljgis.io import recovery

    monkeypatch.setattr(pp, "MIN_FEATURES", 1000)
    window = make_main_window(_parcels(), size=(1000, 700))
    assert window.canvas.wait_for_render()
    threads = []
    maker = window.autosave.autosaver.preview
    window.autosave.autosaver.preview = lambda p: threads.append(
        threading.current_thread()) or maker(p)  # the maker's first step
    window.session.set_layer_property("parcels", "opacity", 0.9)
    window._on_autosave()
    window.wait_for_autosave()
    assert threads and threads[0] is not threading.main_thread()
    picture = stored_picture(recovery.recovery_path())
    assert picture.layers == ("parcels",) and coloured_share(picture.png) > 0.3
    assert window.session.project.path is None or not str(
        window.session.project.path).startswith(str(recovery.recovery_dir()))


def test_the_cursor_reads_lon_lat_of_the_picture_in_its_own_crs(make_main_window, saved,
                                                                qtbot):
    """Over the picture of a project in another CRS, the status bar's lon/lat are the
    picture's, not the old project's reading of its coordinates."""
    from pyproj import Transformer

    window = make_main_window(size=(800, 600))
    assert not window.session.project.crs.equals("EPSG:4552")
    release = _slow_loader(window)
    canvas, seen = window.canvas, {}

    def look():
        try:
            qtbot.waitUntil(canvas.showing_preview, timeout=5000)
            x0, y0, x1, y1 = canvas.extent
            seen["xy"] = ((x0 + x1) / 2, (y0 + y1) / 2)
            seen["lonlat"] = canvas._lonlat(*seen["xy"])
        finally:
            release.set()

    QTimer.singleShot(50, look)
    window.open_project(saved)
    expected = Transformer.from_crs("EPSG:4552", "EPSG:4490", always_xy=True).transform(
        *seen["xy"])
    assert seen["lonlat"] == pytest.approx(expected, abs=1e-9)
    assert canvas.wait_for_render()
    assert canvas._lonlat(*seen["xy"]) == pytest.approx(expected, abs=1e-9)
