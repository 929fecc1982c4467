"""Which labels a map would drop: placement as the renderer does it, without drawing layers.

The renderer drops a label that overlaps one already placed (higher priority first). On the
screen that is fine; on a printed annex a numbered top site without its number is a question
from the reviewer. The export pre-flight uses :func:`dropped_labels` to say which layers lose
labels before the PDF is made. Only labels are placed (on a small scratch image), so the
check costs a fraction of a render.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtGui import QImage, QPainter

from hljgis.core.names import LABEL_LANGUAGES
from hljgis.core.style import default_style
from hljgis.render.labels import LabelEngine, collect
from hljgis.render.prepare import LayerCache
from hljgis.render.transform import MapTransform
from hljgis.render.vector import _max_symbol_px, visible_mask


def dropped_labels(layers, extent, size_px: tuple[int, int], dpi: float,
                   crs, label_lang: str | None = None) -> dict[str, tuple[int, int]]:
    """``{layer name: (labels wanted, labels placed)}`` for the labelled, shown layers.

    Parameters
    ----------
    layers : iterable of Layer
        Bottom first, as drawn; hidden layers are skipped (their labels never draw).
    extent, size_px, dpi, crs
        The map frame as the page draws it (``size_px`` in pixels at ``dpi``).
    label_lang : {"en", "zh", "both"}, optional
        The page's label language (names are longer in one language than the other).
    """
    mt = MapTransform(extent, int(size_px[0]), int(size_px[1]), dpi, crs)
    engine = LabelEngine(mt)
    cache = LayerCache()
    owner: dict[int, str] = {}
    for layer in layers:
        if layer.kind != "vector" or not layer.visible or layer.opacity <= 0:
            continue
        style = layer.style or default_style(layer)
        if not (style.get("labels") or {}).get("enabled"):
            continue
        prep = cache.get(layer, mt.crs)
        cls, symbols = prep.classes(style.get("renderer") or {"kind": "single"})
        vis = visible_mask(prep, mt, 0.0) & (cls >= 0)
        found = collect(prep, style, mt, vis, _max_symbol_px(symbols, mt.dpi / 25.4),
                        label_lang if label_lang in LABEL_LANGUAGES else None)
        for c in found:
            owner[id(c)] = layer.name
        engine.add(found)
    if not engine.candidates:
        return {}
    scratch = QImage(max(1, mt.width), max(1, mt.height), QImage.Format.Format_ARGB32)
    scratch.fill(0)
    painter = QPainter(scratch)
    try:
        engine.draw(painter, lambda: None)
    finally:
        painter.end()
    wanted = Counter(owner[id(c)] for c in engine.candidates)
    placed = Counter(owner[id(c)] for c in engine.placed_candidates)
    return {name: (int(n), int(placed.get(name, 0))) for name, n in wanted.items()}


__all__ = ["dropped_labels"]
