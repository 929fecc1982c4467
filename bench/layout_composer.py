"""Layout composer speed with a big ranking layer: dialog open, first page, refresh.

Adds N generated ranking cells (bench/render.py's grid, theme "analysis", graduated
quantiles) to the bundled project, opens the composer and prints: seconds until the dialog
is shown (the GUI is free from then on: pages are drawn in a worker thread), seconds until
the first page is on screen, and the worker's seconds per refresh after a title edit (the
same renderer draws every refresh, so prepared geometry is reused).

    QT_QPA_PLATFORM=offscreen python bench/layout_composer.py [--n 100000 1000000]

Target (issue 15 point 3): open < 1 s, refresh < 300 ms with a 1M-site ranking shown.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(__file__))


def run(n: int, refreshes: int) -> dict:
    from PySide6.QtWidgets import QApplication
    from render import make_cells

    from hljgis.core.layer import VectorLayer
    from hljgis.core.style import graduated_renderer
    from hljgis.gui.layout.composer import LayoutComposer
    from hljgis.io import load_project
    from hljgis.io.bundled import bundled_project_path

    app = QApplication.instance() or QApplication([])
    project = load_project(bundled_project_path())
    gdf = make_cells(n)
    layer = VectorLayer(gdf, f"rank_bench_{n}", theme="analysis", opacity=0.75)
    layer.style = {"renderer": graduated_renderer(gdf["score"], "score", "quantiles", 5,
                                                  "YlGnBu")}
    project.add_layer(layer)

    def wait(dlg, rid):
        while dlg.drawn_request < rid:
            app.processEvents()
            time.sleep(0.002)

    t0 = time.perf_counter()
    dlg = LayoutComposer(project)
    dlg.resize(1280, 720)
    dlg.show()
    app.processEvents()
    t_open = time.perf_counter() - t0
    rid = dlg.update_preview()
    wait(dlg, rid)
    t_first = time.perf_counter() - t0
    times = []
    for i in range(refreshes):
        dlg.text.title_edit.setText(f"Refresh {i}")
        dlg.text.title_edit.textEdited.emit(f"Refresh {i}")
        rid = dlg.update_preview()
        wait(dlg, rid)
        times.append(dlg.last_seconds)
    dlg.reject()
    return {"n": n, "open_s": t_open, "first_page_s": t_first,
            "refresh_s": sorted(times)[len(times) // 2], "refresh_max_s": max(times)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--refreshes", type=int, default=5)
    args = ap.parse_args()
    print(f"{'cells':>10} {'open s':>8} {'1st page s':>11} {'refresh s':>10} {'max s':>7}")
    for n in args.n:
        r = run(n, args.refreshes)
        print(f"{r['n']:>10,} {r['open_s']:>8.3f} {r['first_page_s']:>11.3f} "
              f"{r['refresh_s']:>10.3f} {r['refresh_max_s']:>7.3f}")


if __name__ == "__main__":
    main()
