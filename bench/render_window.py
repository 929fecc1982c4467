"""First frame of an opened project in the main window (offscreen), in a fresh process.

A project file holding the bench's parcel layer (graduated quantile classes on ``score``,
the columns a planner keeps) is written three ways: with no picture (as ``io.save_project``
alone writes it), as the CLI saves it (its offscreen picture, export.project_picture), and
from the window (the frame on screen; then zoomed in, the picture drawn from the canvas's
prepared layers); the CLI and window saves are timed. A new process then starts the window,
and the clock runs from File > Open (``MainWindow.open_project``) until the map canvas
paints its first frame showing the layer (the saved picture, or the rendered layer when
there is none); the layers read and the first fully rendered frame are timed too.

    QT_QPA_PLATFORM=offscreen python bench/render_window.py [--n 1000000] [--repeat 3]

Targets (issue 15): first frame under 1 s at a million parcels (point 2), a window save
under 2 s (point 3).
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

# ``python bench/<this>.py`` puts bench/ first on the path: the repository root too, for
# the other bench modules (``bench.render_disk``, ``bench.render_window``)
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

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


_SAVE_CHILD = r"""
import json, sys, time
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication(["hljgis-bench"])
from hljgis.gui.main_window import MainWindow
from hljgis.io.project_file import load_project, save_project
window = MainWindow()
window.resize(1600, 1000)
window.show()
app.processEvents()
window.session.set_project(load_project(sys.argv[1]))
assert window.canvas.wait_for_render(600000)
out = Path(sys.argv[2])
times = {}
t = time.perf_counter(); assert window._save(str(out)); times["home"] = time.perf_counter() - t
window.canvas.zoom_by(0.25)
assert window.canvas.wait_for_render(600000)
zoomed = out.with_name(out.name.replace("_window", "_zoomed"))
t = time.perf_counter(); assert window._save(str(zoomed)); times["zoomed"] = time.perf_counter() - t
plain = out.with_name("scratch_plain.hljgis.gpkg")
t = time.perf_counter(); save_project(window.session.project, plain)
times["plain"] = time.perf_counter() - t
plain.unlink()
window.session.project.dirty = False
window.canvas.shutdown()
print("RESULT " + json.dumps(times))
"""


def _plain_project(folder: Path, n: int) -> Path:
    """``planner_<n>.hljgis.gpkg``: the parcels layer, styled, saved with no picture."""
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


def cli_save(folder: Path, n: int) -> tuple[Path, dict]:
    """The plain project saved as the CLI saves it (with its offscreen picture), in a fresh
    process: seconds to save with the picture (drawn cold, as a CLI command does) and the
    best of two saves without."""
    out = folder / f"planner_{n}_cli.hljgis.gpkg"
    code = (
        "import json, sys, time\n"
        "from hljgis.io.project_file import load_project, save_project\n"
        "from hljgis.export.project_picture import offscreen_preview\n"
        "p = load_project(sys.argv[1])\n"
        "def timed(**kw):\n"
        "    t = time.perf_counter(); save_project(p, **kw); return time.perf_counter() - t\n"
        "plain = timed(path=sys.argv[3])\n"
        "cli = timed(path=sys.argv[2], preview=offscreen_preview)  # the picture drawn cold\n"
        "plain = min(plain, timed(path=sys.argv[3]))\n"
        "print('RESULT ' + json.dumps({'plain': plain, 'cli': cli}))\n")
    scratch = folder / "scratch_cli_plain.hljgis.gpkg"
    times = _child([sys.executable, "-c", code, str(_plain_project(folder, n)), str(out),
                    str(scratch)], folder)
    scratch.unlink(missing_ok=True)
    return out, times


def window_save(folder: Path, n: int) -> tuple[Path, dict]:
    """The plain project opened in the window and saved from it at the home view, then
    zoomed in (x4) and saved again: seconds per save."""
    out = folder / f"planner_{n}_window.hljgis.gpkg"
    times = _child([sys.executable, "-c", _SAVE_CHILD, str(_plain_project(folder, n)),
                    str(out)], folder)
    return out, times


def _child(argv: list[str], folder: Path) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPYCACHEPREFIX": str(folder / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed hljgis has its bytecode
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"child failed:\n{proc.stderr[-3000:]}")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


def run_child(path: Path, png: str = "") -> dict:
    return _child([sys.executable, "-c", _CHILD, str(path), *([png] if png else [])],
                  path.parent)


def _line(runs: list[dict]) -> str:
    first = [r["first_frame"] for r in runs]
    fastest = min(runs, key=lambda r: r["first_frame"])
    kind = "saved preview" if fastest["preview"] else "rendered layer"
    return (f"first frame {statistics.median(first):.2f} s median (min {min(first):.2f}, "
            f"{kind}); layers read {fastest['open']:.2f} s, full frame "
            f"{fastest['full_frame']:.2f} s (render {fastest['render']:.2f} s), "
            f"{fastest['features']:,} features")


def first_frame_report(folder: Path, n: int, repeat: int = 3) -> str:
    plain = _plain_project(folder, n)
    by_cli, cli_times = cli_save(folder, n)
    by_window, window_times = window_save(folder, n)
    runs = {"plain": [run_child(plain) for _ in range(repeat)],
            "cli": [run_child(by_cli, str(folder / "first_frame_cli.png"))
                    for _ in range(repeat)],
            "window": [run_child(by_window, str(folder / "first_frame_window.png"))
                       for _ in range(repeat)]}
    load = os.getloadavg()[0]
    w = window_times
    return (f"project with {n:,} parcels (target: first frame under 1 s; window start "
            f"{runs['cli'][0]['window']:.2f} s not counted), load {load:.2f}\n"
            f"  saved with no picture:        {_line(runs['plain'])}\n"
            f"  saved by the CLI:             {_line(runs['cli'])}\n"
            f"  saved from the window:        {_line(runs['window'])}\n"
            f"  CLI save {cli_times['cli']:.2f} s with the picture, "
            f"{cli_times['plain']:.2f} s without\n"
            f"  window save (target 2 s): home view {w['home']:.2f} s, zoomed in "
            f"{w['zoomed']:.2f} s; without a picture {w['plain']:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", default="/tmp/hljgis-render-disk")
    args = ap.parse_args()
    t = time.perf_counter()
    path = _plain_project(Path(args.dir), args.n)
    print(f"project {path} ready ({time.perf_counter() - t:.1f} s)", file=sys.stderr)
    print(first_frame_report(Path(args.dir), args.n, args.repeat))


if __name__ == "__main__":
    main()
