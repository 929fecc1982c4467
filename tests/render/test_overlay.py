"""Outlines stroked in a worker while numpy fills: the frame looks as when drawn in turn,
and painters where one composited pass would differ draw directly."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage, QPainter

from hljgis.core.style import graduated_renderer, ramp_colors
from hljgis.render import MapRenderer, render_image
from hljgis.render import overlay as O
from hljgis.render import vector as V

from ..gui.pixels import near, rgb
from .parcels import courtyard_parcels


def _parcels(make_layer, k: int = 60):
    vor, _, rng = courtyard_parcels(k, every=7, seed=11)
    score = rng.normal(0, 1, len(vor))
    layer = make_layer(vor, "parcels", score=score)
    layer.style = {"renderer": graduated_renderer(score, "score", "quantiles", 5, "YlOrRd")}
    return layer


def _spy(monkeypatch) -> list:
    """Overlays made while drawing; each with ``composited`` (drawn on the frame)."""
    made = []

    class Spy(O.Overlay):
        composited = False

        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            made.append(self)

        def composite(self, painter):
            self.composited = True
            return super().composite(painter)

    monkeypatch.setattr(V, "Overlay", Spy)
    return made


def test_worker_outlines_look_like_outlines_drawn_in_turn(app, make_layer, monkeypatch):
    layer = _parcels(make_layer)
    size = (1500, 1000)
    monkeypatch.setattr(O, "MAX_OVERLAY_PIXELS", 0)  # direct: fill, then stroke
    direct = rgb(render_image([layer], layer.bounds, size=size))
    monkeypatch.undo()
    made = _spy(monkeypatch)
    image = render_image([layer], layer.bounds, size=size)
    assert len(made) == 1 and made[0].composited and made[0].count > 0  # via the worker
    ahead = rgb(image)
    diff = np.abs(ahead - direct).max(axis=2)
    # source-over is associative: only the 8-bit rounding of the stroke layer differs
    assert diff.max() <= 10 and (diff > 2).mean() < 0.01
    white = near(direct, "#ffffff", tol=30)
    assert white > 0.05 * diff.size and abs(near(ahead, "#ffffff", tol=30) - white) < 0.01 * white
    for c in ramp_colors("YlOrRd", 5):
        assert near(ahead, c, tol=3) > 1000


def test_painters_a_composited_pass_would_not_equal_draw_directly(app):
    img = QImage(400, 300, QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    try:
        assert O.overlay_fits(p, 400, 300)
        p.translate(20, 10)  # a map frame on a PNG page, at whole pixels
        assert O.overlay_fits(p, 400, 300)
        p.translate(0.5, 0)
        assert not O.overlay_fits(p, 400, 300)
        p.resetTransform()
        p.scale(2, 2)
        assert not O.overlay_fits(p, 400, 300)
        p.resetTransform()
        p.setOpacity(0.5)  # overlapping strokes would blend once instead of twice
        assert not O.overlay_fits(p, 400, 300)
        p.setOpacity(1.0)
        p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
        assert not O.overlay_fits(p, 400, 300)
        p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        assert not O.overlay_fits(p, 5000, 4000)  # 80 MB more: draw directly
    finally:
        p.end()


def test_overlapping_polygons_drop_the_worker_layer(app, make_layer, monkeypatch):
    layer = _parcels(make_layer, 50)
    # every parcel doubled: the scanline fill refuses overlaps, Qt draws them in order
    doubled = make_layer(np.r_[layer.gdf.geometry.values, layer.gdf.geometry.values],
                         "doubled", score=np.r_[layer.gdf["score"], layer.gdf["score"]])
    doubled.style = layer.style
    made = _spy(monkeypatch)
    image = rgb(render_image([doubled], doubled.bounds, size=(900, 600)))
    assert len(made) == 1 and not made[0].composited  # started, then dropped
    monkeypatch.undo()
    monkeypatch.setattr(O, "MAX_OVERLAY_PIXELS", 0)
    direct = rgb(render_image([doubled], doubled.bounds, size=(900, 600)))
    assert (image == direct).all()


def test_a_stale_render_stops_the_worker(app, make_layer, monkeypatch):
    layer = _parcels(make_layer)
    made = _spy(monkeypatch)
    main, stale = threading.get_ident(), []

    def cancel() -> bool:  # the view moves on while the worker strokes
        if threading.get_ident() != main:
            stale.append(True)
        return bool(stale)

    image = QImage(1500, 1000, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#ffffff"))
    renderer = MapRenderer()
    assert not renderer.render(image, [layer], layer.bounds, cancel=cancel)
    assert renderer.last_stats.get("cancelled")
    assert len(made) == 1 and made[0].count == 0  # stopped before its first class


def test_a_worker_error_reaches_the_caller(app):
    def fail(painter, stopped):
        raise RuntimeError("stroke failed")

    ov = O.Overlay(10, 10, fail)
    target = QImage(10, 10, QImage.Format.Format_ARGB32_Premultiplied)
    target.fill(QColor("#ffffff"))
    p = QPainter(target)
    try:
        with pytest.raises(RuntimeError, match="stroke failed"):
            ov.composite(p)
    finally:
        p.end()
