"""First frame of an opened project in the main window (offscreen), in a fresh process.

A project file holding the bench's parcel layer (graduated quantile classes on ``score``,
the columns a planner keeps) is written once. A new process then starts the window, and
the clock runs from File > Open (``MainWindow.open_project``) until the map canvas paints
its first rendered frame of the project.

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
state = {"rendered": None, "paint": False}
painted = []


class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and state["rendered"] is not None:
            state["paint"] = True  # the canvas paints its frame right after this filter
        return False


watch = Watch()
canvas.installEventFilter(watch)
canvas.render_finished.connect(lambda: state.update(rendered=time.perf_counter()))
t_ready = time.perf_counter()
t0 = time.perf_counter()
window.open_project(sys.argv[1])
t_open = time.perf_counter()
while not painted and time.perf_counter() - t0 < 600:
    app.processEvents()
    if state["paint"]:
        painted.append(time.perf_counter())
    time.sleep(0.001)
stats = canvas._renderer.last_stats
print("RESULT " + json.dumps({"first_frame": painted[0] - t0, "open": t_open - t0,
                              "window": t_ready - t_start,
                              "render": stats.get("total_s", 0.0),
                              "rendered": state["rendered"] - t0}))
canvas.shutdown()
"""


def ensure_project(folder: Path, n: int) -> Path:
    """``planner_<n>.hljgis.gpkg``: the parcels layer, styled, saved as a project."""
    path = folder / f"planner_{n}.hljgis.gpkg"
    if path.exists():
        return path
    from bench.render_disk import ensure_data
    from hljgis.core.project import Project
    from hljgis.core.style import graduated_renderer
    from hljgis.io.project_file import save_project
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


def run_child(path: Path) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPYCACHEPREFIX": str(path.parent / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed hljgis has its bytecode
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True,
                          text=True, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"child failed:\n{proc.stderr[-3000:]}")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


def first_frame_report(folder: Path, n: int, repeat: int = 3) -> str:
    path = ensure_project(folder, n)
    runs = [run_child(path) for _ in range(repeat)]
    first = [r["first_frame"] for r in runs]
    fastest = min(runs, key=lambda r: r["first_frame"])
    load = os.getloadavg()[0]
    return (f"project with {n:,} parcels: first frame on screen "
            f"{statistics.median(first):.2f} s median (min {min(first):.2f}; target 1 s) "
            f"[fastest: open {fastest['open']:.2f} s, render {fastest['render']:.2f} s; "
            f"window start {fastest['window']:.2f} s not counted] load {load:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", default="/tmp/hljgis-render-disk")
    args = ap.parse_args()
    t = time.perf_counter()
    path = ensure_project(Path(args.dir), args.n)
    print(f"project {path} ready ({time.perf_counter() - t:.1f} s)", file=sys.stderr)
    print(first_frame_report(Path(args.dir), args.n, args.repeat))


if __name__ == "__main__":
    main()
