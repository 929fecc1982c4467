"""Layout composer speed with a big ranking layer: dialog open, first page, refresh.

Adds N generated ranking cells (bench/render.py's grid in EPSG:4552, theme "analysis",
graduated quantiles) to the bundled project (CRS EPSG:4490, so the cells are reprojected to
be drawn), then opens the composer three ways:

- ``alone``: no map canvas; the composer's worker prepares the layer itself (cold);
- ``canvas``: as the main window does it, after a 1000 x 700 map canvas drew its first frame:
  the composer draws from the canvas's prepared layers (``layer_cache``);
- ``reopen``: the composer opened a second time over the same canvas.

Printed per way: ``open`` (seconds from the action until the dialog is shown and the GUI
answers events; pages are drawn in a worker thread; the module's first import is printed
apart), ``stall`` (longest the GUI thread took
to answer events while the first page was drawn), ``1st page`` (seconds until the first page
is on screen), and the worker's seconds per refresh after a title edit (median and min over
``--refreshes``; ``key->screen`` adds the 150 ms typing debounce and the hand-over).

    QT_QPA_PLATFORM=offscreen python bench/layout_composer.py [--n 100000 1000000]

Target (issue 15 point 3): open < 1 s, refresh < 300 ms with a 1M-site ranking shown.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(__file__))


def _project(n: int):
    from render import make_cells

    from hljgis.core.layer import VectorLayer
    from hljgis.core.style import graduated_renderer
    from hljgis.io import load_project
    from hljgis.io.bundled import bundled_project_path

    project = load_project(bundled_project_path())
    gdf = make_cells(n)
    layer = VectorLayer(gdf, f"rank_bench_{n}", theme="analysis", opacity=0.75)
    layer.style = {"renderer": graduated_renderer(gdf["score"], "score", "quantiles", 5,
                                                  "YlGnBu")}
    project.add_layer(layer)
    return project


def _open(app, project, refreshes: int, canvas=None) -> dict:
    from hljgis.gui.layout.composer import LayoutComposer

    t0 = time.perf_counter()
    kw = {} if canvas is None else {"view_extent": canvas.extent,
                                    "layer_cache": canvas.layer_cache}
    dlg = LayoutComposer(project, **kw)
    dlg.resize(1280, 720)
    dlg.show()
    app.processEvents()
    t_open = time.perf_counter() - t0
    while not dlg._request:  # asked for once the dialog is on screen
        app.processEvents()
    first = dlg._request
    stall = 0.0
    while dlg.drawn_request < first:
        t = time.perf_counter()
        app.processEvents()
        stall = max(stall, time.perf_counter() - t)
        time.sleep(0.002)
    t_first = time.perf_counter() - t0
    draw, screen = [], []
    for i in range(refreshes):
        before = dlg._request
        t = time.perf_counter()
        text = f"Refresh {i}"
        dlg.text.title_edit.setText(text)
        dlg.text.title_edit.textEdited.emit(text)  # what typing does: debounced
        while dlg.drawn_request <= before:
            app.processEvents()
            time.sleep(0.002)
        screen.append(time.perf_counter() - t)
        draw.append(dlg.last_seconds)
    dlg.reject()
    return {"open_s": t_open, "stall_s": stall, "first_page_s": t_first,
            "refresh_s": statistics.median(draw), "refresh_min_s": min(draw),
            "refresh_max_s": max(draw), "screen_s": statistics.median(screen)}


def run(n: int, refreshes: int) -> list[tuple[str, dict]]:
    from PySide6.QtWidgets import QApplication

    from hljgis.gui.widgets.map_canvas import MapCanvas

    app = QApplication.instance() or QApplication([])
    t = time.perf_counter()
    import hljgis.gui.layout.composer  # noqa: F401 - Ctrl+P's first import, timed apart

    t_import = time.perf_counter() - t
    out = [("alone", dict(_open(app, _project(n), refreshes), import_s=t_import))]
    project = _project(n)
    canvas = MapCanvas()
    canvas.resize(1000, 700)
    canvas.show()
    t = time.perf_counter()
    canvas.set_project(project)
    canvas.wait_for_render(120_000)
    t_canvas = time.perf_counter() - t
    out.append(("canvas", dict(_open(app, project, refreshes, canvas), canvas_s=t_canvas)))
    out.append(("reopen", _open(app, project, refreshes, canvas)))
    canvas.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--refreshes", type=int, default=5)
    args = ap.parse_args()
    print(f"{'cells':>10} {'way':>7} {'open s':>7} {'stall s':>8} {'1st page s':>10} "
          f"{'refresh s':>9} {'min s':>6} {'max s':>6} {'key->screen s':>13}")
    for n in args.n:
        for way, r in run(n, args.refreshes):
            print(f"{n:>10,} {way:>7} {r['open_s']:>7.3f} {r['stall_s']:>8.3f} "
                  f"{r['first_page_s']:>10.3f} {r['refresh_s']:>9.3f} "
                  f"{r['refresh_min_s']:>6.3f} {r['refresh_max_s']:>6.3f} "
                  f"{r['screen_s']:>13.3f}"
                  + (f"   (canvas first frame {r['canvas_s']:.2f} s)" if "canvas_s" in r
                     else "")
                  + (f"   (composer import {r['import_s']:.2f} s, first dialog of the "
                     "process)" if "import_s" in r else ""))
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
              f"{os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
