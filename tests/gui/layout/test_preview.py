"""The composer's preview (issue #15 point 3): drawn off the GUI thread from the canvas's
prepared layers, newest edit wins, a stale page stops half drawn, the dialog never waits
for the worker. No timings: a renderer held on an event stands in for a big layer."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtGui import QImage

from tests.gui.layout.composer_support import rgb, type_into


class HeldRenderer:
    """Wraps the worker's renderer: a map frame waits for ``release`` (or for the page to
    go stale, then it stops as a real render does between chunks)."""

    def __init__(self, renderer) -> None:
        self.real = renderer.render
        self.release = threading.Event()
        self.entered = threading.Event()
        self.cancelled = 0

    def render(self, *args, cancel=None, **kw):
        self.entered.set()
        for _ in range(2000):  # 20 s at most: a render on the GUI thread must not hang
            if self.release.wait(0.01):
                break
            if cancel is not None and cancel():
                self.cancelled += 1
                return False
        return self.real(*args, cancel=cancel, **kw)


def hold(dlg) -> HeldRenderer:
    held = HeldRenderer(dlg.worker.renderer)
    dlg.worker.renderer.render = held.render
    return held


def title_band(image: QImage) -> np.ndarray:
    arr = rgb(image)
    return arr[: arr.shape[0] // 9]


def wait_drawn(qtbot, dlg, rid: int) -> None:
    qtbot.waitUntil(lambda: dlg.drawn_request >= rid, timeout=30_000)


def test_the_dialog_is_up_and_answers_while_the_first_page_is_drawn(project, make_composer,
                                                                     qtbot):
    dlg = make_composer(project, show=False)
    held = hold(dlg)
    dlg.show()
    qtbot.waitUntil(held.entered.is_set, timeout=10_000)  # the worker is on the map frame
    assert dlg.isVisible() and dlg.drawn_request == 0
    type_into(dlg.text.title_edit, "Typed while the map draws")  # the GUI answers
    assert dlg.composition.get("title") == "Typed while the map draws"
    assert dlg.status.text() == dlg.tr("Drawing...")
    held.release.set()
    qtbot.waitUntil(lambda: dlg.drawn_request >= 1, timeout=30_000)
    assert not dlg.preview.pixmap().isNull()


def test_a_title_edit_redraws_the_title_and_reuses_the_map_frame(project, make_composer, qtbot):
    dlg = make_composer(project)
    qtbot.waitUntil(lambda: dlg.drawn_request >= 1, timeout=30_000)
    before = title_band(dlg.preview.pixmap().toImage())
    pasted = dlg.worker.frames.hits
    type_into(dlg.text.title_edit, "Mudanjiang coal belt sites")
    qtbot.waitUntil(lambda: dlg.drawn_request >= 2, timeout=30_000)
    after = title_band(dlg.preview.pixmap().toImage())
    assert (np.abs(after.astype(int) - before).sum(axis=2) > 60).sum() > 50
    assert dlg.worker.frames.hits == pasted + 1  # the map was pasted, not drawn again
    # a change to what the map shows draws it again
    dlg.project.layers[-1].visible = not dlg.project.layers[-1].visible
    rid = dlg.update_preview()
    wait_drawn(qtbot, dlg, rid)
    assert dlg.worker.frames.hits == pasted + 1


def test_two_quick_edits_show_the_second_and_the_first_stops_half_drawn(project, make_composer,
                                                                        qtbot):
    from hljgis.export.page import page_for
    from hljgis.gui.layout.preview import paint_preview
    from hljgis.render.renderer import MapRenderer

    dlg = make_composer(project)
    qtbot.waitUntil(lambda: dlg.drawn_request >= 1, timeout=30_000)
    dlg.project.layers[-1].visible = not dlg.project.layers[-1].visible  # a new map frame
    held = hold(dlg)
    type_into(dlg.text.title_edit, "First title")
    first = dlg.update_preview()
    qtbot.waitUntil(held.entered.is_set, timeout=10_000)
    type_into(dlg.text.title_edit, "Second title")
    second = dlg.update_preview()
    qtbot.waitUntil(lambda: held.cancelled == 1, timeout=10_000)  # stopped, not finished
    held.release.set()
    wait_drawn(qtbot, dlg, second)
    assert dlg.worker.dropped_ids == [first]
    assert dlg.drawn_request == second
    assert dlg.last_report.texts[0].endswith("Second title")
    # the page on screen is the second one, pixel for pixel in its title
    page = page_for(dlg.project, dlg.layout())
    image, _ = paint_preview(page, dlg._drawn_dpi, MapRenderer())
    shown = dlg.preview.pixmap().toImage()
    assert shown.size() == image.size()
    assert (title_band(shown) == title_band(image)).all()


def test_closing_the_dialog_stops_the_page_being_drawn(project, make_composer, qtbot):
    dlg = make_composer(project, show=False)
    held = hold(dlg)
    dlg.show()
    qtbot.waitUntil(held.entered.is_set, timeout=10_000)
    dlg.reject()  # the worker is told to stop; the held render sees it as a cancel
    assert held.cancelled == 1
    assert not dlg.worker._thread.is_alive()
    assert dlg.drawn_request == 0


def test_paint_page_stops_when_cancelled(project):
    from hljgis.export.layout import resolve_layout
    from hljgis.export.page import page_for
    from hljgis.gui.layout.preview import paint_preview
    from hljgis.render.vector import Cancelled

    page = page_for(project, resolve_layout("dfr-annex-a4", project))
    with pytest.raises(Cancelled):
        paint_preview(page, 40.0, cancel=lambda: True)


def test_the_preview_draws_from_the_canvas_prepared_layers(project, make_composer, qtbot):
    from hljgis.gui.widgets.map_canvas import MapCanvas

    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(600, 400)
    canvas.show()
    canvas.set_project(project)
    assert canvas.wait_for_render(30_000) is not False
    layer = next(la for la in project.layers if la.kind == "vector" and la.visible)
    prepared = canvas.layer_cache.get(layer, project.crs)
    dlg = make_composer(project, view_extent=canvas.extent, layer_cache=canvas.layer_cache)
    qtbot.waitUntil(lambda: dlg.drawn_request >= 1, timeout=30_000)
    assert dlg.worker.renderer.cache is canvas.layer_cache
    assert canvas.layer_cache.get(layer, project.crs) is prepared  # not prepared again
