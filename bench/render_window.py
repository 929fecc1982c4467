"""First frame of an opened project in the main window (offscreen), in a fresh process.

A project file holding the bench's parcel layer (graduated quantile classes on ``score``,
the columns a planner keeps) is written once as the CLI saves it, and once as the window
saves it (with the picture of its home view, io.project_preview). A new process then starts
the window, and the clock runs from File > Open (``MainWindow.open_project``) until the map
canvas paints its first frame showing the layer (the saved picture, or the rendered layer
when there is none); the layers read and the first fully rendered frame are timed too.

    QT_QPA_PLATFORM=offscreen python bench/render_window.py [--n 1000000] [--repeat 3]

Target (issue 15 point 2): under 1 s at a million parcels.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

_CHILD = r"""
import json, sys, time
t_start = time.perf_counter()
from PySide6.QtWidgets import QApplication
app = QApplication(["hljgis-bench"])
from hljgis.gui.main_window import MainWindow
window = MainWindow()
window.resize(1600, 1000)
window.show()
app.processEvents()
canvas = window.canvas
from PySide6.QtCore import QEvent, QObject
state = {"shown": None, "rendered": None}
marks = {}


class Watch(QObject):
    # the canvas paints its frame right after this filter sees the Paint event
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            now = time.perf_counter()
            if state["shown"] is not None and "first" not in marks:
                marks["first"] = now
                marks["first_is_preview"] = canvas.showing_preview()
            if state["rendered"] is not None and "full" not in marks:
                marks["full"] = now
        return False


watch = Watch()
canvas.installEventFilter(watch)
canvas.preview_shown.connect(lambda: state.update(shown=time.perf_counter()))
canvas.render_finished.connect(
    lambda: state.update(rendered=time.perf_counter(), shown=state["shown"] or 1.0))
t_ready = time.perf_counter()
t0 = time.perf_counter()
window.open_project(sys.argv[1])  # returns when the layers are read (the window paints meanwhile)
t_open = time.perf_counter()
if len(sys.argv) > 2 and canvas.showing_preview():  # what the planner sees while it draws
    canvas.grab().save(sys.argv[2])
while "full" not in marks and time.perf_counter() - t0 < 600:
    app.processEvents()
    time.sleep(0.001)
stats = canvas._renderer.last_stats
layer = window.session.project.layers[0]
print("RESULT " + json.dumps({"first_frame": marks["first"] - t0,
                              "preview": marks["first_is_preview"],
                              "open": t_open - t0, "full_frame": marks["full"] - t0,
                              "features": len(layer.gdf),
                              "window": t_ready - t_start,
                              "render": stats.get("total_s", 0.0)}))
canvas.shutdown()
"""


def ensure_project(folder: Path, n: int, preview: bool = False) -> Path:
    """``planner_<n>.hljgis.gpkg``: the parcels layer, styled, saved as a project (as the
    CLI saves it: no preview); with ``preview``, ``planner_<n>_preview.hljgis.gpkg``, the
    same project saved as the window saves it (with the picture of its home view)."""
    path = folder / f"planner_{n}{'_preview' if preview else ''}.hljgis.gpkg"
    if path.exists():
        return path
    from hljgis.io.project_file import load_project, save_project

    if preview:
        from PySide6.QtWidgets import QApplication

        from hljgis.gui.project_preview import render_preview
        from hljgis.io.project_preview import set_preview_maker

        _app = QApplication.instance() or QApplication(["hljgis-bench"])  # noqa: F841
        project = load_project(ensure_project(folder, n))
        set_preview_maker(render_preview)
        try:
            save_project(project, path)
        finally:
            set_preview_maker(None)
        return path
    from bench.render_disk import ensure_data
    from hljgis.core.project import Project
    from hljgis.core.style import graduated_renderer
    from hljgis.io.readers import read_file

    data = ensure_data(folder, n)
    layer = read_file(data, layer="parcels")[0]
    layer.style = {"renderer": graduated_renderer(layer.gdf["score"], "score", "quantiles", 5,
                                                  "YlOrRd")}
    project = Project("render bench")
    project.crs = layer.crs
    project.add_layer(layer)
    save_project(project, path)
    return path


def run_child(path: Path, png: str = "") -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPYCACHEPREFIX": str(path.parent / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed hljgis has its bytecode
    argv = [sys.executable, "-c", _CHILD, str(path), *([png] if png else [])]
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"child failed:\n{proc.stderr[-3000:]}")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


def _line(runs: list[dict]) -> str:
    first = [r["first_frame"] for r in runs]
    fastest = min(runs, key=lambda r: r["first_frame"])
    kind = "saved preview" if fastest["preview"] else "rendered layer"
    return (f"first frame {statistics.median(first):.2f} s median (min {min(first):.2f}, "
            f"{kind}); layers read {fastest['open']:.2f} s, full frame "
            f"{fastest['full_frame']:.2f} s (render {fastest['render']:.2f} s), "
            f"{fastest['features']:,} features")


def first_frame_report(folder: Path, n: int, repeat: int = 3) -> str:
    plain = ensure_project(folder, n)
    with_preview = ensure_project(folder, n, preview=True)
    before = [run_child(plain) for _ in range(repeat)]
    after = [run_child(with_preview, str(folder / "first_frame_preview.png"))
             for _ in range(repeat)]
    load = os.getloadavg()[0]
    return (f"project with {n:,} parcels (target: first frame under 1 s; window start "
            f"{after[0]['window']:.2f} s not counted), load {load:.2f}\n"
            f"  saved without preview (CLI): {_line(before)}\n"
            f"  saved from the window:       {_line(after)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", default="/tmp/hljgis-render-disk")
    args = ap.parse_args()
    t = time.perf_counter()
    path = ensure_project(Path(args.dir), args.n, preview=True)
    print(f"project {path} ready ({time.perf_counter() - t:.1f} s)", file=sys.stderr)
    print(first_frame_report(Path(args.dir), args.n, args.repeat))


if __name__ == "__main__":
    main()
