"""Right-click menus, file drops, recent projects, full extent and raster order."""

from __future__ import annotations

import shutil

import pytest
from pyproj import Transformer
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication

from hljgis.gui import context_menus
from hljgis.io import load_project

pytestmark = pytest.mark.usefixtures("user_dir")


@pytest.fixture
def window(make_main_window):
    return make_main_window(size=(1000, 700))


def texts(menu):
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def action(menu, start):
    return next(a for a in menu.actions() if a.text().startswith(start))


# -- layer tree ---------------------------------------------------------------------------------
def test_layer_menu_offers_the_layer_actions(window):
    panel = window.layer_panel
    menu = panel.layer_menu(panel.model.index_of_layer("cities"))
    assert texts(menu) == ["Zoom to layer", "Open attribute table", "Style...", "Opacity...",
                           "Rename...", "Save as...", "Remove layer"]
    raster = panel.layer_menu(panel.model.index_of_layer("dem"))
    assert "Save as..." not in texts(raster) and "Open attribute table" not in texts(raster)
    assert panel.layer_menu(panel.model.index(0, 0)) is None  # a theme group


def test_layer_menu_save_as_writes_the_layer(window, tmp_path, monkeypatch):
    import pyogrio

    from hljgis.gui.dialogs.save_features_dialog import SaveFeaturesDialog

    out = tmp_path / "cities_copy.gpkg"
    monkeypatch.setattr(SaveFeaturesDialog, "exec", lambda self: (
        self.path_edit.setText(str(out)), True)[1])
    panel = window.layer_panel
    action(panel.layer_menu(panel.model.index_of_layer("cities")), "Save as").trigger()
    written = pyogrio.read_dataframe(out)
    cities = window.session.project.layer("cities").gdf
    assert len(written) == len(cities)
    assert sorted(written["name_zh"]) == sorted(cities["name_zh"])


def test_layer_menu_zoom_and_remove(window):
    panel = window.layer_panel
    before = window.canvas.extent
    action(panel.layer_menu(panel.model.index_of_layer("expressways")), "Zoom").trigger()
    assert window.canvas.extent != before
    action(panel.layer_menu(panel.model.index_of_layer("expressways")), "Remove").trigger()
    assert "expressways" not in window.session.project
    window.undo()
    assert "expressways" in window.session.project


# -- map menu -----------------------------------------------------------------------------------
def test_map_menu_copies_lonlat_and_gauss_kruger(window):
    canvas = window.canvas
    pos = QPoint(canvas.width() // 2, canvas.height() // 2)
    menu = context_menus.map_menu(window, pos)
    assert [t.split(":")[0] for t in texts(menu)] == [
        "Identify features here", "Copy coordinates, lon/lat (CGCS2000)",
        "Copy coordinates, CGCS2000 Gauss-Krüger (EPSG", "Zoom to full extent"]
    lon, lat = canvas._lonlat(*canvas.to_map(QPointF(pos)))
    action(menu, "Copy coordinates, lon/lat").trigger()
    got_lon, got_lat = (float(v) for v in QGuiApplication.clipboard().text().split(","))
    assert got_lon == pytest.approx(lon, abs=1e-6) and got_lat == pytest.approx(lat, abs=1e-6)
    gk = action(menu, "Copy coordinates, CGCS2000 Gauss")
    epsg = int(gk.text().split("EPSG:")[1].split(")")[0])
    assert epsg in (4552, 4553, 4554)  # zones 129E, 132E, 135E over the four cities
    gk.trigger()
    e, n = (float(v) for v in QGuiApplication.clipboard().text().split(","))
    want = Transformer.from_crs(4490, epsg, always_xy=True).transform(lon, lat)
    assert e == pytest.approx(want[0], abs=0.01) and n == pytest.approx(want[1], abs=0.01)
    assert 4_900_000 < n < 5_400_000  # metres north of the equator at 44-48.5N


def test_gauss_kruger_zone_follows_the_point():
    assert context_menus.coordinate_texts(130.2, 46.0)["gk_crs"] == "EPSG:4552"  # CM 129E
    assert context_menus.coordinate_texts(131.9, 46.0)["gk_crs"] == "EPSG:4553"  # CM 132E
    assert context_menus.coordinate_texts(134.0, 46.0)["gk_crs"] == "EPSG:4554"  # CM 135E
    e, _, _ = context_menus.gauss_kruger(132.0, 46.0)
    assert e == pytest.approx(500_000, abs=0.01)  # on the central meridian (no zone prefix)


def test_map_menu_identifies_and_stays_away_while_measuring(window, qtbot):
    canvas = window.canvas
    centre = canvas.to_pixel(*_city_point(window))
    menu = context_menus.map_menu(window, centre.toPoint())
    action(menu, "Identify").trigger()
    assert window.docks["identify"].isVisible()
    assert window.identify_panel.topLevelItemCount() >= 1
    window.set_tool("measure_line")
    assert context_menus.map_menu(window, centre.toPoint()) is None


def _city_point(window):
    layer = window.session.project.layer("cities")
    p = layer.gdf.to_crs(window.session.project.crs).geometry.iloc[0].representative_point()
    return p.x, p.y


# -- drops ----------------------------------------------------------------------------------------
def drop(window, paths, widget=None):
    """Drag files over ``widget`` (the map by default) and drop them, through the window's
    platform handle as a file manager's drag arrives."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    widget = widget or window.canvas
    point = widget.mapTo(window, QPoint(widget.width() // 2, widget.height() // 2))
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(point, *args)
    QApplication.sendEvent(window.windowHandle(), enter)
    accepted = enter.isAccepted()
    QApplication.sendEvent(window.windowHandle(), QDropEvent(QPointF(point), *args))
    return accepted


def test_dropping_a_data_file_adds_it(window, tmp_path):
    src = tmp_path / "parks.geojson"
    window.session.project.layer("cities").gdf.to_file(src, driver="GeoJSON")
    assert drop(window, [src, tmp_path / "notes.docx"])
    assert [n for n in window.session.project.layer_names() if n.startswith("parks")] == \
        ["parks"]
    assert drop(window, [src], widget=window.layer_panel)  # onto the layer tree as well
    assert len([n for n in window.session.project.layer_names() if n.startswith("parks")]) == 2


def test_a_drag_of_other_files_is_refused(window, tmp_path):
    assert not drop(window, [tmp_path / "notes.docx"])


def test_dropping_a_project_opens_it(window, tmp_path, fixtures_dir):
    other = tmp_path / "other.hljgis.gpkg"
    shutil.copy(fixtures_dir / "project_v1.hljgis.gpkg", other)
    drop(window, [other])
    assert str(window.session.project.path) == str(other)


def test_unknown_files_are_not_taken():
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile("/tmp/a.docx"), QUrl("https://example.org/x.gpkg")])
    assert context_menus.dropped_files(mime) == ([], [])


# -- recent projects ------------------------------------------------------------------------------
def test_one_recent_project_survives_a_restart(window, tmp_path):
    path = str(tmp_path / "a.hljgis.gpkg")
    window._remember_recent(path)
    QSettings().sync()
    fresh = QSettings()  # what the next start reads from the INI file
    assert context_menus.recent_projects(fresh) == [path]
    window._fill_recent()
    assert [a.text() for a in window.recent_menu.actions()] == [path]
    window._remember_recent(str(tmp_path / "b.hljgis.gpkg"))
    assert context_menus.recent_projects() == [str(tmp_path / "b.hljgis.gpkg"), path]


# -- full extent and raster order -----------------------------------------------------------------
def test_full_extent_is_the_study_area_not_every_layer(make_main_window):
    from hljgis.io.bundled import bundled_project_path

    if not bundled_project_path().exists():
        pytest.skip("bundled project not built")
    project = load_project(bundled_project_path())
    win = make_main_window(project, size=(1280, 720))
    win.zoom_full()
    minx, miny, maxx, maxy = win.canvas.extent
    everything = project.full_extent()
    assert (maxx - minx) < 0.6 * (everything[2] - everything[0])
    for city in ("hegang", "jixi", "qitaihe", "shuangyashan"):
        b = project.bookmarks[city]["bounds"]
        assert minx <= b[0] and maxx >= b[2] and miny <= b[1] and maxy >= b[3], city
    cities = project.layer("cities").bounds  # the four cities fill the view
    assert (maxx - minx) < 1.5 * (cities[2] - cities[0]) or \
        (maxy - miny) < 1.5 * (cities[3] - cities[1])
    assert win.canvas.scale_denominator() < 6_000_000


def test_added_raster_goes_under_the_vector_layers(window, tmp_path):
    import numpy as np
    import rasterio
    from rasterio.transform import from_bounds

    from hljgis.io.readers import read_file

    tif = tmp_path / "scan.tif"
    with rasterio.open(tif, "w", driver="GTiff", width=20, height=20, count=1, dtype="uint8",
                       crs="EPSG:4490", transform=from_bounds(130, 45, 132, 47, 20, 20)) as dst:
        dst.write(np.full((1, 20, 20), 200, dtype="uint8"))
    (raster,) = read_file(tif)
    window.session.add_layers([raster])
    names = window.session.project.layer_names()
    assert names.index(raster.name) == names.index("dem") + 1
    assert names.index(raster.name) < names.index("cities")
    # the panel lists it in the base-map group, above the older raster: as it is drawn
    base = [window.layer_panel.model.index(r, 0, window.layer_panel.model.index(g, 0))
            for g in range(window.layer_panel.model.rowCount())
            for r in range(window.layer_panel.model.rowCount(
                window.layer_panel.model.index(g, 0)))]
    order = [window.layer_panel.model.layer_at(i).name for i in base]
    assert order.index(raster.name) < order.index("dem")
    assert order.index("cities") < order.index(raster.name)
