"""The canvas: renders off the GUI thread, cancels stale frames, keeps the last image."""

import threading

import geopandas as gpd
import shapely

from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.gui.widgets.map_canvas import MapCanvas


def _project(n=20_000):
    cells = gpd.GeoDataFrame({"v": range(n)}, geometry=shapely.box(
        [130 + (i % 200) * 0.01 for i in range(n)], [45 + (i // 200) * 0.01 for i in range(n)],
        [130.009 + (i % 200) * 0.01 for i in range(n)],
        [45.009 + (i // 200) * 0.01 for i in range(n)]), crs="EPSG:4490")
    project = Project()
    project.add_layer(VectorLayer(cells, "cells"))
    return project


def test_render_runs_on_a_worker_and_stale_frames_are_cancelled(qtbot, monkeypatch):
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(600, 400)
    canvas.show()
    threads, cancelled = [], []
    original = canvas._renderer.render

    def spy(painter, project, extent, size, dpi=None, cancel=None, **kw):
        threads.append(threading.get_ident())
        result = original(painter, project, extent, size, dpi=dpi, cancel=cancel, **kw)
        cancelled.append(cancel())
        return result

    monkeypatch.setattr(canvas._renderer, "render", spy)
    canvas.set_project(_project())
    canvas._start_render()
    first = canvas._current_job
    canvas.zoom_by(0.5)
    canvas._start_render()  # a newer view: the first frame is stale now
    assert first.cancelled.is_set()
    assert canvas.wait_for_render()
    assert threading.get_ident() not in threads
    assert canvas._image is not None and canvas._image_extent == canvas.extent
    canvas.shutdown()


def test_last_image_is_kept_while_the_next_one_renders(qtbot):
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(600, 400)
    canvas.show()
    canvas.set_project(_project(2_000))
    assert canvas.wait_for_render()
    image = canvas._image
    canvas.pan_by_pixels(50, 0)  # the old frame is shifted until the new one arrives
    assert canvas._image is image and canvas.is_rendering()
    assert canvas.wait_for_render()
    assert canvas._image is not image
    canvas.shutdown()


def test_resizes_refit_the_asked_extent_so_the_right_edge_shows_data(qtbot):
    """The --screenshot path: the project is set while the canvas is still 200x150, then
    the window lays out at 1280x720. Widening the already widened extent at each resize
    drifted the view east of the bundled data (a blank strip right of the map)."""
    from tests.export._common import bundled
    from tests.gui.pixels import rgb

    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(200, 150)
    canvas.set_project(bundled())
    for size in ((900, 300), (632, 599)):
        canvas.resize(*size)
        canvas.show()
        qtbot.waitUntil(lambda w=size[0]: canvas.width() == w, timeout=2000)
    assert canvas.wait_for_render()
    shown = canvas.extent
    assert shown[2] < 136.0, shown  # the bundled layers end at 136 E
    canvas.zoom_full()  # the same view as zooming to the full extent at this size
    assert canvas.extent == shown
    arr = rgb(canvas)
    background = (arr == (0xF4, 0xF1, 0xEA)).all(axis=2)
    assert background[:, -6:].mean() < 0.05, background[:, -6:].mean()
    canvas.shutdown()
