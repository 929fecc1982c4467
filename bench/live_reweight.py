"""Live re-weighting at N sites: from an edit in the ranking dock to the re-coloured frame.

Usage::

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/live_reweight.py [--n 1000000]
        [--repeat 7] [--competitor 2]

Data: bench/rank.py's generated layers and scenario (N 100 m cells in EPSG:4553, six
criteria, one exclusion), in a project whose map is in CGCS2000 lon/lat as the app's is
(the cells are then filled by scanline, not as boxes); the random-walk roads are hidden
from the map (Qt strokes them in ~1 s a frame). The real ranking dock and an
offscreen MapCanvas of 1600 x 1000 px run the whole path: a weight typed in the criteria
table, a transform parameter, a constraint switched between exclude and penalty ->
re-score on the worker -> new frame on the result layer -> canvas frame rendered
(``render_finished``). The frame comes after the first of a live edit's two steps (scores
and the best sites' ranks); the ranks of all sites and the results table follow (printed
as "all ranks (after)" and "edit->table"). Printed per edit kind: the median and range of
edit-to-frame times, each step's median, the worker's, GUI thread's and render thread's
shares, the CPU time of the worker
and render threads (what the figure would be on an idle machine, less the GUI's part),
and the longest gap between the ticks of a 5 ms QTimer (the longest GUI-thread stall)
from the edit until 100 ms after the frame.
"Cold" is the first edit after the dock attaches to a run (a fresh re-scorer, whose caches
the dock fills in the background on attaching; the edit comes 0.2 s later, as the probe
lets the event loop settle before each edit), "warm" the edits after it.

The competitor runs in the same process: the same edit through the existing path, a full
run of the ranking (the dock's Run button: measuring every criterion again on its worker,
then adding the result layer, which the canvas prepares from scratch), timed from the
click to the frame, with its longest stall. The machine is shared (2 cores): the load
average is printed before and after, and the medians of the repeats are what counts.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from rank import CRS, SCENARIO, make_data  # noqa: E402

SIZE = (1600, 1000)


class Probe:
    """Edit-to-frame time and the longest event-loop gap around it."""

    def __init__(self, app, canvas):
        from PySide6.QtCore import QTimer

        self.app, self.canvas = app, canvas
        self.frames: list[float] = []
        self.gcs: list[float] = []  # full collections during measured edits
        canvas.render_finished.connect(lambda: self.frames.append(time.perf_counter()))
        self.ticks: list[float] = []
        # full garbage collections scan every tracked object (a million shapely geometries
        # each for the cells and their reprojection): they hold the GIL, stalling all threads
        self.gc_pauses: list[float] = []
        self._gc_start = 0.0

        def on_gc(phase, info):
            if info.get("generation") == 2:
                if phase == "start":
                    self._gc_start = time.perf_counter()
                else:
                    self.gc_pauses.append(time.perf_counter() - self._gc_start)

        gc.callbacks.append(on_gc)
        self.timer = QTimer(interval=5)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))
        self.timer.start()

    def settle(self, seconds: float = 0.3) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            self.app.processEvents()
            time.sleep(0.002)

    def measure(self, edit, done, timeout_s: float = 600.0) -> dict:
        """Run ``edit()``; wait until ``done()`` and the next frame; return the times."""
        self.settle(0.2)
        self.ticks.clear()
        gc_before = len(self.gc_pauses)
        start = len(self.frames)
        t0 = time.perf_counter()
        edit()
        while time.perf_counter() - t0 < timeout_s:
            self.app.processEvents()
            if done() and len(self.frames) > start and not self.canvas.is_rendering():
                break
            time.sleep(0.0005)
        else:
            raise TimeoutError("no frame")
        frame = self.frames[-1]
        stats = self.canvas._renderer.last_stats
        render, render_cpu = stats.get("total_s", np.nan), stats.get("cpu_s", np.nan)
        self.settle(0.1)
        ticks = [t0, *[t for t in self.ticks if t >= t0]]
        gaps = np.diff(ticks) if len(ticks) > 1 else np.array([time.perf_counter() - t0])
        self.gcs.extend(self.gc_pauses[gc_before:])
        return {"frame": frame - t0, "stall": float(gaps.max()), "render": render,
                "render_cpu": render_cpu, "t0": t0}


def build(n: int):
    from hljgis.core.layer import VectorLayer
    from hljgis.core.project import Project
    from hljgis.core.session import Session
    from hljgis.core.style import default_style

    project = Project("bench")
    for name, gdf in make_data(n).items():
        layer = VectorLayer(gdf, name)
        layer.style = default_style(layer)  # as a project file stores it (the renderer
        project.add_layer(layer)            # would otherwise derive it every frame)
    project.set_scenario("bench", SCENARIO)
    return Session(project)


def summary(label: str, rows: list[dict]) -> None:
    if "scores" in rows[0]:
        steps(label, rows)
    frame = [r["frame"] * 1000 for r in rows]
    stall = [r["stall"] * 1000 for r in rows]
    worker = [r.get("worker", np.nan) * 1000 for r in rows]
    gui = [r.get("gui", np.nan) * 1000 for r in rows]
    render = [r.get("render", np.nan) * 1000 for r in rows]
    cpu = [(r.get("worker_cpu", np.nan) + r.get("render_cpu", np.nan)) * 1000 for r in rows]

    def med(v):
        return statistics.median(v)

    print(f"  {label:<24}{med(frame):7.0f} ms [{min(frame):.0f}-{max(frame):.0f}]  "
          f"re-score+frame build {med(worker):4.0f} ms, GUI swap {med(gui):4.1f} ms, render "
          f"{med(render):4.0f} ms (CPU of both {med(cpu):4.0f} ms); longest stall "
          f"{med(stall):3.0f} ms (max {max(stall):.0f})  n={len(rows)}")


STEPS = (("edit", "dock edit (GUI)"), ("scores", "scores"), ("results", "frame build"),
         ("labels", "top-N labels"),
         ("gui", "GUI swap"), ("render", "render"), ("ranks", "all ranks (after)"),
         ("table", "table (GUI)"), ("table_total", "edit->table"))


def steps(label: str, rows: list[dict]) -> None:
    """Medians of each step (ms) of a live edit, so the figure can be re-measured."""
    parts = [f"{name} {statistics.median(r.get(k, np.nan) for r in rows) * 1000:.1f}"
             for k, name in STEPS]
    print(f"  {label:<24}steps (median ms): " + ", ".join(parts))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=7, help="edits of each kind")
    ap.add_argument("--competitor", type=int, default=2, help="full re-runs")
    ap.add_argument("--save", help="write the last live frame to this PNG")
    args = ap.parse_args()

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from hljgis.gui.ranking.models import CriteriaModel
    from hljgis.gui.ranking.panel import RankingPanel
    from hljgis.gui.widgets.map_canvas import MapCanvas
    from hljgis.render import ensure_fonts

    ensure_fonts()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on "
          f"{os.cpu_count()} CPUs; N = {args.n:,} sites; frame {SIZE[0]}x{SIZE[1]}, "
          f"map CRS CGCS2000 (data {CRS})")
    session = build(args.n)
    # bench/rank.py's roads are 200 random walks across the whole area; Qt strokes them in
    # ~1 s per frame (one drawPath, holding the GIL) whatever the ranking does, so the map
    # hides them (the criterion still measures them)
    session.project.layer("roads").visible = False
    canvas = MapCanvas()
    canvas.resize(*SIZE)
    canvas.show()
    canvas.set_project(session.project)
    panel = RankingPanel(session)
    panel.resize(540, 860)
    panel.show()
    panel.live.canvas = canvas
    panel.select_scenario("bench")
    panel.mc_check.setChecked(False)
    panel.label_box.setValue(10)
    probe = Probe(app, canvas)

    def run_done():
        return not panel.is_running() and panel.result_layer is not None

    def full_run():
        old = panel.result_layer
        if old is not None and old.name in session.project:
            session.project.remove_layer(old.name)
        panel.result_layer = None
        assert panel.run() is not None, panel.status.text()

    t0 = time.perf_counter()
    first = probe.measure(full_run, run_done)
    canvas.zoom_to(panel.result_layer.bounds if panel.result_layer.crs.equals(
        session.project.crs) else session.project.full_extent(), pad=0.02)
    assert canvas.wait_for_render(600_000)
    print(f"first run and frame: {first['frame']:.1f} s (setup {time.perf_counter() - t0:.1f}"
          f" s); run stages: " + ", ".join(f"{k} {v:.2f}" for k, v in
                                         panel.result.timings.items()))
    live = panel.live

    def live_done():
        return not live.busy()

    weights = iter(np.tile([5.0, 1.0, 3.0, 8.0, 2.0, 6.0], 100))

    def weight():
        panel.criteria.setData(panel.criteria.index(0, CriteriaModel.WEIGHT), next(weights))

    b_values = iter(np.tile([15000, 20000, 12000, 25000], 100))

    def transform():
        panel.criteria.setData(panel.criteria.index(0, CriteriaModel.PARAMS),
                               f"a=1000, b={next(b_values)}")

    modes = iter(["multiply", "exclude"] * 100)

    def constraint():
        panel.constraints.set_action(0, next(modes), 0.5)

    def record(rows, kind):
        m = probe.measure(kind, live_done)
        m.update(live.last_timings)
        m["edit"] = m["requested_at"] - m["t0"]  # the dock's own handling of the edit
        rows.append(m)

    probe.gcs.clear()  # from here on: collections during the live edits only
    results: dict[str, list[dict]] = {k: [] for k in (
        "weight, cold", "weight, warm", "transform param, warm", "exclude<->penalty, warm")}
    for _ in range(args.repeat):
        live.attach(live.result, live.layer)  # a fresh re-scorer: caches empty again
        record(results["weight, cold"], weight)
        record(results["weight, warm"], weight)
        record(results["transform param, warm"], transform)
        record(results["exclude<->penalty, warm"], constraint)
    assert not panel.status.styleSheet(), panel.status.text()
    print(f"live re-weighting (edit in the dock -> frame rendered), {args.repeat} repeats:")
    for label, rows in results.items():
        summary(label, rows)
    gcs = np.array(probe.gcs) * 1000
    print(f"  full garbage collections during these edits: {len(gcs)}"
          + (f", {np.median(gcs):.0f} ms median, {gcs.max():.0f} ms longest" if len(gcs)
             else ""))
    if args.save:
        canvas._image.save(args.save)

    comp = []
    for _ in range(args.competitor):
        weight()  # the same kind of edit, seen through a full run
        comp.append(probe.measure(full_run, run_done))
    if comp:
        print("full re-run (the dock's Run button -> frame rendered):")
        summary("full run", comp)
        live_ms = statistics.median(r["frame"] for r in results["weight, warm"])
        full_ms = statistics.median(r["frame"] for r in comp)
        print(f"ratio full run / live (weight edit, warm, medians): {full_ms / live_ms:.0f}x")
    import resource

    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end; peak "
          f"RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    panel.shutdown()
    canvas.shutdown()


if __name__ == "__main__":
    main()
